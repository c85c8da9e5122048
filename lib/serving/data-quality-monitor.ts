import { type CfnCondition, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import type { RemovalMode } from '../config';
import { ARTIFACT_PREFIXES } from '../contracts/lake-layout';
import { EventLog } from '../shared/event-log';

/** The schedule expressions Model Monitor accepts for each cadence. */
export const MONITORING_SCHEDULES = {
  hourly: 'cron(0 * ? * * *)',
  daily: 'cron(0 0 ? * * *)',
} as const;

/** Where the analyzer finds the captured data and writes its report, in its container. */
const CAPTURE_INPUT = '/opt/ml/processing/input/endpoint';
const REPORT_OUTPUT = '/opt/ml/processing/output';

export interface DataQualityMonitorProps {
  /** The monitored endpoint's (fixed) name; also starts the job definition's and schedule's names. */
  readonly endpointName: string;
  /** The endpoint resource, created before the monitor. */
  readonly endpoint: sagemaker.CfnEndpoint;
  /** The model package's baseline: `statistics.json` and `constraints.json` (deploy-time parameters). */
  readonly baselineStatisticsUri: string;
  readonly baselineConstraintsUri: string;
  /** A version of the served model, so that a new model gets a new job definition. */
  readonly modelVersion: string;
  /**
   * Whether a model with a baseline is deployed: the job definition and schedule exist only then
   * (a package registered without a baseline is served unmonitored).
   */
  readonly hasModelAndBaseline: CfnCondition;
  /** The role the monitoring jobs run with. */
  readonly role: iam.IRole;
  /** The analyzer image (region mapping). */
  readonly analyzerImage: string;
  readonly instanceType: string;
  readonly cadence: keyof typeof MONITORING_SCHEDULES;
  /** The artifacts bucket: reports go under `monitoring/`. */
  readonly artifactsBucket: s3.IBucket;
  /** The key for the jobs' volumes and reports, and the violations log group. */
  readonly key: kms.IKey;
  /** How long the violations log is kept. */
  readonly logRetention: logs.RetentionDays;
  /** `destroy`: the violations log group goes with the stack. */
  readonly removal: RemovalMode;
}

/**
 * Model Monitor's data-quality monitoring of the endpoint: a job definition (the analyzer image,
 * the model package's baseline, the captured requests as input, network isolation, KMS) and a
 * schedule that runs it hourly or daily, writing reports under `monitoring/` in the artifacts
 * bucket.
 *
 * A run that finds violations ends as `CompletedWithViolations`. Model Monitor publishes one
 * drift metric per feature, not a count of violations, so the alarm is built from the run's own
 * end event: an EventBridge rule keeps those events in a log group, a metric filter counts them,
 * and the `Violations` alarm fires on one. The rule names the schedule by its fixed name, so the
 * rule, the log and the alarm exist (and are tested) before the first model does.
 */
export class DataQualityMonitor extends Construct {
  readonly jobDefinition: sagemaker.CfnDataQualityJobDefinition;
  readonly schedule: sagemaker.CfnMonitoringSchedule;
  readonly scheduleName: string;
  readonly violationsAlarm: cloudwatch.Alarm;
  /** Monitoring runs that ended with violations, per hour. */
  readonly violations: cloudwatch.Metric;
  readonly violationsLog: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DataQualityMonitorProps) {
    super(scope, id);
    this.scheduleName = `${props.endpointName}-data-quality`;
    const reports = props.artifactsBucket.s3UrlForObject(ARTIFACT_PREFIXES.monitoring);

    const jobDefinitionName = `${this.scheduleName}-v${props.modelVersion}`;
    this.jobDefinition = new sagemaker.CfnDataQualityJobDefinition(this, 'JobDefinition', {
      jobDefinitionName,
      roleArn: props.role.roleArn,
      dataQualityAppSpecification: { imageUri: props.analyzerImage },
      dataQualityBaselineConfig: {
        statisticsResource: { s3Uri: props.baselineStatisticsUri },
        constraintsResource: { s3Uri: props.baselineConstraintsUri },
      },
      dataQualityJobInput: {
        endpointInput: {
          endpointName: props.endpointName,
          localPath: CAPTURE_INPUT,
          s3InputMode: 'File',
          s3DataDistributionType: 'FullyReplicated',
        },
      },
      dataQualityJobOutputConfig: {
        kmsKeyId: props.key.keyArn,
        monitoringOutputs: [
          {
            s3Output: { localPath: REPORT_OUTPUT, s3Uri: `${reports}${props.endpointName}`, s3UploadMode: 'EndOfJob' },
          },
        ],
      },
      jobResources: {
        clusterConfig: {
          instanceCount: 1,
          instanceType: props.instanceType,
          volumeSizeInGb: 20,
          volumeKmsKeyId: props.key.keyArn,
        },
      },
      networkConfig: { enableNetworkIsolation: true, enableInterContainerTrafficEncryption: true },
      stoppingCondition: { maxRuntimeInSeconds: Duration.hours(1).toSeconds() },
    });
    this.jobDefinition.node.addDependency(props.endpoint);

    this.schedule = new sagemaker.CfnMonitoringSchedule(this, 'Schedule', {
      monitoringScheduleName: this.scheduleName,
      monitoringScheduleConfig: {
        monitoringType: 'DataQuality',
        monitoringJobDefinitionName: jobDefinitionName,
        scheduleConfig: { scheduleExpression: MONITORING_SCHEDULES[props.cadence] },
      },
    });
    this.schedule.node.addDependency(this.jobDefinition);
    for (const resource of [this.jobDefinition, this.schedule]) {
      resource.cfnOptions.condition = props.hasModelAndBaseline;
    }

    const violationsLog = new EventLog(this, 'Violations', {
      key: props.key,
      retention: props.logRetention,
      removal: props.removal,
    });
    this.violationsLog = violationsLog.logGroup;
    violationsLog.record('RunEnded', {
      description: `A data-quality monitoring run of ${props.endpointName} found violations`,
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: ['SageMaker Processing Job State Change'],
        detail: {
          MonitoringScheduleArn: [
            Stack.of(this).formatArn({
              service: 'sagemaker',
              resource: 'monitoring-schedule',
              resourceName: this.scheduleName,
            }),
          ],
          ExitMessage: [{ prefix: 'CompletedWithViolations' }],
        },
      },
    });
    const metric = (this.violations = new logs.MetricFilter(this, 'ViolationCount', {
      logGroup: this.violationsLog,
      filterPattern: logs.FilterPattern.exists('$.detail.ExitMessage'),
      // The log holds this schedule's runs only, so the metric needs no dimension; the namespace
      // keeps the stages' endpoints apart.
      metricNamespace: `ml-lifecycle-cdk/${props.endpointName}`,
      metricName: 'DataQualityRunsWithViolations',
      metricValue: '1',
    }).metric({ statistic: 'Sum', period: Duration.hours(1) }));
    this.violationsAlarm = new cloudwatch.Alarm(this, 'ViolationsAlarm', {
      alarmDescription: `A data-quality monitoring run of ${props.endpointName} found the requests drifting from the training baseline: read the run's constraint_violations.json`,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
