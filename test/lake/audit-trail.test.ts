import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { RemovalMode } from '../../lib/config';
import { AuditTrail } from '../../lib/lake/audit-trail';
import { APPEND_ONLY_DENIED_ACTIONS, SecureBucket } from '../../lib/shared/secure-bucket';
import { testApp } from '../support/app';
import {
  arnOf,
  deletionPolicies,
  keyPolicySids,
  kmsEncryptionWith,
  objectsOf,
  policyStatements,
  propertiesOf,
  ref,
  unacknowledgedFindings,
} from '../support/resources';

/** `arn:<partition>:s3:::<path>`, as the template holds the ARN of an imported bucket or its objects. */
function s3Arn(path: string): unknown {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${path}`]] };
}

function trailIn(removal: RemovalMode): { audit: AuditTrail; accessLogs: s3.IBucket; template: Template } {
  const stack = new Stack(testApp(), 'Test');
  const lifecycle = {
    noncurrentVersionExpiration: Duration.days(11),
    abortIncompleteMultipartUploadAfter: Duration.days(3),
  };
  const accessLogs = SecureBucket.forAccessLogs(stack, 'AccessLogs', { lifecycle, removal });
  const audit = new AuditTrail(stack, 'Audit', {
    dataEventBuckets: ['raw', 'curated'].map((name) => s3.Bucket.fromBucketName(stack, name, name)),
    accessLogs: { bucket: accessLogs, prefix: 'audit/' },
    logRetention: logs.RetentionDays.SIX_MONTHS,
    objectExpiration: Duration.days(120),
    ...lifecycle,
    removal,
  });
  return { audit, accessLogs, template: Template.fromStack(stack) };
}

describe('AuditTrail', () => {
  const { audit, accessLogs, template } = trailIn('destroy');

  describe('trail', () => {
    it('is multi-region, validated, KMS-encrypted and delivered to its own bucket and log group', () => {
      template.resourceCountIs('AWS::CloudTrail::Trail', 1);
      template.hasResourceProperties('AWS::CloudTrail::Trail', {
        IsLogging: true,
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        EnableLogFileValidation: true,
        KMSKeyId: arnOf(audit.key),
        S3BucketName: ref(audit.bucket),
        CloudWatchLogsLogGroupArn: arnOf(audit.logGroup),
        CloudWatchLogsRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditTrailLogsRole'), 'Arn'] },
      });
    });

    it('records all management events, and object-level reads and writes on the buckets it is given', () => {
      template.hasResourceProperties('AWS::CloudTrail::Trail', {
        EventSelectors: [
          { IncludeManagementEvents: true, ReadWriteType: 'All' },
          {
            IncludeManagementEvents: false,
            ReadWriteType: 'All',
            DataResources: [{ Type: 'AWS::S3::Object', Values: [s3Arn('raw/'), s3Arn('curated/')] }],
          },
        ],
      });
    });

    it('keeps its CloudWatch Logs copy encrypted with its key, as long as told', () => {
      template.resourceCountIs('AWS::Logs::LogGroup', 1);
      template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: arnOf(audit.key), RetentionInDays: 180 });
    });
  });

  describe('key', () => {
    it('is its own, rotated', () => {
      template.resourceCountIs('AWS::KMS::Key', 1);
      expect(propertiesOf(template, audit.key).EnableKeyRotation).toBe(true);
    });

    it('lets CloudTrail encrypt only for trails of this account', () => {
      expect(propertiesOf(template, audit.key).KeyPolicy.Statement).toContainEqual({
        Sid: 'AllowCloudTrailToEncryptLogFiles',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:*:', { Ref: 'AWS::AccountId' }, ':trail/*'],
              ],
            },
          },
        },
      });
    });

    it('lets CloudTrail of this account describe it, CloudWatch Logs encrypt with it, and nobody create a grant outside AWS services', () => {
      expect(keyPolicySids(template, audit.key)).toEqual(
        expect.arrayContaining([
          'AllowCloudTrailToDescribeKey',
          'AllowCloudWatchLogsToEncryptLogGroups',
          'DenyGrantsExceptThroughAwsServices',
        ]),
      );
    });
  });

  describe('bucket', () => {
    it('is encrypted with the trail key', () => {
      expect(propertiesOf(template, audit.bucket).BucketEncryption).toEqual(kmsEncryptionWith(audit.key));
    });

    it("refuses uploads that ask for another encryption than SSE-KMS, except SSE-S3 for CloudTrail's digest files", () => {
      const digests = {
        'Fn::Join': ['', [arnOf(audit.bucket), '/AWSLogs/', { Ref: 'AWS::AccountId' }, '/CloudTrail-Digest/*']],
      };
      const statements = policyStatements(template, audit.bucket);
      const condition = (allowed: string | string[]) => ({
        Null: { 's3:x-amz-server-side-encryption': 'false' },
        StringNotEquals: { 's3:x-amz-server-side-encryption': allowed },
      });
      expect(statements).toContainEqual({
        Sid: 'DenyEncryptionOtherThanKms',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:PutObject',
        NotResource: digests,
        Condition: condition('aws:kms'),
      });
      expect(statements).toContainEqual({
        Sid: 'DenyEncryptionOtherThanKmsOrS3',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:PutObject',
        Resource: digests,
        Condition: condition(['aws:kms', 'AES256']),
      });
    });

    it('lets CloudTrail write to it only under AWSLogs/<account>/', () => {
      expect(policyStatements(template, audit.bucket)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Allow',
            Action: 's3:GetBucketAcl',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
          }),
          expect.objectContaining({
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Resource: { 'Fn::Join': ['', [arnOf(audit.bucket), '/AWSLogs/', { Ref: 'AWS::AccountId' }, '/*']] },
          }),
        ]),
      );
    });

    // What an append-only bucket denies, and to whom, is asserted in full in data-lake-storage.test.ts.
    it('is append-only: deleting log files or versions and changing versioning are denied', () => {
      expect(policyStatements(template, audit.bucket)).toContainEqual(
        expect.objectContaining({
          Sid: 'AppendOnlyDenyDeletes',
          Effect: 'Deny',
          Action: APPEND_ONLY_DENIED_ACTIONS,
          Resource: [arnOf(audit.bucket), objectsOf(audit.bucket)],
        }),
      );
    });

    it('expires log files, noncurrent versions and incomplete uploads as told', () => {
      expect(propertiesOf(template, audit.bucket).LifecycleConfiguration.Rules).toEqual([
        expect.objectContaining({
          ExpirationInDays: 120,
          NoncurrentVersionExpiration: { NoncurrentDays: 11 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 },
        }),
      ]);
    });

    it('logs to the access-log destination it is given', () => {
      expect(propertiesOf(template, audit.bucket).LoggingConfiguration).toMatchObject({
        DestinationBucketName: ref(accessLogs),
        LogFilePrefix: 'audit/',
      });
    });

    it('sends no events, since nobody acts on one log file', () => {
      expect(propertiesOf(template, audit.bucket).NotificationConfiguration).toBeUndefined();
    });
  });

  describe.each([
    ['destroy', 'Delete'],
    ['retain', 'Retain'],
  ] as const)('with removal: %s', (removal, policy) => {
    const { audit: built, template: synthesized } = trailIn(removal);

    it(`gives the key, the bucket and the log group DeletionPolicy ${policy}`, () => {
      expect(deletionPolicies(synthesized, [built.key, built.bucket, built.logGroup])).toEqual({
        AuditKey: policy,
        TrailBucket: policy,
        LogGroup: policy,
      });
    });

    it('leaves no finding of the cdk-nag packs unacknowledged', () => {
      expect(unacknowledgedFindings(built)).toEqual([]);
    });
  });
});
