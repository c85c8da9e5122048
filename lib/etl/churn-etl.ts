import * as path from 'node:path';
import { ArnFormat, type Duration, Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { defaultPolicyOf } from '../shared/cdk-internals';
import { RULES, acknowledgeFindings, wildcardFindingsOf } from '../shared/compliance';
import { CURATED_PREFIXES } from '../contracts/lake-layout';
import { DEFINITIONS_REMOVAL_POLICY } from '../shared/removal';
import { GLUE_RUN_FAILED_STATES } from './job-run-metrics';

const GLUE_DIR = path.join(__dirname, '..', '..', 'glue');

export interface ChurnEtlProps {
  /** The raw zone's bucket (the curate job checks the stream table lies in it). */
  readonly rawBucket: s3.IBucket;
  /** The curated zone's bucket: customers, quarantine and features are written here. */
  readonly curatedBucket: s3.IBucket;
  /** The lake's access policy for the curate job (raw stream/ and batch/ in, curated out). */
  readonly curateAccess: iam.IManagedPolicy;
  /** The lake's access policy for the features job (curated customers in, features out). */
  readonly featuresAccess: iam.IManagedPolicy;
  /** The lake's key: the security configuration encrypts S3 output, logs and bookmarks with it. */
  readonly key: kms.IKey;
  /** The raw database, holding the `churn_stream` and `churn_batch` tables. */
  readonly rawDatabaseName: string;
  /** The curated database, where the `customers` table is. */
  readonly curatedDatabaseName: string;
  /** The curated customers table's name. */
  readonly customersTableName: string;
  /** Glue worker type. */
  readonly workerType: glue.WorkerType;
  /** The most workers a run may scale out to. */
  readonly maxWorkers: number;
  /** When a run is stopped. */
  readonly timeout: Duration;
  /** Retries of a failed run. */
  readonly maxRetries: number;
  /**
   * When the workflow runs (a Glue cron expression).
   * @default - on demand only
   */
  readonly schedule?: string;
  /** Share of labelled customers in the training split. */
  readonly trainFraction: number;
  /** Share of labelled customers in the validation split. */
  readonly validationFraction: number;
}

/**
 * PREPARE: two Glue 5.0 PySpark jobs and the workflow that runs them.
 *
 * - **curate** reads the raw zone (the cleaned stream and the batch CSV files, incrementally
 *   through job bookmarks), re-validates every value against the schema, quarantines what fails,
 *   merges the rest into `curated/customers/` keeping the latest event per customer, as Parquet.
 * - **features** turns the curated customers into XGBoost-ready CSV splits, a feature manifest,
 *   and a headed baseline CSV for Model Monitor.
 *
 * The transformations are the SQL files in `glue/sql/` (tested with DuckDB); each job's work is a
 * plain PySpark core in `glue/jobs/cores/` (tested on local Spark), shipped to both jobs as one
 * Python library, and its script in `glue/jobs/` is a thin Glue entry: arguments, bookmarks,
 * catalog and S3. Both jobs run under one security configuration that encrypts their S3 output,
 * logs and bookmarks with the lake key, one run at a time.
 */
export class ChurnEtl extends Construct {
  readonly securityConfiguration: glue.SecurityConfiguration;
  readonly curateJob: glue.PySparkEtlJob;
  readonly featuresJob: glue.PySparkEtlJob;
  readonly workflow: glue.Workflow;

  constructor(scope: Construct, id: string, props: ChurnEtlProps) {
    super(scope, id);

    this.securityConfiguration = new glue.SecurityConfiguration(this, 'SecurityConfiguration', {
      s3Encryption: glue.S3Encryption.kms(props.key),
      cloudWatchEncryption: glue.CloudWatchEncryption.kms(props.key),
      jobBookmarksEncryption: glue.JobBookmarksEncryption.clientSideKms(props.key),
    });
    // Glue requires the configuration's name, and the L2 retains it by default: retained, it would
    // make the next deploy of the stack fail with AlreadyExistsException.
    this.securityConfiguration.applyRemovalPolicy(DEFINITIONS_REMOVAL_POLICY);

    const sql = (file: string) => new s3assets.Asset(this, pascal(file), { path: path.join(GLUE_DIR, 'sql', file) });
    const curateSql = {
      validated: sql('curate_validated.sql'),
      customers: sql('curate_customers.sql'),
      quarantine: sql('curate_quarantine.sql'),
    };
    const featuresSql = sql('features.sql');
    const statisticsSql = sql('baseline_statistics.sql');
    // The jobs' PySpark cores, zipped with the modules at the root of the archive (a directory
    // asset is), so each entry imports its core as a top-level module. Glue adds a .zip given in
    // --extra-py-files to the Python path of a Spark job, as Spark's --py-files does: "Using Python
    // libraries with AWS Glue", https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-libraries.html
    const cores = new s3assets.Asset(this, 'JobCores', {
      path: path.join(GLUE_DIR, 'jobs', 'cores'),
      exclude: ['__pycache__', '*.pyc'],
    });

    const curateRole = this.jobRole('CurateRole', props.key, 'curate', props.curateAccess, [
      props.rawDatabaseName,
      props.curatedDatabaseName,
    ]);
    readSql(curateRole, Object.values(curateSql));
    readCores(curateRole, cores);
    const featuresRole = this.jobRole('FeaturesRole', props.key, 'features', props.featuresAccess, [
      props.curatedDatabaseName,
    ]);
    readSql(featuresRole, [featuresSql, statisticsSql]);
    readCores(featuresRole, cores);

    const common = {
      glueVersion: glue.GlueVersion.V5_0,
      workerConfiguration: { workerType: props.workerType, numberOfWorkers: props.maxWorkers },
      timeout: props.timeout,
      maxRetries: props.maxRetries,
      maxConcurrentRuns: 1,
      securityConfiguration: this.securityConfiguration,
      continuousLogging: { enabled: true },
      enableMetrics: true,
      // --extra-py-files, which the job construct manages.
      extraPythonFiles: [new UngrantedAssetCode(cores)],
    };
    const jobArguments = {
      '--enable-auto-scaling': 'true',
      '--job-bookmark-option': 'job-bookmark-enable',
      '--enable-glue-datacatalog': 'true',
    };

    this.curateJob = new glue.PySparkEtlJob(this, 'CurateJob', {
      ...common,
      role: curateRole,
      description: 'Raw churn records → validated, de-duplicated curated customers (Parquet); rejects quarantined',
      script: glue.Code.fromAsset(path.join(GLUE_DIR, 'jobs', 'curate.py')),
      defaultArguments: {
        ...jobArguments,
        '--raw_database': props.rawDatabaseName,
        '--stream_table': 'churn_stream',
        '--batch_table': 'churn_batch',
        '--curated_database': props.curatedDatabaseName,
        '--curated_table': props.customersTableName,
        '--raw_bucket': props.rawBucket.bucketName,
        '--curated_bucket': props.curatedBucket.bucketName,
        '--quarantine_prefix': CURATED_PREFIXES.quarantine,
        '--sql_validated': curateSql.validated.s3ObjectUrl,
        '--sql_customers': curateSql.customers.s3ObjectUrl,
        '--sql_quarantine': curateSql.quarantine.s3ObjectUrl,
      },
    });

    this.featuresJob = new glue.PySparkEtlJob(this, 'FeaturesJob', {
      ...common,
      role: featuresRole,
      description: 'Curated customers → XGBoost CSV splits, feature manifest and Model Monitor baseline',
      script: glue.Code.fromAsset(path.join(GLUE_DIR, 'jobs', 'features.py')),
      defaultArguments: {
        ...jobArguments,
        // Features are rebuilt from the whole curated table each run, so no bookmark.
        '--job-bookmark-option': 'job-bookmark-disable',
        '--curated_database': props.curatedDatabaseName,
        '--curated_table': props.customersTableName,
        '--features_bucket': props.curatedBucket.bucketName,
        '--features_prefix': CURATED_PREFIXES.features,
        '--quarantine_prefix': CURATED_PREFIXES.quarantine,
        '--train_fraction': String(props.trainFraction),
        '--validation_fraction': String(props.validationFraction),
        '--sql_features': featuresSql.s3ObjectUrl,
        '--sql_statistics': statisticsSql.s3ObjectUrl,
      },
    });

    this.acknowledgeWildcards(curateRole, 'curate');
    this.acknowledgeWildcards(featuresRole, 'features');

    this.workflow = new glue.Workflow(this, 'Workflow', {
      description: 'curate, then features when curate succeeds',
      maxConcurrentRuns: 1,
    });
    if (props.schedule === undefined) {
      this.workflow.addOnDemandTrigger('Start', { actions: [glue.Action.job(this.curateJob)] });
    } else {
      this.workflow.addScheduledTrigger('Start', {
        actions: [glue.Action.job(this.curateJob)],
        schedule: glue.TriggerSchedule.expression(props.schedule),
        startOnCreation: true,
      });
    }
    this.workflow.addConditionalTrigger('AfterCurate', {
      actions: [glue.Action.job(this.featuresJob)],
      predicate: { conditions: [glue.Condition.job(this.curateJob, glue.JobState.SUCCEEDED)] },
      startOnCreation: true,
    });
  }

  /**
   * The event Glue sends when the features job succeeds: what the training pipeline subscribes to.
   */
  get featuresSucceeded(): events.EventPattern {
    return {
      source: ['aws.glue'],
      detailType: ['Glue Job State Change'],
      detail: { jobName: [this.featuresJob.jobName], state: ['SUCCEEDED'] },
    };
  }

  /** The events Glue sends when either job fails, times out or is stopped. */
  get jobsFailed(): events.EventPattern {
    return {
      source: ['aws.glue'],
      detailType: ['Glue Job State Change'],
      detail: {
        jobName: [this.curateJob.jobName, this.featuresJob.jobName],
        state: GLUE_RUN_FAILED_STATES,
      },
    };
  }

  /**
   * A role for one job: its own logs and metrics, the tables of the databases it uses, the lake
   * key, and for S3 only the lake's managed access policy for it.
   */
  private jobRole(
    id: string,
    key: kms.IKey,
    job: string,
    dataAccess: iam.IManagedPolicy,
    databases: readonly string[],
  ): iam.Role {
    const stack = Stack.of(this);
    const role = new iam.Role(this, id, {
      assumedBy: new iam.ServicePrincipal('glue.amazonaws.com'),
      description: `ml-lifecycle-cdk ${job} job`,
      managedPolicies: [dataAccess],
    });
    key.grantEncryptDecrypt(role);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'LakeCatalog',
        actions: [
          'glue:GetDatabase',
          'glue:GetTable',
          'glue:GetTables',
          'glue:GetPartition',
          'glue:GetPartitions',
          'glue:BatchGetPartition',
          'glue:UpdateTable',
          'glue:BatchCreatePartition',
          'glue:CreatePartition',
          'glue:UpdatePartition',
          'glue:DeletePartition',
        ],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          // Spark's Glue catalog client looks up the `default` database when a session starts.
          ...[...databases, 'default'].map((db) =>
            stack.formatArn({ service: 'glue', resource: 'database', resourceName: db }),
          ),
          ...databases.map((db) => stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${db}/*` })),
        ],
      }),
    );
    const glueLogs = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: '/aws-glue/*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'GlueLogs',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:AssociateKmsKey'],
        resources: [glueLogs],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'GlueMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': 'Glue' } },
      }),
    );
    const policy = defaultPolicyOf(role);
    acknowledgeFindings(
      policy,
      RULES.iamInlinePolicy,
      `Built for the ${job} job's role alone: its catalog objects, its logs and metrics, the lake key; its S3 access is the lake's managed policy.`,
    );
    return role;
  }

  /**
   * Acknowledges, on a job role's policy, every wildcard it holds once the job is built: the
   * ones this construct wrote (catalog tables of its databases, Glue's log groups, metrics, the
   * key grant) and the ones the Glue job construct adds (read on the CDK staging bucket for the
   * script). Called after the job exists, so a wildcard added later still fails the gate.
   */
  private acknowledgeWildcards(role: iam.Role, job: string): void {
    const policy = defaultPolicyOf(role);
    acknowledgeFindings(
      policy,
      wildcardFindingsOf(policy),
      `The ${job} job's own policy: tables of its two databases (Glue checks every table and partition call), the /aws-glue/ log groups Glue names per run, metrics in the Glue namespace only (PutMetricData takes no resource), the lake key for S3, logs and bookmarks (the key grant's GenerateDataKey*/ReEncrypt*), and, granted by the Glue job construct, read on the CDK staging bucket, which holds only this app's deployment assets, to fetch the script.`,
    );
  }
}

/** Lets a job read exactly its SQL files (Asset.grantRead would open the whole staging bucket). */
function readSql(role: iam.Role, assets: s3assets.Asset[]): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadOwnSql',
      actions: ['s3:GetObject'],
      resources: assets.map((asset) => asset.bucket.arnForObjects(asset.s3ObjectKey)),
    }),
  );
}

/**
 * An asset as Glue job code, bound without a grant: the job construct would grant read on the
 * staging bucket for it; the job roles read exactly this object instead ({@link readCores}).
 */
class UngrantedAssetCode extends glue.Code {
  constructor(private readonly asset: s3assets.Asset) {
    super();
  }

  bind(): glue.CodeConfig {
    return { s3Location: { bucketName: this.asset.s3BucketName, objectKey: this.asset.s3ObjectKey } };
  }
}

/** Lets a job read the zip of the jobs' cores, and nothing else of the staging bucket, as {@link readSql}. */
function readCores(role: iam.Role, cores: s3assets.Asset): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadJobCores',
      actions: ['s3:GetObject'],
      resources: [cores.bucket.arnForObjects(cores.s3ObjectKey)],
    }),
  );
}

/** `curate_validated.sql` → `CurateValidatedSql`, a construct id. */
function pascal(file: string): string {
  return file
    .replace(/\.sql$/, '')
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')
    .concat('Sql');
}
