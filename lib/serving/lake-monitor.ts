import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RemovalMode } from '../config';
import { type BusinessCaseValues, businessCaseEnvironment } from '../contracts/business-case';
import { MONITOR_METRIC_DIMENSION, type MonitoringDriftSettings, QUALITY_METRICS } from '../contracts/lake-monitoring';
import { MONITORING_METRIC_NAMESPACE } from '../contracts/monitoring-events';
import { OUTCOME_TABLES } from '../contracts/outcome-sql';
import { acknowledgeFindings, wildcardResourceFinding } from '../shared/compliance';
import { defaultPolicyOf } from '../shared/cdk-internals';
import { PipelineFunction } from '../shared/pipeline-function';
import { DataCaptureTable } from './data-capture-table';

/** The live quality thresholds the alarms fire below (config `monitoring.minAuc` …). */
export interface QualityAlarmThresholds {
  readonly minAuc: number;
  readonly minPrecision: number;
  readonly minRecall: number;
}

/**
 * How the drift function checks (config `monitoring.*`, under its names): the window, the
 * thresholds of its verdicts, and the fewest rows a verdict is given on.
 */
export interface DriftCheckSettings extends MonitoringDriftSettings {
  /** Hours of captured requests one check compares with the baseline: the last window before it runs. */
  readonly windowHours: number;
}

export interface LakeMonitorProps {
  /** The monitored endpoint's (fixed) name: the capture folders, the metrics' dimension. */
  readonly endpointName: string;
  /** The model package group whose versions the endpoint serves (the functions read the version in service). */
  readonly modelPackageGroupName: string;
  /** The artifacts bucket: captures under `data-capture/`, reports under `monitoring/`. */
  readonly artifactsBucket: s3.IBucket;
  /** The lake key: the functions' log groups. */
  readonly key: kms.IKey;
  /** The Glue database the capture table goes in. */
  readonly databaseName: string;
  /** The lake's Athena workgroup (results, encryption and scan limit are its settings). */
  readonly workGroupName: string;
  /**
   * The lake's policy for the monitors (DataLake stack): read the captures and the baselines,
   * write Athena results and reports. Attached to every monitor function's role.
   */
  readonly lakeAccess: iam.IManagedPolicy;
  /**
   * When the monitors run: an EventBridge schedule expression, or `off` (no rule: run them by
   * hand). Config `monitoring.schedule`.
   */
  readonly schedule: string;
  /** The drift function's window and thresholds (config `monitoring.windowHours`, `psiWatch` … `minimumRows`). */
  readonly drift: DriftCheckSettings;
  /** Days of outcomes one quality check scores (config `monitoring.qualityWindowDays`). */
  readonly qualityWindowDays: number;
  /** Fewest matched outcomes a quality verdict is given on (config `monitoring.minimumOutcomes`). */
  readonly minimumOutcomes: number;
  readonly thresholds: QualityAlarmThresholds;
  /** The business case the evaluation weighs, so live figures are the approved model's figures (config `business.*`). */
  readonly business: BusinessCaseValues;
  /** How long the functions' logs are kept (config `monitoring.logRetentionDays`). */
  readonly logRetention: logs.RetentionDays;
  /** `destroy`: the log groups go with the stack. */
  readonly removal: RemovalMode;
}

/**
 * Monitoring from the lake, which every account can run (SageMaker Model Monitor, closed to new
 * customers since 2026-07-30, stays opt-in beside it):
 *
 * - the **capture table** over what the endpoint's data capture writes (`DataCaptureTable`);
 * - the **drift function** (`lambda/drift/`): the last `windowHours` of captured requests described
 *   on Athena over the bins of the baseline statistics of the model in service, compared with them,
 *   a metric per feature and a summary (`MlLifecycle/Monitoring`), a report (JSON and page) under
 *   `monitoring/drift/` and a `Drift verdict` event, which the retraining guard acts on when it is
 *   `act`;
 * - the **quality function** (`lambda/live-quality/`): the outcomes of the last
 *   `qualityWindowDays` (the raw outcome tables, read through the lake policy and the catalog)
 *   joined to the predictions of the model in service, AUC, precision, recall
 *   and the business figures published as metrics (`MlLifecycle/Monitoring`, by `EndpointName`), a
 *   report under `monitoring/quality/` and a `Model quality verdict` event;
 * - a **schedule** rule that runs every monitor function (none when the schedule is `off`);
 * - **alarms** on live AUC, precision and recall below their thresholds, and on the monitor
 *   functions' own errors.
 *
 * Every monitor function shares the same pieces ({@link addMonitorFunction}): the lake policy, the
 * Athena workgroup, the catalog reads, SageMaker's Describe calls, metrics in the monitoring
 * namespace only, events on the default bus, the schedule and the error alarm.
 *
 * Before the first model is deployed the endpoint does not exist: the functions find no model in
 * service and end quietly, publishing nothing, so the alarms stay OK.
 */
export class LakeMonitor extends Construct {
  readonly captureTable: DataCaptureTable;
  readonly driftFunction: PipelineFunction;
  readonly qualityFunction: PipelineFunction;
  /** `undefined` when the schedule is `off`. */
  readonly scheduleRule?: events.Rule;
  /** Live AUC, precision and recall below their thresholds: what the retraining guard listens to. */
  readonly qualityAlarms: cloudwatch.Alarm[];
  /** A monitor function failed (its Lambda Errors): one per monitor function. */
  readonly errorAlarms: cloudwatch.Alarm[] = [];
  /** The environment every monitor function gets: the endpoint, the workgroup, the capture table, the report bucket. */
  readonly environment: Readonly<Record<string, string>>;

  private readonly props: LakeMonitorProps;

  constructor(scope: Construct, id: string, props: LakeMonitorProps) {
    super(scope, id);
    this.props = props;
    this.captureTable = new DataCaptureTable(this, 'CaptureTable', {
      artifactsBucket: props.artifactsBucket,
      databaseName: props.databaseName,
    });
    this.environment = {
      ENDPOINT_NAME: props.endpointName,
      WORK_GROUP: props.workGroupName,
      DATABASE: props.databaseName,
      CAPTURE_TABLE: this.captureTable.tableName,
      REPORT_BUCKET: props.artifactsBucket.bucketName,
    };

    if (props.schedule !== 'off') {
      this.scheduleRule = new events.Rule(this, 'Schedule', {
        description: `Runs the lake monitors of ${props.endpointName} (${props.schedule})`,
        schedule: events.Schedule.expression(props.schedule),
      });
    }

    this.qualityFunction = new PipelineFunction(this, 'QualityFunction', {
      folder: 'live-quality',
      description: `Live quality of ${props.endpointName}: outcomes joined to predictions, AUC, precision, recall, cost`,
      environment: {
        ...this.environment,
        QUALITY_WINDOW_DAYS: String(props.qualityWindowDays),
        MINIMUM_OUTCOMES: String(props.minimumOutcomes),
        MIN_AUC: String(props.thresholds.minAuc),
        MIN_PRECISION: String(props.thresholds.minPrecision),
        MIN_RECALL: String(props.thresholds.minRecall),
        ...businessCaseEnvironment(props.business),
      },
      // Athena queries over weeks of captures take minutes, not seconds.
      timeout: Duration.minutes(10),
      logKey: props.key,
      logRetention: props.logRetention,
      removal: props.removal,
      use: monitorUse('live-quality', props.schedule),
    });
    this.addMonitorFunction('Quality', this.qualityFunction);
    // The outcomes it joins to the predictions: the raw outcome tables, beside the capture table.
    for (const table of Object.values(OUTCOME_TABLES)) {
      this.grantTableRead(this.qualityFunction.role, table);
    }

    const { drift } = props;
    this.driftFunction = new PipelineFunction(this, 'DriftFunction', {
      folder: 'drift',
      description: `Data drift of ${props.endpointName}: the last ${drift.windowHours} h of captured requests against the baseline of the model in service`,
      environment: {
        ...this.environment,
        WINDOW_HOURS: String(drift.windowHours),
        PSI_WATCH: String(drift.psiWatch),
        PSI_ACT: String(drift.psiAct),
        CATEGORICAL_WATCH: String(drift.categoricalWatch),
        CATEGORICAL_ACT: String(drift.categoricalAct),
        MISSING_WATCH: String(drift.missingWatch),
        MISSING_ACT: String(drift.missingAct),
        MINIMUM_ROWS: String(drift.minimumRows),
      },
      // One Athena query over the window's captures, which can take minutes at production traffic.
      timeout: Duration.minutes(10),
      logKey: props.key,
      logRetention: props.logRetention,
      removal: props.removal,
      use: monitorUse('drift', props.schedule),
    });
    this.addMonitorFunction('Drift', this.driftFunction);

    const alarm = (id: string, metricName: string, threshold: number, what: string) =>
      new cloudwatch.Alarm(this, id, {
        alarmDescription: `Live ${what} of ${props.endpointName} on real outcomes is below ${threshold}: read the latest report under monitoring/quality/`,
        metric: new cloudwatch.Metric({
          namespace: MONITORING_METRIC_NAMESPACE,
          metricName,
          dimensionsMap: { [MONITOR_METRIC_DIMENSION]: props.endpointName },
          // The worst check of the last day: a check runs at most hourly and its window spans weeks,
          // so one day's checks overlap almost entirely.
          statistic: 'Minimum',
          period: Duration.days(1),
        }),
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        // A check with too few outcomes publishes no quality metric (nor does one before the first
        // model, or with the schedule off): "not enough data" is not a bad model, and an alarm that
        // fired on it would start retraining on nothing.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.qualityAlarms = [
      alarm('AucAlarm', QUALITY_METRICS.auc, props.thresholds.minAuc, 'AUC'),
      alarm(
        'PrecisionAlarm',
        QUALITY_METRICS.precision,
        props.thresholds.minPrecision,
        'precision at the deployed cutoff',
      ),
      alarm('RecallAlarm', QUALITY_METRICS.recall, props.thresholds.minRecall, 'recall at the deployed cutoff'),
    ];
  }

  /**
   * Gives a monitor function what every monitor needs, runs it on the schedule, and alarms on its
   * errors (`<id>Errors`): the lake policy; the workgroup's query calls; reading the capture
   * table's catalog entries; tracing the endpoint to its model package (SageMaker Describe);
   * metrics in the monitoring namespace only; events on the default bus.
   */
  addMonitorFunction(id: string, fn: PipelineFunction): void {
    const stack = Stack.of(this);
    const role = fn.role;
    role.addManagedPolicy(this.props.lakeAccess);
    const workGroup = stack.formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: this.props.workGroupName,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'QueryLake',
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
        ],
        resources: [workGroup],
      }),
    );
    this.grantTableRead(role, this.captureTable.tableName);
    const sagemaker = (resource: string, name: string) =>
      stack.formatArn({ service: 'sagemaker', resource, resourceName: name });
    const versioned = `${this.props.endpointName}-v*`;
    const packages = sagemaker('model-package', `${this.props.modelPackageGroupName}/*`);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'FindModelInService',
        actions: [
          'sagemaker:DescribeEndpoint',
          'sagemaker:DescribeEndpointConfig',
          'sagemaker:DescribeModel',
          'sagemaker:DescribeModelPackage',
        ],
        resources: [
          sagemaker('endpoint', this.props.endpointName),
          sagemaker('endpoint-config', versioned),
          sagemaker('model', versioned),
          packages,
        ],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishMonitorMetrics',
        actions: ['cloudwatch:PutMetricData'],
        // PutMetricData takes no resource; the namespace condition is its only scope.
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': MONITORING_METRIC_NAMESPACE } },
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PutMonitorEvents',
        actions: ['events:PutEvents'],
        resources: [stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      }),
    );
    const policy = defaultPolicyOf(role);
    acknowledgeFindings(
      policy,
      [
        wildcardResourceFinding(role, sagemaker('endpoint-config', versioned)),
        wildcardResourceFinding(role, sagemaker('model', versioned)),
        wildcardResourceFinding(role, packages),
      ],
      `The ${id.toLowerCase()} monitor function follows the endpoint to the model it serves: each model version has its own endpoint config and model (named ${versioned}) and package version (numbered by SageMaker), so the grant covers this endpoint's versions.`,
    );

    this.scheduleRule?.addTarget(
      new targets.LambdaFunction(fn.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) }),
    );
    fn.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(1) });
    this.errorAlarms.push(
      new cloudwatch.Alarm(this, `${id}Errors`, {
        alarmDescription: `The ${id.toLowerCase()} monitor function of ${this.props.endpointName} failed: its log group says why`,
        metric: fn.function.metricErrors({ statistic: 'Sum', period: Duration.hours(1) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }

  /** Lets `role` read the catalog entry of table `tableName` of the monitors' database (for the queries Athena runs as it). */
  grantTableRead(role: iam.IRole, tableName: string): void {
    const stack = Stack.of(this);
    const glue = (resource: string, name?: string) =>
      stack.formatArn({ service: 'glue', resource, resourceName: name });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable'],
        resources: [
          glue('catalog'),
          glue('database', this.props.databaseName),
          glue('table', `${this.props.databaseName}/${tableName}`),
        ],
      }),
    );
  }
}

/** What a monitor function's compliance acknowledgements say about it. */
function monitorUse(folder: string, schedule: string) {
  return {
    failureHandling:
      `EventBridge runs the ${folder} function on the monitors' schedule (${schedule}); Lambda retries a failed check twice and the monitor's Errors alarm reports it. ` +
      'Each run checks the latest window afresh, so a failed event is not worth replaying from a dead-letter queue.',
    invocationsPer: `run of the monitors' schedule (${schedule})`,
    otherWildcardGrants:
      'and CloudWatch PutMetricData, which takes no resource, is limited to the monitoring namespace by its condition',
  };
}
