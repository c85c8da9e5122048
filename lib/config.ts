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

import { z } from 'zod';
import { shown, type ShownOptions } from './contracts/shown';

/** The stages this project knows, in the order docs/configuration.md lists them. */
export const STAGE_NAMES = ['sandbox', 'production'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/**
 * The retention periods, in days, that a log group here may have: those CloudWatch Logs accepts
 * (source: the `RetentionInDays` property of `AWS::Logs::LogGroup` in the CloudFormation reference)
 * of at least a year, as the Control Tower control CT.CLOUDWATCH.PR.2 requires. The shorter ones
 * would save next to nothing: storage is the small part of a log group's cost, ingestion the large.
 *
 * Each is a value of `RetentionDays` (aws-cdk-lib/aws-logs), so a key typed {@link LogRetentionDays}
 * goes to a log group's `retention` as it is, with no cast: a period that `RetentionDays` lacks
 * would not compile where a stack passes it on. (This file does not load aws-cdk-lib to say so
 * itself: the preflight CLI loads the config long before it needs the CDK.)
 */
export const LOG_RETENTION_DAYS = [365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
/** A log retention period the config allows, in days; assignable to aws-logs' `RetentionDays`. */
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

// Every rule is a zod schema whose description says what it allows, completing "expected ...": the
// schema checks the value, and the message (see checkStage) is ours, naming key, value and rule.
const listed = (values: readonly (string | number)[]) => values.map((v) => JSON.stringify(v)).join(', ');
const integer = (min: number, max: number) => z.int().min(min).max(max).describe(`an integer from ${min} to ${max}`);
const number = (min: number, max: number) => z.number().min(min).max(max).describe(`a number from ${min} to ${max}`);
const oneOf = <const T extends readonly [string | number, ...(string | number)[]]>(values: T) =>
  z.literal(values).describe(`one of ${listed(values)}`);
const matching = (pattern: RegExp, allowed: string) => z.string().regex(pattern).describe(allowed);
const LOG_RETENTION = z
  .literal(LOG_RETENTION_DAYS)
  .describe(
    `one of ${listed(LOG_RETENTION_DAYS)} (the CloudWatch Logs retention periods of a year or more, as the Control Tower control CT.CLOUDWATCH.PR.2 requires)`,
  );
const INSTANCE_TYPE = matching(/^ml\.[a-z0-9-]+\.[a-z0-9]+$/, 'a SageMaker ML instance type such as "ml.m5.large"');
const MONITOR_CADENCE = oneOf(['hourly', 'daily']);
const BOOLEAN = z.boolean().describe('true or false');

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
// Deliberately plain: one @, no whitespace, a dot in the domain. Not RFC 5322, and not meant to be.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Data lake tunables. */
const DATA_LAKE = z.strictObject({
  /** Days after which raw objects move to S3 Standard-IA (S3 requires at least 30). */
  rawInfrequentAccessAfterDays: integer(30, 3650),
  /** Days after which raw objects move to S3 Glacier Instant Retrieval (at least 30 after Standard-IA). */
  rawGlacierInstantRetrievalAfterDays: integer(60, 3650),
  /** Days a noncurrent (overwritten) object version is kept in any bucket of the lake. */
  noncurrentVersionExpirationDays: integer(1, 3650),
  /** Days after which an incomplete multipart upload is aborted and its parts deleted. */
  incompleteUploadAbortAfterDays: integer(1, 365),
  /** Days S3 server access logs are kept. */
  accessLogExpirationDays: integer(1, 3650),
  /** The most one Athena query may scan in the lake's workgroup, in MiB, before Athena cancels it. */
  athenaQueryScanLimitMiB: integer(10, 10 * 1024 * 1024),
  /** Days Athena query results are kept in the artifacts bucket. */
  athenaResultExpirationDays: integer(1, 3650),
});

/** Audit trail tunables. */
const AUDIT = z.strictObject({
  /** Days the trail's CloudWatch Logs copy is kept: one of the retention periods CloudWatch Logs offers. */
  trailLogRetentionDays: LOG_RETENTION,
  /** Days the trail's log files are kept in its S3 bucket. */
  trailObjectExpirationDays: integer(1, 3650),
});

/** Ingestion tunables. */
const INGESTION = z.strictObject({
  /**
   * `provisioned`: a fixed number of shards, billed per shard-hour (cheapest for a steady trickle).
   * `on-demand`: Kinesis scales shards with traffic, billed per GB (no capacity planning).
   */
  streamMode: oneOf(['provisioned', 'on-demand']),
  /** Shards of a provisioned stream (1 MB/s or 1,000 records/s of writes each). Ignored on demand. */
  shardCount: integer(1, 500),
  /** Hours the stream keeps records, so Firehose can catch up after an outage (24 is included in the price). */
  streamRetentionHours: integer(24, 8760),
  /** Seconds Firehose buffers before writing an object to the raw zone. */
  deliveryBufferSeconds: integer(0, 900),
  /** MiB Firehose buffers before writing an object (64 to 128 with dynamic partitioning). */
  deliveryBufferMiB: integer(64, 128),
  /** MiB of records Firehose hands the cleaner per invocation (1 to 3). */
  cleanerBatchMiB: integer(1, 3),
  /** Memory of the cleaner Lambda, in MiB (CPU grows with it). */
  cleanerMemoryMiB: integer(128, 10240),
  /**
   * Concurrent executions reserved for the cleaner, which also caps it.
   * @default - none: new accounts cannot reserve concurrency (see docs/stacks/ingestion.md)
   */
  cleanerReservedConcurrency: integer(1, 1000).optional(),
  /** Days the cleaner's and Firehose's logs are kept: one of the retention periods CloudWatch Logs offers. */
  logRetentionDays: LOG_RETENTION,
});

/** ETL tunables. */
const ETL = z.strictObject({
  /** Glue worker type: G.1X (4 vCPU, 16 GB), G.2X (8 vCPU, 32 GB) or G.4X (16 vCPU, 64 GB). */
  workerType: oneOf(['G.1X', 'G.2X', 'G.4X']),
  /** The most workers a job run may scale out to (Glue auto scaling starts smaller and grows). */
  maxWorkers: integer(2, 100),
  /** Minutes after which a job run is stopped. */
  timeoutMinutes: integer(5, 2880),
  /** How often a failed job run is retried. */
  maxRetries: integer(0, 10),
  /** When the curate → features workflow runs, as a Glue cron expression, or "off" (on demand only). */
  schedule: matching(
    /^(off|cron\((\S+ ){5}\S+\))$/,
    'a Glue cron expression such as "cron(0 3 * * ? *)" (six fields), or "off"',
  ),
  /** Share of labelled customers in the training split. */
  trainFraction: number(0.5, 0.9),
  /** Share of labelled customers in the validation split; the rest is the test split. */
  validationFraction: number(0.05, 0.3),
  /** Days the log of job runs (what the run-count metrics are made from) is kept. */
  logRetentionDays: LOG_RETENTION,
});

/** Training pipeline tunables. */
const TRAINING = z.strictObject({
  /** Instance type of each training job the tuning runs (the built-in XGBoost trains on CPU). */
  trainingInstanceType: INSTANCE_TYPE,
  /** Training jobs the hyper-parameter tuning runs in all. */
  maxTuningJobs: integer(1, 500),
  /** Training jobs the tuning runs at the same time (at most maxTuningJobs). */
  maxParallelTuningJobs: integer(1, 100),
  /**
   * Managed spot training: up to 90% cheaper, but a job may wait for capacity or be interrupted
   * (it resumes from its last checkpoint, which the pipeline keeps under the run's prefix).
   */
  spotTraining: BOOLEAN,
  /** Minutes one training job may run before SageMaker stops it (a spot job may wait as long again). */
  maxTrainingMinutes: integer(5, 1440),
  /** Instance type of the batch transform that scores the test split. */
  transformInstanceType: INSTANCE_TYPE,
  /** The lowest test AUC the quality gate accepts. */
  minAuc: number(0.5, 1),
  /**
   * What happens to a package that passes the gate: `automatic` approves it (and so deploys it),
   * `manual` leaves it pending for a person.
   */
  approval: oneOf(['automatic', 'manual']),
  /** Days the pipeline's and its functions' logs are kept: one of the retention periods CloudWatch Logs offers. */
  logRetentionDays: LOG_RETENTION,
});

/**
 * The business case the model serves (docs/business-case.md): a retention campaign that offers an
 * incentive to the customers the model scores as likely to leave. The evaluation finds the cutoff
 * that costs least and the cutoff that retains the most churners within the budget, and projects
 * what each spends and the churn rate it leaves (`lambda/evaluate/business.ts`). Amounts are in
 * one currency; the defaults of the rates and the budget are the problem statement's.
 */
const BUSINESS = z.strictObject({
  /** The share of customers who left last year, with no campaign. */
  churnRateBefore: number(0, 1),
  /** The churn rate the campaign is meant to reach (less than churnRateBefore). */
  targetChurnRate: number(0, 1),
  /** The most the incentives of one campaign may cost in all. */
  incentiveBudget: number(0, 1e12),
  /** The cost of one retention incentive; paid for every customer offered it, churner or not. */
  incentiveCost: number(0, 1e9),
  /** The probability that a churner offered the incentive takes it and stays. */
  incentiveRetention: number(0, 1),
  /** What keeping a customer who would have left is worth (the revenue a churner takes away). */
  retainedCustomerValue: number(0, 1e9),
  /** The customers one campaign scores: the figures from the test split are scaled to them. */
  customersScored: integer(1, 1e9),
  /**
   * Whether the quality gate also requires the campaign at the budget-constrained cutoff to stay
   * within the budget and to be worth more than doing nothing (the churners it keeps are worth
   * more than its incentives cost).
   */
  gateOnCampaign: BOOLEAN,
});

/** Serving tunables. */
const SERVING = z.strictObject({
  /** Instance type of the endpoint. */
  instanceType: INSTANCE_TYPE,
  /** The fewest instances the endpoint runs (production runs at least two, in two Availability Zones). */
  minInstances: integer(1, 20),
  /** The most instances auto scaling may add. */
  maxInstances: integer(1, 50),
  /** Invocations per instance per minute that auto scaling aims for. */
  invocationsPerInstance: integer(1, 100000),
  /** Percentage of requests (and their responses) captured for monitoring. */
  dataCapturePercent: integer(0, 100),
  /**
   * How a new model reaches traffic: `all-at-once` (shift everything, bake, roll back on alarm) or
   * `canary` (one instance's share first, bake, then the rest; needs at least two instances).
   */
  trafficShifting: oneOf(['all-at-once', 'canary']),
  /** Minutes a new model serves before the old fleet is removed; an alarm in that time rolls it back. */
  bakeMinutes: integer(0, 60),
  /** Model latency (90th percentile, milliseconds) above which the latency alarm fires. */
  latencyAlarmMs: integer(1, 60000),
  /** Days the deploy function's logs are kept: one of the retention periods CloudWatch Logs offers. */
  logRetentionDays: LOG_RETENTION,
});

/**
 * SageMaker Model Monitor, opt-in. Amazon SageMaker Model Monitor is closed to new customers since
 * 2026-07-30: an account that has never used it can create no monitoring schedule, and the
 * analyzer image that computes the baseline belongs to the same service. So it is off by default
 * in every stage, and the defaults deploy and run in a brand-new account.
 */
const MODEL_MONITOR = z.strictObject({
  /**
   * Opt-in: `true` adds the Model Monitor baseline step to the training pipeline (its statistics
   * and constraints are registered with each model package as drift-check baselines) and a
   * data-quality monitoring schedule, with a violations alarm, to the endpoint. Only for accounts
   * that already use Model Monitor: it is closed to new AWS customers since 2026-07-30, and in any
   * other account the first pipeline run and deployment would fail.
   */
  enabled: BOOLEAN,
  /** How often the data-quality monitor runs. Used only when enabled. */
  cadence: MONITOR_CADENCE,
  /** Instance type of the data-quality monitoring jobs. Used only when enabled. */
  instanceType: INSTANCE_TYPE,
  /** Instance type of the pipeline's baseline job (the Model Monitor analyzer). Used only when enabled. */
  baselineInstanceType: INSTANCE_TYPE,
});

/**
 * Monitoring from the lake, which every account can run: data drift of the captured requests
 * against the model's baseline statistics, and live model quality from outcomes joined to the
 * predictions. Thresholds are documented with their sources in `lambda/drift/thresholds.ts`
 * (drift) and in docs/monitoring.md (quality).
 */
const MONITORING = z.strictObject({
  /**
   * When the drift and quality monitors run, as an EventBridge schedule expression
   * (`rate(1 hour)`, `cron(0 6 * * ? *)`), or "off" (run them on demand only). Each run publishes a
   * metric per feature, and CloudWatch bills custom metrics by the hours they are sent in: the
   * sandbox runs daily (invoke the monitors by hand to see a result sooner), production hourly.
   */
  schedule: matching(
    /^(off|rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)|cron\((\S+ ){5}\S+\))$/,
    'an EventBridge schedule such as "rate(1 hour)" or "cron(0 6 * * ? *)" (six fields), or "off"',
  ),
  /** Hours of captured requests one drift check compares with the baseline: the last window before it runs. */
  windowHours: integer(1, 720),
  /** Population stability index of a numeric feature from which its verdict is "watch". */
  psiWatch: number(0, 10),
  /** Population stability index of a numeric feature from which its verdict is "act". */
  psiAct: number(0, 10),
  /** Largest change of one category's share in a one-hot group from which its verdict is "watch". */
  categoricalWatch: number(0, 1),
  /** Largest change of one category's share in a one-hot group from which its verdict is "act". */
  categoricalAct: number(0, 1),
  /** Change of a feature's missing fraction from which its verdict is "watch". */
  missingWatch: number(0, 1),
  /** Change of a feature's missing fraction from which its verdict is "act". */
  missingAct: number(0, 1),
  /** The fewest captured rows a drift verdict is given on; fewer is "not enough data". */
  minimumRows: integer(1, 1000000),
  /** Days of outcomes (by when they were observed) one quality check scores. */
  qualityWindowDays: integer(1, 365),
  /** The fewest outcomes joined to a prediction that live quality is computed on; fewer is "not enough data". */
  minimumOutcomes: integer(1, 1000000),
  /** Live AUC below which the quality alarm fires. */
  minAuc: number(0.5, 1),
  /** Live precision at the deployed cutoff below which the quality alarm fires. */
  minPrecision: number(0, 1),
  /** Live recall at the deployed cutoff below which the quality alarm fires. */
  minRecall: number(0, 1),
  /** Days the monitors' logs are kept: one of the retention periods CloudWatch Logs offers. */
  logRetentionDays: LOG_RETENTION,
});

/** Retraining started by the monitors, and the guard around it. */
const RETRAINING = z.strictObject({
  /**
   * Whether an "act" drift verdict or a quality alarm starts a retraining run (the features job,
   * then the training pipeline). Off means the monitors only alarm.
   */
  enabled: BOOLEAN,
  /** Hours after a retraining run starts before the monitors may start another. */
  minimumPeriodHours: integer(1, 8760),
  /**
   * The test AUC by which a retrained model (the challenger) must beat the model in service (the
   * champion), both scored on the same held-out data, to replace it.
   */
  championMargin: number(0, 0.5),
});

/** Observability tunables. */
const OBSERVABILITY = z.strictObject({
  /**
   * An e-mail address subscribed to the alarm topic (AWS sends it a confirmation first).
   * @default - no subscription: subscribe yourself to the AlarmTopicArn output
   */
  alarmEmail: matching(EMAIL, 'an e-mail address such as "on-call@example.com"').optional(),
  /** Seconds the stream's oldest unread record may wait before the iterator-age alarm fires. */
  maxIteratorAgeSeconds: integer(60, 86400),
  /** Seconds the oldest record in Firehose may wait for delivery before the freshness alarm fires. */
  maxDeliveryDelaySeconds: integer(60, 86400),
});

/**
 * Every configuration key, its type and its rule, declared once: {@link StageConfig} is inferred
 * from it, and {@link CONFIG_RULES} (what the table of docs/configuration.md and the tests read) is derived from it.
 * A key that is not here is unknown and stops synth.
 */
const STAGE_CONFIG = z.strictObject({
  /** The stage this configuration belongs to. */
  stage: oneOf(STAGE_NAMES),
  /**
   * The AWS account to deploy to (12 digits). Required for `production`.
   * @default - environment-agnostic: the account comes from the CLI's credentials at deploy time
   */
  account: matching(ACCOUNT_ID, 'a 12-digit AWS account id such as "123456789012"').optional(),
  /**
   * The AWS region to deploy to, such as `eu-west-1`. Required for `production`.
   * @default - environment-agnostic: the region comes from the CLI's profile at deploy time
   */
  region: matching(REGION, 'an AWS region name such as "eu-west-1"').optional(),
  /**
   * An e-mail address tagged as `owner` on every resource, so a stray resource can be traced to
   * a person.
   * @default - no owner tag
   */
  owner: matching(EMAIL, 'an e-mail address such as "ml-team@example.com"').optional(),
  /**
   * `destroy`: `cdk destroy` deletes every resource and empties every bucket first.
   * `retain`: buckets, keys, the catalog and logs outlive their stack. `production` must retain.
   */
  removal: oneOf(['destroy', 'retain']),
  /** CloudFormation termination protection on every stack. `production` must have it on. */
  terminationProtection: BOOLEAN,
  /** The data lake's storage classes, retention and query limits. */
  dataLake: DATA_LAKE,
  /** The CloudTrail audit trail's retention. */
  audit: AUDIT,
  /** The Kinesis stream, the Firehose delivery stream and the record cleaner. */
  ingestion: INGESTION,
  /** The Glue jobs that curate the raw zone and prepare model features. */
  etl: ETL,
  /** The training pipeline: tuning, the batch transform and the quality gate. */
  training: TRAINING,
  /** The business case: churn rates, the incentive budget and costs, and the customers scored. */
  business: BUSINESS,
  /** The endpoint of the approved model, its scaling, data capture and alarms. */
  serving: SERVING,
  /** SageMaker Model Monitor: opt-in, off by default (closed to new AWS customers since 2026-07-30). */
  modelMonitor: MODEL_MONITOR,
  /** Drift and live model quality from the lake: schedule, windows and thresholds. */
  monitoring: MONITORING,
  /** Retraining started by the monitors: on or off, how often, and the margin a challenger must win by. */
  retraining: RETRAINING,
  /** The dashboard and the alarms over every stage. */
  observability: OBSERVABILITY,
});

// z.infer gives mutable properties; the config is handed to every construct, which must not change it.
type DeepReadonly<T> = { readonly [K in keyof T]: T[K] extends object ? DeepReadonly<T[K]> : T[K] };
/** The typed, validated configuration of one stage. */
export type StageConfig = DeepReadonly<z.infer<typeof STAGE_CONFIG>>;
/** What happens to stateful resources (buckets, keys, catalog) when their stack is deleted. */
export type RemovalMode = StageConfig['removal'];

/**
 * The business case of both stages: the problem statement's figures (14.5%, 4%, $750,000) and
 * documented example values for the rest (docs/business-case.md).
 */
const BUSINESS_DEFAULTS: StageConfig['business'] = {
  churnRateBefore: 0.145,
  targetChurnRate: 0.04,
  incentiveBudget: 750000,
  incentiveCost: 50,
  incentiveRetention: 0.8,
  retainedCustomerValue: 500,
  customersScored: 50000,
  gateOnCampaign: true,
};

/** The defaults of each stage. Every key here is documented in the table of docs/configuration.md. */
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
      approval: 'automatic',
      logRetentionDays: 365,
    },
    business: BUSINESS_DEFAULTS,
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
    monitoring: {
      schedule: 'rate(1 day)',
      windowHours: 24,
      psiWatch: 0.1,
      psiAct: 0.25,
      categoricalWatch: 0.05,
      categoricalAct: 0.1,
      missingWatch: 0.05,
      missingAct: 0.1,
      minimumRows: 200,
      qualityWindowDays: 30,
      minimumOutcomes: 100,
      minAuc: 0.75,
      minPrecision: 0.25,
      minRecall: 0.6,
      logRetentionDays: 365,
    },
    retraining: {
      enabled: true,
      minimumPeriodHours: 24,
      championMargin: 0.01,
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
      approval: 'manual',
      logRetentionDays: 365,
    },
    business: BUSINESS_DEFAULTS,
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
    monitoring: {
      schedule: 'rate(1 hour)',
      windowHours: 24,
      psiWatch: 0.1,
      psiAct: 0.25,
      categoricalWatch: 0.05,
      categoricalAct: 0.1,
      missingWatch: 0.05,
      missingAct: 0.1,
      minimumRows: 200,
      qualityWindowDays: 30,
      minimumOutcomes: 100,
      minAuc: 0.8,
      minPrecision: 0.25,
      minRecall: 0.6,
      logRetentionDays: 365,
    },
    retraining: {
      enabled: false,
      minimumPeriodHours: 168,
      championMargin: 0.01,
    },
    observability: {
      maxIteratorAgeSeconds: 300,
      maxDeliveryDelaySeconds: 900,
    },
  },
};

/** Thrown when a stage or a configuration value is not allowed. Its message lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      (problems.length === 1
        ? `Invalid configuration: ${problems[0]}`
        : `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`) +
        '\nSet values per stage in the "config" context (-c config=JSON, or cdk.json): see docs/configuration.md.',
    );
    this.name = 'ConfigError';
  }
}

/**
 * Keys that existed once, by dotted path, and what to write instead. A config that still has one
 * stops synth with this advice rather than a bare "not a configuration key".
 */
export const RETIRED_KEYS: Readonly<Record<string, string>> = {
  'serving.monitoring':
    'Model Monitor is opt-in now: use modelMonitor.enabled (closed to new AWS customers since 2026-07-30)',
  'serving.monitoringCadence': `it moved to the opt-in Model Monitor section: use modelMonitor.cadence (${MONITOR_CADENCE.description})`,
  'serving.monitoringInstanceType': `it moved to the opt-in Model Monitor section: use modelMonitor.instanceType (${INSTANCE_TYPE.description})`,
  'training.processingInstanceType': `the baseline job is Model Monitor's, which is opt-in now: use modelMonitor.baselineInstanceType (${INSTANCE_TYPE.description})`,
  'training.missedChurnerCost':
    'the costs moved to the business case: use business.retainedCustomerValue (what keeping a customer who would have left is worth)',
  'training.incentiveCost': 'the costs moved to the business case: use business.incentiveCost',
  'training.incentiveRetention':
    'the costs moved to the business case: use business.incentiveRetention (the probability that a churner offered the incentive stays)',
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

/** The rule one configuration key must meet, as docs/configuration.md and the tests read it. */
export interface KeyRule {
  /** What is allowed, in words, completing "expected ...". */
  readonly allowed: string;
  /** Whether a value meets the rule. */
  readonly accepts: (value: unknown) => boolean;
  /** Whether the key may be absent. */
  readonly optional: boolean;
}

function ruleOf(schema: z.ZodType): KeyRule {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  return {
    allowed: inner.description ?? '',
    accepts: (value) => inner.safeParse(value).success,
    optional: schema instanceof z.ZodOptional,
  };
}

/** The rule of every configuration key, by its dotted path, read from the schema. */
export const CONFIG_RULES: Readonly<Record<string, KeyRule>> = Object.fromEntries(
  Object.entries(STAGE_CONFIG.shape).flatMap(([name, schema]) =>
    schema instanceof z.ZodObject
      ? Object.entries(schema.shape as Record<string, z.ZodType>).map(([key, s]) => [`${name}.${key}`, ruleOf(s)])
      : [[name, ruleOf(schema)]],
  ),
);

/** The retired keys, as a Map so that keys such as `constructor` or `__proto__` are never mistaken for them. */
const RETIRED = new Map(Object.entries(RETIRED_KEYS));
/** Section name → the full keys in it (`dataLake` → `dataLake.rawInfrequentAccessAfterDays`, ...). */
const SECTIONS = new Map(
  Object.entries(STAGE_CONFIG.shape).flatMap(([name, schema]) =>
    schema instanceof z.ZodObject ? [[name, Object.keys(schema.shape).map((key) => `${name}.${key}`)]] : [],
  ),
);

/**
 * Builds the validated configuration of the stage that context selects. The overrides of every
 * stage present in `config` are checked too, so a typo in production's section shows up in a
 * sandbox synth, not on the day production is deployed.
 * @throws ConfigError naming each bad key, the value received and what is allowed
 */
export function loadStageConfig(context: ConfigContext = {}): StageConfig {
  const stage = context.stage ?? 'sandbox';
  if (!isStageName(stage)) {
    throw new ConfigError([`stage ${show(stage)} is unknown; expected one of: ${STAGE_NAMES.join(', ')}`]);
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
      `context "config" is ${show(value)}; expected an object of stages, such as {"sandbox": {"owner": "me@example.com"}}`,
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
    return { problems: [`config.${stage} is ${show(overrides)}; expected an object of configuration keys`] };
  }
  const problems: string[] = [];
  const defaults: Record<string, unknown> = STAGE_DEFAULTS[stage];
  // Object.fromEntries defines properties, so a "__proto__" key stays a key for the schema to reject.
  const merged = Object.fromEntries<unknown>([
    ...Object.entries(defaults),
    ...Object.entries(overrides ?? {}).flatMap(([name, value]): [string, unknown][] => {
      if (name === 'stage') {
        problems.push(`${at}stage cannot be overridden; choose the stage with -c stage=NAME`);
        return [];
      }
      const section = SECTIONS.has(name) ? defaults[name] : undefined;
      return [[name, isPlainObject(section) && isPlainObject(value) ? { ...section, ...value } : value]];
    }),
  ]);
  const parsed = STAGE_CONFIG.safeParse(merged);
  const reported = new Set<string>();
  for (const issue of parsed.error?.issues ?? []) {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      problems.push(...issue.keys.map((key) => unknownKey(at, path, key, valueAt(merged, [...path, key]))));
    } else if (!reported.has(path.join('.'))) {
      // One problem per key: a value can break several checks of one rule (z.int()'s safe range and max).
      const key = path.join('.');
      reported.add(key);
      const value = valueAt(merged, path);
      const sectionKeys = SECTIONS.get(key);
      const allowed = sectionKeys ? `an object with the keys ${sectionKeys.join(', ')}` : CONFIG_RULES[key]?.allowed;
      problems.push(`${at}${key} is ${value === undefined ? 'missing' : show(value)}; expected ${allowed}`);
    }
  }
  if (problems.length > 0 || !parsed.success) {
    return { problems };
  }
  return { config: parsed.data, problems: checkStageRules(parsed.data, selected) };
}

/** The problem of a key the schema does not know: a dotted key, a retired one or a typo. */
function unknownKey(at: string, path: string[], name: string, value: unknown): string {
  const key = [...path, name].join('.');
  if (path.length === 0 && name.includes('.') && Object.hasOwn(CONFIG_RULES, name)) {
    const [section, leaf] = name.split('.');
    return `${at}"${name}" is a dotted key; write it nested, as {"${section}": {"${leaf}": ${show(value, false)}}}`;
  }
  const known = SECTIONS.get(path[0] ?? '') ?? [...STAGE_CONFIG.keyof().options].filter((k) => k !== 'stage');
  return `${at}${key} is not a configuration key; ${RETIRED.get(key) ?? `known keys: ${known.join(', ')}`}`;
}

function valueAt(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>(
    (obj, key) => (isPlainObject(obj) && Object.hasOwn(obj, key) ? obj[key] : undefined),
    value,
  );
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
      problems.push(`${at}removal is ${show(c.removal)}; production keeps its data: expected "retain"`);
    }
    if (c.serving.minInstances < 2) {
      problems.push(
        `${at}serving.minInstances is ${c.serving.minInstances}; production serves from at least two instances (two Availability Zones): expected 2 or more`,
      );
    }
    if (!c.terminationProtection) {
      problems.push(
        `${at}terminationProtection is ${show(c.terminationProtection)}; production stacks are protected: expected true`,
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
  const { business } = c;
  // An offer to a churner saves retainedCustomerValue × incentiveRetention and costs incentiveCost; if
  // it cannot save more than it costs, no cutoff beats doing nothing and the gate rejects every model.
  const savedPerCaughtChurner = business.retainedCustomerValue * business.incentiveRetention;
  if (business.incentiveCost >= savedPerCaughtChurner) {
    problems.push(
      `${at}business.incentiveCost is ${business.incentiveCost}; expected less than ${savedPerCaughtChurner} ` +
        `(business.retainedCustomerValue ${business.retainedCustomerValue} × business.incentiveRetention ` +
        `${business.incentiveRetention}), or no model can cost less than doing nothing and the quality gate rejects every one`,
    );
  }
  if (business.targetChurnRate >= business.churnRateBefore) {
    problems.push(
      `${at}business.targetChurnRate is ${business.targetChurnRate}; expected less than ${business.churnRateBefore}, ` +
        `because ${at}business.churnRateBefore is ${business.churnRateBefore} and a campaign is meant to lower it`,
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
  const { monitoring } = c;
  for (const [name, watch, act] of [
    ['psi', monitoring.psiWatch, monitoring.psiAct],
    ['categorical', monitoring.categoricalWatch, monitoring.categoricalAct],
    ['missing', monitoring.missingWatch, monitoring.missingAct],
  ] as const) {
    if (watch > act) {
      problems.push(
        `${at}monitoring.${name}Watch is ${watch}; expected at most ${act}, because ${at}monitoring.${name}Act is ${act} ` +
          'and a value that acts must also be watched',
      );
    }
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

/** A value as the user wrote it, and (unless asked not to) what type it is: `"40" (a string)`. */
function show(value: unknown, withType = true): string {
  return shown(value, withType ? WITH_TYPE : AS_WRITTEN);
}

/** Config values are shown whole: a message names exactly what was received. */
const WITH_TYPE: ShownOptions = { form: 'value and type', maxLength: Infinity };
/** The value alone, as it would be written in JSON. */
const AS_WRITTEN: ShownOptions = { maxLength: Infinity };
