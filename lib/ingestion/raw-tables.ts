import { Aws } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RAW_PREFIXES } from '../contracts/lake-layout';
import { dateProjectionParameters } from '../shared/date-projection';
import { CHURN_FIELDS, EVENT_DATE_PARTITION, INGEST_FIELDS, UNKNOWN_FIELDS, glueType } from '../schema/churn';

export interface RawTablesProps {
  /** The raw zone's bucket. */
  readonly rawBucket: s3.IBucket;
  /** The raw database's name. */
  readonly databaseName: string;
  /**
   * The first day the stream table's partition projection covers.
   * @default '2020-01-01'
   */
  readonly firstEventDate?: string;
}

/** The Glue columns of the clean stream record, in the order the cleaner writes them. */
export function streamColumns(): glue.CfnTable.ColumnProperty[] {
  return [...CHURN_FIELDS, UNKNOWN_FIELDS, ...INGEST_FIELDS].map((field) => ({
    name: field.name,
    type: glueType(field),
    comment: field.description,
  }));
}

/**
 * The raw zone's tables, generated from the schema rather than crawled, so their columns are
 * exactly the schema's and no crawler has to run (or be paid for) before a query works.
 *
 * - `churn_stream`: the cleaned stream, typed, partitioned by `event_date` with partition
 *   projection (Athena computes the partitions; nothing has to add them).
 * - `churn_batch`: CSV files under `batch/` as uploaded: every column a string, header skipped,
 *   because a raw batch file is not cleaned yet (the curate job does that).
 */
export class RawTables extends Construct {
  readonly streamTable: glue.CfnTable;
  readonly batchTable: glue.CfnTable;

  constructor(scope: Construct, id: string, props: RawTablesProps) {
    super(scope, id);
    const streamLocation = props.rawBucket.s3UrlForObject(RAW_PREFIXES.stream);

    this.streamTable = new glue.CfnTable(this, 'StreamTable', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: props.databaseName,
      tableInput: {
        name: 'churn_stream',
        description: 'Churn records from the stream, cleaned by the Firehose cleaner (JSON Lines, GZIP)',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          ...dateProjectionParameters({
            column: EVENT_DATE_PARTITION,
            format: 'yyyy-MM-dd',
            first: props.firstEventDate ?? '2020-01-01',
            unit: 'DAYS',
            location: streamLocation,
          }),
        },
        partitionKeys: [{ name: EVENT_DATE_PARTITION, type: 'string', comment: 'UTC date of event_time' }],
        storageDescriptor: {
          location: streamLocation,
          columns: streamColumns(),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
        },
      },
    });

    this.batchTable = new glue.CfnTable(this, 'BatchTable', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: props.databaseName,
      tableInput: {
        name: 'churn_batch',
        description: 'Churn records uploaded as CSV files, as uploaded (every column text)',
        tableType: 'EXTERNAL_TABLE',
        parameters: { classification: 'csv', 'skip.header.line.count': '1' },
        storageDescriptor: {
          location: props.rawBucket.s3UrlForObject(RAW_PREFIXES.batch),
          columns: CHURN_FIELDS.map((field) => ({ name: field.name, type: 'string', comment: field.description })),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
            parameters: { separatorChar: ',', quoteChar: '"', escapeChar: '\\' },
          },
        },
      },
    });
  }
}
