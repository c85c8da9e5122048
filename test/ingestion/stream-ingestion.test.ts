import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { transformEvent } from '../../lambda/clean-records/clean';
import { evaluateDeliveryPrefix } from '../../lib/contracts/stream-routing';
import { StreamIngestion, type StreamIngestionProps } from '../../lib/ingestion/stream-ingestion';
import { defaultPolicyOf } from '../../lib/shared/cdk-internals';
import { testApp } from '../support/app';
import { arnOf, logicalId, propertiesOf, ref, unacknowledgedFindings } from '../support/resources';

const PARTITION = 'aws';

function ingestionIn(props: Partial<StreamIngestionProps> = {}): {
  ingestion: StreamIngestion;
  key: kms.Key;
  template: Template;
} {
  // Bundling is skipped, as in test/support/app.ts: these tests read the template, not the bundle.
  const stack = new Stack(testApp({ 'aws:cdk:bundling-stacks': [] }), 'Test');
  const key = new kms.Key(stack, 'Key');
  const ingestion = new StreamIngestion(stack, 'Streaming', {
    rawBucket: s3.Bucket.fromBucketName(stack, 'Raw', 'raw'),
    rawWriterPolicy: iam.ManagedPolicy.fromManagedPolicyName(stack, 'RawWriter', 'raw-writer'),
    key,
    streamMode: kinesis.StreamMode.PROVISIONED,
    shardCount: 2,
    streamRetention: Duration.hours(48),
    deliveryBufferInterval: Duration.seconds(120),
    deliveryBufferSize: Size.mebibytes(96),
    cleanerBatchSize: Size.mebibytes(2),
    cleanerMemorySize: Size.mebibytes(512),
    logRetention: logs.RetentionDays.ONE_MONTH,
    removal: 'retain',
    ...props,
  });
  return { ingestion, key, template: Template.fromStack(stack) };
}

/** The delivery stream's S3 destination, as synthesized. */
function destinationOf(template: Template): Record<string, unknown> {
  const [stream] = Object.values(template.findResources('AWS::KinesisFirehose::DeliveryStream'));
  return stream?.Properties.ExtendedS3DestinationConfiguration as Record<string, unknown>;
}

describe('StreamIngestion', () => {
  const { ingestion, key, template } = ingestionIn();

  describe('stream', () => {
    it('is encrypted with the key it is given', () => {
      template.hasResourceProperties('AWS::Kinesis::Stream', {
        StreamEncryption: { EncryptionType: 'KMS', KeyId: arnOf(key) },
      });
    });

    it('is provisioned with the shards it is given, and keeps records as long as told', () => {
      template.hasResourceProperties('AWS::Kinesis::Stream', {
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
        ShardCount: 2,
        RetentionPeriodHours: 48,
      });
    });

    it('ignores the shard count on demand, where Kinesis scales', () => {
      ingestionIn({ streamMode: kinesis.StreamMode.ON_DEMAND }).template.hasResourceProperties('AWS::Kinesis::Stream', {
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        ShardCount: Match.absent(),
      });
    });
  });

  it('gives the cleaner the memory, the concurrency and the log key it is given', () => {
    const reserved = ingestionIn({ cleanerReservedConcurrency: 7 }).template;
    reserved.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 512, ReservedConcurrentExecutions: 7 });
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.absent() });
    expect(propertiesOf(template, ingestion.cleaner.logGroup)).toMatchObject({
      KmsKeyId: arnOf(key),
      RetentionInDays: 30,
    });
  });

  describe('delivery stream', () => {
    const destination = destinationOf(template);

    it('reads the stream with its own role', () => {
      template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
        DeliveryStreamType: 'KinesisStreamAsSource',
        KinesisStreamSourceConfiguration: {
          KinesisStreamARN: arnOf(ingestion.stream),
          RoleARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StreamingDeliveryRole'), 'Arn'] },
        },
      });
    });

    it('writes GZIP JSON Lines to the raw bucket, encrypted with the key, routed by the partition keys the cleaner returns', () => {
      expect(destination).toMatchObject({
        BucketARN: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::raw']] },
        Prefix:
          '!{partitionKeyFromLambda:dataset}/!{partitionKeyFromLambda:partition_column}=!{partitionKeyFromLambda:partition_date}/',
        CompressionFormat: 'GZIP',
        DynamicPartitioningConfiguration: { Enabled: true, RetryOptions: { DurationInSeconds: 300 } },
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: arnOf(key) } },
      });
    });

    it('writes churn records where they always landed, stream/event_date=…/, and outcomes under outcomes-stream/observed_date=…/', () => {
      const prefixOf = (text: string): string => {
        const { response } = transformEvent(
          {
            invocationId: 'i',
            deliveryStreamArn: `arn:${PARTITION}:firehose:eu-west-1:123456789012:deliverystream/raw`,
            region: 'eu-west-1',
            records: [{ recordId: 'r', approximateArrivalTimestamp: 0, data: Buffer.from(text).toString('base64') }],
          },
          new Date('2026-03-01T00:00:00Z'),
        );
        return evaluateDeliveryPrefix(destination.Prefix as string, response.records[0]?.metadata?.partitionKeys ?? {});
      };
      expect(prefixOf('{"customer_id":"C1","event_time":"2026-01-02T03:04:05Z"}')).toBe(
        'stream/event_date=2026-01-02/',
      );
      expect(prefixOf('{"customer_id":"C1","observed_at":"2026-02-03T04:05:06Z","churned":"yes"}')).toBe(
        'outcomes-stream/observed_date=2026-02-03/',
      );
    });

    it('buffers as long and as much as told', () => {
      expect(destination.BufferingHints).toEqual({ IntervalInSeconds: 120, SizeInMBs: 96 });
    });

    it('keeps every record it cannot deliver under the error prefix, by error type and date', () => {
      expect(destination.ErrorOutputPrefix).toBe(
        'stream-errors/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/',
      );
    });

    it('has the cleaner transform every batch of the size it is given', () => {
      expect(destination.ProcessingConfiguration).toEqual({
        Enabled: true,
        Processors: [
          {
            Type: 'Lambda',
            Parameters: [
              { ParameterName: 'LambdaArn', ParameterValue: arnOf(ingestion.cleaner.function) },
              { ParameterName: 'BufferSizeInMBs', ParameterValue: '2' },
              { ParameterName: 'BufferIntervalInSeconds', ParameterValue: '60' },
              { ParameterName: 'NumberOfRetries', ParameterValue: '3' },
            ],
          },
        ],
      });
    });

    it('logs delivery errors to its own encrypted log group', () => {
      expect(propertiesOf(template, ingestion.deliveryLogGroup)).toMatchObject({
        KmsKeyId: arnOf(key),
        RetentionInDays: 30,
      });
      expect(destination.CloudWatchLoggingOptions).toEqual({
        Enabled: true,
        LogGroupName: ref(ingestion.deliveryLogGroup),
        LogStreamName: { Ref: expect.stringMatching(/^StreamingDeliveryLogStream/) },
      });
    });
  });

  describe('delivery role', () => {
    // The construct does not expose the role; its grants land in the role's default policy.
    const grants = defaultPolicyOf(ingestion.node.findChild('DeliveryRole') as iam.Role);

    it('may be assumed by Firehose on behalf of this account only', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [
            Match.objectLike({
              Principal: { Service: 'firehose.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ],
        }),
      });
    });

    it("writes to S3 only through the lake's writer policy it is given", () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        Description: Match.stringLikeRegexp('^ml-lifecycle-cdk delivery stream'),
        ManagedPolicyArns: [
          {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':policy/raw-writer'],
            ],
          },
        ],
      });
    });

    it('may otherwise only read its stream, invoke its cleaner and write its log group', () => {
      const statements = propertiesOf(template, grants).PolicyDocument.Statement as {
        Action: string | string[];
        Resource: unknown;
      }[];
      expect(statements.map((st) => [st.Action, st.Resource])).toEqual([
        [expect.arrayContaining(['kinesis:GetRecords', 'kinesis:GetShardIterator']), arnOf(ingestion.stream)],
        ['kms:Decrypt', arnOf(key)],
        [['lambda:GetFunctionConfiguration', 'lambda:InvokeFunction'], arnOf(ingestion.cleaner.function)],
        [['logs:CreateLogStream', 'logs:PutLogEvents'], arnOf(ingestion.deliveryLogGroup)],
      ]);
      expect(JSON.stringify(statements)).not.toMatch(/s3:|\*"/);
    });

    it('has its permissions before the delivery stream is created, which Firehose checks', () => {
      // The policy alone: the stream references its role already, so a DependsOn on the role too
      // is redundant (cfn-lint W3005).
      template.hasResource('AWS::KinesisFirehose::DeliveryStream', {
        DependsOn: [logicalId(grants)],
      });
    });
  });

  it.each([
    ['retain', 'Retain'],
    ['destroy', 'Delete'],
  ] as const)('keeps the stream and its log groups by the removal mode (%s)', (removal, policy) => {
    const built = ingestionIn({ removal }).template;
    built.hasResource('AWS::Kinesis::Stream', { DeletionPolicy: policy });
    built.allResources('AWS::Logs::LogGroup', { DeletionPolicy: policy });
  });

  it('leaves no finding of the cdk-nag packs unacknowledged', () => {
    expect(unacknowledgedFindings(ingestion)).toEqual([]);
  });
});
