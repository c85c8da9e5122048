/**
 * Stage configuration: every tunable of the project, its default per stage, and the rules a
 * value must meet. `bin/app.ts` is the only reader of CDK context; it calls
 * {@link loadStageConfig} and passes the typed result down as props, so no construct ever
 * reads context or the environment.
 *
 * Two stages ship with the project:
 * - `sandbox` (the default): cheap, environment-agnostic (synth needs no credentials), and
 *   destroyable: `cdk destroy` removes every resource, data included.
 * - `production`: explicit account and region, data retained on stack deletion, and
 *   termination protection on.
 *
 * Any value can be overridden per stage through the `config` context key, as an object in
 * `cdk.json` / `cdk.context.json` or as a JSON string on the command line:
 *
 * ```sh
 * npx cdk synth -c stage=production \
 *   -c config='{"production":{"account":"123456789012","region":"eu-west-1"}}'
 * ```
 *
 * Every value is checked before any construct is built. A bad one stops synth with a
 * message that names the key, the value received and what is allowed.
 */
import { shown, type ShownOptions } from './contracts/shown';

/** The stages this project knows, in the order the README lists them. */
export const STAGE_NAMES = ['sandbox', 'production'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** What happens to stateful resources (buckets, keys, catalog) when their stack is deleted. */
export type RemovalMode = 'destroy' | 'retain';

/** The typed, validated configuration of one stage. */
export interface StageConfig {
  /** The stage this configuration belongs to. */
  readonly stage: StageName;
  /**
   * The AWS account to deploy to (12 digits). Required for `production`.
   * @default - environment-agnostic: the account comes from the CLI's credentials at deploy time
   */
  readonly account?: string;
  /**
   * The AWS region to deploy to, such as `eu-west-1`. Required for `production`.
   * @default - environment-agnostic: the region comes from the CLI's profile at deploy time
   */
  readonly region?: string;
  /**
   * An e-mail address tagged as `owner` on every resource, so a stray resource can be traced to
   * a person.
   * @default - no owner tag
   */
  readonly owner?: string;
  /**
   * `destroy`: `cdk destroy` deletes every resource and empties every bucket first.
   * `retain`: buckets, keys, the catalog and logs outlive their stack. `production` must retain.
   */
  readonly removal: RemovalMode;
  /** CloudFormation termination protection on every stack. `production` must have it on. */
  readonly terminationProtection: boolean;
  /** The data lake's storage classes, retention and query limits. */
  readonly dataLake: DataLakeConfig;
  /** The CloudTrail audit trail's retention. */
  readonly audit: AuditConfig;
  /** The Kinesis stream, the Firehose delivery stream and the record cleaner. */
  readonly ingestion: IngestionConfig;
  /** The Glue jobs that curate the raw zone and prepare model features. */
  readonly etl: EtlConfig;
  /** The training pipeline: tuning, evaluation costs and the quality gate. */
  readonly training: TrainingConfig;
  /** The endpoint of the approved model, its scaling, data capture and alarms. */
  readonly serving: ServingConfig;
  /** SageMaker Model Monitor: opt-in, off by default (closed to new AWS customers since 2026-07-30). */
  readonly modelMonitor: ModelMonitorConfig;
  /** The dashboard and the alarms over every stage. */
  readonly observability: ObservabilityConfig;
}

/** Data lake tunables. */
export interface DataLakeConfig {
  /** Days after which raw objects move to S3 Standard-IA (S3 requires at least 30). */
  readonly rawInfrequentAccessAfterDays: number;
  /** Days after which raw objects move to S3 Glacier Instant Retrieval (at least 30 after Standard-IA). */
  readonly rawGlacierInstantRetrievalAfterDays: number;
  /** Days a noncurrent (overwritten) object version is kept in any bucket of the lake. */
  readonly noncurrentVersionExpirationDays: number;
  /** Days after which an incomplete multipart upload is aborted and its parts deleted. */
  readonly incompleteUploadAbortAfterDays: number;
  /** Days S3 server access logs are kept. */
  readonly accessLogExpirationDays: number;
  /** The most one Athena query may scan in the lake's workgroup, in MiB, before Athena cancels it. */
  readonly athenaQueryScanLimitMiB: number;
  /** Days Athena query results are kept in the artifacts bucket. */
  readonly athenaResultExpirationDays: number;
}

/** Ingestion tunables. */
export interface IngestionConfig {
  /**
   * `provisioned`: a fixed number of shards, billed per shard-hour (cheapest for a steady trickle).
   * `on-demand`: Kinesis scales shards with traffic, billed per GB (no capacity planning).
   */
  readonly streamMode: 'provisioned' | 'on-demand';
  /** Shards of a provisioned stream (1 MB/s or 1,000 records/s of writes each). Ignored on demand. */
  readonly shardCount: number;
  /** Hours the stream keeps records, so Firehose can catch up after an outage (24 is included in the price). */
  readonly streamRetentionHours: number;
  /** Seconds Firehose buffers before writing an object to the raw zone. */
  readonly deliveryBufferSeconds: number;
  /** MiB Firehose buffers before writing an object (64 to 128 with dynamic partitioning). */
  readonly deliveryBufferMiB: number;
  /** MiB of records Firehose hands the cleaner per invocation (1 to 3). */
  readonly cleanerBatchMiB: number;
  /** Memory of the cleaner Lambda, in MiB (CPU grows with it). */
  readonly cleanerMemoryMiB: number;
  /**
   * Concurrent executions reserved for the cleaner, which also caps it.
   * @default - none: new accounts cannot reserve concurrency (see the README)
   */
  readonly cleanerReservedConcurrency?: number;
  /** Days the cleaner's and Firehose's logs are kept: one of the retention periods CloudWatch Logs offers. */
  readonly logRetentionDays: number;
}

/** ETL tunables. */
export interface EtlConfig {
  /** Glue worker type: G.1X (4 vCPU, 16 GB), G.2X (8 vCPU, 32 GB) or G.4X (16 vCPU, 64 GB). */
  readonly workerType: 'G.1X' | 'G.2X' | 'G.4X';
  /** The most workers a job run may scale out to (Glue auto scaling starts smaller and grows). */
  readonly maxWorkers: number;
  /** Minutes after which a job run is stopped. */
  readonly timeoutMinutes: number;
  /** How often a failed job run is retried. */
  readonly maxRetries: number;
  /** When the curate → features workflow runs, as a Glue cron expression, or "off" (on demand only). */
  readonly schedule: string;
  /** Share of labelled customers in the training split. */
  readonly trainFraction: number;
  /** Share of labelled customers in the validation split; the rest is the test split. */
  readonly validationFraction: number;
  /** Days the log of job runs (what the run-count metrics are made from) is kept. */
  readonly logRetentionDays: number;
}

/** Training pipeline tunables. */
export interface TrainingConfig {
  /** Instance type of each training job the tuning runs (the built-in XGBoost trains on CPU). */
  readonly trainingInstanceType: string;
  /** Training jobs the hyper-parameter tuning runs in all. */
  readonly maxTuningJobs: number;
  /** Training jobs the tuning runs at the same time (at most maxTuningJobs). */
  readonly maxParallelTuningJobs: number;
  /**
   * Managed spot training: up to 90% cheaper, but a job may wait for capacity or be interrupted
   * (it resumes from its last checkpoint, which the pipeline keeps under the run's prefix).
   */
  readonly spotTraining: boolean;
  /** Minutes one training job may run before SageMaker stops it (a spot job may wait as long again). */
  readonly maxTrainingMinutes: number;
  /** Instance type of the batch transform that scores the test split. */
  readonly transformInstanceType: string;
  /** The lowest test AUC the quality gate accepts. */
  readonly minAuc: number;
  /** The cost of a churner the business did not try to keep (lost revenue), in any one currency. */
  readonly missedChurnerCost: number;
  /** The cost of one retention incentive, in the same currency; paid for every customer offered it. */
  readonly incentiveCost: number;
  /** The share of churners offered the incentive who take it and stay (1: every one). */
  readonly incentiveRetention: number;
  /**
   * What happens to a package that passes the gate: `automatic` approves it (and so deploys it),
   * `manual` leaves it pending for a person.
   */
  readonly approval: 'automatic' | 'manual';
  /** Days the pipeline's and its functions' logs are kept: one of the retention periods CloudWatch Logs offers. */
  readonly logRetentionDays: number;
}

/** Serving tunables. */
export interface ServingConfig {
  /** Instance type of the endpoint. */
  readonly instanceType: string;
  /** The fewest instances the endpoint runs (production runs at least two, in two Availability Zones). */
  readonly minInstances: number;
  /** The most instances auto scaling may add. */
  readonly maxInstances: number;
  /** Invocations per instance per minute that auto scaling aims for. */
  readonly invocationsPerInstance: number;
  /** Percentage of requests (and their responses) captured for monitoring. */
  readonly dataCapturePercent: number;
  /**
   * How a new model reaches traffic: `all-at-once` (shift everything, bake, roll back on alarm) or
   * `canary` (one instance's share first, bake, then the rest; needs at least two instances).
   */
  readonly trafficShifting: 'all-at-once' | 'canary';
  /** Minutes a new model serves before the old fleet is removed; an alarm in that time rolls it back. */
  readonly bakeMinutes: number;
  /** Model latency (90th percentile, milliseconds) above which the latency alarm fires. */
  readonly latencyAlarmMs: number;
  /** Days the deploy function's logs are kept: one of the retention periods CloudWatch Logs offers. */
  readonly logRetentionDays: number;
}

/**
 * SageMaker Model Monitor, opt-in. Amazon SageMaker Model Monitor is closed to new customers since
 * 2026-07-30: an account that has never used it can create no monitoring schedule, and the
 * analyzer image that computes the baseline belongs to the same service. So it is off by default
 * in every stage, and the defaults deploy and run in a brand-new account.
 */
export interface ModelMonitorConfig {
  /**
   * Opt-in: `true` adds the Model Monitor baseline step to the training pipeline (its statistics
   * and constraints are registered with each model package as drift-check baselines) and a
   * data-quality monitoring schedule, with a violations alarm, to the endpoint. Only for accounts
   * that already use Model Monitor: it is closed to new AWS customers since 2026-07-30, and in any
   * other account the first pipeline run and deployment would fail.
   */
  readonly enabled: boolean;
  /** How often the data-quality monitor runs. Used only when enabled. */
  readonly cadence: 'hourly' | 'daily';
  /** Instance type of the data-quality monitoring jobs. Used only when enabled. */
  readonly instanceType: string;
  /** Instance type of the pipeline's baseline job (the Model Monitor analyzer). Used only when enabled. */
  readonly baselineInstanceType: string;
}

/** Observability tunables. */
export interface ObservabilityConfig {
  /**
   * An e-mail address subscribed to the alarm topic (AWS sends it a confirmation first).
   * @default - no subscription: subscribe yourself to the AlarmTopicArn output
   */
  readonly alarmEmail?: string;
  /** Seconds the stream's oldest unread record may wait before the iterator-age alarm fires. */
  readonly maxIteratorAgeSeconds: number;
  /** Seconds the oldest record in Firehose may wait for delivery before the freshness alarm fires. */
  readonly maxDeliveryDelaySeconds: number;
}

/** Audit trail tunables. */
export interface AuditConfig {
  /** Days the trail's CloudWatch Logs copy is kept: one of the retention periods CloudWatch Logs offers. */
  readonly trailLogRetentionDays: number;
  /** Days the trail's log files are kept in its S3 bucket. */
  readonly trailObjectExpirationDays: number;
}

/** The defaults of each stage. Every key here is documented in the README's configuration table. */
export const STAGE_DEFAULTS: Readonly<Record<StageName, StageConfig>> = {
  sandbox: {
    stage: 'sandbox',
    removal: 'destroy',
    terminationProtection: false,
    dataLake: {
      rawInfrequentAccessAfterDays: 30,
      rawGlacierInstantRetrievalAfterDays: 90,
      noncurrentVersionExpirationDays: 30,
      incompleteUploadAbortAfterDays: 7,
      accessLogExpirationDays: 90,
      athenaQueryScanLimitMiB: 1024,
      athenaResultExpirationDays: 7,
    },
    audit: {
      trailLogRetentionDays: 365,
      trailObjectExpirationDays: 90,
    },
    ingestion: {
      streamMode: 'provisioned',
      shardCount: 1,
      streamRetentionHours: 24,
      deliveryBufferSeconds: 60,
      deliveryBufferMiB: 64,
      cleanerBatchMiB: 1,
      cleanerMemoryMiB: 512,
      logRetentionDays: 365,
    },
    etl: {
      workerType: 'G.1X',
      maxWorkers: 2,
      timeoutMinutes: 30,
      maxRetries: 1,
      // On demand only: a schedule would run the ETL, and after it the training pipeline, every day
      // whether or not data arrived, which is most of an idle sandbox's cost.
      schedule: 'off',
      trainFraction: 0.7,
      validationFraction: 0.15,
      logRetentionDays: 365,
    },
    training: {
      trainingInstanceType: 'ml.m5.large',
      maxTuningJobs: 6,
      maxParallelTuningJobs: 2,
      spotTraining: true,
      maxTrainingMinutes: 30,
      transformInstanceType: 'ml.m5.large',
      minAuc: 0.75,
      missedChurnerCost: 500,
      incentiveCost: 100,
      incentiveRetention: 1,
      approval: 'automatic',
      logRetentionDays: 365,
    },
    serving: {
      instanceType: 'ml.m5.large',
      minInstances: 1,
      maxInstances: 2,
      invocationsPerInstance: 300,
      dataCapturePercent: 100,
      trafficShifting: 'all-at-once',
      bakeMinutes: 5,
      latencyAlarmMs: 500,
      logRetentionDays: 365,
    },
    modelMonitor: {
      enabled: false,
      cadence: 'daily',
      instanceType: 'ml.m5.large',
      baselineInstanceType: 'ml.m5.large',
    },
    observability: {
      maxIteratorAgeSeconds: 600,
      maxDeliveryDelaySeconds: 900,
    },
  },
  production: {
    stage: 'production',
    removal: 'retain',
    terminationProtection: true,
    dataLake: {
      rawInfrequentAccessAfterDays: 90,
      rawGlacierInstantRetrievalAfterDays: 365,
      noncurrentVersionExpirationDays: 90,
      incompleteUploadAbortAfterDays: 7,
      accessLogExpirationDays: 365,
      athenaQueryScanLimitMiB: 10240,
      athenaResultExpirationDays: 30,
    },
    audit: {
      trailLogRetentionDays: 365,
      trailObjectExpirationDays: 2557,
    },
    ingestion: {
      streamMode: 'on-demand',
      shardCount: 1,
      streamRetentionHours: 168,
      deliveryBufferSeconds: 300,
      deliveryBufferMiB: 128,
      cleanerBatchMiB: 3,
      cleanerMemoryMiB: 1024,
      cleanerReservedConcurrency: 20,
      logRetentionDays: 365,
    },
    etl: {
      workerType: 'G.2X',
      maxWorkers: 10,
      timeoutMinutes: 120,
      maxRetries: 2,
      schedule: 'cron(0 * * * ? *)',
      trainFraction: 0.7,
      validationFraction: 0.15,
      logRetentionDays: 365,
    },
    training: {
      trainingInstanceType: 'ml.m5.xlarge',
      maxTuningJobs: 30,
      maxParallelTuningJobs: 5,
      spotTraining: false,
      maxTrainingMinutes: 60,
      transformInstanceType: 'ml.m5.large',
      minAuc: 0.8,
      missedChurnerCost: 500,
      incentiveCost: 100,
      incentiveRetention: 1,
      approval: 'manual',
      logRetentionDays: 365,
    },
    serving: {
      instanceType: 'ml.m5.large',
      minInstances: 2,
      maxInstances: 4,
      invocationsPerInstance: 600,
      dataCapturePercent: 20,
      trafficShifting: 'canary',
      bakeMinutes: 10,
      latencyAlarmMs: 250,
      logRetentionDays: 365,
    },
    modelMonitor: {
      enabled: false,
      cadence: 'hourly',
      instanceType: 'ml.m5.xlarge',
      baselineInstanceType: 'ml.m5.xlarge',
    },
    observability: {
      maxIteratorAgeSeconds: 300,
      maxDeliveryDelaySeconds: 900,
    },
  },
};

/**
 * The retention periods, in days, that a log group here may have: those CloudWatch Logs accepts
 * (source: the `RetentionInDays` property of `AWS::Logs::LogGroup` in the CloudFormation reference)
 * of at least a year, as the Control Tower control CT.CLOUDWATCH.PR.2 requires. The shorter ones
 * would save next to nothing: storage is the small part of a log group's cost, ingestion the large.
 */
export const LOG_RETENTION_DAYS = [365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Thrown when a stage or a configuration value is not allowed. Its message lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      (problems.length === 1
        ? `Invalid configuration: ${problems[0]}`
        : `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`) +
        '\nSet values per stage in the "config" context (-c config=JSON, or cdk.json): see "Configuration" in the README.',
    );
    this.name = 'ConfigError';
  }
}

/** The rule one configuration key must meet. */
interface KeyRule {
  /** What is allowed, in words, completing "expected ...". */
  readonly allowed: string;
  /** Whether a value meets the rule. */
  readonly accepts: (value: unknown) => boolean;
  /** Whether the key may be absent. */
  readonly optional?: boolean;
}

const integer = (min: number, max: number): KeyRule => ({
  allowed: `an integer from ${min} to ${max}`,
  accepts: (v) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max,
});
const oneOf = (values: readonly (string | number)[]): KeyRule => ({
  allowed: `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
  accepts: (v) => values.includes(v as string | number),
});
const LOG_RETENTION: KeyRule = {
  ...oneOf(LOG_RETENTION_DAYS),
  allowed: `${oneOf(LOG_RETENTION_DAYS).allowed} (the CloudWatch Logs retention periods of a year or more, as the Control Tower control CT.CLOUDWATCH.PR.2 requires)`,
};
const matching = (pattern: RegExp, allowed: string): KeyRule => ({
  allowed,
  accepts: (v) => typeof v === 'string' && pattern.test(v),
  optional: true,
});
const number = (min: number, max: number): KeyRule => ({
  allowed: `a number from ${min} to ${max}`,
  accepts: (v) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max,
});
const INSTANCE_TYPE: KeyRule = {
  allowed: 'a SageMaker ML instance type such as "ml.m5.large"',
  accepts: (v) => typeof v === 'string' && /^ml\.[a-z0-9-]+\.[a-z0-9]+$/.test(v),
};
const MONITOR_CADENCE = oneOf(['hourly', 'daily']);
const BOOLEAN: KeyRule = { allowed: 'true or false', accepts: (v) => typeof v === 'boolean' };

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
// Deliberately plain: one @, no whitespace, a dot in the domain. Not RFC 5322, and not meant to be.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The rule of every configuration key, by its dotted path. A key that is not here is unknown
 * and stops synth.
 */
export const CONFIG_RULES: Readonly<Record<string, KeyRule>> = {
  stage: oneOf(STAGE_NAMES),
  account: matching(ACCOUNT_ID, 'a 12-digit AWS account id such as "123456789012"'),
  region: matching(REGION, 'an AWS region name such as "eu-west-1"'),
  owner: matching(EMAIL, 'an e-mail address such as "ml-team@example.com"'),
  removal: oneOf(['destroy', 'retain']),
  terminationProtection: BOOLEAN,
  'dataLake.rawInfrequentAccessAfterDays': integer(30, 3650),
  'dataLake.rawGlacierInstantRetrievalAfterDays': integer(60, 3650),
  'dataLake.noncurrentVersionExpirationDays': integer(1, 3650),
  'dataLake.incompleteUploadAbortAfterDays': integer(1, 365),
  'dataLake.accessLogExpirationDays': integer(1, 3650),
  'dataLake.athenaQueryScanLimitMiB': integer(10, 10 * 1024 * 1024),
  'dataLake.athenaResultExpirationDays': integer(1, 3650),
  'audit.trailLogRetentionDays': LOG_RETENTION,
  'audit.trailObjectExpirationDays': integer(1, 3650),
  'ingestion.streamMode': oneOf(['provisioned', 'on-demand']),
  'ingestion.shardCount': integer(1, 500),
  'ingestion.streamRetentionHours': integer(24, 8760),
  'ingestion.deliveryBufferSeconds': integer(0, 900),
  'ingestion.deliveryBufferMiB': integer(64, 128),
  'ingestion.cleanerBatchMiB': integer(1, 3),
  'ingestion.cleanerMemoryMiB': integer(128, 10240),
  'ingestion.cleanerReservedConcurrency': { ...integer(1, 1000), optional: true },
  'ingestion.logRetentionDays': LOG_RETENTION,
  'etl.workerType': oneOf(['G.1X', 'G.2X', 'G.4X']),
  'etl.maxWorkers': integer(2, 100),
  'etl.timeoutMinutes': integer(5, 2880),
  'etl.maxRetries': integer(0, 10),
  'etl.schedule': {
    allowed: 'a Glue cron expression such as "cron(0 3 * * ? *)" (six fields), or "off"',
    accepts: (v) => v === 'off' || (typeof v === 'string' && /^cron\((\S+ ){5}\S+\)$/.test(v)),
  },
  'etl.trainFraction': number(0.5, 0.9),
  'etl.validationFraction': number(0.05, 0.3),
  'etl.logRetentionDays': LOG_RETENTION,
  'training.trainingInstanceType': INSTANCE_TYPE,
  'training.maxTuningJobs': integer(1, 500),
  'training.maxParallelTuningJobs': integer(1, 100),
  'training.spotTraining': BOOLEAN,
  'training.maxTrainingMinutes': integer(5, 1440),
  'training.transformInstanceType': INSTANCE_TYPE,
  'training.minAuc': number(0.5, 1),
  'training.missedChurnerCost': number(0, 1e9),
  'training.incentiveCost': number(0, 1e9),
  'training.incentiveRetention': number(0, 1),
  'training.approval': oneOf(['automatic', 'manual']),
  'training.logRetentionDays': LOG_RETENTION,
  'serving.instanceType': INSTANCE_TYPE,
  'serving.minInstances': integer(1, 20),
  'serving.maxInstances': integer(1, 50),
  'serving.invocationsPerInstance': integer(1, 100000),
  'serving.dataCapturePercent': integer(0, 100),
  'serving.trafficShifting': oneOf(['all-at-once', 'canary']),
  'serving.bakeMinutes': integer(0, 60),
  'serving.latencyAlarmMs': integer(1, 60000),
  'serving.logRetentionDays': LOG_RETENTION,
  'modelMonitor.enabled': BOOLEAN,
  'modelMonitor.cadence': MONITOR_CADENCE,
  'modelMonitor.instanceType': INSTANCE_TYPE,
  'modelMonitor.baselineInstanceType': INSTANCE_TYPE,
  'observability.alarmEmail': matching(EMAIL, 'an e-mail address such as "on-call@example.com"'),
  'observability.maxIteratorAgeSeconds': integer(60, 86400),
  'observability.maxDeliveryDelaySeconds': integer(60, 86400),
};

/**
 * Keys that existed once, by dotted path, and what to write instead. A config that still has one
 * stops synth with this advice rather than a bare "not a configuration key".
 */
export const RETIRED_KEYS: Readonly<Record<string, string>> = {
  'serving.monitoring':
    'Model Monitor is opt-in now: use modelMonitor.enabled (closed to new AWS customers since 2026-07-30)',
  'serving.monitoringCadence': `it moved to the opt-in Model Monitor section: use modelMonitor.cadence (${MONITOR_CADENCE.allowed})`,
  'serving.monitoringInstanceType': `it moved to the opt-in Model Monitor section: use modelMonitor.instanceType (${INSTANCE_TYPE.allowed})`,
  'training.processingInstanceType': `the baseline job is Model Monitor's, which is opt-in now: use modelMonitor.baselineInstanceType (${INSTANCE_TYPE.allowed})`,
};

/** What `bin/app.ts` reads from CDK context. */
export interface ConfigContext {
  /** Context `stage`: the stage's name. Absent means `sandbox`. */
  readonly stage?: unknown;
  /**
   * Context `config`: overrides per stage, `{ "<stage>": { <keys as in StageConfig> } }`, as an
   * object or as a JSON string (what `-c config=...` passes).
   */
  readonly config?: unknown;
}

/** The rules by key, as a Map so that keys such as `constructor` or `__proto__` are never mistaken for rules. */
const RULES = new Map(Object.entries(CONFIG_RULES));
/** The retired keys, as a Map for the same reason. */
const RETIRED = new Map(Object.entries(RETIRED_KEYS));
/** A value as the user wrote it, whole, and what type it is: `"40" (a string)`. */
const WITH_TYPE: ShownOptions = { form: 'value and type', maxLength: Infinity };
/** A value as the user wrote it, whole: for a message that shows how to write it. */
const AS_WRITTEN: ShownOptions = { maxLength: Infinity };
/** Section name → the full keys in it (`dataLake` → `dataLake.rawInfrequentAccessAfterDays`, ...). */
const SECTIONS = new Map<string, string[]>();
for (const key of RULES.keys()) {
  const [section, name] = key.split('.');
  if (section !== undefined && name !== undefined) {
    SECTIONS.set(section, [...(SECTIONS.get(section) ?? []), key]);
  }
}

/**
 * Builds the validated configuration of the stage that context selects. The overrides of every
 * stage present in `config` are checked too, so a typo in production's section shows up in a
 * sandbox synth, not on the day production is deployed.
 * @throws ConfigError naming each bad key, the value received and what is allowed
 */
export function loadStageConfig(context: ConfigContext = {}): StageConfig {
  const stage = context.stage ?? 'sandbox';
  if (!isStageName(stage)) {
    throw new ConfigError([`stage ${shown(stage, WITH_TYPE)} is unknown; expected one of: ${STAGE_NAMES.join(', ')}`]);
  }
  const overrides = parseOverrides(context.config);
  const problems: string[] = [];
  const stagesToCheck = new Set<StageName>([stage]);
  for (const name of Object.keys(overrides)) {
    if (isStageName(name)) {
      stagesToCheck.add(name);
    } else {
      problems.push(`config.${name}: "${name}" is not a stage; expected one of: ${STAGE_NAMES.join(', ')}`);
    }
  }
  let selected: StageConfig | undefined;
  for (const name of stagesToCheck) {
    const result = checkStage(name, overrides[name], name === stage);
    problems.push(...result.problems);
    if (name === stage) {
      selected = result.config;
    }
  }
  if (problems.length > 0 || selected === undefined) {
    throw new ConfigError(problems);
  }
  return selected;
}

function parseOverrides(raw: unknown): Record<string, unknown> {
  if (raw === undefined) {
    return {};
  }
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch (e) {
      throw new ConfigError([`context "config" is not valid JSON (${(e as Error).message}); received ${raw}`]);
    }
  }
  if (!isPlainObject(value)) {
    throw new ConfigError([
      `context "config" is ${shown(value, WITH_TYPE)}; expected an object of stages, such as {"sandbox": {"owner": "me@example.com"}}`,
    ]);
  }
  return value;
}

/** Merges one stage's overrides into its defaults and checks the result. */
function checkStage(
  stage: StageName,
  overrides: unknown,
  selected: boolean,
): { config?: StageConfig; problems: string[] } {
  const at = `config.${stage}.`;
  if (overrides !== undefined && !isPlainObject(overrides)) {
    return {
      problems: [`config.${stage} is ${shown(overrides, WITH_TYPE)}; expected an object of configuration keys`],
    };
  }
  const values = new Map(leavesOf(STAGE_DEFAULTS[stage], at).leaves);
  const given = leavesOf(overrides ?? {}, at);
  const problems = [...given.problems];
  for (const [key, value] of given.leaves) {
    if (key === 'stage') {
      problems.push(`${at}stage cannot be overridden; choose the stage with -c stage=NAME`);
    } else {
      values.set(key, value);
    }
  }
  for (const [key, rule] of RULES) {
    const value = values.get(key);
    if (value === undefined && !rule.optional) {
      problems.push(`${at}${key} is missing; expected ${rule.allowed}`);
    } else if (value !== undefined && !rule.accepts(value)) {
      problems.push(`${at}${key} is ${shown(value, WITH_TYPE)}; expected ${rule.allowed}`);
    }
  }
  if (problems.length > 0) {
    return { problems };
  }
  const config = nest(values) as unknown as StageConfig;
  return { config, problems: checkStageRules(config, selected) };
}

/**
 * The leaves of an overrides object by dotted key. Only known sections are descended into, so
 * an unknown key is reported whatever its value (even `{}`), and keys are never looked up on
 * an object's prototype.
 */
function leavesOf(value: object, at: string, prefix = ''): { leaves: [string, unknown][]; problems: string[] } {
  const leaves: [string, unknown][] = [];
  const problems: string[] = [];
  for (const [name, inner] of Object.entries(value)) {
    const key = `${prefix}${name}`;
    const sectionKeys = prefix === '' ? SECTIONS.get(name) : undefined;
    if (prefix === '' && RULES.has(name) && name.includes('.')) {
      const [section, leaf] = name.split('.');
      problems.push(
        `${at}"${name}" is a dotted key; write it nested, as {"${section}": {"${leaf}": ${shown(inner, AS_WRITTEN)}}}`,
      );
    } else if (sectionKeys !== undefined && isPlainObject(inner)) {
      const nested = leavesOf(inner, at, `${key}.`);
      leaves.push(...nested.leaves);
      problems.push(...nested.problems);
    } else if (sectionKeys !== undefined) {
      problems.push(
        `${at}${key} is ${shown(inner, WITH_TYPE)}; expected an object with the keys ${sectionKeys.join(', ')}`,
      );
    } else if (RULES.has(key)) {
      leaves.push([key, inner]);
    } else if (RETIRED.has(key)) {
      problems.push(`${at}${key} is not a configuration key; ${RETIRED.get(key) ?? ''}`);
    } else {
      problems.push(`${at}${key} is not a configuration key; known keys: ${knownKeysNear(prefix)}`);
    }
  }
  return { leaves, problems };
}

/** `{"a.b": 1}` → `{a: {b: 1}}`. Keys are known rules at this point, so plain assignment is safe. */
function nest(values: Map<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of values) {
    const [section, name] = key.split('.');
    if (section !== undefined && name !== undefined) {
      const inner = (out[section] ?? {}) as Record<string, unknown>;
      inner[name] = value;
      out[section] = inner;
    } else if (value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}

/** Rules that relate several keys, or a key to the stage; run once every key is valid on its own. */
function checkStageRules(c: StageConfig, selected: boolean): string[] {
  const problems: string[] = [];
  const at = `config.${c.stage}.`;
  if (c.stage === 'production') {
    // Only the stage being synthesized must name its environment.
    if (selected && c.account === undefined) {
      problems.push(
        `${at}account is missing; production deploys to an explicit account: set a 12-digit AWS account id`,
      );
    }
    if (selected && c.region === undefined) {
      problems.push(
        `${at}region is missing; production deploys to an explicit region: set an AWS region name such as "eu-west-1"`,
      );
    }
    if (c.removal !== 'retain') {
      problems.push(`${at}removal is ${shown(c.removal, WITH_TYPE)}; production keeps its data: expected "retain"`);
    }
    if (c.serving.minInstances < 2) {
      problems.push(
        `${at}serving.minInstances is ${c.serving.minInstances}; production serves from at least two instances (two Availability Zones): expected 2 or more`,
      );
    }
    if (!c.terminationProtection) {
      problems.push(
        `${at}terminationProtection is ${shown(c.terminationProtection, WITH_TYPE)}; production stacks are protected: expected true`,
      );
    }
  }
  if (c.etl.trainFraction + c.etl.validationFraction > 0.95) {
    problems.push(
      `${at}etl.validationFraction is ${c.etl.validationFraction}; expected at most ` +
        `${(0.95 - c.etl.trainFraction).toFixed(2)}, because ${at}etl.trainFraction is ${c.etl.trainFraction} ` +
        'and the test split needs at least 5% of the customers',
    );
  }
  const { training } = c;
  if (training.maxParallelTuningJobs > training.maxTuningJobs) {
    problems.push(
      `${at}training.maxParallelTuningJobs is ${training.maxParallelTuningJobs}; expected at most ` +
        `${training.maxTuningJobs}, because ${at}training.maxTuningJobs is ${training.maxTuningJobs}`,
    );
  }
  // An offer to a churner saves missedChurnerCost × incentiveRetention and costs incentiveCost; if it
  // cannot save more than it costs, no cutoff beats doing nothing and the gate rejects every model.
  const savedPerCaughtChurner = training.missedChurnerCost * training.incentiveRetention;
  if (training.incentiveCost >= savedPerCaughtChurner) {
    problems.push(
      `${at}training.incentiveCost is ${training.incentiveCost}; expected less than ${savedPerCaughtChurner} ` +
        `(training.missedChurnerCost ${training.missedChurnerCost} × training.incentiveRetention ` +
        `${training.incentiveRetention}), or no model can cost less than doing nothing and the quality gate rejects every one`,
    );
  }
  const { serving } = c;
  if (serving.minInstances > serving.maxInstances) {
    problems.push(
      `${at}serving.maxInstances is ${serving.maxInstances}; expected at least ${serving.minInstances}, ` +
        `because ${at}serving.minInstances is ${serving.minInstances}`,
    );
  }
  if (serving.trafficShifting === 'canary' && serving.minInstances < 2) {
    problems.push(
      `${at}serving.trafficShifting is "canary"; a canary needs at least two instances, and ` +
        `${at}serving.minInstances is ${serving.minInstances}: expected "all-at-once" or minInstances of 2 or more`,
    );
  }
  const lake = c.dataLake;
  if (lake.rawGlacierInstantRetrievalAfterDays < lake.rawInfrequentAccessAfterDays + 30) {
    problems.push(
      `${at}dataLake.rawGlacierInstantRetrievalAfterDays is ${lake.rawGlacierInstantRetrievalAfterDays}; ` +
        `expected at least ${lake.rawInfrequentAccessAfterDays + 30}, because ` +
        `${at}dataLake.rawInfrequentAccessAfterDays is ${lake.rawInfrequentAccessAfterDays} ` +
        'and S3 keeps objects in Standard-IA for 30 days before a further transition',
    );
  }
  return problems;
}

function isStageName(value: unknown): value is StageName {
  return typeof value === 'string' && (STAGE_NAMES as readonly string[]).includes(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The keys of the section an unknown key was found in, or the top-level keys and sections. */
function knownKeysNear(prefix: string): string {
  const section = SECTIONS.get(prefix.replace(/\.$/, ''));
  if (section !== undefined) {
    return section.join(', ');
  }
  return [...new Set([...RULES.keys()].map((k) => k.split('.')[0]))].filter((k) => k !== 'stage').join(', ');
}
