import type { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { autoDeleteObjectsHandlerOf } from '../shared/cdk-internals';
import { RULES, acknowledgeFindings } from '../shared/compliance';
import type { RemovalMode } from '../config';
import { removalPolicyOf } from '../shared/removal';
import {
  allowCloudWatchLogsToEncrypt,
  allowCloudWatchAlarmsToUseForTopics,
  allowEventBridgeToUseForTopics,
  denyGrantsExceptThroughAwsServices,
} from '../shared/key-policies';
import { SecureBucket, type SecureBucketLifecycle } from '../shared/secure-bucket';

export interface DataLakeStorageProps {
  /** `destroy`: buckets are emptied and deleted, and the key scheduled for deletion, with the stack. */
  readonly removal: RemovalMode;
  /** When raw objects move to S3 Standard-IA (at least 30 days: S3's minimum). */
  readonly rawInfrequentAccessAfter: Duration;
  /** When raw objects move to S3 Glacier Instant Retrieval (at least 30 days after Standard-IA). */
  readonly rawGlacierInstantRetrievalAfter: Duration;
  /** How long a noncurrent object version is kept in any of the lake's buckets. */
  readonly noncurrentVersionExpiration: Duration;
  /** How long an incomplete multipart upload may stay before it is aborted. */
  readonly abortIncompleteMultipartUploadAfter: Duration;
  /** How long S3 server access logs are kept. */
  readonly accessLogExpiration: Duration;
}

/**
 * The lake's storage: one customer-managed key and four buckets.
 *
 * - **raw**: the immutable log of everything ingested, exactly as it arrived. Append-only (deletes
 *   and versioning changes denied by bucket policy), aging into Standard-IA and then Glacier
 *   Instant Retrieval, which keeps millisecond reads for the rare replay.
 * - **curated**: materialized views that ETL rebuilds from raw; overwritten versions expire.
 * - **artifacts**: models, pipeline outputs, endpoint data capture, monitoring reports and
 *   Athena query results.
 * - **access logs**: the S3 server access logs of the other three (and of the trail's bucket).
 */
export class DataLakeStorage extends Construct {
  /** Encrypts the lake's buckets; later stages use it for Kinesis, Glue, SageMaker, logs and SNS. */
  readonly key: kms.Key;
  readonly rawBucket: SecureBucket;
  readonly curatedBucket: SecureBucket;
  readonly artifactsBucket: SecureBucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataLakeStorageProps) {
    super(scope, id);
    const removalPolicy = removalPolicyOf(props.removal);
    const base: SecureBucketLifecycle = {
      noncurrentVersionExpiration: props.noncurrentVersionExpiration,
      abortIncompleteMultipartUploadAfter: props.abortIncompleteMultipartUploadAfter,
    };

    this.key = new kms.Key(this, 'DataKey', {
      description:
        'ml-lifecycle-cdk data lake: encrypts the raw, curated and artifacts buckets and the data that flows into them',
      enableKeyRotation: true,
      removalPolicy,
    });
    allowCloudWatchLogsToEncrypt(this.key);
    allowEventBridgeToUseForTopics(this.key);
    allowCloudWatchAlarmsToUseForTopics(this.key);
    denyGrantsExceptThroughAwsServices(this.key);

    this.accessLogsBucket = SecureBucket.forAccessLogs(this, 'AccessLogsBucket', {
      removal: props.removal,
      lifecycle: { ...base, expiration: props.accessLogExpiration },
    });

    const shared = { encryptionKey: this.key, removal: props.removal };
    this.rawBucket = new SecureBucket(this, 'RawBucket', {
      ...shared,
      accessLogs: { bucket: this.accessLogsBucket, prefix: 'raw/' },
      appendOnly: true,
      lifecycle: {
        ...base,
        transitions: [
          { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: props.rawInfrequentAccessAfter },
          {
            storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
            transitionAfter: props.rawGlacierInstantRetrievalAfter,
          },
        ],
      },
    });
    this.curatedBucket = new SecureBucket(this, 'CuratedBucket', {
      ...shared,
      accessLogs: { bucket: this.accessLogsBucket, prefix: 'curated/' },
      lifecycle: base,
    });
    this.artifactsBucket = new SecureBucket(this, 'ArtifactsBucket', {
      ...shared,
      accessLogs: { bucket: this.accessLogsBucket, prefix: 'artifacts/' },
      lifecycle: base,
    });

    acknowledgeFindings(
      this.accessLogsBucket,
      RULES.s3DefaultKmsEncryption,
      'Cannot be fixed: S3 server access log delivery writes only to buckets whose default encryption is SSE-S3 (AES-256), not SSE-KMS.',
    );
    if (props.removal === 'destroy') {
      acknowledgeFindings(
        autoDeleteObjectsHandlerOf(this),
        ['ControlTower::CT.LAMBDA.PR.3'],
        "aws-cdk-lib's auto-delete handler exists only in a stage with removal: destroy and calls only the S3 API, once, to empty this stack's buckets at teardown; a VPC would add NAT or endpoint cost and protect no traffic.",
      );
      acknowledgeFindings(
        autoDeleteObjectsHandlerOf(this),
        RULES.redundantRoleDependency,
        "aws-cdk-lib's custom resource provider makes the auto-delete handler depend on its role, though the handler's Role property references it already (the role has no separate policy to wait for). Redundant, and harmless.",
      );
    }
    acknowledgeFindings(
      this.accessLogsBucket,
      RULES.s3AccessLogging,
      'This is the bucket the others log to: S3 access logs of its own would be written to itself and log their own delivery without end.',
    );
    acknowledgeFindings(
      this.accessLogsBucket,
      RULES.s3EventNotifications,
      'Nobody acts on one access-log object at a time (they are queried in bulk), and S3 would bill an EventBridge event for every log delivery to this bucket.',
    );
    acknowledgeFindings(
      this.accessLogsBucket,
      RULES.s3ObjectLock,
      'Access logs expire by lifecycle rule (dataLake.accessLogExpirationDays) and only the S3 logging service may write here; Object Lock would keep them past that expiry and stop a sandbox teardown from emptying the bucket.',
    );
    acknowledgeFindings(
      this.rawBucket,
      RULES.s3ObjectLock,
      'Raw is kept by versioning and an append-only bucket policy instead: Object Lock cannot be turned off once on and would stop a sandbox teardown. Where regulation asks for write-once storage, create raw with Object Lock in compliance mode (docs/production.md).',
    );
    acknowledgeFindings(
      this.curatedBucket,
      RULES.s3ObjectLock,
      'Curated holds views that the ETL jobs rebuild from raw and replace; locking them would keep every superseded copy for the retention period and get in the way of each rebuild, to protect data whose loss costs one ETL run.',
    );
    acknowledgeFindings(
      this.artifactsBucket,
      RULES.s3ObjectLock,
      'Artifacts holds pipeline outputs, data capture, monitoring reports and Athena results that lifecycle rules expire; Object Lock would hold them past that expiry, and a model that must not change is pinned by its model package version instead.',
    );
    acknowledgeFindings(
      this.accessLogsBucket,
      RULES.s3Replication,
      'Cost over benefit here: access logs are operational records of this one region. Production that must keep them beyond a regional outage ships them to a log-archive account instead.',
    );
    acknowledgeFindings(
      this.rawBucket,
      RULES.s3Replication,
      'Cost over benefit here: versioning and the append-only policy already protect raw against deletion, and sandbox data is synthetic. Production should replicate raw, the one copy that cannot be rebuilt, to a second region with Cross-Region Replication and a replica key.',
    );
    acknowledgeFindings(
      this.curatedBucket,
      RULES.s3Replication,
      'Cost over benefit: curated holds views that the ETL jobs rebuild from raw, so a replica would double storage for data whose loss costs one ETL run.',
    );
    acknowledgeFindings(
      this.artifactsBucket,
      RULES.s3Replication,
      'Cost over benefit: artifacts (models, pipeline outputs, query results) are rebuilt by rerunning the pipeline from raw. Production that must serve through a regional outage replicates the approved model artifact, not the whole bucket.',
    );
  }
}
