import { Aws, type Duration, type Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { defaultPolicyOf } from '../shared/cdk-internals';
import { RULES, acknowledgeFindings } from '../shared/compliance';
import type { RemovalMode } from '../config';
import { removalPolicyOf } from '../shared/removal';
import { RAW_PREFIXES } from '../contracts/lake-layout';
import { STREAM_DELIVERY_PREFIX } from '../contracts/stream-routing';
import { RecordCleaner } from './record-cleaner';

export interface StreamIngestionProps {
  /** The raw zone's bucket, where cleaned records and failed ones land. */
  readonly rawBucket: s3.IBucket;
  /**
   * The lake's policy for writers of the stream prefixes, outcomes' included (the DataLake stack's
   * `StreamWriterAccess`).
   */
  readonly rawWriterPolicy: iam.IManagedPolicy;
  /** The lake's key: encrypts the stream, the delivered objects and the logs. */
  readonly key: kms.IKey;
  /** `provisioned` (fixed shards) or `on-demand` (Kinesis scales, billed per GB). */
  readonly streamMode: kinesis.StreamMode;
  /** Shards of a provisioned stream; ignored on demand. */
  readonly shardCount: number;
  /** How long the stream keeps records. */
  readonly streamRetention: Duration;
  /** How long Firehose buffers before writing an object. */
  readonly deliveryBufferInterval: Duration;
  /** How much Firehose buffers before writing an object (64 to 128 MiB with dynamic partitioning). */
  readonly deliveryBufferSize: Size;
  /** How much Firehose hands the cleaner per invocation (up to 3 MiB). */
  readonly cleanerBatchSize: Size;
  /** Memory of the cleaner. */
  readonly cleanerMemorySize: Size;
  /**
   * Concurrency reserved for the cleaner.
   * @default - none
   */
  readonly cleanerReservedConcurrency?: number;
  /** How long the cleaner's and Firehose's logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /** `destroy`: the stream and log groups go with the stack. */
  readonly removal: RemovalMode;
}

/**
 * Streaming ingestion: producers put churn records and outcomes on a KMS-encrypted Kinesis data
 * stream; Firehose reads it, has the cleaner Lambda clean each batch, and writes the clean records
 * to the raw zone as GZIP JSON Lines: churn records under `stream/event_date=YYYY-MM-DD/`, outcomes
 * under `outcomes-stream/observed_date=YYYY-MM-DD/` (dynamic partitioning on the partition keys
 * the cleaner returns; `lib/contracts/stream-routing.ts`). Records the cleaner fails, and records
 * Firehose cannot partition or deliver, land under `stream-errors/` with their original bytes.
 */
export class StreamIngestion extends Construct {
  readonly stream: kinesis.Stream;
  readonly cleaner: RecordCleaner;
  readonly deliveryStream: firehose.CfnDeliveryStream;
  readonly deliveryLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: StreamIngestionProps) {
    super(scope, id);
    const removalPolicy = removalPolicyOf(props.removal);

    this.stream = new kinesis.Stream(this, 'Stream', {
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: props.key,
      streamMode: props.streamMode,
      shardCount: props.streamMode === kinesis.StreamMode.PROVISIONED ? props.shardCount : undefined,
      retentionPeriod: props.streamRetention,
      removalPolicy,
    });

    this.cleaner = new RecordCleaner(this, 'Cleaner', {
      memorySize: props.cleanerMemorySize,
      reservedConcurrentExecutions: props.cleanerReservedConcurrency,
      logKey: props.key,
      logRetention: props.logRetention,
      removal: props.removal,
    });

    this.deliveryLogGroup = new logs.LogGroup(this, 'DeliveryLogGroup', {
      encryptionKey: props.key,
      retention: props.logRetention,
      removalPolicy,
    });

    // The Firehose L2 grants its role read-write on the whole bucket (deletes included), so the
    // delivery stream is declared at L1 with a role that can do only what delivery needs.
    const role = new iam.Role(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'ml-lifecycle-cdk delivery stream: reads the stream, runs the cleaner, writes the raw zone',
    });
    this.stream.grantRead(role);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeCleaner',
        actions: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'],
        resources: [this.cleaner.function.functionArn],
      }),
    );
    role.addManagedPolicy(props.rawWriterPolicy);
    const logStream = new logs.LogStream(this, 'DeliveryLogStream', {
      logGroup: this.deliveryLogGroup,
      removalPolicy,
    });
    this.deliveryLogGroup.grantWrite(role);

    this.deliveryStream = new firehose.CfnDeliveryStream(this, 'DeliveryStream', {
      deliveryStreamType: 'KinesisStreamAsSource',
      kinesisStreamSourceConfiguration: { kinesisStreamArn: this.stream.streamArn, roleArn: role.roleArn },
      extendedS3DestinationConfiguration: {
        bucketArn: props.rawBucket.bucketArn,
        roleArn: role.roleArn,
        // One expression for churn records and outcomes alike; the cleaner's keys pick the route.
        prefix: STREAM_DELIVERY_PREFIX,
        // Firehose fills in processing-failed, partitioning-failed, ...; the date is when it gave up.
        errorOutputPrefix: `${RAW_PREFIXES.streamErrors}!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/`,
        compressionFormat: 'GZIP',
        bufferingHints: {
          intervalInSeconds: props.deliveryBufferInterval.toSeconds(),
          sizeInMBs: props.deliveryBufferSize.toMebibytes(),
        },
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: props.key.keyArn } },
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'Lambda',
              parameters: [
                { parameterName: 'LambdaArn', parameterValue: this.cleaner.function.functionArn },
                { parameterName: 'BufferSizeInMBs', parameterValue: String(props.cleanerBatchSize.toMebibytes()) },
                { parameterName: 'BufferIntervalInSeconds', parameterValue: '60' },
                { parameterName: 'NumberOfRetries', parameterValue: '3' },
              ],
            },
          ],
        },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: this.deliveryLogGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
      },
    });
    // Firehose checks its role's permissions when it is created. The role's policy, not the role:
    // the stream references the role already, and a DependsOn on it too is redundant (W3005).
    this.deliveryStream.node.addDependency(defaultPolicyOf(role));

    acknowledgeFindings(
      this.deliveryStream,
      ['AwsSolutions-KDF1'],
      'Cannot be fixed: Firehose offers server-side encryption only for Direct PUT sources. With a Kinesis source the records are encrypted in the stream (lake key) and in S3 (lake key, set in EncryptionConfiguration).',
    );
    acknowledgeFindings(
      defaultPolicyOf(role),
      RULES.iamInlinePolicy,
      "Built for this one role by grants: read this stream (and decrypt it), invoke this cleaner, write this log group. Its S3 access is the lake's own managed policy for stream writers.",
    );
    acknowledgeFindings(
      this.stream,
      ['AwsSolutions-KDS3'],
      "The stream is encrypted with the lake's customer-managed key on purpose: one key, with rotation and an auditable key policy, guards the churn records from the stream to the raw zone; the AWS-managed aws/kinesis key cannot be scoped or audited that way.",
    );
  }
}
