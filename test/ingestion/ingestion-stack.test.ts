import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CHURN_FIELDS, INGEST_FIELDS, UNKNOWN_FIELDS } from '../../lib/schema/churn';
import { PRODUCTION_CONTEXT, buildApp, normalizedTemplate } from '../support/app';

function synth(context = {}) {
  const { stacks } = buildApp(context);
  return { stacks, template: Template.fromStack(stacks.ingestion) };
}

/** How the Ingestion stack sees a DataLake stack value: whatever cross-stack reference CDK made of it. */
function fromDataLake(stack: Stack, value: string): unknown {
  return stack.resolve(value);
}

describe('IngestionStack (sandbox)', () => {
  const { stacks, template } = synth();
  const { ingestion, dataLake } = stacks;
  const dataKeyArn = fromDataLake(ingestion, dataLake.storage.key.keyArn);
  const rawBucketArn = fromDataLake(ingestion, dataLake.storage.rawBucket.bucketArn);
  const cleanerArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^StreamingCleanerFunction'), 'Arn'] };

  describe('stream', () => {
    it('is encrypted with the lake key', () => {
      template.hasResourceProperties('AWS::Kinesis::Stream', {
        StreamEncryption: { EncryptionType: 'KMS', KeyId: dataKeyArn },
      });
    });

    it('is provisioned with one shard and keeps records for 24 hours', () => {
      template.hasResourceProperties('AWS::Kinesis::Stream', {
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
        ShardCount: 1,
        RetentionPeriodHours: 24,
      });
    });

    it('is deleted with the stack', () => {
      template.hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Delete' });
    });
  });

  describe('cleaner', () => {
    it('runs on the latest Node.js runtime on Graviton, with the configured memory', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        Timeout: 60,
        Handler: 'index.handler',
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
        LoggingConfig: Match.objectLike({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' }),
      });
    });

    it('reserves no concurrency in the sandbox', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        ReservedConcurrentExecutions: Match.absent(),
      });
    });

    it('logs to its own log group, encrypted with the lake key, kept for the configured days', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        LoggingConfig: Match.objectLike({ LogGroup: { Ref: Match.stringLikeRegexp('^StreamingCleanerLogGroup') } }),
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: dataKeyArn, RetentionInDays: 365 });
    });

    it('has a role of its own with no managed policy, allowed only to write its logs', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        }),
        ManagedPolicyArns: Match.absent(),
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^StreamingCleanerRole') }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StreamingCleanerLogGroup'), 'Arn'] },
            },
          ],
          Version: '2012-10-17',
        },
      });
    });
  });

  describe('delivery stream', () => {
    it('reads the stream', () => {
      template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        DeliveryStreamType: 'KinesisStreamAsSource',
        KinesisStreamSourceConfiguration: {
          KinesisStreamARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StreamingStream'), 'Arn'] },
          RoleARN: Match.anyValue(),
        },
      });
    });

    it('writes GZIP JSON Lines to the raw zone, partitioned by the event date the cleaner returns', () => {
      template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        ExtendedS3DestinationConfiguration: Match.objectLike({
          BucketARN: rawBucketArn,
          Prefix: 'stream/event_date=!{partitionKeyFromLambda:event_date}/',
          CompressionFormat: 'GZIP',
          DynamicPartitioningConfiguration: { Enabled: true },
          EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: dataKeyArn } },
          BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 64 },
        }),
      });
    });

    it('keeps every record it cannot deliver under the error prefix, by error type and date', () => {
      template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        ExtendedS3DestinationConfiguration: Match.objectLike({
          ErrorOutputPrefix: 'stream-errors/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/',
        }),
      });
    });

    it('has the cleaner transform every batch of the configured size', () => {
      template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        ExtendedS3DestinationConfiguration: Match.objectLike({
          ProcessingConfiguration: {
            Enabled: true,
            Processors: [
              {
                Type: 'Lambda',
                Parameters: Match.arrayWith([
                  { ParameterName: 'LambdaArn', ParameterValue: cleanerArn },
                  { ParameterName: 'BufferSizeInMBs', ParameterValue: '1' },
                  { ParameterName: 'NumberOfRetries', ParameterValue: '3' },
                ]),
              },
            ],
          },
        }),
      });
    });

    it('logs delivery errors to its own encrypted log group', () => {
      template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        ExtendedS3DestinationConfiguration: Match.objectLike({
          CloudWatchLoggingOptions: Match.objectLike({
            Enabled: true,
            LogGroupName: { Ref: Match.stringLikeRegexp('^StreamingDeliveryLogGroup') },
          }),
        }),
      });
    });

    it("writes to S3 only through the lake's stream-writer policy", () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [
            Match.objectLike({
              Principal: { Service: 'firehose.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ],
        }),
        ManagedPolicyArns: [fromDataLake(ingestion, dataLake.access.streamWriter.policy.managedPolicyArn)],
      });
    });

    it('may otherwise only read its stream, invoke its cleaner and write its log group', () => {
      const policy = Object.values(
        template.findResources('AWS::IAM::Policy', {
          Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^StreamingDeliveryRole') }] },
        }),
      )[0];
      const statements = policy?.Properties.PolicyDocument.Statement as {
        Action: string | string[];
        Resource: unknown;
      }[];
      expect(statements.map((st) => [st.Action, st.Resource])).toEqual([
        [
          expect.arrayContaining(['kinesis:GetRecords', 'kinesis:GetShardIterator']),
          { 'Fn::GetAtt': [expect.stringMatching(/^StreamingStream/), 'Arn'] },
        ],
        ['kms:Decrypt', dataKeyArn],
        [
          ['lambda:GetFunctionConfiguration', 'lambda:InvokeFunction'],
          { 'Fn::GetAtt': [expect.stringMatching(/^StreamingCleanerFunction/), 'Arn'] },
        ],
        [
          ['logs:CreateLogStream', 'logs:PutLogEvents'],
          { 'Fn::GetAtt': [expect.stringMatching(/^StreamingDeliveryLogGroup/), 'Arn'] },
        ],
      ]);
      expect(JSON.stringify(statements)).not.toMatch(/s3:|\*"/);
    });
  });

  describe('raw tables', () => {
    const streamColumns = [...CHURN_FIELDS, UNKNOWN_FIELDS, ...INGEST_FIELDS].map((f) => f.name);

    it('catalogs the cleaned stream with the schema columns, the ingest columns and unknown_fields', () => {
      const tables = template.findResources('AWS::Glue::Table', {
        Properties: { TableInput: { Name: 'churn_stream' } },
      });
      const [table] = Object.values(tables);
      const columns = table?.Properties.TableInput.StorageDescriptor.Columns as { Name: string }[];
      expect(columns.map((c) => c.Name)).toEqual(streamColumns);
    });

    it('types the stream columns from the schema', () => {
      template.hasResourceProperties('AWS::Glue::Table', {
        TableInput: Match.objectLike({
          Name: 'churn_stream',
          StorageDescriptor: Match.objectLike({
            Columns: Match.arrayWith([
              Match.objectLike({ Name: 'account_length', Type: 'int' }),
              Match.objectLike({ Name: 'day_minutes', Type: 'double' }),
              Match.objectLike({ Name: 'gender', Type: 'string' }),
              Match.objectLike({ Name: 'churn', Type: 'boolean' }),
            ]),
            SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
          }),
        }),
      });
    });

    it('projects the event_date partitions, so no crawler or MSCK REPAIR is needed', () => {
      template.hasResourceProperties('AWS::Glue::Table', {
        DatabaseName: fromDataLake(ingestion, dataLake.catalog.rawDatabaseName),
        TableInput: Match.objectLike({
          Name: 'churn_stream',
          PartitionKeys: [Match.objectLike({ Name: 'event_date', Type: 'string' })],
          Parameters: Match.objectLike({
            'projection.enabled': 'true',
            'projection.event_date.type': 'date',
            'projection.event_date.format': 'yyyy-MM-dd',
            'projection.event_date.range': '2020-01-01,NOW',
            'storage.location.template': {
              'Fn::Join': ['', ['s3://', Match.anyValue(), '/stream/event_date=${event_date}/']],
            },
          }),
        }),
      });
    });

    it('catalogs batch CSV uploads as text, header skipped', () => {
      template.hasResourceProperties('AWS::Glue::Table', {
        TableInput: Match.objectLike({
          Name: 'churn_batch',
          Parameters: { classification: 'csv', 'skip.header.line.count': '1' },
          StorageDescriptor: Match.objectLike({
            Location: { 'Fn::Join': ['', ['s3://', Match.anyValue(), '/batch/']] },
            Columns: CHURN_FIELDS.map((f) => Match.objectLike({ Name: f.name, Type: 'string' })),
            SerdeInfo: Match.objectLike({ SerializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde' }),
          }),
        }),
      });
    });
  });

  it('tells the user where to send and find records', () => {
    template.hasOutput('StreamName', { Value: { Ref: Match.stringLikeRegexp('^StreamingStream') } });
    template.hasOutput('BatchUploadLocation', Match.anyValue());
    template.hasOutput('StreamRecordsLocation', Match.anyValue());
  });

  it('matches the snapshot (a net for unintended changes; review every diff)', () => {
    expect(normalizedTemplate(template)).toMatchSnapshot();
  });
});

describe('IngestionStack (production)', () => {
  const { template } = synth(PRODUCTION_CONTEXT);

  it('uses an on-demand stream that keeps records for a week', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      ShardCount: Match.absent(),
      RetentionPeriodHours: 168,
    });
  });

  it('reserves concurrency for the cleaner and gives it more memory', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 20, MemorySize: 1024 });
  });

  it('buffers longer and larger before writing to the raw zone', () => {
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 128 },
      }),
    });
  });

  it('retains the stream and the log groups', () => {
    template.hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Retain' });
    template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
  });
});
