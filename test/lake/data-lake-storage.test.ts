import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { RemovalMode } from '../../lib/config';
import { DataLakeStorage } from '../../lib/lake/data-lake-storage';
import { autoDeleteObjectsHandlerOf } from '../../lib/shared/cdk-internals';
import { APPEND_ONLY_DENIED_ACTIONS } from '../../lib/shared/secure-bucket';
import { testApp } from '../support/app';
import {
  acknowledgedIds,
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

function storageIn(removal: RemovalMode): { storage: DataLakeStorage; template: Template } {
  const stack = new Stack(testApp(), 'Test');
  const storage = new DataLakeStorage(stack, 'Storage', {
    removal,
    rawInfrequentAccessAfter: Duration.days(35),
    rawGlacierInstantRetrievalAfter: Duration.days(100),
    noncurrentVersionExpiration: Duration.days(11),
    abortIncompleteMultipartUploadAfter: Duration.days(3),
    accessLogExpiration: Duration.days(60),
  });
  return { storage, template: Template.fromStack(stack) };
}

describe('DataLakeStorage', () => {
  const { storage, template } = storageIn('destroy');
  const lakeBuckets = { raw: storage.rawBucket, curated: storage.curatedBucket, artifacts: storage.artifactsBucket };
  const allBuckets = { ...lakeBuckets, accessLogs: storage.accessLogsBucket };

  it('holds one key, rotated, and four buckets', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    expect(propertiesOf(template, storage.key).EnableKeyRotation).toBe(true);
    template.resourceCountIs('AWS::S3::Bucket', 4);
  });

  it('lets CloudWatch Logs, EventBridge and CloudWatch alarms use the key, and nobody create a grant outside AWS services', () => {
    expect(keyPolicySids(template, storage.key)).toEqual(
      expect.arrayContaining([
        'AllowCloudWatchLogsToEncryptLogGroups',
        'AllowEventBridgeToPublishToEncryptedTopics',
        'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
        'DenyGrantsExceptThroughAwsServices',
      ]),
    );
  });

  describe('encryption at rest', () => {
    it.each(Object.entries(lakeBuckets))('encrypts %s with the key (SSE-KMS, bucket key on)', (_name, bucket) => {
      expect(propertiesOf(template, bucket).BucketEncryption).toEqual(kmsEncryptionWith(storage.key));
    });

    it.each(Object.entries(lakeBuckets))(
      'refuses uploads to %s that ask for an encryption other than SSE-KMS',
      (_name, bucket) => {
        expect(policyStatements(template, bucket)).toContainEqual({
          Sid: 'DenyEncryptionOtherThanKms',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:PutObject',
          Resource: objectsOf(bucket),
          Condition: {
            Null: { 's3:x-amz-server-side-encryption': 'false' },
            StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
          },
        });
      },
    );

    it('encrypts the access-log bucket with SSE-S3, the only encryption S3 log delivery supports', () => {
      expect(propertiesOf(template, storage.accessLogsBucket).BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          {
            BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
          },
        ],
      });
    });
  });

  describe('server access logs', () => {
    it.each([
      ['raw', storage.rawBucket, 'raw/'],
      ['curated', storage.curatedBucket, 'curated/'],
      ['artifacts', storage.artifactsBucket, 'artifacts/'],
    ])('sends the %s bucket logs to the access-log bucket, date-partitioned', (_name, bucket, prefix) => {
      expect(propertiesOf(template, bucket).LoggingConfiguration).toEqual({
        DestinationBucketName: ref(storage.accessLogsBucket),
        LogFilePrefix: prefix,
        TargetObjectKeyFormat: { PartitionedPrefix: { PartitionDateSource: 'EventTime' } },
      });
    });

    it('lets S3 log delivery write to the access-log bucket, for this account only', () => {
      expect(policyStatements(template, storage.accessLogsBucket)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      );
    });

    it('keeps access logs as long as told, and the access-log bucket logs nowhere', () => {
      const props = propertiesOf(template, storage.accessLogsBucket);
      expect(props.LifecycleConfiguration.Rules[0]).toMatchObject({ ExpirationInDays: 60 });
      expect(props.LoggingConfiguration).toBeUndefined();
    });
  });

  it.each(Object.entries(allBuckets))(
    'expires noncurrent versions and aborts incomplete uploads in %s as told',
    (_name, bucket) => {
      expect(propertiesOf(template, bucket).LifecycleConfiguration.Rules).toContainEqual(
        expect.objectContaining({
          Id: 'Retention',
          NoncurrentVersionExpiration: { NoncurrentDays: 11 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 },
        }),
      );
    },
  );

  describe('raw zone', () => {
    it('ages objects into Standard-IA, then Glacier Instant Retrieval, when told', () => {
      expect(propertiesOf(template, storage.rawBucket).LifecycleConfiguration.Rules).toEqual([
        expect.objectContaining({
          Transitions: [
            { StorageClass: 'STANDARD_IA', TransitionInDays: 35 },
            { StorageClass: 'GLACIER_IR', TransitionInDays: 100 },
          ],
        }),
      ]);
    });

    it('denies deleting objects or versions and changing versioning to all but the auto-delete handler', () => {
      const handler = autoDeleteObjectsHandlerOf(storage);
      expect(policyStatements(template, storage.rawBucket)).toContainEqual({
        Sid: 'AppendOnlyDenyDeletes',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: APPEND_ONLY_DENIED_ACTIONS,
        Resource: [arnOf(storage.rawBucket), objectsOf(storage.rawBucket)],
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': propertiesOf(template, handler).Role } },
      });
    });

    it.each([
      ['curated', storage.curatedBucket],
      ['artifacts', storage.artifactsBucket],
    ])('leaves %s (rebuilt by ETL and the pipeline) deletable', (_n, bucket) => {
      expect(policyStatements(template, bucket).map((s) => s.Sid)).not.toContain('AppendOnlyDenyDeletes');
    });
  });

  describe('events', () => {
    it.each(Object.entries(lakeBuckets))(
      'sends the %s bucket events to EventBridge directly, without a notifications custom resource',
      (_n, bucket) => {
        expect(propertiesOf(template, bucket).NotificationConfiguration).toEqual({
          EventBridgeConfiguration: { EventBridgeEnabled: true },
        });
        template.resourceCountIs('Custom::S3BucketNotifications', 0);
      },
    );

    it('sends no events from the access-log bucket, whose objects nobody acts on one by one', () => {
      expect(propertiesOf(template, storage.accessLogsBucket).NotificationConfiguration).toBeUndefined();
    });
  });

  describe.each([
    ['destroy', 'Delete', 4],
    ['retain', 'Retain', 0],
  ] as const)('with removal: %s', (removal, policy, emptied) => {
    const { storage: built, template: synthesized } = storageIn(removal);

    it(`gives the key and every bucket DeletionPolicy ${policy}, and empties ${emptied} buckets on deletion`, () => {
      const { key, rawBucket, curatedBucket, artifactsBucket, accessLogsBucket } = built;
      expect(deletionPolicies(synthesized, [key, rawBucket, curatedBucket, artifactsBucket, accessLogsBucket])).toEqual(
        {
          DataKey: policy,
          RawBucket: policy,
          CuratedBucket: policy,
          ArtifactsBucket: policy,
          AccessLogsBucket: policy,
        },
      );
      synthesized.resourceCountIs('Custom::S3AutoDeleteObjects', emptied);
    });

    it('leaves no finding of the cdk-nag packs unacknowledged', () => {
      expect(unacknowledgedFindings(built)).toEqual([]);
    });
  });

  // With removal: retain there is no handler, and the retain stage above builds only because the
  // construct then asks for none.
  it("acknowledges Control Tower's VPC control and the template linters' redundant DependsOn on the auto-delete handler, and nothing else", () => {
    expect(acknowledgedIds(autoDeleteObjectsHandlerOf(storage))).toEqual([
      'ControlTower::CT.LAMBDA.PR.3',
      'CloudFormation-Validate::W3005',
    ]);
  });
});
