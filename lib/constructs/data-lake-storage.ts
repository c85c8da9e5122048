import { Aws, type Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RULES, acknowledgeFindings, wildcardResourceFinding } from '../compliance';
import type { RemovalMode } from '../config';
import { removalPolicyOf } from '../removal';
import { RAW_PREFIXES } from '../lake-layout';
import { allowCloudWatchLogsToEncrypt } from './key-policies';
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
  /**
   * What a writer of the raw stream prefixes may do: list the raw bucket, write (and read back,
   * and abort uploads) under `stream/` and `stream-errors/` only, and use the data key only
   * through S3 for the raw bucket. The lake decides who writes where; attach this to the role
   * of whatever delivers the stream.
   */
  readonly rawStreamWriterPolicy: iam.ManagedPolicy;

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

    const streamPrefixes = [RAW_PREFIXES.stream, RAW_PREFIXES.streamErrors].map((prefix) =>
      this.rawBucket.arnForObjects(`${prefix}*`),
    );
    this.rawStreamWriterPolicy = new iam.ManagedPolicy(this, 'RawStreamWriterPolicy', {
      description: 'ml-lifecycle-cdk: write stream records (and failed ones) to the raw zone, nothing else',
      statements: [
        new iam.PolicyStatement({
          sid: 'ListRawBucket',
          actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
          resources: [this.rawBucket.bucketArn],
        }),
        new iam.PolicyStatement({
          sid: 'WriteStreamPrefixesOnly',
          actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
          resources: streamPrefixes,
        }),
        new iam.PolicyStatement({
          sid: 'UseDataKeyThroughS3ForRawOnly',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [this.key.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` },
            // The bucket ARN while the bucket key is on; object ARNs should it ever be turned off.
            ArnLike: {
              'kms:EncryptionContext:aws:s3:arn': [this.rawBucket.bucketArn, this.rawBucket.arnForObjects('*')],
            },
          },
        }),
      ],
    });
    acknowledgeFindings(
      this.rawStreamWriterPolicy,
      streamPrefixes.map((prefix) => wildcardResourceFinding(this, prefix)),
      'Writers such as Firehose name their objects themselves (date, stream name, random suffix), so writes can be limited to the stream/ and stream-errors/ prefixes but not to object names.',
    );

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
