import type { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { RemovalMode } from '../config';
import { autoDeleteObjectsProviderOf } from './cdk-internals';
import { removalPolicyOf } from './removal';

/** Where a bucket's S3 server access logs go. */
export interface AccessLogDestination {
  /** The bucket that receives the logs (see {@link SecureBucket.forAccessLogs}). */
  readonly bucket: s3.IBucket;
  /** The key prefix of this bucket's logs in it, ending in `/`. */
  readonly prefix: string;
}

/** Lifecycle settings every secure bucket has. */
export interface SecureBucketLifecycle {
  /** How long a noncurrent (overwritten or deleted) object version is kept. */
  readonly noncurrentVersionExpiration: Duration;
  /** How long an incomplete multipart upload may stay before it is aborted and its parts deleted. */
  readonly abortIncompleteMultipartUploadAfter: Duration;
  /**
   * Transitions of current object versions to cheaper storage classes.
   * @default - objects stay in S3 Standard
   */
  readonly transitions?: s3.Transition[];
  /**
   * How long a current object version lives before it expires.
   * @default - objects never expire
   */
  readonly expiration?: Duration;
}

export interface SecureBucketProps {
  /**
   * The customer-managed key that encrypts every object (SSE-KMS with an S3 bucket key, so KMS
   * is called once per bucket key, not once per object).
   */
  readonly encryptionKey: kms.IKey;
  /** Where this bucket's server access logs go. */
  readonly accessLogs: AccessLogDestination;
  /** Retention and storage-class rules. */
  readonly lifecycle: SecureBucketLifecycle;
  /**
   * `destroy` deletes the bucket and every object version in it with its stack; `retain` keeps them.
   */
  readonly removal: RemovalMode;
  /**
   * Makes the bucket an append-only log: a bucket policy denies deleting objects or object
   * versions and changing the versioning state to every principal, except (when `removal` is
   * `destroy`) the role of the CDK's auto-delete handler that empties the bucket on teardown.
   * Lifecycle rules still apply: S3 Lifecycle is not subject to the bucket policy.
   * @default false
   */
  readonly appendOnly?: boolean;
  /**
   * Sends the bucket's events (object created, deleted, restored, transitioned) to the account's
   * default EventBridge bus, where a rule can act on them without touching the bucket again: the
   * ETL could start when raw data lands, say. Set it to false for a bucket whose objects nobody
   * acts on one by one, such as a log bucket: EventBridge prices these as "AWS opt-in data
   * events", not among the management events it takes in free
   * (https://aws.amazon.com/eventbridge/pricing/), and a log bucket would send one for every
   * log delivery.
   * @default true
   */
  readonly publishEvents?: boolean;
  /**
   * Key prefixes under which an AWS service writes objects with SSE-S3 whatever the bucket's
   * default, and which the bucket must therefore accept with SSE-S3 (`AES256`): CloudTrail's
   * digest files, say. Every other upload that names an encryption must name SSE-KMS.
   * @default - none: only SSE-KMS uploads
   */
  readonly sseS3Prefixes?: string[];
}

/** The actions an append-only bucket denies. Overwrites stay possible but keep the old version. */
export const APPEND_ONLY_DENIED_ACTIONS = ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutBucketVersioning'];

/**
 * An S3 bucket with the project's security defaults: all public access blocked, TLS 1.2+ only,
 * SSE-KMS with a bucket key (uploads that ask for another encryption, SSE-C included, refused),
 * ACLs disabled (bucket owner enforced),
 * versioned, server access logs on, lifecycle rules for old versions and abandoned uploads, and
 * (unless turned off) its events sent to EventBridge.
 */
export class SecureBucket extends s3.Bucket {
  /**
   * The bucket that receives the S3 server access logs of the other buckets. It differs from a
   * {@link SecureBucket} in two ways that S3 requires: objects are encrypted with SSE-S3 (log
   * delivery cannot write to a bucket whose default encryption is SSE-KMS), and it logs nowhere
   * (a log bucket logging to itself would log its own log deliveries forever).
   */
  static forAccessLogs(
    scope: Construct,
    id: string,
    props: { readonly lifecycle: SecureBucketLifecycle; readonly removal: RemovalMode },
  ): s3.Bucket {
    return new s3.Bucket(scope, id, {
      ...commonProps(props.lifecycle, props.removal),
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
  }

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id, {
      ...commonProps(props.lifecycle, props.removal),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: props.accessLogs.bucket,
      serverAccessLogsPrefix: props.accessLogs.prefix,
      targetObjectKeyFormat: s3.TargetObjectKeyFormat.partitionedPrefix(s3.PartitionDateSource.EVENT_TIME),
    });
    this.denyOtherEncryption(props.sseS3Prefixes ?? []);
    if (props.publishEvents ?? true) {
      // On the CloudFormation resource itself: the L2's `eventBridgeEnabled` does the same through
      // a custom resource and a Lambda function, which the stack would then have to secure too.
      (this.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
        eventBridgeConfiguration: { eventBridgeEnabled: true },
      };
    }
    if (props.appendOnly ?? false) {
      this.denyDeletes(props.removal);
    }
  }

  /**
   * Default encryption covers uploads that name no encryption; this refuses those that name
   * another kind (SSE-S3, say), which would leave an object readable without the key's grant.
   */
  private denyOtherEncryption(sseS3Prefixes: string[]): void {
    // Both must hold: the header is present (Null: false), and it names something else.
    const namesAnotherThan = (allowed: string | string[]) => ({
      Null: { 's3:x-amz-server-side-encryption': 'false' },
      StringNotEquals: { 's3:x-amz-server-side-encryption': allowed },
    });
    const exempt = sseS3Prefixes.map((prefix) => this.arnForObjects(`${prefix}*`));
    this.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyEncryptionOtherThanKms',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        // With exempt prefixes: every object key but theirs (NotResource), so the two statements
        // together cover every key once.
        ...(exempt.length > 0 ? { notResources: exempt } : { resources: [this.arnForObjects('*')] }),
        conditions: namesAnotherThan('aws:kms'),
      }),
    );
    if (exempt.length > 0) {
      this.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'DenyEncryptionOtherThanKmsOrS3',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:PutObject'],
          resources: exempt,
          conditions: namesAnotherThan(['aws:kms', 'AES256']),
        }),
      );
    }
  }

  private denyDeletes(removal: RemovalMode): void {
    // The role of the stack's auto-delete handler, which `autoDeleteObjects` (on with `destroy`)
    // has created by now: the only principal that may delete from an append-only bucket, and only
    // because the stage chose `removal: destroy`.
    const teardownRole = removal === 'destroy' ? autoDeleteObjectsProviderOf(this).roleArn : undefined;
    this.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AppendOnlyDenyDeletes',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: APPEND_ONLY_DENIED_ACTIONS,
        resources: [this.bucketArn, this.arnForObjects('*')],
        conditions: teardownRole ? { ArnNotEquals: { 'aws:PrincipalArn': teardownRole } } : undefined,
      }),
    );
  }
}

function commonProps(lifecycle: SecureBucketLifecycle, removal: RemovalMode): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    blockedEncryptionTypes: [s3.BlockedEncryptionType.SSE_C],
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    lifecycleRules: [
      {
        id: 'Retention',
        noncurrentVersionExpiration: lifecycle.noncurrentVersionExpiration,
        abortIncompleteMultipartUploadAfter: lifecycle.abortIncompleteMultipartUploadAfter,
        transitions: lifecycle.transitions,
        expiration: lifecycle.expiration,
        expiredObjectDeleteMarker: lifecycle.expiration ? undefined : true,
      },
    ],
    removalPolicy: removalPolicyOf(removal),
    autoDeleteObjects: removal === 'destroy',
  };
}
