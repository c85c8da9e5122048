import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EventLog, type EventLogProps } from '../shared/event-log';

/** The states in which a Glue job run ends without success. */
export const GLUE_RUN_FAILED_STATES = ['FAILED', 'TIMEOUT', 'STOPPED', 'ERROR'];

export interface JobRunMetricsProps extends EventLogProps {
  /** The Glue jobs whose runs are counted. */
  readonly jobNames: readonly string[];
  /** The CloudWatch namespace of the two metrics. */
  readonly metricNamespace: string;
}

/**
 * Runs of Glue jobs, succeeded and failed, as CloudWatch metrics per job. Glue announces the end
 * of a job run only as an EventBridge event (`Glue Job State Change`); its CloudWatch job metrics
 * count Spark tasks, not runs. A rule writes each run's end to an {@link EventLog}, and two metric
 * filters count the runs there by how they ended, with the job's name as the `JobName` dimension.
 */
export class JobRunMetrics extends Construct {
  readonly log: EventLog;
  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: JobRunMetricsProps) {
    super(scope, id);
    this.namespace = props.metricNamespace;
    this.log = new EventLog(this, 'Log', props);
    this.log.record('RunEnded', {
      description: 'A run of one of the counted Glue jobs ended, successfully or not',
      eventPattern: {
        source: ['aws.glue'],
        detailType: ['Glue Job State Change'],
        detail: { jobName: [...props.jobNames], state: ['SUCCEEDED', ...GLUE_RUN_FAILED_STATES] },
      },
    });
    const count = (filterId: string, metricName: string, filterPattern: logs.IFilterPattern) =>
      new logs.MetricFilter(this, filterId, {
        logGroup: this.log.logGroup,
        filterPattern,
        metricNamespace: this.namespace,
        metricName,
        metricValue: '1',
        dimensions: { JobName: '$.detail.jobName' },
      });
    count('Succeeded', 'JobRunsSucceeded', logs.FilterPattern.stringValue('$.detail.state', '=', 'SUCCEEDED'));
    count('Failed', 'JobRunsFailed', logs.FilterPattern.stringValue('$.detail.state', '!=', 'SUCCEEDED'));
  }

  /** Runs of `jobName` that succeeded. */
  metricSucceeded(jobName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('JobRunsSucceeded', jobName, props);
  }

  /** Runs of `jobName` that failed, timed out, were stopped or could not start. */
  metricFailed(jobName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('JobRunsFailed', jobName, props);
  }

  private metric(metricName: string, jobName: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: { JobName: jobName },
      statistic: 'Sum',
      ...props,
    });
  }
}
