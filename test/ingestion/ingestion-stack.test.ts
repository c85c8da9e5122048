import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
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
    it('reserves no concurrency in the sandbox', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        ReservedConcurrentExecutions: Match.absent(),
      });
    });
  });

  it("encrypts the cleaner's and the delivery's logs with the lake key, kept for the configured days", () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: dataKeyArn, RetentionInDays: 365 });
  });

  describe('delivery stream', () => {
    it("delivers to the lake's raw bucket under the lake key, buffering and batching as configured", () => {
      template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        ExtendedS3DestinationConfiguration: Match.objectLike({
          BucketARN: rawBucketArn,
          EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: dataKeyArn } },
          BufferingHints: { IntervalInSeconds: 60, SizeInMBs: 64 },
          ProcessingConfiguration: Match.objectLike({
            Processors: [
              Match.objectLike({
                Parameters: Match.arrayWith([{ ParameterName: 'BufferSizeInMBs', ParameterValue: '1' }]),
              }),
            ],
          }),
        }),
      });
    });

    it("writes to S3 only through the lake's stream-writer policy", () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'firehose.amazonaws.com' } })],
        }),
        ManagedPolicyArns: [fromDataLake(ingestion, dataLake.access.streamWriter.policy.managedPolicyArn)],
      });
    });
  });

  it("catalogs the raw tables in the lake's raw database, over the lake's raw bucket", () => {
    const rawBucketName = fromDataLake(ingestion, dataLake.storage.rawBucket.bucketName);
    for (const [name, prefix] of [
      ['churn_stream', 'stream/'],
      ['churn_batch', 'batch/'],
    ]) {
      template.hasResourceProperties('AWS::Glue::Table', {
        DatabaseName: fromDataLake(ingestion, dataLake.catalog.rawDatabaseName),
        TableInput: Match.objectLike({
          Name: name,
          StorageDescriptor: Match.objectLike({
            Location: { 'Fn::Join': ['', ['s3://', rawBucketName, `/${prefix}`]] },
          }),
        }),
      });
    }
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
