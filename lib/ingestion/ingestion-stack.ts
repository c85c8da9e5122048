import { CfnOutput, Duration, Size, Stack, type StackProps } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { RawTables } from './raw-tables';
import { StreamIngestion } from './stream-ingestion';
import { RAW_PREFIXES } from '../contracts/lake-layout';

export interface IngestionStackProps extends StackProps {
  /** The validated configuration of the stage being deployed. */
  readonly config: StageConfig;
  /** The raw zone's bucket (DataLake stack). */
  readonly rawBucket: s3.IBucket;
  /** The lake's policy for writers of the raw stream prefixes (DataLake stack). */
  readonly rawWriterPolicy: iam.IManagedPolicy;
  /** The lake's key (DataLake stack). */
  readonly key: kms.IKey;
  /** The raw database's name (DataLake stack). */
  readonly rawDatabaseName: string;
}

/**
 * FETCH and CLEAN: the Kinesis stream, the Firehose delivery stream with its cleaner, and the
 * raw zone's tables. It holds no data of its own (the stream keeps records for hours, the lake
 * keeps them for good), so it can be destroyed and redeployed freely.
 */
export class IngestionStack extends Stack {
  readonly streaming: StreamIngestion;
  readonly tables: RawTables;

  constructor(scope: Construct, id: string, props: IngestionStackProps) {
    super(scope, id, props);
    const { ingestion, removal } = props.config;

    this.streaming = new StreamIngestion(this, 'Streaming', {
      rawBucket: props.rawBucket,
      rawWriterPolicy: props.rawWriterPolicy,
      key: props.key,
      streamMode: ingestion.streamMode === 'on-demand' ? kinesis.StreamMode.ON_DEMAND : kinesis.StreamMode.PROVISIONED,
      shardCount: ingestion.shardCount,
      streamRetention: Duration.hours(ingestion.streamRetentionHours),
      deliveryBufferInterval: Duration.seconds(ingestion.deliveryBufferSeconds),
      deliveryBufferSize: Size.mebibytes(ingestion.deliveryBufferMiB),
      cleanerBatchSize: Size.mebibytes(ingestion.cleanerBatchMiB),
      cleanerMemorySize: Size.mebibytes(ingestion.cleanerMemoryMiB),
      cleanerReservedConcurrency: ingestion.cleanerReservedConcurrency,
      logRetention: ingestion.logRetentionDays,
      removal,
    });

    this.tables = new RawTables(this, 'RawTables', {
      rawBucket: props.rawBucket,
      databaseName: props.rawDatabaseName,
    });

    new CfnOutput(this, 'StreamName', {
      value: this.streaming.stream.streamName,
      description: 'Send records here: npm run produce -- --stream <this>',
    });
    new CfnOutput(this, 'BatchUploadLocation', {
      value: props.rawBucket.s3UrlForObject(RAW_PREFIXES.batch),
      description: 'Upload CSV files here (npm run produce -- --out file.csv writes one)',
    });
    new CfnOutput(this, 'StreamRecordsLocation', {
      value: props.rawBucket.s3UrlForObject(RAW_PREFIXES.stream),
      description: 'Cleaned stream records land here; failed ones under stream-errors/',
    });
  }
}
