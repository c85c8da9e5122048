/**
 * THE PERMISSION CONTRACT: every runtime call the system makes, and every call AWS services make
 * on its behalf, with what IAM must answer. `test/permissions/` evaluates each row against the
 * synthesized templates of each stage with a real policy evaluator, so a grant that is missing (or
 * one too many) shows up before anything is deployed.
 *
 * How to read a row: `caller` calls `action` on `resource` with `context`, and AWS must answer
 * `expect`; `doc` is the page that says the call is made that way. Context keys marked
 * "(sent by the service)" are the ones the AWS service puts in the request itself: the row states
 * them because that is what the real request carries, not because they make the row pass.
 *
 * What the rows cannot prove: SCPs and RCPs of an organisation (none are modelled), quotas,
 * eventual consistency, service-side checks that are not IAM policies (an ECR image the service
 * pulls with its own credentials, an S3 Block Public Access setting), and calls made under
 * service-linked roles, whose policies AWS owns.
 *
 * Built-in SageMaker images (XGBoost, the Model Monitor analyzer) live in ECR repositories of AWS
 * accounts, which SageMaker pulls from with its own credentials; the job and model roles need no
 * ECR permission for them, so the contract has no ECR rows. A model image of this account's own
 * registry would need `ecr:BatchGetImage` and `ecr:GetDownloadUrlForLayer` on the role.
 */
import type { StageName } from '../config';
import { handlerPermissionRows, sagemakerArn as sagemaker } from './handler-permissions';
import type { PermissionRow, StageFacts } from './types';

export type { Caller, Expectation, PermissionRow, StageFacts } from './types';

/** The training pipeline's job name prefixes (TrainingStack's JOB_NAME_PREFIXES), stated here on purpose. */
export const STAGE_FACTS: Readonly<Record<StageName, StageFacts>> = {
  sandbox: { jobPrefix: 'churn-sbx' },
  production: { jobPrefix: 'churn-prd' },
};

/** One training run, for the names and keys of the rows: the pipeline names everything after it. */
const RUN = '20261126-152458-ab12';

/**
 * The Serving stack's parameters once a model version is approved, as the deploy function sets
 * them: the rows are about the endpoint that exists then (with the defaults, it does not).
 */
export const SERVING_WITH_A_MODEL = {
  Serving: {
    ModelPackageArn: 'arn:{partition}:sagemaker:{region}:{account}:model-package/ml-lifecycle-{stage}-churn/3',
  },
} as const;

/** The Serving stack's baseline parameters, which exist only with Model Monitor, as a deployed package with a baseline sets them. */
export const SERVING_BASELINE = {
  BaselineStatisticsUri: `s3://{ref:DataLake/Storage/ArtifactsBucket}/training-runs/${RUN}/baseline/statistics.json`,
  BaselineConstraintsUri: `s3://{ref:DataLake/Storage/ArtifactsBucket}/training-runs/${RUN}/baseline/constraints.json`,
} as const;

/** The pages the rows come from. */
const DOC = {
  firehoseAccess: 'https://docs.amazonaws.cn/firehose/latest/dev/controlling-access.html',
  snsKeys: 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html',
  sqsKeys: 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html',
  logsKms: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
  sfnSageMaker: 'https://docs.aws.amazon.com/step-functions/latest/dg/sagemaker-iam.html',
  trailBucket: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html',
  trailKey: 'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.md',
  lambdaAsync: 'https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html',
  eventsDlq: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/rule-dlq.html',
  sagemakerApi: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html',
  sagemakerOutputKey:
    'https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/sagemaker/aws.sdk.kotlin.services.sagemaker.model/-output-data-config/-builder/kms-key-id.html',
  sagemakerVolumeKey:
    'https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/sagemaker/aws.sdk.kotlin.services.sagemaker.model/-recommendation-job-input-config/volume-kms-key-id.html',
  sagemakerEndpointKey:
    'https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/sagemaker/aws.sdk.kotlin.services.sagemaker.model/-create-inference-experiment-request/kms-key.html',
  monitoringScheduleSchema:
    'https://github.com/aws-cloudformation/aws-cloudformation-resource-providers-sagemaker/blob/main/aws-sagemaker-monitoringschedule/aws-sagemaker-monitoringschedule.json',
  s3Kms: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-UsingKMSEncryption.html',
  s3MultipartKms: 'https://www.repost.aws/knowledge-center/s3-large-file-encryption-kms-key',
  glueRoles: 'https://docs.aws.amazon.com/glue/latest/dg/create-service-policy.html',
  dataCapture: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DataCaptureConfig.html',
  cfnServiceRole: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html',
  guardrails: 'https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html',
  trailDigest:
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html',
  trailLogs:
    'https://docs.aws.amazon.com/en_us/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html',
  s3Tls: 'https://aws.amazon.com/blogs/storage/enforcing-encryption-in-transit-with-tls1-2-or-higher-with-amazon-s3/',
  crossAccount:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html',
  sagemakerRoles: 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html',
  sfnLambda: 'https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html',
  sfnLogs: 'https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html',
  logsApi: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html',
  sagemakerLogs: 'https://docs.aws.amazon.com/sagemaker/latest/dg/logging-cloudwatch.html',
  passRole: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
  eventsIdentityPolicies: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html',
  glueEncryption: 'https://docs.aws.amazon.com/glue/latest/dg/data-protection.html',
  glueCatalog: 'https://docs.aws.amazon.com/glue/latest/dg/key-management.html',
  eventsResourcePolicies: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html',
  athenaAccess: 'https://docs.aws.amazon.com/athena/latest/ug/managed-policies.html',
  athenaResults: 'https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html',
  athenaS3: 'https://docs.aws.amazon.com/athena/latest/ug/s3-permissions.html',
  athenaGlue: 'https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html',
  putMetricData: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html',
  putEvents: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html',
  scheduleLambda:
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-lambda-permissions',
  s3CopyObject: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html',
  sfnEvents: 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html',
  glueActions: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglue.html',
  sfnActions: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html',
  eventsPutEvents: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html',
  s3GetObject: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html',
  s3PutObject: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html',
} as const;

// ---- Construct paths of the principals and resources the rows name.

const LAKE = {
  key: 'DataLake/Storage/DataKey',
  raw: 'DataLake/Storage/RawBucket',
  curated: 'DataLake/Storage/CuratedBucket',
  artifacts: 'DataLake/Storage/ArtifactsBucket',
  trailBucket: 'DataLake/Audit/TrailBucket',
  auditKey: 'DataLake/Audit/AuditKey',
  trail: 'DataLake/Audit/Trail',
  trailLogs: 'DataLake/Audit/LogGroup',
  trailLogsRole: 'DataLake/Audit/Trail/LogsRole',
  rawDatabase: 'DataLake/Catalog/RawDatabase',
  curatedDatabase: 'DataLake/Catalog/CuratedDatabase',
  workGroup: 'DataLake/Catalog/WorkGroup',
} as const;

const INGESTION = {
  stream: 'Ingestion/Streaming/Stream',
  deliveryRole: 'Ingestion/Streaming/DeliveryRole',
  cleaner: 'Ingestion/Streaming/Cleaner/Function',
  cleanerRole: 'Ingestion/Streaming/Cleaner/Role',
  cleanerLogs: 'Ingestion/Streaming/Cleaner/LogGroup',
  deliveryLogs: 'Ingestion/Streaming/DeliveryLogGroup',
  deliveryLogStream: 'Ingestion/Streaming/DeliveryLogStream',
} as const;

const ETL = {
  workflow: 'Etl/Jobs/Workflow',
  curateRole: 'Etl/Jobs/CurateRole',
  featuresRole: 'Etl/Jobs/FeaturesRole',
  securityConfiguration: 'Etl/Jobs/SecurityConfiguration',
  alerts: 'Etl/Alerts/Topic',
  jobFailed: 'Etl/Alerts/JobFailed',
  runsLog: 'Etl/Runs/Log/Resource',
  runEnded: 'Etl/Runs/Log/RunEnded',
  dataReportRole: 'Etl/DataReport/Function/Role',
} as const;

const TRAINING = {
  stateMachine: 'Training/Pipeline/Resource',
  stateMachineRole: 'Training/Pipeline/Resource/Role',
  stateMachineLogs: 'Training/Pipeline/LogGroup',
  jobRole: 'Training/Pipeline/JobRole/Resource',
  evaluate: 'Training/Pipeline/EvaluateFunction/Function',
  evaluateRole: 'Training/Pipeline/EvaluateFunction/Role',
  evaluateLogs: 'Training/Pipeline/EvaluateFunction/LogGroup',
  register: 'Training/Pipeline/RegisterFunction/Function',
  registerRole: 'Training/Pipeline/RegisterFunction/Role',
  registerLogs: 'Training/Pipeline/RegisterFunction/LogGroup',
  gate: 'Training/Pipeline/GateFunction/Function',
  gateRole: 'Training/Pipeline/GateFunction/Role',
  gateLogs: 'Training/Pipeline/GateFunction/LogGroup',
  emptierRole: 'Training/Registry/EmptierFunction/Role',
  emptierLogs: 'Training/Registry/EmptierFunction/LogGroup',
  topic: 'Training/Notifications',
  triggerRole: 'Training/TriggerRole',
  featuresReady: 'Training/FeaturesReady',
} as const;

const SERVING = {
  stack: 'Serving',
  role: 'Serving/ServingRole/Resource',
  alerts: 'Serving/Alerts',
  serverErrors: 'Serving/Endpoint/ServerErrors',
  modelLatency: 'Serving/Endpoint/ModelLatency',
  invocationErrors: 'Serving/Endpoint/InvocationErrors',
  violationsAlarm: 'Serving/Monitor/ViolationsAlarm',
  violationsLog: 'Serving/Monitor/Violations/Resource',
  violationsRule: 'Serving/Monitor/Violations/RunEnded',
  deployRole: 'Serving/Deployer/DeployRole',
  deadLetters: 'Serving/Deployer/DeadLetters',
  deployer: 'Serving/Deployer/Function/Function',
  deployerRole: 'Serving/Deployer/Function/Role',
  deployerLogs: 'Serving/Deployer/Function/LogGroup',
  approved: 'Serving/Deployer/Approved',
  monitorSchedule: 'Serving/LakeMonitor/Schedule',
  quality: 'Serving/LakeMonitor/QualityFunction/Function',
  qualityRole: 'Serving/LakeMonitor/QualityFunction/Role',
  qualityLogs: 'Serving/LakeMonitor/QualityFunction/LogGroup',
  drift: 'Serving/LakeMonitor/DriftFunction/Function',
  driftRole: 'Serving/LakeMonitor/DriftFunction/Role',
  driftLogs: 'Serving/LakeMonitor/DriftFunction/LogGroup',
  guard: 'Serving/RetrainingGuard/Function/Function',
  guardRole: 'Serving/RetrainingGuard/Function/Role',
  driftActs: 'Serving/RetrainingGuard/DriftActs',
} as const;

const OBSERVABILITY = {
  topic: 'Observability/Monitoring/AlarmTopic',
  decisionsLog: 'Observability/RetrainingDecisions/Log/Resource',
  decided: 'Observability/RetrainingDecisions/Log/Decided',
  alarms: [
    'Observability/Monitoring/StreamBehind',
    'Observability/Monitoring/DeliveryLate',
    'Observability/Monitoring/CleanerFailing',
    'Observability/Monitoring/TrainingFailed',
    'Observability/Monitoring/DeploymentFailed',
  ],
} as const;

// ---- Small builders, so that the rows below read as a table.

const role = (path: string) => ({ role: path }) as const;
const service = (principal: string) => ({ service: principal }) as const;
const OUTSIDER = { otherAccount: 'anyone-there' } as const;

/** An object of a bucket: `{arn:PATH}/key`. */
const object = (bucket: string, key: string) => `{arn:${bucket}}/${key}`;
/** A log stream of a log group. */
const logStream = (logGroup: string, stream: string) => `{arn:${logGroup}}:log-stream:${stream}`;

/** What S3 sends KMS when it encrypts or decrypts an object of `bucket` for the caller (sent by the service). */
const viaS3 = (bucket: string) => ({
  'kms:ViaService': 's3.{region}.amazonaws.com',
  // The bucket ARN, because the lake's buckets use S3 Bucket Keys.
  'kms:EncryptionContext:aws:s3:arn': `{arn:${bucket}}`,
});

/** The headers of a PutObject that names the lake key (what Firehose, Glue and SageMaker send). */
const withLakeKey = {
  's3:x-amz-server-side-encryption': 'aws:kms',
  's3:x-amz-server-side-encryption-aws-kms-key-id': `{arn:${LAKE.key}}`,
};

/** What an AWS service adds when it acts for a resource of this account (sent by the service). */
const from = (sourceArn: string) => ({ 'aws:SourceArn': sourceArn, 'aws:SourceAccount': '{account}' });

/** The account's default event bus, where the monitors, the guard and the gate put their events. */
const DEFAULT_BUS = 'arn:{partition}:events:{region}:{account}:event-bus/default';

/** What SNS sends KMS when it encrypts a message published to `topic` (sent by the service). */
const viaSns = (topic: string) => ({
  'kms:ViaService': 'sns.{region}.amazonaws.com',
  'kms:EncryptionContext:aws:sns:topicArn': `{arn:${topic}}`,
});

/** What SQS sends KMS when it encrypts a message sent to `queue` (sent by the service). */
const viaSqs = (queue: string) => ({
  'kms:ViaService': 'sqs.{region}.amazonaws.com',
  'kms:EncryptionContext:aws:sqs:arn': `{arn:${queue}}`,
});

/** What sets one lake monitor function apart from the other, for {@link monitorFunctionRows}. */
interface LakeMonitorFunction {
  /** Its short name: the prefix of its rows' ids, and "the NAME function" in their calls. */
  readonly name: 'quality' | 'drift';
  /** The construct path of the function, which the monitors' schedule invokes. */
  readonly fn: string;
  /** The construct path of its role. */
  readonly role: string;
  /** What it follows the endpoint to the model package in service for, in a few words. */
  readonly packageFor: string;
  /** Where its reports go in the artifacts bucket (`monitoring/NAME/<endpoint>/`). */
  readonly reportPrefix: string;
  /**
   * The id suffixes of its `s3:ListBucket` and `s3:GetBucketLocation` rows on the artifacts
   * bucket: the two functions' rows were named apart before they were shared, and a row's id is
   * its test's name, so the old names stay.
   */
  readonly bucketRowIds: readonly [list: string, location: string];
}

/**
 * The rows both lake monitor functions share, because both run the same way: the schedule invokes
 * them, they follow the endpoint to the model package in service, query the capture table through
 * Athena in the lake's workgroup (lambda/shared/athena.ts, which stops a query when time runs
 * out), write a report under their own prefix, publish metrics in the monitoring namespace and put
 * their verdict on the default bus. What only one of them does stays in its own rows.
 */
function monitorFunctionRows(monitor: LakeMonitorFunction): PermissionRow[] {
  const { name } = monitor;
  const caller = role(monitor.role);
  const workgroup = (id: string) => `arn:{partition}:athena:{region}:{account}:workgroup/${id}`;
  const captureTable = `arn:{partition}:glue:{region}:{account}:table/{ref:${LAKE.rawDatabase}}/data_capture`;
  const report = `${monitor.reportPrefix}2026-08-31T06-00-00.000Z.json`;
  const queryResults = 'athena-results/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0.csv';
  return [
    {
      id: `schedule-invokes-${name}`,
      call: `EventBridge runs the ${name} function on the monitors’ schedule`,
      caller: service('events.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      resource: `{arn:${monitor.fn}}`,
      context: from(`{arn:${SERVING.monitorSchedule}}`),
      expect: 'allowed',
      doc: DOC.scheduleLambda,
    },
    ...[
      ['DescribeEndpoint', sagemaker('endpoint', 'ml-lifecycle-{stage}-churn')],
      ['DescribeEndpointConfig', sagemaker('endpoint-config', 'ml-lifecycle-{stage}-churn-v3')],
      ['DescribeModel', sagemaker('model', 'ml-lifecycle-{stage}-churn-v3')],
      ['DescribeModelPackage', sagemaker('model-package', 'ml-lifecycle-{stage}-churn/3')],
    ].map(([action, resource]): PermissionRow => ({
      id: `${name}-${action?.toLowerCase()}`,
      call: `The ${name} function follows the endpoint to the model package in service (${monitor.packageFor})`,
      caller,
      action: `sagemaker:${action}`,
      resource: resource ?? '',
      expect: 'allowed',
      doc: DOC.sagemakerApi,
    })),
    ...[
      'athena:StartQueryExecution',
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:StopQueryExecution',
    ].map((action): PermissionRow => ({
      id: `${name}-${action.split(':')[1]?.toLowerCase()}`,
      call: `The ${name} function runs its queries in the lake’s workgroup (and stops them when time runs out)`,
      caller,
      action,
      resource: workgroup(`{ref:${LAKE.workGroup}}`),
      expect: 'allowed',
      doc: DOC.athenaAccess,
    })),
    {
      id: `${name}-cannot-use-primary-workgroup`,
      call: `The ${name} function runs a query in the primary workgroup (no scan limit, results anywhere)`,
      caller,
      action: 'athena:StartQueryExecution',
      resource: workgroup('primary'),
      expect: 'denied',
      doc: DOC.athenaAccess,
    },
    ...['glue:GetDatabase', 'glue:GetTable'].flatMap((action) =>
      [
        'arn:{partition}:glue:{region}:{account}:catalog',
        `arn:{partition}:glue:{region}:{account}:database/{ref:${LAKE.rawDatabase}}`,
        captureTable,
      ]
        // GetDatabase asks for the catalog and the database; GetTable for the table too.
        .slice(0, action === 'glue:GetTable' ? 3 : 2)
        .map((resource, i): PermissionRow => ({
          id: `${name}-${action.split(':')[1]?.toLowerCase()}-${i}`,
          call: `Athena reads the capture table’s definition as the ${name} function`,
          caller,
          action,
          resource,
          expect: 'allowed',
          doc: DOC.athenaGlue,
        })),
    ),
    ...[
      [
        'reads-captures',
        's3:GetObject',
        'data-capture/ml-lifecycle-{stage}-churn/AllTraffic/2026/08/01/10/10-00-12-345-abcd.jsonl',
        `Athena reads the captured requests with the ${name} function’s permissions`,
        DOC.athenaS3,
      ],
      [
        'writes-query-results',
        's3:PutObject',
        queryResults,
        'Athena writes the query’s results to the workgroup’s location with the caller’s permissions',
        DOC.athenaResults,
      ],
      [
        'reads-query-results',
        's3:GetObject',
        queryResults,
        'GetQueryResults reads the results with the caller’s permissions',
        DOC.athenaResults,
      ],
      [
        'writes-report',
        's3:PutObject',
        report,
        `The ${name} function writes its JSON report (bucket default encryption: no header)`,
        DOC.s3PutObject,
      ],
    ].map(([id, action, key, call, doc]): PermissionRow => ({
      id: `${name}-${id}`,
      call: call ?? '',
      caller,
      action: action ?? '',
      resource: object(LAKE.artifacts, key ?? ''),
      expect: 'allowed',
      doc: doc ?? DOC.athenaS3,
    })),
    ...(
      [
        [monitor.bucketRowIds[0], 's3:ListBucket', 'lists the capture folders'],
        [monitor.bucketRowIds[1], 's3:GetBucketLocation', 'asks where the results bucket is'],
      ] as const
    ).map(([id, action, what]): PermissionRow => ({
      id: `${name}-${id}`,
      call: `Athena ${what}, as the ${name} function`,
      caller,
      action,
      resource: `{arn:${LAKE.artifacts}}`,
      expect: 'allowed',
      doc: DOC.athenaS3,
    })),
    ...['kms:Decrypt', 'kms:GenerateDataKey'].map((action): PermissionRow => ({
      id: `${name}-lake-key-${action.split(':')[1]?.toLowerCase()}`,
      call: `S3 decrypts what the ${name} function reads of the artifacts and encrypts the results and reports it writes, with the lake key`,
      caller,
      action,
      resource: `{arn:${LAKE.key}}`,
      context: viaS3(LAKE.artifacts),
      expect: 'allowed',
      doc: DOC.s3Kms,
    })),
    {
      id: `${name}-cannot-write-captures`,
      call: `The ${name} function writes into the captured requests`,
      caller,
      action: 's3:PutObject',
      resource: object(LAKE.artifacts, 'data-capture/ml-lifecycle-{stage}-churn/AllTraffic/2026/08/01/10/forged.jsonl'),
      expect: 'denied',
      doc: DOC.athenaS3,
    },
    {
      id: `${name}-cannot-delete-reports`,
      call: `The ${name} function deletes a monitoring report`,
      caller,
      action: 's3:DeleteObject',
      resource: object(LAKE.artifacts, report),
      expect: 'denied',
      doc: DOC.athenaS3,
    },
    {
      id: `${name}-puts-metrics`,
      call: `The ${name} function publishes its metrics in the monitoring namespace`,
      caller,
      action: 'cloudwatch:PutMetricData',
      resource: '*',
      context: { 'cloudwatch:namespace': 'MlLifecycle/Monitoring' },
      expect: 'allowed',
      doc: DOC.putMetricData,
    },
    {
      id: `${name}-cannot-put-other-metrics`,
      call: `The ${name} function publishes metrics in another namespace (an AWS one, say)`,
      caller,
      action: 'cloudwatch:PutMetricData',
      resource: '*',
      context: { 'cloudwatch:namespace': 'AWS/SageMaker' },
      expect: 'denied',
      doc: DOC.putMetricData,
    },
    {
      id: `${name}-puts-verdict-event`,
      call: `The ${name} function puts its verdict on the default event bus`,
      caller,
      action: 'events:PutEvents',
      resource: DEFAULT_BUS,
      expect: 'allowed',
      doc: DOC.putEvents,
    },
    {
      id: `${name}-cannot-put-on-other-bus`,
      call: `The ${name} function puts an event on another bus`,
      caller,
      action: 'events:PutEvents',
      resource: 'arn:{partition}:events:{region}:{account}:event-bus/other',
      expect: 'denied',
      doc: DOC.putEvents,
    },
  ];
}

/** The rows, grouped by stage of the lifecycle. */
export const PERMISSION_CONTRACT: readonly PermissionRow[] = [
  // ==== Ingestion: Kinesis → Firehose (cleaner) → raw zone
  {
    id: 'firehose-assumes-delivery-role',
    call: 'Firehose assumes its delivery role',
    caller: service('firehose.amazonaws.com'),
    action: 'sts:AssumeRole',
    resource: `{arn:${INGESTION.deliveryRole}}`,
    context: { 'aws:SourceAccount': '{account}' },
    expect: 'allowed',
    doc: DOC.firehoseAccess,
  },
  ...['kinesis:DescribeStream', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'].map(
    (action): PermissionRow => ({
      id: `firehose-reads-stream-${action.split(':')[1]?.toLowerCase()}`,
      call: 'Firehose reads the Kinesis stream it is fed from',
      caller: role(INGESTION.deliveryRole),
      action,
      resource: `{arn:${INGESTION.stream}}`,
      expect: 'allowed',
      doc: DOC.firehoseAccess,
    }),
  ),
  {
    id: 'firehose-decrypts-stream',
    call: 'Firehose decrypts the records of the KMS-encrypted stream',
    caller: role(INGESTION.deliveryRole),
    action: 'kms:Decrypt',
    resource: `{arn:${LAKE.key}}`,
    // Sent by Kinesis, which decrypts with the reader's credentials.
    context: {
      'kms:ViaService': 'kinesis.{region}.amazonaws.com',
      'kms:EncryptionContext:aws:kinesis:arn': `{arn:${INGESTION.stream}}`,
    },
    expect: 'allowed',
    doc: DOC.firehoseAccess,
  },
  ...['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'].map((action): PermissionRow => ({
    id: `firehose-runs-cleaner-${action.split(':')[1]?.toLowerCase()}`,
    call: 'Firehose hands each batch to the cleaner',
    caller: role(INGESTION.deliveryRole),
    action,
    resource: `{arn:${INGESTION.cleaner}}`,
    expect: 'allowed',
    doc: DOC.firehoseAccess,
  })),
  ...['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'].map((action): PermissionRow => ({
    id: `firehose-lists-raw-${action.split(':')[1]?.toLowerCase()}`,
    call: 'Firehose looks at the raw bucket before it writes',
    caller: role(INGESTION.deliveryRole),
    action,
    resource: `{arn:${LAKE.raw}}`,
    expect: 'allowed',
    doc: DOC.firehoseAccess,
  })),
  ...[
    'stream/event_date=2026-11-26/batch-1.gz',
    'outcomes-stream/observed_date=2026-11-26/batch-1.gz',
    'stream-errors/processing-failed/2026-11-26/batch-2.gz',
  ].map((key): PermissionRow => ({
    id: `firehose-writes-raw-${key.split('/')[0]}`,
    call: 'Firehose writes a batch to the raw zone with the lake key',
    caller: role(INGESTION.deliveryRole),
    action: 's3:PutObject',
    resource: object(LAKE.raw, key),
    context: withLakeKey,
    expect: 'allowed',
    doc: DOC.firehoseAccess,
  })),
  ...['s3:AbortMultipartUpload', 's3:GetObject'].map((action): PermissionRow => ({
    id: `firehose-${action.split(':')[1]?.toLowerCase()}-raw`,
    call: 'Firehose manages its uploads to the raw zone',
    caller: role(INGESTION.deliveryRole),
    action,
    resource: object(LAKE.raw, 'stream/event_date=2026-11-26/batch-1.gz'),
    expect: 'allowed',
    doc: DOC.firehoseAccess,
  })),
  ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action): PermissionRow => ({
    id: `firehose-raw-key-${action.split(':')[1]?.toLowerCase()}`,
    call: 'S3 encrypts the batch with the lake key for Firehose (Decrypt: multipart parts)',
    caller: role(INGESTION.deliveryRole),
    action,
    resource: `{arn:${LAKE.key}}`,
    context: viaS3(LAKE.raw),
    expect: 'allowed',
    doc: DOC.firehoseAccess,
  })),
  ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action): PermissionRow => ({
    id: `firehose-logs-${action.split(':')[1]?.toLowerCase()}`,
    call: 'Firehose logs delivery errors to its log stream',
    caller: role(INGESTION.deliveryRole),
    action,
    resource: logStream(INGESTION.deliveryLogs, `{ref:${INGESTION.deliveryLogStream}}`),
    expect: 'allowed',
    doc: DOC.firehoseAccess,
  })),
  ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action): PermissionRow => ({
    id: `cleaner-logs-${action.split(':')[1]?.toLowerCase()}`,
    call: 'The cleaner writes its own logs (it makes no other call)',
    caller: role(INGESTION.cleanerRole),
    action,
    resource: logStream(INGESTION.cleanerLogs, '2026/11/26/[$LATEST]0123456789abcdef'),
    expect: 'allowed',
    doc: DOC.lambdaAsync,
  })),
  // Denied: the raw zone is an append-only log, and each writer writes only its own place.
  ...['s3:DeleteObject', 's3:DeleteObjectVersion'].map((action): PermissionRow => ({
    id: `firehose-cannot-${action.split(':')[1]?.toLowerCase()}-raw`,
    call: 'The stream writer (Firehose) deletes a raw object',
    caller: role(INGESTION.deliveryRole),
    action,
    resource: object(LAKE.raw, 'stream/event_date=2026-11-26/batch-1.gz'),
    expect: 'denied',
    doc: DOC.firehoseAccess,
  })),
  {
    id: 'firehose-cannot-write-curated',
    call: 'The stream writer writes to the curated zone',
    caller: role(INGESTION.deliveryRole),
    action: 's3:PutObject',
    resource: object(LAKE.curated, 'customers/part-0.parquet'),
    context: withLakeKey,
    expect: 'denied',
    doc: DOC.firehoseAccess,
  },
  {
    id: 'firehose-cannot-write-outcome-uploads',
    call: 'The stream writer writes where outcome files are uploaded (outside its stream prefixes)',
    caller: role(INGESTION.deliveryRole),
    action: 's3:PutObject',
    resource: object(LAKE.raw, 'outcomes-batch/outcomes-2026-11-26.csv'),
    context: withLakeKey,
    expect: 'denied',
    doc: DOC.firehoseAccess,
  },
  {
    id: 'firehose-cannot-write-raw-with-sse-s3',
    call: 'A raw write that asks for SSE-S3 instead of the lake key',
    caller: role(INGESTION.deliveryRole),
    action: 's3:PutObject',
    resource: object(LAKE.raw, 'stream/event_date=2026-11-26/batch-1.gz'),
    context: { 's3:x-amz-server-side-encryption': 'AES256' },
    expect: 'denied',
    doc: DOC.s3Kms,
  },
  {
    id: 'cleaner-cannot-read-raw',
    call: 'The cleaner reads the raw zone',
    caller: role(INGESTION.cleanerRole),
    action: 's3:GetObject',
    resource: object(LAKE.raw, 'stream/event_date=2026-11-26/batch-1.gz'),
    expect: 'denied',
    doc: DOC.lambdaAsync,
  },

  // ==== ETL: the Glue jobs, their catalog, logs and bookmarks
  ...[ETL.curateRole, ETL.featuresRole].map((jobRole): PermissionRow => ({
    id: `glue-assumes-${jobRole.split('/')[2]?.toLowerCase()}`,
    call: 'Glue assumes the job role',
    caller: service('glue.amazonaws.com'),
    action: 'sts:AssumeRole',
    resource: `{arn:${jobRole}}`,
    expect: 'allowed',
    doc: DOC.glueRoles,
  })),
  ...['stream/event_date=2026-11-26/batch-1.gz', 'batch/churn-2026-11-26.csv'].map((key): PermissionRow => ({
    id: `curate-reads-raw-${key.split('/')[0]}`,
    call: 'The curate job reads raw records',
    caller: role(ETL.curateRole),
    action: 's3:GetObject',
    resource: object(LAKE.raw, key),
    expect: 'allowed',
    doc: DOC.glueRoles,
  })),
  {
    id: 'curate-lists-raw',
    call: 'The curate job lists the raw stream prefix',
    caller: role(ETL.curateRole),
    action: 's3:ListBucket',
    resource: `{arn:${LAKE.raw}}`,
    context: { 's3:prefix': 'stream/' },
    expect: 'allowed',
    doc: DOC.glueRoles,
  },
  {
    id: 'curate-decrypts-raw',
    call: 'S3 decrypts raw objects with the lake key for the curate job',
    caller: role(ETL.curateRole),
    action: 'kms:Decrypt',
    resource: `{arn:${LAKE.key}}`,
    context: viaS3(LAKE.raw),
    expect: 'allowed',
    doc: DOC.s3Kms,
  },
  ...['customers/snapshot_month=2026-11/part-0.parquet', 'quarantine/run-1/part-0.json'].flatMap(
    (key): PermissionRow[] => [
      {
        id: `curate-writes-${key.split('/')[0]}`,
        call: 'The curate job writes curated Parquet with the lake key (security configuration: SSE-KMS)',
        caller: role(ETL.curateRole),
        action: 's3:PutObject',
        resource: object(LAKE.curated, key),
        context: withLakeKey,
        expect: 'allowed',
        doc: DOC.glueEncryption,
      },
      {
        id: `curate-replaces-${key.split('/')[0]}`,
        call: 'The curate job rebuilds its curated view (deletes what it replaces)',
        caller: role(ETL.curateRole),
        action: 's3:DeleteObject',
        resource: object(LAKE.curated, key),
        expect: 'allowed',
        doc: DOC.glueRoles,
      },
    ],
  ),
  ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action): PermissionRow => ({
    id: `curate-curated-key-${action.split(':')[1]?.toLowerCase()}`,
    call: 'S3 encrypts the curated output with the lake key for the curate job',
    caller: role(ETL.curateRole),
    action,
    resource: `{arn:${LAKE.key}}`,
    context: viaS3(LAKE.curated),
    expect: 'allowed',
    doc: DOC.s3Kms,
  })),
  {
    id: 'features-reads-customers',
    call: 'The features job reads the curated customers',
    caller: role(ETL.featuresRole),
    action: 's3:GetObject',
    resource: object(LAKE.curated, 'customers/snapshot_month=2026-11/part-0.parquet'),
    expect: 'allowed',
    doc: DOC.glueRoles,
  },
  {
    id: 'features-reads-quarantine',
    call: 'The features job reads the quarantined rows, for the data report’s profile',
    caller: role(ETL.featuresRole),
    action: 's3:GetObject',
    resource: object(LAKE.curated, 'quarantine/run_id=jr_0123/part-00000.json'),
    expect: 'allowed',
    doc: DOC.glueRoles,
  },
  {
    id: 'data-report-reads-profile',
    call: 'The data report function reads the profile the features job wrote',
    caller: role(ETL.dataReportRole),
    action: 's3:GetObject',
    resource: object(LAKE.curated, 'features/profile.json'),
    expect: 'allowed',
    doc: DOC.s3Kms,
  },
  {
    id: 'data-report-decrypts-profile',
    call: 'S3 decrypts the profile for the data report function',
    caller: role(ETL.dataReportRole),
    action: 'kms:Decrypt',
    resource: `{arn:${LAKE.key}}`,
    context: viaS3(LAKE.curated),
    expect: 'allowed',
    doc: DOC.s3Kms,
  },
  ...['report.html', 'profile.json'].map((file): PermissionRow => ({
    id: `data-report-writes-${file.split('.')[0]}`,
    call: 'The data report function writes the run’s report and its profile (bucket default encryption: no header)',
    caller: role(ETL.dataReportRole),
    action: 's3:PutObject',
    resource: object(LAKE.artifacts, `data-reports/jr_0123/${file}`),
    expect: 'allowed',
    doc: DOC.s3Kms,
  })),
  {
    id: 'data-report-cannot-read-customers',
    call: 'The data report function reads the curated customers (it needs only the profile)',
    caller: role(ETL.dataReportRole),
    action: 's3:GetObject',
    resource: object(LAKE.curated, 'customers/snapshot_month=2026-11/part-0.parquet'),
    expect: 'denied',
    doc: DOC.s3Kms,
  },
  {
    id: 'data-report-cannot-write-training-runs',
    call: 'The data report function writes under the training runs',
    caller: role(ETL.dataReportRole),
    action: 's3:PutObject',
    resource: object(LAKE.artifacts, `training-runs/${RUN}/evaluation/report.html`),
    expect: 'denied',
    doc: DOC.s3Kms,
  },
  {
    id: 'features-cannot-change-quarantine',
    call: 'The features job overwrites a quarantined row (only the curate job writes there)',
    caller: role(ETL.featuresRole),
    action: 's3:PutObject',
    resource: object(LAKE.curated, 'quarantine/run_id=jr_0123/part-00000.json'),
    context: withLakeKey,
    expect: 'denied',
    doc: DOC.glueRoles,
  },
  ...[
    'features/train/part-0.csv',
    'features/baseline/baseline.csv',
    'features/manifest.json',
    'features/statistics.json',
    'features/profile.json',
  ].map((key): PermissionRow => ({
    id: `features-writes-${key.split('/')[1]?.split('.')[0]}`,
    call: 'The features job writes a split, the baseline, the manifest, the statistics or the profile with the lake key',
    caller: role(ETL.featuresRole),
    action: 's3:PutObject',
    resource: object(LAKE.curated, key),
    context: withLakeKey,
    expect: 'allowed',
    doc: DOC.glueEncryption,
  })),
  ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action): PermissionRow => ({
    id: `features-curated-key-${action.split(':')[1]?.toLowerCase()}`,
    call: 'S3 uses the lake key on curated objects for the features job',
    caller: role(ETL.featuresRole),
    action,
    resource: `{arn:${LAKE.key}}`,
    context: viaS3(LAKE.curated),
    expect: 'allowed',
    doc: DOC.s3Kms,
  })),
  // The catalog: Glue authorizes a table call on the catalog, the database and the table.
  ...[
    'arn:{partition}:glue:{region}:{account}:catalog',
    `arn:{partition}:glue:{region}:{account}:database/{ref:${LAKE.rawDatabase}}`,
    `arn:{partition}:glue:{region}:{account}:table/{ref:${LAKE.rawDatabase}}/churn_stream`,
    `arn:{partition}:glue:{region}:{account}:database/{ref:${LAKE.curatedDatabase}}`,
    `arn:{partition}:glue:{region}:{account}:table/{ref:${LAKE.curatedDatabase}}/customers`,
    'arn:{partition}:glue:{region}:{account}:database/default',
  ].flatMap((resource, i): PermissionRow[] =>
    ['glue:GetTable', 'glue:GetPartitions', 'glue:BatchCreatePartition'].map((action) => ({
      id: `curate-catalog-${i}-${action.split(':')[1]?.toLowerCase()}`,
      call: 'The curate job reads and adds to the tables of the raw and curated databases',
      caller: role(ETL.curateRole),
      action,
      resource,
      expect: 'allowed',
      doc: DOC.glueCatalog,
    })),
  ),
  ...[
    'arn:{partition}:glue:{region}:{account}:catalog',
    `arn:{partition}:glue:{region}:{account}:database/{ref:${LAKE.curatedDatabase}}`,
    `arn:{partition}:glue:{region}:{account}:table/{ref:${LAKE.curatedDatabase}}/customers`,
  ].map((resource, i): PermissionRow => ({
    id: `features-catalog-${i}`,
    call: 'The features job reads the curated customers table',
    caller: role(ETL.featuresRole),
    action: 'glue:GetTable',
    resource,
    expect: 'allowed',
    doc: DOC.glueCatalog,
  })),
  ...[ETL.curateRole, ETL.featuresRole].flatMap((jobRole): PermissionRow[] => {
    const job = jobRole.split('/')[2]?.toLowerCase() ?? '';
    // With a security configuration, Glue names the job's log groups after it and the role.
    const group = `/aws-glue/jobs/{ref:${ETL.securityConfiguration}}-role/{ref:${jobRole}}/output`;
    const groupArn = `arn:{partition}:logs:{region}:{account}:log-group:${group}`;
    return [
      ...['logs:CreateLogGroup', 'logs:AssociateKmsKey'].map((action) => ({
        id: `${job}-log-group-${action.split(':')[1]?.toLowerCase()}`,
        call: 'Glue creates the job log group and associates the lake key (security configuration)',
        caller: role(jobRole),
        action,
        resource: groupArn,
        expect: 'allowed' as const,
        doc: DOC.glueEncryption,
      })),
      ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({
        id: `${job}-log-stream-${action.split(':')[1]?.toLowerCase()}`,
        call: 'The job writes its logs',
        caller: role(jobRole),
        action,
        resource: `${groupArn}:log-stream:jr_0123456789abcdef`,
        expect: 'allowed' as const,
        doc: DOC.glueEncryption,
      })),
      {
        id: `logs-encrypts-${job}-logs`,
        call: "CloudWatch Logs encrypts the job's log group with the lake key",
        caller: service('logs.{region}.amazonaws.com'),
        action: 'kms:GenerateDataKey',
        resource: `{arn:${LAKE.key}}`,
        // Sent by CloudWatch Logs.
        context: { 'kms:EncryptionContext:aws:logs:arn': groupArn },
        expect: 'allowed',
        doc: DOC.logsKms,
      },
      ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({
        id: `${job}-bookmark-key-${action.split(':')[1]?.toLowerCase()}`,
        call: 'Glue encrypts the job bookmark with the lake key (client-side, with the job role)',
        caller: role(jobRole),
        action,
        resource: `{arn:${LAKE.key}}`,
        context: { 'kms:ViaService': 'glue.{region}.amazonaws.com' },
        expect: 'allowed' as const,
        doc: DOC.glueEncryption,
      })),
      {
        id: `${job}-metrics`,
        call: 'The job publishes its metrics in the Glue namespace',
        caller: role(jobRole),
        action: 'cloudwatch:PutMetricData',
        resource: '*',
        context: { 'cloudwatch:namespace': 'Glue' },
        expect: 'allowed',
        doc: DOC.glueRoles,
      },
    ];
  }),
  // Denied: each job reads and writes only its own prefixes.
  {
    id: 'features-cannot-read-raw',
    call: 'The features job reads the raw zone',
    caller: role(ETL.featuresRole),
    action: 's3:GetObject',
    resource: object(LAKE.raw, 'stream/event_date=2026-11-26/batch-1.gz'),
    expect: 'denied',
    doc: DOC.glueRoles,
  },
  {
    id: 'curate-cannot-write-features',
    call: 'The curate job writes the features',
    caller: role(ETL.curateRole),
    action: 's3:PutObject',
    resource: object(LAKE.curated, 'features/train/part-0.csv'),
    context: withLakeKey,
    expect: 'denied',
    doc: DOC.glueRoles,
  },
  {
    id: 'curate-cannot-delete-raw',
    call: 'The curate job deletes what it read from raw',
    caller: role(ETL.curateRole),
    action: 's3:DeleteObject',
    resource: object(LAKE.raw, 'batch/churn-2026-11-26.csv'),
    expect: 'denied',
    doc: DOC.glueRoles,
  },
  {
    id: 'etl-alerts-topic',
    call: 'EventBridge publishes a failed job run to the ETL alert topic',
    caller: service('events.amazonaws.com'),
    action: 'sns:Publish',
    resource: `{arn:${ETL.alerts}}`,
    context: from(`{arn:${ETL.jobFailed}}`),
    expect: 'allowed',
    doc: DOC.eventsResourcePolicies,
  },
  ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action): PermissionRow => ({
    id: `etl-alerts-key-${action.split(':')[1]?.toLowerCase()}`,
    call: 'EventBridge uses the lake key to publish to the encrypted ETL alert topic',
    caller: service('events.amazonaws.com'),
    action,
    resource: `{arn:${LAKE.key}}`,
    // No aws:SourceArn or aws:SourceAccount: SNS does not support them in a key policy for
    // EventBridge-to-encrypted topics (the key request does not carry them), so none is sent here.
    context: viaSns(ETL.alerts),
    expect: 'allowed',
    doc: DOC.snsKeys,
  })),
  ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action): PermissionRow => ({
    id: `etl-run-log-${action.split(':')[1]?.toLowerCase()}`,
    call: "EventBridge writes each job run's end to the run log",
    caller: service('events.amazonaws.com'),
    action,
    resource: logStream(ETL.runsLog, '0123456789abcdef'),
    context: from(`{arn:${ETL.runEnded}}`),
    expect: 'allowed',
    doc: DOC.eventsResourcePolicies,
  })),

  // ==== Training: the SageMaker jobs and the model of a run (the pipeline's job role)
  {
    id: 'sagemaker-assumes-job-role',
    call: 'SageMaker assumes the job role for a job or model',
    caller: service('sagemaker.amazonaws.com'),
    action: 'sts:AssumeRole',
    resource: `{arn:${TRAINING.jobRole}}`,
    context: { 'aws:SourceAccount': '{account}' },
    expect: 'allowed',
    doc: DOC.sagemakerRoles,
  },
  ...[
    'features/train/part-0.csv',
    'features/validation/part-0.csv',
    'features/test/part-0.csv',
    'features/baseline/baseline.csv',
  ].map((key): PermissionRow => ({
    id: `job-reads-${key.split('/')[1]}`,
    call: 'A tuning, transform or baseline job reads its split',
    caller: role(TRAINING.jobRole),
    action: 's3:GetObject',
    resource: object(LAKE.curated, key),
    expect: 'allowed',
    doc: DOC.sagemakerRoles,
  })),
  {
    id: 'job-lists-features',
    call: 'SageMaker lists the S3 prefix of a channel',
    caller: role(TRAINING.jobRole),
    action: 's3:ListBucket',
    resource: `{arn:${LAKE.curated}}`,
    context: { 's3:prefix': 'features/train/' },
    expect: 'allowed',
    doc: DOC.sagemakerRoles,
  },
  {
    id: 'job-decrypts-features',
    call: 'S3 decrypts the features with the lake key for the job',
    caller: role(TRAINING.jobRole),
    action: 'kms:Decrypt',
    resource: `{arn:${LAKE.key}}`,
    context: viaS3(LAKE.curated),
    expect: 'allowed',
    doc: DOC.s3Kms,
  },
  ...[
    `training-runs/${RUN}/tuning/{jobPrefix}-${RUN}-0-001-1a2b3c4d/output/model.tar.gz`,
    `training-runs/${RUN}/checkpoints/checkpoint-10.json`,
    `training-runs/${RUN}/baseline/statistics.json`,
    `training-runs/${RUN}/transform/part-0.csv.out`,
  ].map((key): PermissionRow => ({
    id: `job-writes-${key.split('/')[2]}`,
    call: 'A job writes its output under the run, with the lake key (KmsKeyId of the output)',
    caller: role(TRAINING.jobRole),
    action: 's3:PutObject',
    resource: object(LAKE.artifacts, key),
    context: withLakeKey,
    expect: 'allowed',
    doc: DOC.sagemakerOutputKey,
  })),
  ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action): PermissionRow => ({
    id: `job-artifacts-key-${action.split(':')[1]?.toLowerCase()}`,
    call: "S3 encrypts a job's output with the lake key for the job",
    caller: role(TRAINING.jobRole),
    action,
    resource: `{arn:${LAKE.key}}`,
    context: viaS3(LAKE.artifacts),
    expect: 'allowed',
    doc: DOC.sagemakerOutputKey,
  })),
  {
    id: 'model-reads-artifact',
    call: 'The model of the run (for the batch transform) loads its artifact',
    caller: role(TRAINING.jobRole),
    action: 's3:GetObject',
    resource: object(
      LAKE.artifacts,
      `training-runs/${RUN}/tuning/{jobPrefix}-${RUN}-0-001-1a2b3c4d/output/model.tar.gz`,
    ),
    expect: 'allowed',
    doc: DOC.sagemakerRoles,
  },
  {
    id: 'job-grants-volume-key',
    call: 'SageMaker creates a grant on the lake key for the encrypted ML volume',
    caller: role(TRAINING.jobRole),
    action: 'kms:CreateGrant',
    resource: `{arn:${LAKE.key}}`,
    // Sent by the service that asks for the grant for its resource.
    context: { 'kms:GrantIsForAWSResource': 'true', 'kms:ViaService': 'sagemaker.{region}.amazonaws.com' },
    expect: 'allowed',
    doc: DOC.sagemakerVolumeKey,
  },
  {
    id: 'job-cannot-grant-by-hand',
    call: 'The job role creates a grant on the lake key itself, not through a service',
    caller: role(TRAINING.jobRole),
    action: 'kms:CreateGrant',
    resource: `{arn:${LAKE.key}}`,
    context: { 'kms:GrantIsForAWSResource': 'false' },
    expect: 'denied',
    doc: DOC.sagemakerVolumeKey,
  },
  ...['TrainingJobs', 'ProcessingJobs', 'TransformJobs'].flatMap((kind): PermissionRow[] => [
    ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({
      id: `job-logs-${kind.toLowerCase()}-${action.split(':')[1]?.toLowerCase()}`,
      call: `SageMaker writes the ${kind} logs with the job role`,
      caller: role(TRAINING.jobRole),
      action,
      resource: `arn:{partition}:logs:{region}:{account}:log-group:/aws/sagemaker/${kind}:log-stream:{jobPrefix}-${RUN}-0/algo-1`,
      expect: 'allowed' as const,
      doc: DOC.sagemakerRoles,
    })),
    {
      id: `job-metrics-${kind.toLowerCase()}`,
      call: `SageMaker publishes the ${kind} metrics with the job role`,
      caller: role(TRAINING.jobRole),
      action: 'cloudwatch:PutMetricData',
      resource: '*',
      context: { 'cloudwatch:namespace': `/aws/sagemaker/${kind}` },
      expect: 'allowed',
      doc: DOC.sagemakerRoles,
    },
  ]),
  {
    id: 'job-cannot-read-raw',
    call: 'A pipeline job reads the raw zone',
    caller: role(TRAINING.jobRole),
    action: 's3:GetObject',
    resource: object(LAKE.raw, 'stream/event_date=2026-11-26/batch-1.gz'),
    expect: 'denied',
    doc: DOC.sagemakerRoles,
  },
  {
    id: 'job-cannot-delete-run',
    call: 'A pipeline job deletes from a run (training-runs/ is append-only for it)',
    caller: role(TRAINING.jobRole),
    action: 's3:DeleteObject',
    resource: object(LAKE.artifacts, `training-runs/${RUN}/evaluation/evaluation.json`),
    expect: 'denied',
    doc: DOC.sagemakerRoles,
  },
  {
    id: 'job-cannot-write-curated',
    call: 'A pipeline job writes the curated zone',
    caller: role(TRAINING.jobRole),
    action: 's3:PutObject',
    resource: object(LAKE.curated, 'features/train/part-0.csv'),
    context: withLakeKey,
    expect: 'denied',
    doc: DOC.sagemakerRoles,
  },

  // ==== Training: the state machine
  {
    id: 'states-assumes-role',
    call: 'Step Functions assumes the state machine role',
    caller: service('states.amazonaws.com'),
    action: 'sts:AssumeRole',
    resource: `{arn:${TRAINING.stateMachineRole}}`,
    context: from(`{arn:${TRAINING.stateMachine}}`),
    expect: 'allowed',
    doc: DOC.sfnSageMaker,
  },
  ...(
    [
      [
        'processing-job',
        `{jobPrefix}-baseline-${RUN}-0`,
        ['CreateProcessingJob', 'DescribeProcessingJob', 'StopProcessingJob', 'AddTags'],
      ],
      [
        'hyper-parameter-tuning-job',
        `{jobPrefix}-${RUN}-0`,
        [
          'CreateHyperParameterTuningJob',
          'DescribeHyperParameterTuningJob',
          'StopHyperParameterTuningJob',
          'AddTags',
          'ListTags',
        ],
      ],
      ['training-job', `{jobPrefix}-${RUN}-0-001-1a2b3c4d`, ['DescribeTrainingJob']],
      ['model', `{jobPrefix}-${RUN}`, ['CreateModel', 'DeleteModel', 'AddTags']],
      [
        'transform-job',
        `{jobPrefix}-score-${RUN}-0`,
        ['CreateTransformJob', 'DescribeTransformJob', 'StopTransformJob', 'AddTags'],
      ],
    ] as const
  ).flatMap(([type, name, actions]) =>
    actions.map((action): PermissionRow => ({
      id: `pipeline-${type}-${action.toLowerCase()}`,
      call: `The pipeline calls ${action} on its ${type}`,
      caller: role(TRAINING.stateMachineRole),
      action: `sagemaker:${action}`,
      resource: sagemaker(type, name),
      expect: 'allowed',
      doc: DOC.sfnSageMaker,
      // The processing job is Model Monitor's baseline, which runs only when the stage opts in.
      ...(type === 'processing-job' ? { modelMonitor: true } : {}),
    })),
  ),
  {
    id: 'pipeline-passes-job-role',
    call: 'The pipeline passes the job role to SageMaker (every job and the model)',
    caller: role(TRAINING.stateMachineRole),
    action: 'iam:PassRole',
    resource: `{arn:${TRAINING.jobRole}}`,
    context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
    expect: 'allowed',
    doc: DOC.sfnSageMaker,
  },
  ...['Processing', 'Tuning', 'Transform'].flatMap((jobs) =>
    ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'].map((action): PermissionRow => ({
      id: `pipeline-sync-rule-${jobs.toLowerCase()}-${action.split(':')[1]?.toLowerCase()}`,
      call: `The .sync integration manages the rule that reports ${jobs.toLowerCase()} jobs ending`,
      caller: role(TRAINING.stateMachineRole),
      action,
      resource: `arn:{partition}:events:{region}:{account}:rule/StepFunctionsGetEventsForSageMaker${jobs}JobsRule`,
      expect: 'allowed',
      doc: DOC.sfnSageMaker,
      ...(jobs === 'Processing' ? { modelMonitor: true } : {}),
    })),
  ),
  ...[TRAINING.evaluate, TRAINING.register, TRAINING.gate].map((fn): PermissionRow => ({
    id: `pipeline-invokes-${fn.split('/')[2]?.toLowerCase()}`,
    call: 'The pipeline invokes its step function',
    caller: role(TRAINING.stateMachineRole),
    action: 'lambda:InvokeFunction',
    resource: `{arn:${fn}}`,
    expect: 'allowed',
    doc: DOC.sfnLambda,
  })),
  {
    id: 'pipeline-publishes-result',
    call: "The pipeline publishes a run's result (or failure) to its topic",
    caller: role(TRAINING.stateMachineRole),
    action: 'sns:Publish',
    resource: `{arn:${TRAINING.topic}}`,
    expect: 'allowed',
    doc: DOC.snsKeys,
  },
  ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action): PermissionRow => ({
    id: `pipeline-topic-key-${action.split(':')[1]?.toLowerCase()}`,
    call: 'SNS encrypts the published message with the lake key, with the publisher’s permissions',
    caller: role(TRAINING.stateMachineRole),
    action,
    resource: `{arn:${LAKE.key}}`,
    context: viaSns(TRAINING.topic),
    expect: 'allowed',
    doc: DOC.snsKeys,
  })),
  ...[
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
  ].map((action): PermissionRow => ({
    id: `pipeline-log-delivery-${action.split(':')[1]?.toLowerCase()}`,
    call: 'Step Functions sets up the delivery of execution logs',
    caller: role(TRAINING.stateMachineRole),
    action,
    resource: '*',
    expect: 'allowed',
    doc: DOC.sfnLogs,
  })),
  {
    id: 'pipeline-traces',
    call: 'The pipeline sends X-Ray traces',
    caller: role(TRAINING.stateMachineRole),
    action: 'xray:PutTraceSegments',
    resource: '*',
    expect: 'allowed',
    doc: DOC.sfnLogs,
  },
  {
    id: 'pipeline-cannot-read-raw',
    call: 'The state machine role reads the raw zone',
    caller: role(TRAINING.stateMachineRole),
    action: 's3:GetObject',
    resource: object(LAKE.raw, 'stream/event_date=2026-11-26/batch-1.gz'),
    expect: 'denied',
    doc: DOC.sfnSageMaker,
  },
  {
    id: 'pipeline-cannot-pass-job-role-elsewhere',
    call: 'The pipeline passes the job role to another service',
    caller: role(TRAINING.stateMachineRole),
    action: 'iam:PassRole',
    resource: `{arn:${TRAINING.jobRole}}`,
    context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
    expect: 'denied',
    doc: DOC.passRole,
  },
  {
    id: 'pipeline-cannot-start-foreign-job',
    call: 'The pipeline starts a job outside its name prefix',
    caller: role(TRAINING.stateMachineRole),
    action: 'sagemaker:CreateHyperParameterTuningJob',
    resource: sagemaker('hyper-parameter-tuning-job', `someone-else-${RUN}`),
    expect: 'denied',
    doc: DOC.sfnSageMaker,
  },
  {
    id: 'trigger-assumed-by-events',
    call: 'EventBridge assumes the trigger role',
    caller: service('events.amazonaws.com'),
    action: 'sts:AssumeRole',
    resource: `{arn:${TRAINING.triggerRole}}`,
    context: from(`{arn:${TRAINING.featuresReady}}`),
    expect: 'allowed',
    doc: DOC.eventsIdentityPolicies,
  },
  {
    id: 'trigger-starts-pipeline',
    call: 'EventBridge starts the pipeline when the features are ready',
    caller: role(TRAINING.triggerRole),
    action: 'states:StartExecution',
    resource: `{arn:${TRAINING.stateMachine}}`,
    expect: 'allowed',
    doc: DOC.eventsIdentityPolicies,
  },

  // ==== Training: the baseline statistics, the champion, the decision (the state machine role)
  {
    id: 'pipeline-reads-features-statistics',
    call: 'The pipeline copies the features’ statistics.json: CopyObject reads the source',
    caller: role(TRAINING.stateMachineRole),
    action: 's3:GetObject',
    resource: object(LAKE.curated, 'features/statistics.json'),
    expect: 'allowed',
    doc: DOC.s3CopyObject,
  },
  ...[
    ['statistics', `training-runs/${RUN}/feature-statistics/statistics.json`],
    ['gate-decision', `training-runs/${RUN}/evaluation/gate.json`],
  ].map(([what, key]): PermissionRow => ({
    id: `pipeline-writes-${what}`,
    call: `The pipeline writes the run’s ${what === 'statistics' ? 'copy of the statistics' : 'gate decision, with both scores'}`,
    caller: role(TRAINING.stateMachineRole),
    action: 's3:PutObject',
    resource: object(LAKE.artifacts, key ?? ''),
    expect: 'allowed',
    doc: DOC.s3CopyObject,
  })),
  ...(
    [
      ['kms:Decrypt', LAKE.curated],
      ['kms:GenerateDataKey', LAKE.artifacts],
    ] as const
  ).map(([action, bucket]): PermissionRow => ({
    id: `pipeline-statistics-key-${action.split(':')[1]?.toLowerCase()}`,
    call: 'S3 decrypts the statistics and encrypts the copy (and the gate’s record) with the lake key, for the pipeline',
    caller: role(TRAINING.stateMachineRole),
    action,
    resource: `{arn:${LAKE.key}}`,
    context: viaS3(bucket),
    expect: 'allowed',
    doc: DOC.s3Kms,
  })),
  {
    id: 'pipeline-lists-approved-packages',
    call: 'The pipeline finds the group’s latest approved version, the model in service (no resource-level permission)',
    caller: role(TRAINING.stateMachineRole),
    action: 'sagemaker:ListModelPackages',
    resource: '*',
    expect: 'allowed',
    doc: DOC.sagemakerApi,
  },
  {
    id: 'pipeline-describes-champion',
    call: 'The pipeline reads the version in service: its model artifacts and image',
    caller: role(TRAINING.stateMachineRole),
    action: 'sagemaker:DescribeModelPackage',
    resource: sagemaker('model-package', 'ml-lifecycle-{stage}-churn/3'),
    expect: 'allowed',
    doc: DOC.sagemakerApi,
  },
  ...(
    [
      ['model', `{jobPrefix}-champion-${RUN}`, ['CreateModel', 'DeleteModel']],
      ['transform-job', `{jobPrefix}-champion-${RUN}-0`, ['CreateTransformJob', 'DescribeTransformJob', 'AddTags']],
    ] as const
  ).flatMap(([type, name, actions]) =>
    actions.map((action): PermissionRow => ({
      id: `pipeline-champion-${type}-${action.toLowerCase()}`,
      call: `The pipeline calls ${action} on the champion’s ${type}, to score it on the same test split`,
      caller: role(TRAINING.stateMachineRole),
      action: `sagemaker:${action}`,
      resource: sagemaker(type, name),
      expect: 'allowed',
      doc: DOC.sfnSageMaker,
    })),
  ),
  {
    id: 'pipeline-announces-decision',
    call: 'The pipeline puts the gate’s Retraining decision event on the default bus',
    caller: role(TRAINING.stateMachineRole),
    action: 'events:PutEvents',
    resource: DEFAULT_BUS,
    expect: 'allowed',
    doc: DOC.sfnEvents,
  },
  {
    id: 'pipeline-cannot-change-champion',
    call: 'The state machine role changes a version’s approval (only the quality gate may)',
    caller: role(TRAINING.stateMachineRole),
    action: 'sagemaker:UpdateModelPackage',
    resource: sagemaker('model-package', 'ml-lifecycle-{stage}-churn/3'),
    expect: 'denied',
    doc: DOC.sagemakerApi,
  },
  {
    id: 'evaluate-reads-champion-scores',
    call: 'The evaluate function reads the batch transform output of the champion',
    caller: role(TRAINING.evaluateRole),
    action: 's3:GetObject',
    resource: object(LAKE.artifacts, `training-runs/${RUN}/champion/transform/part-0.csv.out`),
    expect: 'allowed',
    doc: DOC.s3Kms,
  },
  {
    id: 'evaluate-writes-champion-evaluation',
    call: 'The evaluate function writes the champion’s evaluation under the run',
    caller: role(TRAINING.evaluateRole),
    action: 's3:PutObject',
    resource: object(LAKE.artifacts, `training-runs/${RUN}/champion/evaluation/evaluation.json`),
    expect: 'allowed',
    doc: DOC.s3Kms,
  },

  // ==== Training: the step functions (Lambda)
  ...[`features/test/part-0.csv`].map((key): PermissionRow => ({
    id: 'evaluate-reads-test-split',
    call: 'The evaluate function reads the test split (labels)',
    caller: role(TRAINING.evaluateRole),
    action: 's3:GetObject',
    resource: object(LAKE.curated, key),
    expect: 'allowed',
    doc: DOC.s3Kms,
  })),
  {
    id: 'evaluate-reads-scores',
    call: 'The evaluate function reads the batch transform output',
    caller: role(TRAINING.evaluateRole),
    action: 's3:GetObject',
    resource: object(LAKE.artifacts, `training-runs/${RUN}/transform/part-0.csv.out`),
    expect: 'allowed',
    doc: DOC.s3Kms,
  },
  ...[LAKE.curated, LAKE.artifacts].map((bucket): PermissionRow => ({
    id: `evaluate-decrypts-${bucket.split('/')[2]?.toLowerCase()}`,
    call: 'S3 decrypts what the evaluate function reads',
    caller: role(TRAINING.evaluateRole),
    action: 'kms:Decrypt',
    resource: `{arn:${LAKE.key}}`,
    context: viaS3(bucket),
    expect: 'allowed',
    doc: DOC.s3Kms,
  })),
  ...['DescribeHyperParameterTuningJob', 'ListTrainingJobsForHyperParameterTuningJob'].map((action): PermissionRow => ({
    id: `evaluate-${action === 'DescribeHyperParameterTuningJob' ? 'describes-tuning-job' : 'lists-trials'}`,
    call: 'The evaluate function reads the run’s tuning job and its training jobs, for the tuning report',
    caller: role(TRAINING.evaluateRole),
    action: `sagemaker:${action}`,
    resource: sagemaker('hyper-parameter-tuning-job', `{jobPrefix}-${RUN}-0`),
    expect: 'allowed',
    doc: DOC.sagemakerApi,
  })),
  {
    id: 'evaluate-cannot-read-foreign-tuning-job',
    call: 'The evaluate function reads a tuning job outside the pipeline’s name prefix',
    caller: role(TRAINING.evaluateRole),
    action: 'sagemaker:DescribeHyperParameterTuningJob',
    resource: sagemaker('hyper-parameter-tuning-job', `someone-else-${RUN}`),
    expect: 'denied',
    doc: DOC.sagemakerApi,
  },
  {
    id: 'evaluate-reads-training-job-log',
    call: 'The evaluate function reads the best training job’s rounds from the training jobs’ log group',
    caller: role(TRAINING.evaluateRole),
    action: 'logs:FilterLogEvents',
    resource: 'arn:{partition}:logs:{region}:{account}:log-group:/aws/sagemaker/TrainingJobs',
    expect: 'allowed',
    doc: DOC.sagemakerLogs,
  },
  {
    id: 'evaluate-cannot-read-other-logs',
    call: 'The evaluate function reads another log group (the endpoint’s)',
    caller: role(TRAINING.evaluateRole),
    action: 'logs:FilterLogEvents',
    resource: 'arn:{partition}:logs:{region}:{account}:log-group:/aws/sagemaker/Endpoints/ml-lifecycle-{stage}-churn',
    expect: 'denied',
    doc: DOC.logsApi,
  },
  ...['tuning.json', 'tuning-report.html'].map((file): PermissionRow => ({
    id: `evaluate-writes-${file.split('.')[0]}`,
    call: 'The evaluate function writes the tuning report beside the evaluation',
    caller: role(TRAINING.evaluateRole),
    action: 's3:PutObject',
    resource: object(LAKE.artifacts, `training-runs/${RUN}/evaluation/${file}`),
    expect: 'allowed',
    doc: DOC.s3Kms,
  })),
  ...['evaluation.json', 'report.html', 'model-quality.json'].map((file): PermissionRow => ({
    id: `evaluate-writes-${file.split('.')[0]}`,
    call: 'The evaluate function writes its results (bucket default encryption: no header)',
    caller: role(TRAINING.evaluateRole),
    action: 's3:PutObject',
    resource: object(LAKE.artifacts, `training-runs/${RUN}/evaluation/${file}`),
    expect: 'allowed',
    doc: DOC.s3Kms,
  })),
  {
    id: 'evaluate-encrypts-results',
    call: "S3 encrypts the evaluation with the lake key (the bucket's default) for the function",
    caller: role(TRAINING.evaluateRole),
    action: 'kms:GenerateDataKey',
    resource: `{arn:${LAKE.key}}`,
    context: viaS3(LAKE.artifacts),
    expect: 'allowed',
    doc: DOC.s3Kms,
  },
  {
    id: 'register-creates-package',
    call: 'The register function adds a model package version to the group',
    caller: role(TRAINING.registerRole),
    action: 'sagemaker:CreateModelPackage',
    resource: sagemaker('model-package', 'ml-lifecycle-{stage}-churn/3'),
    expect: 'allowed',
    doc: DOC.sagemakerApi,
  },
  {
    id: 'gate-updates-package',
    call: 'The quality gate approves or rejects the version',
    caller: role(TRAINING.gateRole),
    action: 'sagemaker:UpdateModelPackage',
    resource: sagemaker('model-package', 'ml-lifecycle-{stage}-churn/3'),
    expect: 'allowed',
    doc: DOC.sagemakerApi,
  },
  {
    id: 'emptier-lists-packages',
    call: 'On teardown, the registry emptier lists the versions',
    caller: role(TRAINING.emptierRole),
    action: 'sagemaker:ListModelPackages',
    resource: '*',
    expect: 'allowed',
    doc: DOC.sagemakerApi,
    stages: ['sandbox'],
  },
  {
    id: 'emptier-deletes-packages',
    call: 'On teardown, the registry emptier deletes each version',
    caller: role(TRAINING.emptierRole),
    action: 'sagemaker:DeleteModelPackage',
    resource: sagemaker('model-package', 'ml-lifecycle-{stage}-churn/3'),
    expect: 'allowed',
    doc: DOC.sagemakerApi,
    stages: ['sandbox'],
  },
  {
    id: 'gate-cannot-delete-package',
    call: 'The quality gate deletes a version',
    caller: role(TRAINING.gateRole),
    action: 'sagemaker:DeleteModelPackage',
    resource: sagemaker('model-package', 'ml-lifecycle-{stage}-churn/3'),
    expect: 'denied',
    doc: DOC.sagemakerApi,
  },

  // ==== Serving: the endpoint's model, data capture and monitor (the serving role)
  {
    id: 'sagemaker-assumes-serving-role',
    call: 'SageMaker assumes the serving role for the model and the monitoring jobs',
    caller: service('sagemaker.amazonaws.com'),
    action: 'sts:AssumeRole',
    resource: `{arn:${SERVING.role}}`,
    context: { 'aws:SourceAccount': '{account}' },
    expect: 'allowed',
    doc: DOC.sagemakerRoles,
  },
  ...[
    `training-runs/${RUN}/tuning/{jobPrefix}-${RUN}-0-001-1a2b3c4d/output/model.tar.gz`,
    `training-runs/${RUN}/baseline/statistics.json`,
    `training-runs/${RUN}/baseline/constraints.json`,
    'data-capture/ml-lifecycle-{stage}-churn/AllTraffic/2026/11/26/15/capture.jsonl',
  ].map((key): PermissionRow => ({
    id: `serving-reads-${key.split('/').slice(-1)[0]?.split('.')[0]}`,
    call: 'The model loads its artifact; the monitor reads the baseline and the captured requests',
    caller: role(SERVING.role),
    action: 's3:GetObject',
    resource: object(LAKE.artifacts, key),
    expect: 'allowed',
    doc: DOC.sagemakerRoles,
  })),
  ...[
    'data-capture/ml-lifecycle-{stage}-churn/AllTraffic/2026/11/26/15/capture.jsonl',
    'monitoring/ml-lifecycle-{stage}-churn/2026/11/26/15/constraint_violations.json',
  ].map((key): PermissionRow => ({
    id: `serving-writes-${key.split('/')[0]}`,
    call: 'Data capture writes requests and responses; the monitor writes its report, with the lake key',
    caller: role(SERVING.role),
    action: 's3:PutObject',
    resource: object(LAKE.artifacts, key),
    context: withLakeKey,
    expect: 'allowed',
    doc: DOC.dataCapture,
  })),
  ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action): PermissionRow => ({
    id: `serving-artifacts-key-${action.split(':')[1]?.toLowerCase()}`,
    call: 'S3 uses the lake key on artifacts for the serving role',
    caller: role(SERVING.role),
    action,
    resource: `{arn:${LAKE.key}}`,
    context: viaS3(LAKE.artifacts),
    expect: 'allowed',
    doc: DOC.dataCapture,
  })),
  {
    id: 'serving-grants-volume-key',
    call: "SageMaker creates a grant on the lake key for the monitoring job's volume",
    caller: role(SERVING.role),
    action: 'kms:CreateGrant',
    resource: `{arn:${LAKE.key}}`,
    context: { 'kms:GrantIsForAWSResource': 'true', 'kms:ViaService': 'sagemaker.{region}.amazonaws.com' },
    expect: 'allowed',
    doc: DOC.sagemakerVolumeKey,
  },
  ...['Endpoints', 'ProcessingJobs'].map((kind): PermissionRow => ({
    id: `serving-logs-${kind.toLowerCase()}`,
    call: `SageMaker writes the ${kind} logs with the serving role`,
    caller: role(SERVING.role),
    action: 'logs:PutLogEvents',
    resource: `arn:{partition}:logs:{region}:{account}:log-group:/aws/sagemaker/${kind}/ml-lifecycle-{stage}-churn:log-stream:AllTraffic/i-0123456789abcdef0`,
    expect: 'allowed',
    doc: DOC.sagemakerRoles,
  })),
  {
    id: 'serving-cannot-read-features',
    call: 'The serving role reads the curated features',
    caller: role(SERVING.role),
    action: 's3:GetObject',
    resource: object(LAKE.curated, 'features/train/part-0.csv'),
    expect: 'denied',
    doc: DOC.sagemakerRoles,
  },
  {
    id: 'serving-cannot-overwrite-model',
    call: 'The serving role writes into a training run (the model it serves)',
    caller: role(SERVING.role),
    action: 's3:PutObject',
    resource: object(LAKE.artifacts, `training-runs/${RUN}/tuning/model.tar.gz`),
    context: withLakeKey,
    expect: 'denied',
    doc: DOC.sagemakerRoles,
  },

  // ==== Serving: the lake monitors (lambda/live-quality and lambda/drift): what both do, then what each does alone
  ...monitorFunctionRows({
    name: 'quality',
    fn: SERVING.quality,
    role: SERVING.qualityRole,
    packageFor: 'its cutoff',
    reportPrefix: 'monitoring/quality/ml-lifecycle-{stage}-churn/',
    bucketRowIds: ['lists-artifacts', 'bucket-location'],
  }),
  ...monitorFunctionRows({
    name: 'drift',
    fn: SERVING.drift,
    role: SERVING.driftRole,
    packageFor: 'its baseline statistics',
    reportPrefix: 'monitoring/drift/ml-lifecycle-{stage}-churn/',
    bucketRowIds: ['listbucket', 'getbucketlocation'],
  }),

  // ==== Serving: the quality function alone (the outcomes it joins to the predictions)
  {
    id: 'quality-cannot-describe-other-endpoint',
    call: 'The quality function describes an endpoint that is not its own',
    caller: role(SERVING.qualityRole),
    action: 'sagemaker:DescribeEndpoint',
    resource: sagemaker('endpoint', 'someone-elses-endpoint'),
    expect: 'denied',
    doc: DOC.sagemakerApi,
  },
  {
    id: 'quality-reads-baselines',
    call: 'A monitor reads the baseline statistics of the model in service',
    caller: role(SERVING.qualityRole),
    action: 's3:GetObject',
    resource: object(LAKE.artifacts, `training-runs/${RUN}/baseline/statistics.json`),
    expect: 'allowed',
    doc: DOC.athenaS3,
  },
  {
    id: 'quality-cannot-change-capture-table',
    call: 'The quality function changes the capture table',
    caller: role(SERVING.qualityRole),
    action: 'glue:UpdateTable',
    resource: `arn:{partition}:glue:{region}:{account}:table/{ref:${LAKE.rawDatabase}}/data_capture`,
    expect: 'denied',
    doc: DOC.athenaGlue,
  },
  {
    id: 'quality-cannot-read-raw',
    call: 'The quality function reads the raw zone’s records',
    caller: role(SERVING.qualityRole),
    action: 's3:GetObject',
    resource: object(LAKE.raw, 'stream/event_date=2026-08-01/part-0.json.gz'),
    expect: 'denied',
    doc: DOC.athenaS3,
  },
  // The outcomes the quality function joins to the predictions: read, through Athena, never written.
  ...[
    [
      'reads-outcomes-stream',
      'outcomes-stream/observed_date=2026-08-30/batch-1.gz',
      'stream outcomes the cleaner wrote',
    ],
    ['reads-outcomes-batch', 'outcomes-batch/outcomes-2026-08-30.csv', 'uploaded outcome files'],
  ].map(([id, key, what]): PermissionRow => ({
    id: `quality-${id}`,
    call: `Athena reads the ${what ?? ''} with the quality function’s permissions`,
    caller: role(SERVING.qualityRole),
    action: 's3:GetObject',
    resource: object(LAKE.raw, key ?? ''),
    expect: 'allowed',
    doc: DOC.athenaS3,
  })),
  {
    id: 'quality-lists-raw',
    call: 'Athena lists the outcome folders of the raw zone as the quality function',
    caller: role(SERVING.qualityRole),
    action: 's3:ListBucket',
    resource: `{arn:${LAKE.raw}}`,
    expect: 'allowed',
    doc: DOC.athenaS3,
  },
  {
    id: 'quality-raw-key-decrypt',
    call: 'S3 decrypts the raw outcomes with the lake key, for the quality function',
    caller: role(SERVING.qualityRole),
    action: 'kms:Decrypt',
    resource: `{arn:${LAKE.key}}`,
    context: viaS3(LAKE.raw),
    expect: 'allowed',
    doc: DOC.s3Kms,
  },
  ...['outcome_stream', 'outcome_batch'].map((table): PermissionRow => ({
    id: `quality-gettable-${table.replace('_', '-')}`,
    call: `Athena reads the ${table} table’s definition as the quality function`,
    caller: role(SERVING.qualityRole),
    action: 'glue:GetTable',
    resource: `arn:{partition}:glue:{region}:{account}:table/{ref:${LAKE.rawDatabase}}/${table}`,
    expect: 'allowed',
    doc: DOC.athenaGlue,
  })),
  ...[
    ['s3:PutObject', 'outcomes-stream/observed_date=2026-08-30/forged.gz', 'writes a stream outcome'],
    ['s3:PutObject', 'outcomes-batch/forged.csv', 'uploads an outcome file'],
    ['s3:DeleteObject', 'outcomes-batch/outcomes-2026-08-30.csv', 'deletes an uploaded outcome file'],
  ].map(([action, key, what]): PermissionRow => ({
    id: `quality-cannot-${action === 's3:DeleteObject' ? 'delete' : 'write'}-${key?.split('/')[0] ?? ''}`,
    call: `The quality function ${what ?? ''}`,
    caller: role(SERVING.qualityRole),
    action: action ?? '',
    resource: object(LAKE.raw, key ?? ''),
    expect: 'denied',
    doc: DOC.athenaS3,
  })),
  {
    id: 'quality-cannot-change-outcome-table',
    call: 'The quality function changes an outcome table',
    caller: role(SERVING.qualityRole),
    action: 'glue:UpdateTable',
    resource: `arn:{partition}:glue:{region}:{account}:table/{ref:${LAKE.rawDatabase}}/outcome_batch`,
    expect: 'denied',
    doc: DOC.athenaGlue,
  },

  // ==== Serving: the drift function alone (lambda/drift/check.ts: the baseline it judges by, and what it must not read)
  {
    id: 'drift-cannot-describe-other-package',
    call: 'The drift function describes a model package of another group',
    caller: role(SERVING.driftRole),
    action: 'sagemaker:DescribeModelPackage',
    resource: sagemaker('model-package', 'someone-elses-model/1'),
    expect: 'denied',
    doc: DOC.sagemakerApi,
  },
  {
    id: 'drift-reads-baseline',
    call: 'The drift function reads the baseline statistics the package in service records (the run’s copy)',
    caller: role(SERVING.driftRole),
    action: 's3:GetObject',
    resource: object(LAKE.artifacts, `training-runs/${RUN}/feature-statistics/statistics.json`),
    expect: 'allowed',
    doc: DOC.s3GetObject,
  },
  {
    id: 'drift-cannot-read-other-table',
    call: 'The drift function reads the definition of a table of the curated database (the customers)',
    caller: role(SERVING.driftRole),
    action: 'glue:GetTable',
    resource: `arn:{partition}:glue:{region}:{account}:table/{ref:${LAKE.curatedDatabase}}/customers`,
    expect: 'denied',
    doc: DOC.athenaGlue,
  },
  {
    id: 'drift-writes-report-page',
    call: 'The drift function writes its report page beside it',
    caller: role(SERVING.driftRole),
    action: 's3:PutObject',
    resource: object(LAKE.artifacts, 'monitoring/drift/ml-lifecycle-{stage}-churn/2026-08-31T06-00-00.000Z.html'),
    expect: 'allowed',
    doc: DOC.s3PutObject,
  },
  {
    id: 'drift-cannot-overwrite-baseline',
    call: 'The drift function writes into a training run (the baseline it judges by)',
    caller: role(SERVING.driftRole),
    action: 's3:PutObject',
    resource: object(LAKE.artifacts, `training-runs/${RUN}/feature-statistics/statistics.json`),
    expect: 'denied',
    doc: DOC.s3PutObject,
  },
  {
    id: 'drift-cannot-read-curated',
    call: 'The drift function reads the curated customers',
    caller: role(SERVING.driftRole),
    action: 's3:GetObject',
    resource: object(LAKE.curated, 'customers/part-0.parquet'),
    expect: 'denied',
    doc: DOC.athenaS3,
  },

  // ==== Serving: the deploy function
  {
    id: 'events-invokes-deployer',
    call: 'EventBridge invokes the deploy function on an approval',
    caller: service('events.amazonaws.com'),
    action: 'lambda:InvokeFunction',
    resource: `{arn:${SERVING.deployer}}`,
    context: from(`{arn:${SERVING.approved}}`),
    expect: 'allowed',
    doc: DOC.eventsResourcePolicies,
  },
  {
    id: 'deployer-reads-package',
    call: 'The deploy function reads the approved version (its baseline)',
    caller: role(SERVING.deployerRole),
    action: 'sagemaker:DescribeModelPackage',
    resource: sagemaker('model-package', 'ml-lifecycle-{stage}-churn/3'),
    expect: 'allowed',
    doc: DOC.sagemakerApi,
  },
  ...['cloudformation:DescribeStacks', 'cloudformation:UpdateStack'].map((action): PermissionRow => ({
    id: `deployer-${action.split(':')[1]?.toLowerCase()}`,
    call: 'The deploy function updates the serving stack’s parameters',
    caller: role(SERVING.deployerRole),
    action,
    resource: `{arn:${SERVING.stack}}`,
    expect: 'allowed',
    doc: DOC.cfnServiceRole,
  })),
  {
    id: 'deployer-passes-deploy-role',
    call: 'The deploy function hands CloudFormation its service role',
    caller: role(SERVING.deployerRole),
    action: 'iam:PassRole',
    resource: `{arn:${SERVING.deployRole}}`,
    context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' },
    expect: 'allowed',
    doc: DOC.cfnServiceRole,
  },
  {
    id: 'deployer-dead-letter',
    call: 'Lambda sends an event the deploy function could not handle to its dead-letter queue',
    caller: role(SERVING.deployerRole),
    action: 'sqs:SendMessage',
    resource: `{arn:${SERVING.deadLetters}}`,
    expect: 'allowed',
    doc: DOC.lambdaAsync,
  },
  ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action): PermissionRow => ({
    id: `deployer-dead-letter-key-${action.split(':')[1]?.toLowerCase()}`,
    call: 'SQS encrypts the dead letter with the lake key, with the sender’s permissions',
    caller: role(SERVING.deployerRole),
    action,
    resource: `{arn:${LAKE.key}}`,
    context: viaSqs(SERVING.deadLetters),
    expect: 'allowed',
    doc: DOC.sqsKeys,
  })),
  {
    id: 'events-dead-letter',
    call: 'EventBridge sends an approval it could not deliver to the dead-letter queue',
    caller: service('events.amazonaws.com'),
    action: 'sqs:SendMessage',
    resource: `{arn:${SERVING.deadLetters}}`,
    context: from(`{arn:${SERVING.approved}}`),
    expect: 'allowed',
    doc: DOC.eventsDlq,
  },
  ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action): PermissionRow => ({
    id: `events-dead-letter-key-${action.split(':')[1]?.toLowerCase()}`,
    call: 'EventBridge uses the lake key for the encrypted dead-letter queue',
    caller: service('events.amazonaws.com'),
    action,
    resource: `{arn:${LAKE.key}}`,
    context: { ...from(`{arn:${SERVING.approved}}`), ...viaSqs(SERVING.deadLetters) },
    expect: 'allowed',
    doc: DOC.eventsDlq,
  })),

  // ==== Serving: the retraining guard
  {
    id: 'events-invokes-retraining-guard',
    call: 'EventBridge invokes the retraining guard on an acting drift verdict',
    caller: service('events.amazonaws.com'),
    action: 'lambda:InvokeFunction',
    resource: `{arn:${SERVING.guard}}`,
    context: from(`{arn:${SERVING.driftActs}}`),
    expect: 'allowed',
    doc: DOC.eventsResourcePolicies,
  },
  {
    id: 'guard-reads-workflow-runs',
    call: 'The retraining guard reads the ETL workflow’s runs',
    caller: role(SERVING.guardRole),
    action: 'glue:GetWorkflowRuns',
    resource: `{arn:${ETL.workflow}}`,
    expect: 'allowed',
    doc: DOC.glueActions,
  },
  {
    id: 'guard-lists-pipeline-executions',
    call: 'The retraining guard lists the training pipeline’s executions',
    caller: role(SERVING.guardRole),
    action: 'states:ListExecutions',
    resource: `{arn:${TRAINING.stateMachine}}`,
    expect: 'allowed',
    doc: DOC.sfnActions,
  },
  {
    id: 'guard-puts-decision',
    call: 'The retraining guard puts its Retraining decision event on the default bus',
    caller: role(SERVING.guardRole),
    action: 'events:PutEvents',
    resource: DEFAULT_BUS,
    expect: 'allowed',
    doc: DOC.eventsPutEvents,
  },
  // Retraining is on in sandbox and off in production (config `retraining.enabled`): off, the guard
  // only reports, and may not start the workflow at all.
  {
    id: 'guard-starts-workflow',
    call: 'The retraining guard starts the ETL workflow (retraining on)',
    caller: role(SERVING.guardRole),
    action: 'glue:StartWorkflowRun',
    resource: `{arn:${ETL.workflow}}`,
    expect: 'allowed',
    doc: DOC.glueActions,
    stages: ['sandbox'],
  },
  {
    id: 'guard-cannot-start-workflow-when-off',
    call: 'The retraining guard starts the ETL workflow where retraining is off',
    caller: role(SERVING.guardRole),
    action: 'glue:StartWorkflowRun',
    resource: `{arn:${ETL.workflow}}`,
    expect: 'denied',
    doc: DOC.glueActions,
    stages: ['production'],
  },
  {
    id: 'guard-cannot-start-pipeline',
    call: 'The retraining guard starts the training pipeline itself (the features job’s success does)',
    caller: role(SERVING.guardRole),
    action: 'states:StartExecution',
    resource: `{arn:${TRAINING.stateMachine}}`,
    expect: 'denied',
    doc: DOC.sfnActions,
  },

  // ==== Serving: what CloudFormation does with the deploy role
  {
    id: 'cloudformation-assumes-deploy-role',
    call: 'CloudFormation assumes the deploy role',
    caller: service('cloudformation.amazonaws.com'),
    action: 'sts:AssumeRole',
    resource: `{arn:${SERVING.deployRole}}`,
    expect: 'allowed',
    doc: DOC.cfnServiceRole,
  },
  {
    id: 'deploy-role-reads-lake-outputs',
    call: "CloudFormation resolves the Serving template's Fn::GetStackOutput (weak references) from the DataLake stack",
    caller: role(SERVING.deployRole),
    action: 'cloudformation:DescribeStacks',
    resource: '{arn:DataLake}',
    expect: 'allowed',
    doc: DOC.cfnServiceRole,
  },
  // Every documented handler permission of the types a model change touches (their own module).
  ...handlerPermissionRows({ deployRole: SERVING.deployRole, servingRole: SERVING.role }),
  {
    id: 'deploy-role-model-reads-package',
    call: 'Creating a model from a model package reads the package',
    caller: role(SERVING.deployRole),
    action: 'sagemaker:DescribeModelPackage',
    resource: sagemaker('model-package', 'ml-lifecycle-{stage}-churn/3'),
    expect: 'allowed',
    doc: DOC.sagemakerApi,
  },
  {
    id: 'deploy-role-endpoint-key-grant',
    call: "SageMaker creates a grant on the lake key for the endpoint's volumes, for the caller",
    caller: role(SERVING.deployRole),
    action: 'kms:CreateGrant',
    resource: `{arn:${LAKE.key}}`,
    context: { 'kms:GrantIsForAWSResource': 'true', 'kms:ViaService': 'sagemaker.{region}.amazonaws.com' },
    expect: 'allowed',
    doc: DOC.sagemakerEndpointKey,
  },
  {
    id: 'deploy-role-endpoint-key-describe',
    call: 'SageMaker checks the lake key of the endpoint config and data capture',
    caller: role(SERVING.deployRole),
    action: 'kms:DescribeKey',
    resource: `{arn:${LAKE.key}}`,
    context: { 'kms:ViaService': 'sagemaker.{region}.amazonaws.com' },
    expect: 'allowed',
    doc: DOC.sagemakerEndpointKey,
  },
  ...[SERVING.serverErrors, SERVING.modelLatency].map((alarm): PermissionRow => ({
    id: `deploy-role-rollback-alarm-${alarm.split('/')[2]?.toLowerCase()}`,
    call: 'A blue/green update with auto-rollback reads the rollback alarms (deployment guardrails)',
    caller: role(SERVING.deployRole),
    action: 'cloudwatch:DescribeAlarms',
    resource: `{arn:${alarm}}`,
    expect: 'allowed',
    doc: DOC.guardrails,
  })),
  {
    id: 'deploy-role-cannot-touch-pipeline',
    call: 'The deploy role creates a training job',
    caller: role(SERVING.deployRole),
    action: 'sagemaker:CreateTrainingJob',
    resource: sagemaker('training-job', 'ml-lifecycle-{stage}-churn-v3'),
    expect: 'denied',
    doc: DOC.cfnServiceRole,
  },

  // ==== Audit: CloudTrail to its bucket, its key and its log group
  {
    id: 'cloudtrail-checks-bucket-acl',
    call: "CloudTrail checks the trail bucket's ACL",
    caller: service('cloudtrail.amazonaws.com'),
    action: 's3:GetBucketAcl',
    resource: `{arn:${LAKE.trailBucket}}`,
    context: { 'aws:SourceArn': `{arn:${LAKE.trail}}`, 'aws:SourceAccount': '{account}' },
    expect: 'allowed',
    doc: DOC.trailBucket,
  },
  {
    id: 'cloudtrail-writes-log-file',
    call: 'CloudTrail delivers a log file, encrypted with the audit key',
    caller: service('cloudtrail.amazonaws.com'),
    action: 's3:PutObject',
    resource: object(
      LAKE.trailBucket,
      'AWSLogs/{account}/CloudTrail/{region}/2026/11/26/{account}_CloudTrail_{region}_20261126T1525Z_abc.json.gz',
    ),
    context: {
      's3:x-amz-acl': 'bucket-owner-full-control',
      's3:x-amz-server-side-encryption': 'aws:kms',
      's3:x-amz-server-side-encryption-aws-kms-key-id': `{arn:${LAKE.auditKey}}`,
      'aws:SourceArn': `{arn:${LAKE.trail}}`,
      'aws:SourceAccount': '{account}',
    },
    expect: 'allowed',
    doc: DOC.trailBucket,
  },
  {
    id: 'cloudtrail-writes-digest-file',
    call: 'CloudTrail delivers a digest file, which it always encrypts with SSE-S3',
    caller: service('cloudtrail.amazonaws.com'),
    action: 's3:PutObject',
    resource: object(
      LAKE.trailBucket,
      'AWSLogs/{account}/CloudTrail-Digest/{region}/2026/11/26/{account}_CloudTrail-Digest_{region}_trail_{region}_20261126T1525Z.json.gz',
    ),
    context: {
      's3:x-amz-acl': 'bucket-owner-full-control',
      's3:x-amz-server-side-encryption': 'AES256',
      'aws:SourceArn': `{arn:${LAKE.trail}}`,
      'aws:SourceAccount': '{account}',
    },
    expect: 'allowed',
    doc: DOC.trailDigest,
  },
  {
    id: 'cloudtrail-encrypts-log-file',
    call: 'CloudTrail gets a data key from the audit key for a log file',
    caller: service('cloudtrail.amazonaws.com'),
    action: 'kms:GenerateDataKey',
    resource: `{arn:${LAKE.auditKey}}`,
    context: {
      'kms:EncryptionContext:aws:cloudtrail:arn': `{arn:${LAKE.trail}}`,
      'aws:SourceArn': `{arn:${LAKE.trail}}`,
      'aws:SourceAccount': '{account}',
    },
    expect: 'allowed',
    doc: DOC.trailKey,
  },
  {
    id: 'cloudtrail-describes-key',
    call: 'CloudTrail describes the audit key',
    caller: service('cloudtrail.amazonaws.com'),
    action: 'kms:DescribeKey',
    resource: `{arn:${LAKE.auditKey}}`,
    context: { 'aws:SourceArn': `{arn:${LAKE.trail}}`, 'aws:SourceAccount': '{account}' },
    expect: 'allowed',
    doc: DOC.trailKey,
  },
  {
    id: 'cloudtrail-assumes-logs-role',
    call: 'CloudTrail assumes its role to deliver to CloudWatch Logs',
    caller: service('cloudtrail.amazonaws.com'),
    action: 'sts:AssumeRole',
    resource: `{arn:${LAKE.trailLogsRole}}`,
    expect: 'allowed',
    doc: DOC.trailLogs,
  },
  ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action): PermissionRow => ({
    id: `cloudtrail-logs-${action.split(':')[1]?.toLowerCase()}`,
    call: 'CloudTrail delivers events to its log group',
    caller: role(LAKE.trailLogsRole),
    action,
    resource: logStream(LAKE.trailLogs, '{account}_CloudTrail_{region}'),
    expect: 'allowed',
    doc: DOC.trailLogs,
  })),
  {
    id: 'lake-key-cannot-decrypt-audit',
    call: 'A lake consumer (the curate job) decrypts an audit log file',
    caller: role(ETL.curateRole),
    action: 'kms:Decrypt',
    resource: `{arn:${LAKE.auditKey}}`,
    context: viaS3(LAKE.trailBucket),
    expect: 'denied',
    doc: DOC.trailKey,
  },

  // ==== CloudWatch Logs encrypting every KMS-encrypted log group (sent by the service)
  ...[
    [LAKE.auditKey, LAKE.trailLogs],
    [LAKE.key, INGESTION.cleanerLogs],
    [LAKE.key, INGESTION.deliveryLogs],
    [LAKE.key, ETL.runsLog],
    [LAKE.key, TRAINING.stateMachineLogs],
    [LAKE.key, TRAINING.evaluateLogs],
    [LAKE.key, TRAINING.registerLogs],
    [LAKE.key, TRAINING.gateLogs],
    [LAKE.key, SERVING.violationsLog],
    [LAKE.key, SERVING.deployerLogs],
    [LAKE.key, SERVING.qualityLogs],
    [LAKE.key, SERVING.driftLogs],
  ].flatMap(([key, group]) =>
    ['kms:GenerateDataKey', 'kms:Decrypt'].map((action): PermissionRow => ({
      id: `logs-encrypts-${group?.split('/').slice(0, -1).join('-').toLowerCase()}-${action.split(':')[1]?.toLowerCase()}`,
      call: 'CloudWatch Logs uses the key of a KMS-encrypted log group',
      caller: service('logs.{region}.amazonaws.com'),
      action,
      resource: `{arn:${key}}`,
      context: { 'kms:EncryptionContext:aws:logs:arn': `{arn:${group}}` },
      expect: 'allowed',
      doc: DOC.logsKms,
      ...(group === SERVING.violationsLog ? { modelMonitor: true } : {}),
    })),
  ),
  {
    id: 'logs-encrypts-emptier-logs',
    call: 'CloudWatch Logs uses the lake key for the registry emptier’s log group',
    caller: service('logs.{region}.amazonaws.com'),
    action: 'kms:GenerateDataKey',
    resource: `{arn:${LAKE.key}}`,
    context: { 'kms:EncryptionContext:aws:logs:arn': `{arn:${TRAINING.emptierLogs}}` },
    expect: 'allowed',
    doc: DOC.logsKms,
    stages: ['sandbox'],
  },
  {
    id: 'logs-cannot-use-key-for-other-account',
    call: "CloudWatch Logs uses the lake key for another account's log group",
    caller: service('logs.{region}.amazonaws.com'),
    action: 'kms:GenerateDataKey',
    resource: `{arn:${LAKE.key}}`,
    context: { 'kms:EncryptionContext:aws:logs:arn': 'arn:{partition}:logs:{region}:444455556666:log-group:theirs' },
    expect: 'denied',
    doc: DOC.logsKms,
  },

  // ==== Alarms → topics (CloudWatch publishes as itself, sent with the alarm as source)
  ...[
    ...[SERVING.serverErrors, SERVING.modelLatency, SERVING.invocationErrors, SERVING.violationsAlarm].map(
      (a) => [a, SERVING.alerts] as const,
    ),
    ...OBSERVABILITY.alarms.map((a) => [a, OBSERVABILITY.topic] as const),
  ].flatMap(([alarm, topic]): PermissionRow[] => {
    const name = alarm.split('/').slice(-1)[0]?.toLowerCase() ?? '';
    const only = alarm === SERVING.violationsAlarm ? { modelMonitor: true } : {};
    return [
      {
        id: `alarm-${name}-publishes`,
        call: 'CloudWatch publishes an alarm state change to the alarm topic',
        caller: service('cloudwatch.amazonaws.com'),
        action: 'sns:Publish',
        resource: `{arn:${topic}}`,
        context: from(`{arn:${alarm}}`),
        expect: 'allowed',
        doc: DOC.snsKeys,
        ...only,
      },
      ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({
        id: `alarm-${name}-key-${action.split(':')[1]?.toLowerCase()}`,
        call: 'CloudWatch uses the lake key to publish to the encrypted alarm topic',
        caller: service('cloudwatch.amazonaws.com'),
        action,
        resource: `{arn:${LAKE.key}}`,
        context: { ...from(`{arn:${alarm}}`), ...viaSns(topic) },
        expect: 'allowed' as const,
        doc: DOC.snsKeys,
        ...only,
      })),
    ];
  }),

  // ==== EventBridge → the retraining decisions log (the dashboard's table)
  ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action): PermissionRow => ({
    id: `decisions-log-${action.split(':')[1]?.toLowerCase()}`,
    call: 'EventBridge writes a Retraining decision to the decisions log',
    caller: service('events.amazonaws.com'),
    action,
    resource: logStream(OBSERVABILITY.decisionsLog, '0123456789abcdef'),
    context: from(`{arn:${OBSERVABILITY.decided}}`),
    expect: 'allowed',
    doc: DOC.eventsResourcePolicies,
  })),

  // ==== EventBridge → the monitoring violations log
  ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action): PermissionRow => ({
    id: `violations-log-${action.split(':')[1]?.toLowerCase()}`,
    call: 'EventBridge writes a monitoring run with violations to the violations log',
    caller: service('events.amazonaws.com'),
    action,
    resource: logStream(SERVING.violationsLog, '0123456789abcdef'),
    context: from(`{arn:${SERVING.violationsRule}}`),
    expect: 'allowed',
    doc: DOC.eventsResourcePolicies,
    modelMonitor: true,
  })),

  // ==== Without Model Monitor (the default), nothing may start it
  {
    id: 'pipeline-cannot-start-processing-without-model-monitor',
    call: 'The pipeline starts a processing job (Model Monitor’s baseline) in a stage that did not opt in',
    caller: role(TRAINING.stateMachineRole),
    action: 'sagemaker:CreateProcessingJob',
    resource: sagemaker('processing-job', `{jobPrefix}-baseline-${RUN}-0`),
    expect: 'denied',
    doc: DOC.sfnSageMaker,
    modelMonitor: false,
  },
  {
    id: 'deploy-role-cannot-schedule-monitoring-without-model-monitor',
    call: 'CloudFormation creates a monitoring schedule in a stage that did not opt in to Model Monitor',
    caller: role(SERVING.deployRole),
    action: 'sagemaker:CreateMonitoringSchedule',
    resource: sagemaker('monitoring-schedule', 'ml-lifecycle-{stage}-churn-data-quality'),
    expect: 'denied',
    doc: DOC.monitoringScheduleSchema,
    modelMonitor: false,
  },

  // ==== Never: TLS, other accounts, unencrypted writes
  ...[LAKE.raw, LAKE.curated, LAKE.artifacts, LAKE.trailBucket].map((bucket): PermissionRow => ({
    id: `no-tls-${bucket.split('/').slice(-1)[0]?.toLowerCase()}`,
    call: 'A request to a lake bucket without TLS (the writer of raw, for example)',
    caller: role(INGESTION.deliveryRole),
    action: 's3:GetObject',
    resource: object(bucket, 'stream/event_date=2026-11-26/batch-1.gz'),
    context: { 'aws:SecureTransport': 'false' },
    expect: 'denied',
    doc: DOC.s3Tls,
  })),
  ...[LAKE.raw, LAKE.curated, LAKE.artifacts, LAKE.trailBucket].map((bucket): PermissionRow => ({
    id: `outsider-reads-${bucket.split('/').slice(-1)[0]?.toLowerCase()}`,
    call: 'A principal of another account reads the lake',
    caller: OUTSIDER,
    action: 's3:GetObject',
    resource: object(bucket, 'customers/part-0.parquet'),
    expect: 'denied',
    doc: DOC.crossAccount,
  })),
  ...[LAKE.key, LAKE.auditKey].flatMap((key) =>
    ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:CreateGrant'].map((action): PermissionRow => ({
      id: `outsider-uses-${key.split('/').slice(-1)[0]?.toLowerCase()}-${action.split(':')[1]?.toLowerCase()}`,
      call: 'A principal of another account uses a lake key',
      caller: OUTSIDER,
      action,
      resource: `{arn:${key}}`,
      expect: 'denied',
      doc: DOC.crossAccount,
    })),
  ),
  ...[TRAINING.topic, SERVING.alerts, OBSERVABILITY.topic, ETL.alerts].map((topic): PermissionRow => ({
    id: `outsider-publishes-${topic.split('/').slice(0, -1).join('-').toLowerCase() || topic.toLowerCase()}`,
    call: 'A principal of another account publishes to a topic',
    caller: OUTSIDER,
    action: 'sns:Publish',
    resource: `{arn:${topic}}`,
    expect: 'denied',
    doc: DOC.crossAccount,
  })),
  {
    id: 'outsider-sends-dead-letter',
    call: 'A principal of another account sends to the deploy dead-letter queue',
    caller: OUTSIDER,
    action: 'sqs:SendMessage',
    resource: `{arn:${SERVING.deadLetters}}`,
    expect: 'denied',
    doc: DOC.crossAccount,
  },
  ...[LAKE.raw, LAKE.curated, LAKE.artifacts].map((bucket): PermissionRow => ({
    id: `unencrypted-put-${bucket.split('/').slice(-1)[0]?.toLowerCase()}`,
    call: 'A PutObject to a lake bucket that asks for SSE-S3, not the lake key',
    caller: role(TRAINING.evaluateRole),
    action: 's3:PutObject',
    resource: object(bucket, `training-runs/${RUN}/evaluation/evaluation.json`),
    context: { 's3:x-amz-server-side-encryption': 'AES256' },
    expect: 'denied',
    doc: DOC.s3Kms,
  })),
];
