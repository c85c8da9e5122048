import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { APPEND_ONLY_DENIED_ACTIONS } from '../../lib/shared/secure-bucket';
import type { DataLakeStack } from '../../lib/lake/data-lake-stack';
import { PRODUCTION_CONTEXT, buildApp, normalizedTemplate } from '../support/app';
import { type Json, arnOf, objectsOf, policyStatements, propertiesOf, ref } from '../support/resources';

const MiB = 1024 * 1024;

function synth(context = {}): { stack: DataLakeStack; template: Template } {
  const stack = buildApp(context).stacks.dataLake;
  return { stack, template: Template.fromStack(stack) };
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
      const resources = [arnOf(bucket), objectsOf(bucket)];
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

  describe('server access logs', () => {
    it("sends the trail bucket's logs to the lake's access-log bucket, under trail/", () => {
      expect(propertiesOf(template, audit.bucket).LoggingConfiguration).toMatchObject({
        DestinationBucketName: ref(storage.accessLogsBucket),
        LogFilePrefix: 'trail/',
      });
    });

    it('keeps access logs for the configured number of days', () => {
      expect(propertiesOf(template, storage.accessLogsBucket).LifecycleConfiguration.Rules[0]).toMatchObject({
        ExpirationInDays: 90,
      });
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

    it('lets the stream writer append under raw stream/, outcomes-stream/ and stream-errors/ only, never delete', () => {
      const st = statementsOf(stack.access.streamWriter.policy);
      expect(Object.keys(st)).toEqual(['ListBuckets', 'ReadPrefixes', 'AppendPrefixes', 'UseLakeKeyThroughS3']);
      expect(st.AppendPrefixes.Resource).toEqual([
        objectsUnder(storage.rawBucket, 'outcomes-stream/'),
        objectsUnder(storage.rawBucket, 'stream-errors/'),
        objectsUnder(storage.rawBucket, 'stream/'),
      ]);
      expect(JSON.stringify(st)).not.toContain('outcomes-batch/');
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

    it('lets the monitors read raw outcomes-stream/ and outcomes-batch/, nothing else of raw, and write nothing there', () => {
      const st = statementsOf(stack.access.monitors.policy);
      const rawId = arnOf(storage.rawBucket)['Fn::GetAtt'][0];
      const raw = (resources: Json): unknown[] =>
        ([] as unknown[]).concat(resources).filter((r) => JSON.stringify(r).includes(rawId));
      expect(raw(st.ReadPrefixes.Resource)).toEqual([
        objectsUnder(storage.rawBucket, 'outcomes-batch/'),
        objectsUnder(storage.rawBucket, 'outcomes-stream/'),
      ]);
      expect(raw(st.AppendPrefixes.Resource)).toEqual([]);
      expect(st.WritePrefixes).toBeUndefined();
      expect(st.ListBuckets.Resource).toEqual(expect.arrayContaining([arnOf(storage.rawBucket)]));
      expect(st.UseLakeKeyThroughS3).toMatchObject(lakeKeyFor([storage.artifactsBucket, storage.rawBucket]));
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
    it('records object-level reads and writes on raw, curated and artifacts', () => {
      const objectsIn = (bucket: IConstruct) => ({ 'Fn::Join': ['', [arnOf(bucket), '/']] });
      template.hasResourceProperties('AWS::CloudTrail::Trail', {
        EventSelectors: Match.arrayWith([
          Match.objectLike({
            DataResources: [
              {
                Type: 'AWS::S3::Object',
                Values: [storage.rawBucket, storage.curatedBucket, storage.artifactsBucket].map(objectsIn),
              },
            ],
          }),
        ]),
      });
    });

    it('expires log files in the trail bucket after the configured days', () => {
      expect(propertiesOf(template, audit.bucket).LifecycleConfiguration.Rules[0]).toMatchObject({
        ExpirationInDays: 90,
      });
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
        Resource: [arnOf(bucket), objectsOf(bucket)],
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
