import { Aws, type Duration, type Size } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFINITIONS_REMOVAL_POLICY } from '../shared/removal';

export interface LakeCatalogProps {
  /**
   * Prefix of the Glue database and Athena workgroup names, which must be unique in an account
   * and region (so one per stage). Lower-case letters, digits and underscores.
   */
  readonly namePrefix: string;
  /** The raw zone's bucket: the raw database's location. */
  readonly rawBucket: s3.IBucket;
  /** The curated zone's bucket: the curated database's location. */
  readonly curatedBucket: s3.IBucket;
  /** The bucket that receives Athena query results, under {@link LakeCatalog.QUERY_RESULTS_PREFIX}. */
  readonly resultsBucket: s3.Bucket;
  /** The key Athena encrypts query results with (SSE-KMS). */
  readonly resultsKey: kms.IKey;
  /** How long query results are kept. */
  readonly resultsExpiration: Duration;
  /** The most one query may scan before Athena cancels it. */
  readonly queryScanLimit: Size;
}

/**
 * The lake's catalog and query engine: a Glue Data Catalog database per zone, and an Athena
 * workgroup whose settings users cannot override: results encrypted with the lake's key in the
 * artifacts bucket, a bytes-scanned cutoff per query, and CloudWatch metrics.
 *
 * Tables arrive with the stages that write the data (ingestion's raw table, ETL's curated tables).
 * The databases and the workgroup hold definitions, not data, and have fixed names, so they are
 * deleted with the stack in every stage (see {@link DEFINITIONS_REMOVAL_POLICY}).
 */
export class LakeCatalog extends Construct {
  /** Where in the results bucket Athena writes query results. */
  static readonly QUERY_RESULTS_PREFIX = 'athena-results/';

  readonly rawDatabase: glue.CfnDatabase;
  readonly curatedDatabase: glue.CfnDatabase;
  readonly workGroup: athena.CfnWorkGroup;

  /**
   * The raw database's name, for tables and jobs: a plain string, known at synth, so that IAM
   * resources built from it read the same in the template and in cdk-nag's findings.
   */
  readonly rawDatabaseName: string;
  /** The curated database's name (a plain string, as above). */
  readonly curatedDatabaseName: string;

  constructor(scope: Construct, id: string, props: LakeCatalogProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9_]*$/.test(props.namePrefix)) {
      throw new Error(
        `LakeCatalog namePrefix "${props.namePrefix}" must be lower-case letters, digits and underscores, starting with a letter`,
      );
    }
    this.rawDatabaseName = `${props.namePrefix}_raw`;
    this.curatedDatabaseName = `${props.namePrefix}_curated`;

    this.rawDatabase = new glue.CfnDatabase(this, 'RawDatabase', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: this.rawDatabaseName,
        description: 'Raw zone: records as ingested, an immutable log',
        locationUri: props.rawBucket.s3UrlForObject(),
      },
    });
    this.curatedDatabase = new glue.CfnDatabase(this, 'CuratedDatabase', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: this.curatedDatabaseName,
        description: 'Curated zone: cleaned, typed and deduplicated views rebuilt by ETL',
        locationUri: props.curatedBucket.s3UrlForObject(),
      },
    });
    // Definitions, not data: deleted with the stack in every stage (see DEFINITIONS_REMOVAL_POLICY).
    this.rawDatabase.applyRemovalPolicy(DEFINITIONS_REMOVAL_POLICY);
    this.curatedDatabase.applyRemovalPolicy(DEFINITIONS_REMOVAL_POLICY);

    props.resultsBucket.addLifecycleRule({
      id: 'AthenaQueryResults',
      prefix: LakeCatalog.QUERY_RESULTS_PREFIX,
      expiration: props.resultsExpiration,
    });
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.namePrefix.replace(/_/g, '-'),
      description: 'Queries over the ml-lifecycle-cdk data lake, with enforced encryption and a scan limit',
      state: 'ENABLED',
      // Deleted with its saved queries and history; results stay in the artifacts bucket.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        requesterPaysEnabled: false,
        bytesScannedCutoffPerQuery: props.queryScanLimit.toBytes(),
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: props.resultsBucket.s3UrlForObject(LakeCatalog.QUERY_RESULTS_PREFIX),
          expectedBucketOwner: Aws.ACCOUNT_ID,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.resultsKey.keyArn },
        },
      },
    });
    this.workGroup.applyRemovalPolicy(DEFINITIONS_REMOVAL_POLICY);
  }
}
