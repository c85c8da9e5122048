import type { App } from 'aws-cdk-lib';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ZoneAccessPolicy, type ZoneGrant } from '../../lib/lake/zone-access-policy';
import { testApp } from '../support/app';

/** `arn:<partition>:s3:::<path>`, as the template holds the ARN of an imported bucket or its objects. */
function s3Arn(path: string): unknown {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${path}`]] };
}

/** A policy for `grants`, where each grant's bucket is an imported bucket named by `bucketName`. */
function policyFor(grants: (Omit<ZoneGrant, 'bucket'> & { bucketName: string })[]): {
  app: App;
  statements: Record<string, Record<string, unknown>>;
} {
  const app = testApp();
  const stack = new Stack(app, 'Test');
  new ZoneAccessPolicy(stack, 'Access', {
    description: 'A consumer of the lake',
    key: new kms.Key(stack, 'Key'),
    grants: grants.map(({ bucketName, ...prefixes }) => ({
      bucket: s3.Bucket.fromBucketName(stack, bucketName, bucketName),
      ...prefixes,
    })),
    wildcardReason: 'The consumer names its objects at run time.',
  });
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
  template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Description: 'A consumer of the lake' });
  const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
  const statements = policy?.Properties.PolicyDocument.Statement as Record<string, unknown>[];
  return { app, statements: Object.fromEntries(statements.map((s) => [s.Sid as string, s])) };
}

/** IAM statements list their resources sorted, so what a test compares is the set. */
function expectSameSet(actual: unknown, expected: unknown[]): void {
  expect(actual).toHaveLength(expected.length);
  expect(actual).toEqual(expect.arrayContaining(expected));
}

describe('ZoneAccessPolicy', () => {
  describe('a reader of one bucket', () => {
    const { statements } = policyFor([{ bucketName: 'raw', read: ['stream/', 'batch/'] }]);

    it('lists the bucket and reads objects under its prefixes, and writes nothing', () => {
      expect(Object.keys(statements)).toEqual(['ListBuckets', 'ReadPrefixes', 'UseLakeKeyThroughS3']);
      expect(statements.ListBuckets).toMatchObject({
        Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        Resource: s3Arn('raw'),
      });
      expect(statements.ReadPrefixes?.Action).toBe('s3:GetObject');
      expectSameSet(statements.ReadPrefixes?.Resource, [s3Arn('raw/stream/*'), s3Arn('raw/batch/*')]);
    });

    it('may only decrypt with the key, and only through S3 for objects of its bucket', () => {
      expect(statements.UseLakeKeyThroughS3).toEqual({
        Sid: 'UseLakeKeyThroughS3',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
        Condition: {
          StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
          // The bucket ARN while bucket keys are on; object ARNs should they ever be turned off.
          ArnLike: { 'kms:EncryptionContext:aws:s3:arn': [s3Arn('raw'), s3Arn('raw/*')] },
        },
      });
    });
  });

  describe('an appender to one bucket and a rebuilder of another', () => {
    const { app, statements } = policyFor([
      { bucketName: 'raw', read: ['batch/'], append: ['stream/'] },
      { bucketName: 'curated', write: ['customers/'] },
    ]);

    it('lists both buckets', () => {
      expectSameSet(statements.ListBuckets?.Resource, [s3Arn('raw'), s3Arn('curated')]);
    });

    it('reads back what it appends and rebuilds, as well as what it only reads', () => {
      expectSameSet(statements.ReadPrefixes?.Resource, [
        s3Arn('raw/batch/*'),
        s3Arn('raw/stream/*'),
        s3Arn('curated/customers/*'),
      ]);
    });

    it('adds to its append prefixes without deleting', () => {
      expect(statements.AppendPrefixes).toMatchObject({
        Action: ['s3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:PutObject'],
        Resource: s3Arn('raw/stream/*'),
      });
    });

    it('overwrites and deletes under its write prefixes only', () => {
      expect(statements.WritePrefixes).toMatchObject({
        Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
        Resource: s3Arn('curated/customers/*'),
      });
    });

    it('may make data keys as well as decrypt, through S3 for objects of both buckets', () => {
      expect(statements.UseLakeKeyThroughS3).toMatchObject({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Condition: {
          ArnLike: {
            'kms:EncryptionContext:aws:s3:arn': [s3Arn('raw'), s3Arn('raw/*'), s3Arn('curated'), s3Arn('curated/*')],
          },
        },
      });
    });

    it('acknowledges the wildcard of each prefix it grants, so cdk-nag finds nothing to fix in it', () => {
      const iam5 = new AwsSolutionsChecks(app)
        .validateScope(app)
        .violations.filter((v) => v.ruleName.startsWith('AwsSolutions-IAM5'))
        .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
      expect(iam5).toEqual([]);
    });
  });

  it('has no append statement for a rebuilder, and no write statement for an appender', () => {
    expect(Object.keys(policyFor([{ bucketName: 'curated', write: ['features/'] }]).statements)).not.toContain(
      'AppendPrefixes',
    );
    expect(Object.keys(policyFor([{ bucketName: 'raw', append: ['stream/'] }]).statements)).not.toContain(
      'WritePrefixes',
    );
  });
});
