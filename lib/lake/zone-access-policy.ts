import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeFindings, wildcardResourceFinding } from '../shared/compliance';

/** Prefixes of one bucket that a consumer reads, or reads and writes. */
export interface ZoneGrant {
  readonly bucket: s3.IBucket;
  /** Prefixes (ending in `/`) read only. */
  readonly read?: readonly string[];
  /** Prefixes (ending in `/`) read and added to, never deleted from (an append-only log). */
  readonly append?: readonly string[];
  /** Prefixes (ending in `/`) read, written, overwritten and deleted from (views that are rebuilt). */
  readonly write?: readonly string[];
}

export interface ZoneAccessPolicyProps {
  /** What the consumer is, for the policy's description. */
  readonly description: string;
  /** The key that encrypts the buckets. */
  readonly key: kms.IKey;
  readonly grants: readonly ZoneGrant[];
  /** Why object names under the prefixes cannot be listed one by one (the IAM5 acknowledgement). */
  readonly wildcardReason: string;
}

/**
 * A customer-managed policy giving one consumer of the lake exactly the prefixes it needs:
 * list the bucket, read objects under its read prefixes, write (put, overwrite, delete, abort
 * uploads) under its write prefixes, and use the lake key only through S3 for those buckets.
 *
 * It lives in the DataLake stack, beside the buckets, so the lake decides who reads and writes
 * where, and consumers in other stacks attach it to their roles (`role.addManagedPolicy`).
 */
export class ZoneAccessPolicy extends Construct {
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: ZoneAccessPolicyProps) {
    super(scope, id);
    const objects = (grant: ZoneGrant, prefixes: readonly string[] = []) =>
      prefixes.map((prefix) => grant.bucket.arnForObjects(`${prefix}*`));
    const appendable = props.grants.flatMap((g) => objects(g, g.append));
    const writable = props.grants.flatMap((g) => objects(g, g.write));
    const readable = [...props.grants.flatMap((g) => objects(g, g.read)), ...appendable, ...writable];
    const buckets = props.grants.map((g) => g.bucket);

    const statements = [
      new iam.PolicyStatement({
        sid: 'ListBuckets',
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: buckets.map((b) => b.bucketArn),
      }),
      new iam.PolicyStatement({ sid: 'ReadPrefixes', actions: ['s3:GetObject'], resources: readable }),
      ...(appendable.length > 0
        ? [
            new iam.PolicyStatement({
              sid: 'AppendPrefixes',
              actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
              resources: appendable,
            }),
          ]
        : []),
      ...(writable.length > 0
        ? [
            new iam.PolicyStatement({
              sid: 'WritePrefixes',
              actions: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
              resources: writable,
            }),
          ]
        : []),
      new iam.PolicyStatement({
        sid: 'UseLakeKeyThroughS3',
        actions: appendable.length + writable.length > 0 ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
        resources: [props.key.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` },
          // The bucket ARN while bucket keys are on; object ARNs should they ever be turned off.
          ArnLike: {
            'kms:EncryptionContext:aws:s3:arn': buckets.flatMap((b) => [b.bucketArn, b.arnForObjects('*')]),
          },
        },
      }),
    ];
    this.policy = new iam.ManagedPolicy(this, 'Resource', { description: props.description, statements });
    acknowledgeFindings(
      this.policy,
      [...new Set(readable)].map((arn) => wildcardResourceFinding(this, arn)),
      props.wildcardReason,
    );
  }
}
