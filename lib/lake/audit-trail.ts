import { Aws, type Duration, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { cloudTrailLogsRoleOf, defaultPolicyOf } from '../shared/cdk-internals';
import { RULES, acknowledgeFindings } from '../shared/compliance';
import type { RemovalMode } from '../config';
import { removalPolicyOf } from '../shared/removal';
import { allowCloudWatchLogsToEncrypt, denyGrantsExceptThroughAwsServices } from '../shared/key-policies';
import { type AccessLogDestination, SecureBucket } from '../shared/secure-bucket';

export interface AuditTrailProps {
  /** Buckets whose object-level reads and writes (S3 data events) the trail records. */
  readonly dataEventBuckets: s3.IBucket[];
  /** Where the trail bucket's own server access logs go. */
  readonly accessLogs: AccessLogDestination;
  /** How long the trail's CloudWatch Logs copy is kept. */
  readonly logRetention: logs.RetentionDays;
  /** How long log files are kept in the trail bucket. */
  readonly objectExpiration: Duration;
  /** How long a noncurrent object version is kept in the trail bucket. */
  readonly noncurrentVersionExpiration: Duration;
  /** How long an incomplete multipart upload may stay in the trail bucket before it is aborted. */
  readonly abortIncompleteMultipartUploadAfter: Duration;
  /** `destroy`: the trail bucket is emptied and deleted, the key scheduled for deletion, with the stack. */
  readonly removal: RemovalMode;
}

/**
 * The audit trail: a multi-region CloudTrail trail recording every management event in the
 * account and the object-level reads and writes of the lake's buckets.
 *
 * Its log files are encrypted with a key of their own (so the people who can decrypt the lake
 * are not thereby able to read or forge its audit), validated by CloudTrail's digest files, kept
 * in an append-only bucket, and copied to a KMS-encrypted CloudWatch Logs group for search and
 * alarms.
 */
export class AuditTrail extends Construct {
  /** Encrypts the trail's log files and its CloudWatch Logs group. */
  readonly key: kms.Key;
  readonly bucket: SecureBucket;
  readonly logGroup: logs.LogGroup;
  readonly trail: cloudtrail.Trail;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const removalPolicy = removalPolicyOf(props.removal);

    this.key = new kms.Key(this, 'AuditKey', {
      description: 'ml-lifecycle-cdk audit trail: encrypts CloudTrail log files and their CloudWatch Logs copy',
      enableKeyRotation: true,
      removalPolicy,
    });
    this.allowCloudTrailToEncrypt();
    allowCloudWatchLogsToEncrypt(this.key);
    denyGrantsExceptThroughAwsServices(this.key);

    this.bucket = new SecureBucket(this, 'TrailBucket', {
      encryptionKey: this.key,
      accessLogs: props.accessLogs,
      appendOnly: true,
      // CloudTrail writes a file every few minutes in every region; nobody acts on one of them.
      publishEvents: false,
      // "Enabling server-side encryption encrypts the log files but not the digest files with
      // SSE-KMS. Digest files are encrypted with Amazon S3-managed encryption keys (SSE-S3)."
      // (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html).
      // Refused, they would leave nothing to validate the log files against.
      sseS3Prefixes: [`AWSLogs/${Aws.ACCOUNT_ID}/CloudTrail-Digest/`],
      removal: props.removal,
      lifecycle: {
        expiration: props.objectExpiration,
        noncurrentVersionExpiration: props.noncurrentVersionExpiration,
        abortIncompleteMultipartUploadAfter: props.abortIncompleteMultipartUploadAfter,
      },
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      encryptionKey: this.key,
      retention: props.logRetention,
      removalPolicy,
    });

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      bucket: this.bucket,
      encryptionKey: this.key,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
    });
    this.trail.addS3EventSelector(
      props.dataEventBuckets.map((bucket) => ({ bucket })),
      { readWriteType: cloudtrail.ReadWriteType.ALL, includeManagementEvents: false },
    );

    acknowledgeFindings(
      this.trail,
      RULES.redundantRoleDependency,
      "aws-cdk-lib's Trail makes the trail depend on its CloudWatch Logs role, so that the role's policy exists before CloudTrail checks it can deliver; the role itself is listed too, though CloudWatchLogsRoleArn references it already. Redundant, and harmless.",
    );
    acknowledgeFindings(
      this.bucket,
      RULES.s3Replication,
      'Cost over benefit here: the trail is already multi-region, its files are validated and the bucket is append-only. Production should send an organization trail to a separate log-archive account rather than replicate this bucket.',
    );
    acknowledgeFindings(
      this.bucket,
      RULES.s3EventNotifications,
      'CloudTrail writes a log file every few minutes in every region and nobody acts on one of them; the trail is searched through its CloudWatch Logs copy, so S3 events from this bucket would be billed noise.',
    );
    acknowledgeFindings(
      this.bucket,
      RULES.s3ObjectLock,
      "The trail's signed digest files already prove whether any log file was changed or removed (aws cloudtrail validate-logs), and the bucket is append-only. Production should deliver an organization trail to a log-archive account and lock that bucket.",
    );
    acknowledgeFindings(
      defaultPolicyOf(cloudTrailLogsRoleOf(this.trail)),
      RULES.iamInlinePolicy,
      "Cannot be fixed without replacing the Trail construct's own role: it attaches this policy, which allows only logs:CreateLogStream and logs:PutLogEvents on the trail's one log group, to the role CloudTrail assumes to deliver to CloudWatch Logs.",
    );
  }

  /** Key policy for CloudTrail, scoped to trails of this account (the trail's own ARN would be a circular reference). */
  private allowCloudTrailToEncrypt(): void {
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    const trailsOfThisAccount = Stack.of(this).formatArn({
      service: 'cloudtrail',
      region: '*',
      resource: 'trail',
      resourceName: '*',
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToEncryptLogFiles',
        principals: [cloudTrail],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailsOfThisAccount },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudTrailToDescribeKey',
        principals: [cloudTrail],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
  }
}
