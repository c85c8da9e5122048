import { type Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RULES, acknowledgeFindings } from '../compliance';
import type { RemovalMode } from '../config';
import { removalPolicyOf } from '../removal';
import { allowCloudWatchLogsToEncrypt, allowEventBridgeToUseForTopics } from './key-policies';
import { SecureBucket, type SecureBucketLifecycle } from './secure-bucket';

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
