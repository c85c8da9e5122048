import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { APPEND_ONLY_DENIED_ACTIONS } from '../../lib/shared/secure-bucket';
import type { DataLakeStack } from '../../lib/lake/data-lake-stack';
import { PRODUCTION_CONTEXT, buildApp, normalizedTemplate } from '../support/app';
import { CLOUDWATCH_LOGS_KEY_STATEMENT, FROM_ALARMS_OF_THIS_ACCOUNT } from '../support/conditions';

const MiB = 1024 * 1024;

function synth(context = {}): { stack: DataLakeStack; template: Template } {
  const stack = buildApp(context).stacks.dataLake;
  return { stack, template: Template.fromStack(stack) };
}

/** The logical ID of a construct's CloudFormation resource (an L2's default child, or an L1). */
function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
}

/** Synthesized templates are untyped JSON, and the tests read them as such. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** The synthesized properties of a construct's CloudFormation resource. */
function propertiesOf(template: Template, construct: IConstruct): Record<string, Json> {
  return template.toJSON().Resources[logicalId(construct)].Properties as Record<string, Json>;
}

function ref(construct: IConstruct): { Ref: string } {
  return { Ref: logicalId(construct) };
}

function arnOf(construct: IConstruct): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalId(construct), 'Arn'] };
}

/** The statements of the bucket policy attached to a bucket. */
function policyStatements(template: Template, bucket: IConstruct): Record<string, unknown>[] {
  const policies = template.findResources('AWS::S3::BucketPolicy', {
    Properties: { Bucket: ref(bucket) },
  });
  const [policy] = Object.values(policies) as {
    Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } };
  }[];
  if (!policy) {
    throw new Error(`no bucket policy for ${bucket.node.path}`);
  }
  return policy.Properties.PolicyDocument.Statement;
}

/** The settings that differ between stages and come from config. */
function expectLakeSettings(
  stack: DataLakeStack,
  template: Template,
  expected: { ia: number; glacierIr: number; scanMiB: number; trailLogDays: number },
): void {
  expect(propertiesOf(template, stack.storage.rawBucket).LifecycleConfiguration.Rules[0].Transitions).toEqual([
    { StorageClass: 'STANDARD_IA', TransitionInDays: expected.ia },
    { StorageClass: 'GLACIER_IR', TransitionInDays: expected.glacierIr },
  ]);
  template.hasResourceProperties('AWS::Athena::WorkGroup', {
    WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: expected.scanMiB * MiB }),
  });
  template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: expected.trailLogDays });
}

describe('DataLakeStack (sandbox)', () => {
  const { stack, template } = synth();
  const { storage, catalog, audit } = stack;
  const lakeBuckets = { raw: storage.rawBucket, curated: storage.curatedBucket, artifacts: storage.artifactsBucket };
  const allBuckets = { ...lakeBuckets, trail: audit.bucket, accessLogs: storage.accessLogsBucket };

  describe('keys', () => {
    it('has exactly two customer-managed keys, the data key and the audit key, both rotated', () => {
      template.resourceCountIs('AWS::KMS::Key', 2);
      for (const key of [storage.key, audit.key]) {
        expect(template.toJSON().Resources[logicalId(key)]).toMatchObject({
          Type: 'AWS::KMS::Key',
          Properties: { EnableKeyRotation: true },
        });
      }
    });
  });

  describe('data key policy for the services that publish to encrypted topics', () => {
    const statement = (sid: string) =>
      (
        template.toJSON().Resources[logicalId(storage.key)] as {
          Properties: { KeyPolicy: { Statement: { Sid?: string }[] } };
        }
      ).Properties.KeyPolicy.Statement.find((s) => s.Sid === sid);

    it('lets CloudWatch alarms of this account and region use the key for the alarm topics', () => {
      expect(statement('AllowCloudWatchAlarmsToPublishToEncryptedTopics')).toEqual({
        Sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: FROM_ALARMS_OF_THIS_ACCOUNT,
      });
    });

    it('lets EventBridge use the key for topics and queues without aws:Source* conditions, which SNS does not support for EventBridge', () => {
      expect(statement('AllowEventBridgeToPublishToEncryptedTopics')).toEqual({
        Sid: 'AllowEventBridgeToPublishToEncryptedTopics',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
      });
    });
  });

  describe.each(Object.entries(allBuckets))('every bucket: %s', (_name, bucket) => {
    const props = () => propertiesOf(template, bucket);

    it('blocks all public access', () => {
      expect(props().PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    });

    it('disables ACLs (bucket owner enforced)', () => {
      expect(props().OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    });

    it('is versioned', () => {
      expect(props().VersioningConfiguration).toEqual({ Status: 'Enabled' });
    });

    it('refuses SSE-C uploads', () => {
      expect(props().BucketEncryption).toMatchObject({
        ServerSideEncryptionConfiguration: [{ BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } }],
      });
    });

    it('denies requests without TLS, and with TLS older than 1.2', () => {
      const statements = policyStatements(template, bucket);
      const resources = [arnOf(bucket), { 'Fn::Join': ['', [arnOf(bucket), '/*']] }];
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: resources,
          }),
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            Resource: resources,
          }),
        ]),
      );
    });

    it('expires noncurrent versions and aborts incomplete multipart uploads, per the config', () => {
      expect(props().LifecycleConfiguration).toMatchObject({
        Rules: expect.arrayContaining([
          expect.objectContaining({
            Id: 'Retention',
            Status: 'Enabled',
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          }),
        ]) as unknown,
      });
    });
  });

  describe('encryption at rest', () => {
    /** The bucket's default encryption: SSE-KMS with a bucket key under `key`, or SSE-S3 without one. */
    const encryption = (key?: IConstruct) => ({
      ServerSideEncryptionConfiguration: [
        {
          ...(key ? { BucketKeyEnabled: true } : {}),
          BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
          ServerSideEncryptionByDefault: key
            ? { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: arnOf(key) }
            : { SSEAlgorithm: 'AES256' },
        },
      ],
    });

    it.each(Object.entries(lakeBuckets))('encrypts %s with the data key (SSE-KMS, bucket key on)', (_name, bucket) => {
      expect(propertiesOf(template, bucket).BucketEncryption).toEqual(encryption(storage.key));
    });

    it.each(Object.entries(lakeBuckets))(
      'refuses uploads to %s that ask for an encryption other than SSE-KMS',
      (_name, bucket) => {
        expect(policyStatements(template, bucket)).toContainEqual({
          Sid: 'DenyEncryptionOtherThanKms',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [arnOf(bucket), '/*']] },
          Condition: {
            Null: { 's3:x-amz-server-side-encryption': 'false' },
            StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
          },
        });
      },
    );

    it("refuses uploads to the trail bucket that ask for another encryption than SSE-KMS, except SSE-S3 for CloudTrail's digest files", () => {
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

    it('encrypts the trail bucket with the audit key', () => {
      expect(propertiesOf(template, audit.bucket).BucketEncryption).toEqual(encryption(audit.key));
    });

    it('encrypts the access-log bucket with SSE-S3, the only encryption S3 log delivery supports', () => {
      expect(propertiesOf(template, storage.accessLogsBucket).BucketEncryption).toEqual(encryption());
    });
  });

  describe('server access logs', () => {
    it.each([
      ['raw', storage.rawBucket, 'raw/'],
      ['curated', storage.curatedBucket, 'curated/'],
      ['artifacts', storage.artifactsBucket, 'artifacts/'],
      ['trail', audit.bucket, 'trail/'],
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

    it('keeps access logs for the configured number of days, and the log bucket logs nowhere', () => {
      const props = propertiesOf(template, storage.accessLogsBucket);
      expect(props.LifecycleConfiguration.Rules[0]).toMatchObject({ ExpirationInDays: 90 });
      expect(props.LoggingConfiguration).toBeUndefined();
    });
  });

  describe('raw zone', () => {
    it('ages objects into Standard-IA, then Glacier Instant Retrieval', () => {
      expect(propertiesOf(template, storage.rawBucket).LifecycleConfiguration.Rules).toEqual([
        expect.objectContaining({
          Transitions: [
            { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
            { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
          ],
        }),
      ]);
    });

    it.each([
      ['raw', storage.rawBucket],
      ['trail', audit.bucket],
    ])(
      'denies deleting objects or versions and changing versioning on %s to all but the teardown handler',
      (_n, bucket) => {
        expect(policyStatements(template, bucket)).toContainEqual({
          Sid: 'AppendOnlyDenyDeletes',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: APPEND_ONLY_DENIED_ACTIONS,
          Resource: [arnOf(bucket), { 'Fn::Join': ['', [arnOf(bucket), '/*']] }],
          Condition: {
            ArnNotEquals: {
              'aws:PrincipalArn': { 'Fn::GetAtt': [expect.stringMatching(/^CustomS3AutoDeleteObjects/), 'Arn'] },
            },
          },
        });
      },
    );

    it('exempts from the deny exactly the role the auto-delete handler runs as', () => {
      const handlers = template.findResources('AWS::Lambda::Function');
      const [handler] = Object.values(handlers) as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } }[];
      const deny = policyStatements(template, storage.rawBucket).find((s) => s.Sid === 'AppendOnlyDenyDeletes');
      expect(deny?.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': handler?.Properties.Role } });
    });

    it.each([
      ['curated', storage.curatedBucket],
      ['artifacts', storage.artifactsBucket],
    ])('leaves %s (rebuilt by ETL and the pipeline) deletable', (_n, bucket) => {
      expect(policyStatements(template, bucket).map((s) => s.Sid)).not.toContain('AppendOnlyDenyDeletes');
    });
  });

  describe('access policies', () => {
    const objectsUnder = (bucket: IConstruct, prefix: string) => ({ 'Fn::Join': ['', [arnOf(bucket), `/${prefix}*`]] });
    const statementsOf = (policy: IConstruct) =>
      Object.fromEntries(
        (propertiesOf(template, policy).PolicyDocument.Statement as { Sid: string }[]).map((st) => [st.Sid, st]),
      ) as Record<string, Json>;
    /** The lake key, for the objects of `buckets` only. */
    const lakeKeyFor = (buckets: IConstruct[]) => ({
      Resource: arnOf(storage.key),
      Condition: {
        ArnLike: { 'kms:EncryptionContext:aws:s3:arn': buckets.flatMap((b) => [arnOf(b), objectsUnder(b, '')]) },
      },
    });

    it('lets the stream writer append under raw stream/ and stream-errors/ only, never delete', () => {
      const st = statementsOf(stack.access.streamWriter.policy);
      expect(Object.keys(st)).toEqual(['ListBuckets', 'ReadPrefixes', 'AppendPrefixes', 'UseLakeKeyThroughS3']);
      expect(st.AppendPrefixes.Resource).toEqual([
        objectsUnder(storage.rawBucket, 'stream-errors/'),
        objectsUnder(storage.rawBucket, 'stream/'),
      ]);
      expect(st.UseLakeKeyThroughS3).toMatchObject(lakeKeyFor([storage.rawBucket]));
    });

    it('lets the curate job read raw stream/ and batch/ and rebuild curated customers/ and quarantine/', () => {
      const st = statementsOf(stack.access.curateJob.policy);
      expect(st.ReadPrefixes.Resource).toEqual(
        expect.arrayContaining([
          objectsUnder(storage.rawBucket, 'stream/'),
          objectsUnder(storage.rawBucket, 'batch/'),
          objectsUnder(storage.curatedBucket, 'customers/'),
          objectsUnder(storage.curatedBucket, 'quarantine/'),
        ]),
      );
      expect(st.WritePrefixes.Resource).toEqual([
        objectsUnder(storage.curatedBucket, 'customers/'),
        objectsUnder(storage.curatedBucket, 'quarantine/'),
      ]);
      expect(JSON.stringify(st)).not.toContain('stream-errors');
    });

    it('lets the features job read curated customers/ and rebuild features/ only', () => {
      const st = statementsOf(stack.access.featuresJob.policy);
      expect(st.WritePrefixes.Resource).toEqual(objectsUnder(storage.curatedBucket, 'features/'));
      expect(JSON.stringify(st)).not.toMatch(/StorageRawBucket/);
    });
  });

  describe('catalog and query', () => {
    it('catalogs the raw and curated zones in Glue databases named for the stage', () => {
      template.resourceCountIs('AWS::Glue::Database', 2);
      template.hasResourceProperties('AWS::Glue::Database', {
        CatalogId: { Ref: 'AWS::AccountId' },
        DatabaseInput: Match.objectLike({
          Name: 'ml_lifecycle_sandbox_raw',
          LocationUri: { 'Fn::Join': ['', ['s3://', ref(storage.rawBucket)]] },
        }),
      });
      template.hasResourceProperties('AWS::Glue::Database', {
        DatabaseInput: Match.objectLike({
          Name: 'ml_lifecycle_sandbox_curated',
          LocationUri: { 'Fn::Join': ['', ['s3://', ref(storage.curatedBucket)]] },
        }),
      });
    });

    it('enforces the workgroup configuration: KMS-encrypted results in artifacts, a scan cutoff, metrics', () => {
      template.hasResourceProperties('AWS::Athena::WorkGroup', {
        Name: 'ml-lifecycle-sandbox',
        State: 'ENABLED',
        RecursiveDeleteOption: true,
        WorkGroupConfiguration: {
          EnforceWorkGroupConfiguration: true,
          PublishCloudWatchMetricsEnabled: true,
          RequesterPaysEnabled: false,
          BytesScannedCutoffPerQuery: 1024 * MiB,
          EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
          ResultConfiguration: {
            OutputLocation: { 'Fn::Join': ['', ['s3://', ref(storage.artifactsBucket), '/athena-results/']] },
            ExpectedBucketOwner: { Ref: 'AWS::AccountId' },
            EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: arnOf(storage.key) },
          },
        },
      });
    });

    it('expires query results in the artifacts bucket after the configured days', () => {
      expect(propertiesOf(template, storage.artifactsBucket).LifecycleConfiguration.Rules).toContainEqual({
        Id: 'AthenaQueryResults',
        Prefix: 'athena-results/',
        ExpirationInDays: 7,
        Status: 'Enabled',
      });
    });

    it('exposes the database names for later stacks as plain strings, known at synth', () => {
      expect(catalog.rawDatabaseName).toBe('ml_lifecycle_sandbox_raw');
      expect(catalog.curatedDatabaseName).toBe('ml_lifecycle_sandbox_curated');
    });
  });

  describe('audit trail', () => {
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

    it('records all management events and object-level reads and writes on raw, curated and artifacts', () => {
      const objectsOf = (bucket: IConstruct) => ({ 'Fn::Join': ['', [arnOf(bucket), '/']] });
      template.hasResourceProperties('AWS::CloudTrail::Trail', {
        EventSelectors: [
          { IncludeManagementEvents: true, ReadWriteType: 'All' },
          {
            IncludeManagementEvents: false,
            ReadWriteType: 'All',
            DataResources: [
              {
                Type: 'AWS::S3::Object',
                Values: [
                  objectsOf(storage.rawBucket),
                  objectsOf(storage.curatedBucket),
                  objectsOf(storage.artifactsBucket),
                ],
              },
            ],
          },
        ],
      });
    });

    it('keeps its CloudWatch Logs copy encrypted with the audit key, for the configured days', () => {
      template.resourceCountIs('AWS::Logs::LogGroup', 1);
      template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: arnOf(audit.key), RetentionInDays: 365 });
    });

    it('expires log files in the trail bucket after the configured days', () => {
      expect(propertiesOf(template, audit.bucket).LifecycleConfiguration.Rules[0]).toMatchObject({
        ExpirationInDays: 90,
      });
    });

    it('lets CloudTrail write to its bucket only under AWSLogs/<account>/', () => {
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

    it('lets CloudTrail use the audit key only for trails of this account', () => {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'AllowCloudTrailToEncryptLogFiles',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 'kms:GenerateDataKey*',
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
            }),
          ]),
        },
      });
    });

    it.each([
      ['data key', storage.key],
      ['audit key', audit.key],
    ])('lets CloudWatch Logs of this region use the %s only for log groups of this account', (_name, key) => {
      expect(propertiesOf(template, key).KeyPolicy.Statement).toContainEqual(CLOUDWATCH_LOGS_KEY_STATEMENT);
    });
  });

  describe('Control Tower controls', () => {
    it.each([
      ['data key', storage.key],
      ['audit key', audit.key],
    ])('lets nobody create a grant on the %s except through an AWS service (CT.KMS.PR.3)', (_name, key) => {
      expect(propertiesOf(template, key).KeyPolicy.Statement).toContainEqual({
        Sid: 'DenyGrantsExceptThroughAwsServices',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      });
    });

    it.each([
      ['raw', storage.rawBucket],
      ['curated', storage.curatedBucket],
      ['artifacts', storage.artifactsBucket],
    ])('sends the %s bucket events to EventBridge directly, without a notifications custom resource', (_n, bucket) => {
      expect(propertiesOf(template, bucket).NotificationConfiguration).toEqual({
        EventBridgeConfiguration: { EventBridgeEnabled: true },
      });
      template.resourceCountIs('Custom::S3BucketNotifications', 0);
    });

    it.each([
      ['access logs', storage.accessLogsBucket],
      ['trail', audit.bucket],
    ])('sends no events from the %s bucket, whose objects nobody acts on one by one', (_n, bucket) => {
      expect(propertiesOf(template, bucket).NotificationConfiguration).toBeUndefined();
    });
  });

  describe('removal', () => {
    it('is environment-agnostic and unprotected, so synth needs no credentials and destroy just works', () => {
      expect(stack.terminationProtection).toBe(false);
      expect(stack.resolve(stack.account)).toEqual({ Ref: 'AWS::AccountId' });
      expect(stack.resolve(stack.region)).toEqual({ Ref: 'AWS::Region' });
    });

    it('empties every bucket on stack deletion', () => {
      template.resourceCountIs('Custom::S3AutoDeleteObjects', 5);
    });
  });

  it('tags every resource with the project and the stage', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      Tags: Match.arrayWith([
        { Key: 'project', Value: 'ml-lifecycle-cdk' },
        { Key: 'stage', Value: 'sandbox' },
      ]),
    });
  });

  it('matches the snapshot (a net for unintended changes; review every diff)', () => {
    expect(normalizedTemplate(template)).toMatchSnapshot();
  });
});

describe('DataLakeStack (production)', () => {
  const { stack, template } = synth(PRODUCTION_CONTEXT);

  it('is pinned to the configured account and region, with termination protection on', () => {
    expect(stack.account).toBe('123456789012');
    expect(stack.region).toBe('eu-west-1');
    expect(stack.terminationProtection).toBe(true);
  });

  it('never empties a bucket on deletion', () => {
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  it('denies deletes in raw and the trail bucket to every principal, with no exception', () => {
    for (const bucket of [stack.storage.rawBucket, stack.audit.bucket]) {
      const deny = policyStatements(template, bucket).find((s) => s.Sid === 'AppendOnlyDenyDeletes');
      expect(deny).toEqual({
        Sid: 'AppendOnlyDenyDeletes',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: APPEND_ONLY_DENIED_ACTIONS,
        Resource: [arnOf(bucket), { 'Fn::Join': ['', [arnOf(bucket), '/*']] }],
      });
    }
  });

  it('names the workgroup after the stage, and deletes it with its saved queries (its results stay in the lake)', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'ml-lifecycle-production',
      RecursiveDeleteOption: true,
    });
  });

  it('uses the production lifecycle, scan limit and retention defaults', () => {
    expectLakeSettings(stack, template, { ia: 90, glacierIr: 365, scanMiB: 10240, trailLogDays: 365 });
  });

  it('tags every resource with its owner', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      Tags: Match.arrayWith([{ Key: 'owner', Value: 'ml-team@example.com' }]),
    });
  });
});

describe('DataLakeStack configuration', () => {
  it('takes lifecycle and limits from config overrides', () => {
    const { stack, template } = synth({
      config: {
        sandbox: {
          dataLake: {
            rawInfrequentAccessAfterDays: 45,
            rawGlacierInstantRetrievalAfterDays: 120,
            athenaQueryScanLimitMiB: 64,
          },
          audit: { trailLogRetentionDays: 545 },
        },
      },
    });
    expectLakeSettings(stack, template, { ia: 45, glacierIr: 120, scanMiB: 64, trailLogDays: 545 });
  });

  it('retains data in a sandbox that asks to, with no teardown exemption in the append-only policy', () => {
    const { stack, template } = synth({ config: { sandbox: { removal: 'retain' } } });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    const deny = policyStatements(template, stack.storage.rawBucket).find((s) => s.Sid === 'AppendOnlyDenyDeletes');
    expect(deny?.Condition).toBeUndefined();
  });
});

describe('DataLakeStack stateful resources', () => {
  /** Logical IDs of the resources that hold data. Changing one replaces the resource: its data is lost or orphaned. */
  const STATEFUL = {
    StorageDataKeyE15BA43B: 'AWS::KMS::Key',
    StorageAccessLogsBucketFEE4D6FB: 'AWS::S3::Bucket',
    StorageRawBucketBBD9BDC5: 'AWS::S3::Bucket',
    StorageCuratedBucket1413FA2D: 'AWS::S3::Bucket',
    StorageArtifactsBucketB19151BF: 'AWS::S3::Bucket',
    AuditAuditKeyEEA33DF6: 'AWS::KMS::Key',
    AuditTrailBucket1FC98696: 'AWS::S3::Bucket',
    AuditLogGroup4CD660E1: 'AWS::Logs::LogGroup',
  };
  const STATEFUL_TYPES = [...new Set(Object.values(STATEFUL))];

  it.each([
    ['sandbox', 'Delete', {}],
    ['production', 'Retain', PRODUCTION_CONTEXT],
  ])('pins the logical IDs of every stateful resource (%s), each with DeletionPolicy %s', (_stage, policy, context) => {
    const { template } = synth(context);
    const resources = template.toJSON().Resources as Record<
      string,
      { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string }
    >;
    const stateful = Object.fromEntries(
      Object.entries(resources)
        .filter(([, r]) => STATEFUL_TYPES.includes(r.Type))
        .map(([id, r]) => [id, r.Type]),
    );
    expect(stateful).toEqual(STATEFUL);
    for (const id of Object.keys(STATEFUL)) {
      expect({ id, deletion: resources[id]?.DeletionPolicy, replace: resources[id]?.UpdateReplacePolicy }).toEqual({
        id,
        deletion: policy,
        replace: policy,
      });
    }
  });

  /** Definitions with fixed names: retained, they would make the next deploy fail with AlreadyExists. */
  const DEFINITIONS = {
    CatalogRawDatabaseCC29CEE7: 'AWS::Glue::Database',
    CatalogCuratedDatabaseBB03A401: 'AWS::Glue::Database',
    CatalogWorkGroup50D8CFB1: 'AWS::Athena::WorkGroup',
  };

  it.each([
    ['sandbox', {}],
    ['production', PRODUCTION_CONTEXT],
  ])(
    'deletes the catalog databases and the workgroup with the stack (%s), and pins their logical IDs',
    (_stage, context) => {
      const { template } = synth(context);
      const resources = template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>;
      for (const [id, type] of Object.entries(DEFINITIONS)) {
        expect({ id, type: resources[id]?.Type, deletion: resources[id]?.DeletionPolicy }).toEqual({
          id,
          type,
          deletion: 'Delete',
        });
      }
      template.hasResourceProperties('AWS::Athena::WorkGroup', { RecursiveDeleteOption: true });
    },
  );
});
