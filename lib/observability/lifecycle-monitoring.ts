import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { AlarmTopic } from '../shared/alarm-topic';
import { VARIANT_NAME } from '../contracts/serving';

/** What is watched: the resources of each stage, by reference or by name. */
export interface WatchedResources {
  readonly stream: kinesis.IStream;
  /** The Firehose delivery stream's name. */
  readonly deliveryStreamName: string;
  readonly cleaner: lambda.IFunction;
  /** The curate and features Glue jobs' names. */
  readonly glueJobNames: readonly string[];
  /** Their runs, succeeded and failed (Glue publishes no run counts of its own). */
  readonly glueRuns: {
    metricSucceeded(jobName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric;
    metricFailed(jobName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric;
  };
  readonly pipeline: sfn.IStateMachine;
  /** The endpoint's (fixed) name; its metrics exist only while a model is deployed. */
  readonly endpointName: string;
  /**
   * The data-quality monitor's violations metric, graphed when given.
   * @default - no Model Monitor (it is opt-in): no graph of its runs
   */
  readonly violations?: cloudwatch.IMetric;
  /** The deploy function, and its dead-letter queue: approvals it could not deploy. */
  readonly deployer: lambda.IFunction;
  readonly deployDeadLetters: sqs.IQueue;
}

export interface LifecycleMonitoringProps {
  readonly watched: WatchedResources;
  /** The key that encrypts the alarm topic. */
  readonly key: kms.IKey;
  /**
   * An address to subscribe to the alarm topic.
   * @default - none
   */
  readonly alarmEmail?: string;
  /** The stream's oldest unread record may wait this long before the alarm fires. */
  readonly maxIteratorAge: Duration;
  /** The oldest record in Firehose may wait this long for delivery before the alarm fires. */
  readonly maxDeliveryDelay: Duration;
  /** The dashboard's name (a physical name: the one a person looks for in the console). */
  readonly dashboardName: string;
}

/**
 * One CloudWatch dashboard over the whole lifecycle, a section (a header and a row of graphs) per
 * stage, and the alarms that need a person, all notifying one KMS-encrypted topic.
 *
 * Built with aws-cdk-lib's own CloudWatch constructs: the metrics here are a few dozen, named in
 * the services' documentation, and the constructs keep each graph next to the alarm it explains.
 * A library such as cdk-monitoring-constructs would add a dependency for defaults this project
 * would mostly override.
 */
export class LifecycleMonitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: LifecycleMonitoringProps) {
    super(scope, id);
    const w = props.watched;
    this.topic = new AlarmTopic(this, 'AlarmTopic', { displayName: 'ml-lifecycle-cdk alarms', key: props.key });
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }

    const period = Duration.minutes(5);
    const metric = (namespace: string, metricName: string, dimensionsMap: Record<string, string>, statistic: string) =>
      new cloudwatch.Metric({ namespace, metricName, dimensionsMap, statistic, period });

    // ---- Ingestion
    const iteratorAge = w.stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period });
    const firehose = (name: string, statistic: string) =>
      metric('AWS/Firehose', name, { DeliveryStreamName: w.deliveryStreamName }, statistic);
    const freshness = firehose('DeliveryToS3.DataFreshness', 'Maximum');
    const cleanerErrors = w.cleaner.metricErrors({ period });
    this.alarm('StreamBehind', 'persisting', {
      description: `The stream's oldest unread record is older than ${props.maxIteratorAge.toHumanString()}: Firehose is not keeping up, and records may expire`,
      metric: iteratorAge,
      threshold: props.maxIteratorAge.toMilliseconds(),
    });
    this.alarm('DeliveryLate', 'persisting', {
      description: `Firehose holds records older than ${props.maxDeliveryDelay.toHumanString()}: delivery to the raw zone is stuck or failing`,
      metric: freshness,
      threshold: props.maxDeliveryDelay.toSeconds(),
    });
    this.alarm('CleanerFailing', 'every', {
      description: 'The record cleaner Lambda throws: Firehose retries its batches, then writes them to stream-errors/',
      metric: cleanerErrors,
      threshold: 1,
    });

    // ---- ETL
    const glue = (job: string, name: string, statistic: string) =>
      metric('Glue', name, { JobName: job, JobRunId: 'ALL', Type: 'count' }, statistic);

    // ---- Training
    const executionsFailed = w.pipeline.metricFailed({ period });
    this.alarm('TrainingFailed', 'every', {
      description: 'A training pipeline run failed: its topic has the cause; the Step Functions console shows the step',
      metric: executionsFailed,
      threshold: 1,
    });

    // ---- Serving
    const endpoint = (name: string, statistic: string, namespace = 'AWS/SageMaker') =>
      metric(namespace, name, { EndpointName: w.endpointName, VariantName: VARIANT_NAME }, statistic);
    const undeployed = w.deployDeadLetters.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' });
    this.alarm('DeploymentFailed', 'every', {
      description:
        'An approved model could not be deployed: the approval event waits in the deployer dead-letter queue, the cause is in the deploy function log',
      metric: undeployed,
      threshold: 1,
    });

    const graph = (title: string, metrics: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
      new cloudwatch.GraphWidget({ title, left: metrics, right, width: 6, height: 6 });
    const header = (text: string) => new cloudwatch.TextWidget({ markdown: text, width: 24, height: 1 });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(header('## Ingestion: Kinesis → Firehose (cleaner) → raw zone'));
    this.dashboard.addWidgets(
      graph(
        'Stream: incoming records and bytes',
        [w.stream.metricIncomingRecords({ period, statistic: 'Sum' })],
        [w.stream.metricIncomingBytes({ period, statistic: 'Sum' })],
      ),
      graph(
        'Stream: iterator age (ms), write throttles',
        [iteratorAge],
        [w.stream.metricPutRecordsThrottledRecords({ period, statistic: 'Sum' })],
      ),
      graph('Firehose: delivery success, freshness (s)', [firehose('DeliveryToS3.Success', 'Average')], [freshness]),
      graph(
        'Firehose: processing (cleaner) success; cleaner errors, throttles',
        [firehose('ExecuteProcessing.Success', 'Average')],
        [cleanerErrors, w.cleaner.metricThrottles({ period }), w.cleaner.metricDuration({ period, statistic: 'p90' })],
      ),
    );
    this.dashboard.addWidgets(header('## ETL: Glue curate → features'));
    this.dashboard.addWidgets(
      graph(
        'Job runs: succeeded, failed',
        w.glueJobNames.flatMap((job) => [
          w.glueRuns.metricSucceeded(job, { period, label: `${job} succeeded` }),
          w.glueRuns.metricFailed(job, { period, label: `${job} failed` }),
        ]),
      ),
      graph(
        'Glue: completed and failed Spark tasks',
        w.glueJobNames.flatMap((job) => [
          glue(job, 'glue.driver.aggregate.numCompletedTasks', 'Sum'),
          glue(job, 'glue.driver.aggregate.numFailedTasks', 'Sum'),
        ]),
      ),
      graph(
        'Glue: run time (ms)',
        w.glueJobNames.map((job) => glue(job, 'glue.driver.aggregate.elapsedTime', 'Maximum')),
      ),
    );
    this.dashboard.addWidgets(header('## Training: Step Functions pipeline'));
    this.dashboard.addWidgets(
      graph('Pipeline runs: succeeded, failed', [w.pipeline.metricSucceeded({ period }), executionsFailed]),
      graph('Pipeline run time (ms)', [w.pipeline.metricTime({ period, statistic: 'Maximum' })]),
    );
    const monitored = w.violations === undefined ? [] : [graph('Monitoring runs with violations', [w.violations])];
    this.dashboard.addWidgets(
      header(`## Serving: endpoint, ${monitored.length === 0 ? '' : 'Model Monitor, '}deployments`),
    );
    this.dashboard.addWidgets(
      graph(
        'Invocations; 4xx and 5xx',
        [endpoint('Invocations', 'Sum')],
        [endpoint('Invocation4XXErrors', 'Sum'), endpoint('Invocation5XXErrors', 'Sum')],
      ),
      graph('Model latency (µs, p50 and p90)', [endpoint('ModelLatency', 'p50'), endpoint('ModelLatency', 'p90')]),
      graph('Instances: CPU and memory (%)', [
        endpoint('CPUUtilization', 'Average', '/aws/sagemaker/Endpoints'),
        endpoint('MemoryUtilization', 'Average', '/aws/sagemaker/Endpoints'),
      ]),
      ...monitored,
      graph('Deployments: deploy function errors, approvals not deployed', [
        w.deployer.metricErrors({ period }),
        undeployed,
      ]),
    );

    for (const alarm of this.alarms) {
      alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.topic));
    }
  }

  /**
   * An alarm that fires when the metric reaches the threshold: in `every` period for an event that
   * needs a person each time it happens (a failed run fills a single period, so anything slower
   * would never fire), or in 2 of 3 periods for a `persisting` condition, which a single slow
   * period should not raise. No data is not a problem.
   */
  private alarm(
    id: string,
    fires: 'every' | 'persisting',
    props: { description: string; metric: cloudwatch.IMetric; threshold: number },
  ): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, id, {
        alarmDescription: props.description,
        metric: props.metric,
        threshold: props.threshold,
        evaluationPeriods: fires === 'every' ? 1 : 3,
        datapointsToAlarm: fires === 'every' ? 1 : 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
