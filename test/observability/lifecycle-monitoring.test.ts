import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { LifecycleMonitoring, type LifecycleMonitoringProps } from '../../lib/observability/lifecycle-monitoring';
import { testApp } from '../support/app';
import { dashboardContent, dashboardWidgets } from './dashboard';

/** The namespace the test double of the Glue job runs publishes in. */
const GLUE_RUNS = 'Test/GlueRuns';

/** The monitoring alone in a stack, watching imported resources and a small stream. */
function monitoringIn(options: { violations?: boolean; props?: Partial<LifecycleMonitoringProps> } = {}): Template {
  const stack = new Stack(testApp(), 'Test');
  const runs = (metricName: string) => (jobName: string, props?: cloudwatch.MetricOptions) =>
    new cloudwatch.Metric({ namespace: GLUE_RUNS, metricName, dimensionsMap: { JobName: jobName }, ...props });
  new LifecycleMonitoring(stack, 'Monitoring', {
    watched: {
      stream: new kinesis.Stream(stack, 'Stream'),
      deliveryStreamName: 'delivery',
      cleaner: lambda.Function.fromFunctionName(stack, 'Cleaner', 'cleaner'),
      glueJobNames: ['curate', 'features'],
      glueRuns: { metricSucceeded: runs('Succeeded'), metricFailed: runs('Failed') },
      pipeline: sfn.StateMachine.fromStateMachineName(stack, 'Pipeline', 'training'),
      endpointName: 'churn',
      violations:
        options.violations === true
          ? new cloudwatch.Metric({ namespace: 'Test/Monitor', metricName: 'Violations' })
          : undefined,
      deployer: lambda.Function.fromFunctionName(stack, 'Deployer', 'deployer'),
      deployDeadLetters: sqs.Queue.fromQueueAttributes(stack, 'DeadLetters', {
        queueArn: stack.formatArn({ service: 'sqs', resource: 'dead-letters' }),
        queueName: 'dead-letters',
      }),
    },
    key: new kms.Key(stack, 'Key'),
    maxIteratorAge: Duration.minutes(2),
    maxDeliveryDelay: Duration.minutes(10),
    dashboardName: 'lifecycle',
    ...options.props,
  });
  return Template.fromStack(stack);
}

describe('LifecycleMonitoring', () => {
  const template = monitoringIn();
  const { metrics: graphed, headers } = dashboardContent(template);

  it('draws one dashboard of the given name over a day, a section per stage', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'lifecycle' });
    expect(headers).toEqual([
      '## Ingestion: Kinesis → Firehose (cleaner) → raw zone',
      '## ETL: Glue curate → features',
      '## Training: Step Functions pipeline',
      '## Serving: endpoint, deployments',
    ]);
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('\\"start\\":\\"-P1D\\"');
  });

  it.each([
    [
      'the stream: records, bytes, iterator age, write throttles',
      'AWS/Kinesis',
      ['IncomingRecords', 'IncomingBytes', 'GetRecords.IteratorAgeMilliseconds', 'PutRecords.ThrottledRecords'],
    ],
    [
      'Firehose: delivery success, freshness, processing',
      'AWS/Firehose',
      ['DeliveryToS3.Success', 'DeliveryToS3.DataFreshness', 'ExecuteProcessing.Success'],
    ],
    ['the cleaner and the deployer: errors, duration, throttles', 'AWS/Lambda', ['Errors', 'Duration', 'Throttles']],
    [
      'Glue: tasks completed and failed, run time',
      'Glue',
      [
        'glue.driver.aggregate.numCompletedTasks',
        'glue.driver.aggregate.numFailedTasks',
        'glue.driver.aggregate.elapsedTime',
      ],
    ],
    ['the Glue job runs it is given', GLUE_RUNS, ['Succeeded', 'Failed']],
    [
      'the pipeline: succeeded, failed, run time',
      'AWS/States',
      ['ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionTime'],
    ],
    [
      'the endpoint: invocations, 4xx, 5xx, latency',
      'AWS/SageMaker',
      ['Invocations', 'Invocation4XXErrors', 'Invocation5XXErrors', 'ModelLatency'],
    ],
    ['the endpoint instances: CPU, memory', '/aws/sagemaker/Endpoints', ['CPUUtilization', 'MemoryUtilization']],
    ['deployments: approvals not deployed', 'AWS/SQS', ['ApproximateNumberOfMessagesVisible']],
  ])('graphs %s', (_what, namespace, metrics) => {
    expect(graphed).toEqual(expect.arrayContaining(metrics.map((m) => `${namespace}/${m}`)));
  });

  it('graphs the runs and Spark tasks of each Glue job it is given, labelled by job', () => {
    const glueMetrics = dashboardWidgets(template)
      .flatMap((w) => (w.properties.metrics as unknown[][] | undefined) ?? [])
      .filter((m) => m[0] === GLUE_RUNS || m[0] === 'Glue')
      .map((m) => `${String(m[1])} of ${String(m[3])}`);
    expect(glueMetrics).toEqual([
      'Succeeded of curate',
      'Failed of curate',
      'Succeeded of features',
      'Failed of features',
      'glue.driver.aggregate.numCompletedTasks of curate',
      'glue.driver.aggregate.numFailedTasks of curate',
      'glue.driver.aggregate.numCompletedTasks of features',
      'glue.driver.aggregate.numFailedTasks of features',
      'glue.driver.aggregate.elapsedTime of curate',
      'glue.driver.aggregate.elapsedTime of features',
    ]);
  });

  it('graphs the endpoint it is given by name and variant', () => {
    const endpointMetrics = dashboardWidgets(template)
      .flatMap((w) => (w.properties.metrics as unknown[][] | undefined) ?? [])
      .filter((m) => m[0] === 'AWS/SageMaker' || m[0] === '/aws/sagemaker/Endpoints');
    expect(endpointMetrics.length).toBeGreaterThan(0);
    for (const metric of endpointMetrics) {
      expect(metric.slice(2, 6)).toEqual(['EndpointName', 'churn', 'VariantName', 'AllTraffic']);
    }
  });

  it.each([
    // A condition that persists: 2 of 3 five-minute periods, so one slow period raises nothing.
    ['GetRecords.IteratorAgeMilliseconds', 120_000, 3, 2, /older than 2 minutes/],
    ['DeliveryToS3.DataFreshness', 600, 3, 2, /older than 10 minutes/],
    // An event that needs a person each time: a single failure fills a single period.
    ['Errors', 1, 1, 1, /cleaner/],
    ['ExecutionsFailed', 1, 1, 1, /training pipeline run failed/],
    ['ApproximateNumberOfMessagesVisible', 1, 1, 1, /could not be deployed/],
  ])(
    'alarms on %s at %p (%p periods, %p to fire), to its topic',
    (metricName, threshold, periods, toFire, description) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        Period: 300,
        Threshold: threshold,
        EvaluationPeriods: periods,
        DatapointsToAlarm: toFire,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmDescription: Match.stringLikeRegexp(description.source),
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^MonitoringAlarmTopic') }],
      });
    },
  );

  it('raises those five alarms and no other', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
  });

  it('alarms on the deployer’s dead letters at their most, per queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'QueueName', Value: 'dead-letters' }],
    });
  });

  it('sends its alarms to a topic under the key, with no subscription unless an address is given', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'ml-lifecycle-cdk alarms',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes the address it is given to the topic', () => {
    const subscribed = monitoringIn({ props: { alarmEmail: 'on-call@example.com' } });
    subscribed.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'on-call@example.com',
      TopicArn: { Ref: Match.stringLikeRegexp('^MonitoringAlarmTopic') },
    });
  });

  it('draws no graph of monitoring runs without a violations metric (Model Monitor is opt-in)', () => {
    const titles = dashboardWidgets(template).map((w) => w.properties.title);
    expect(titles).not.toContain('Monitoring runs with violations');
    expect(graphed.filter((m) => m.startsWith('Test/Monitor/'))).toEqual([]);
  });

  it('graphs the monitor’s runs with violations when given them, under a header that names Model Monitor', () => {
    const monitored = monitoringIn({ violations: true });
    const { metrics, headers: monitoredHeaders } = dashboardContent(monitored);
    expect(metrics).toContain('Test/Monitor/Violations');
    expect(dashboardWidgets(monitored).map((w) => w.properties.title)).toContain('Monitoring runs with violations');
    expect(monitoredHeaders).toContain('## Serving: endpoint, Model Monitor, deployments');
    // It graphs the violations; the monitor's own alarm already raises them.
    monitored.resourceCountIs('AWS::CloudWatch::Alarm', 5);
  });
});
