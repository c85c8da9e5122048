import { Aws } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RAW_PREFIXES } from '../contracts/lake-layout';
import { dateProjectionParameters } from '../shared/date-projection';
import {
  OUTCOME_BATCH_LINE_COLUMN,
  OUTCOME_BATCH_LINE_REGEX,
  OUTCOME_CSV_HEADER,
  OUTCOME_TABLES,
} from '../contracts/outcome-sql';
import { CHURN_FIELDS, EVENT_DATE_PARTITION, INGEST_FIELDS, UNKNOWN_FIELDS, glueType } from '../schema/churn';
import { OBSERVED_DATE_PARTITION, OUTCOME_FIELDS } from '../schema/outcome';

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

/** The Glue columns of a clean stream outcome, in the order the cleaner writes them. */
export function outcomeStreamColumns(): glue.CfnTable.ColumnProperty[] {
  return [...OUTCOME_FIELDS, UNKNOWN_FIELDS, ...INGEST_FIELDS].map((field) => ({
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
 * - `outcome_stream`: outcomes from the stream, cleaned, under `outcomes-stream/`, partitioned by
 *   `observed_date` with partition projection.
 * - `outcome_batch`: outcome CSV files under `outcomes-batch/`, one row per line exactly as
 *   uploaded (one string column, `line`): validated by the outcome SQL
 *   (`lib/contracts/outcome-sql.ts`) where the quality monitor reads them, so a bad line is kept,
 *   with its text and a reason, instead of being split or dropped by a CSV reader.
 */
export class RawTables extends Construct {
  readonly streamTable: glue.CfnTable;
  readonly batchTable: glue.CfnTable;
  readonly outcomeStreamTable: glue.CfnTable;
  readonly outcomeBatchTable: glue.CfnTable;

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

    const outcomeStreamLocation = props.rawBucket.s3UrlForObject(RAW_PREFIXES.outcomesStream);
    this.outcomeStreamTable = new glue.CfnTable(this, 'OutcomeStreamTable', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: props.databaseName,
      tableInput: {
        name: OUTCOME_TABLES.stream,
        description:
          'Outcomes (who really churned) from the stream, cleaned by the Firehose cleaner (JSON Lines, GZIP)',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          ...dateProjectionParameters({
            column: OBSERVED_DATE_PARTITION,
            format: 'yyyy-MM-dd',
            first: props.firstEventDate ?? '2020-01-01',
            unit: 'DAYS',
            location: outcomeStreamLocation,
          }),
        },
        partitionKeys: [{ name: OBSERVED_DATE_PARTITION, type: 'string', comment: 'UTC date of observed_at' }],
        storageDescriptor: {
          location: outcomeStreamLocation,
          columns: outcomeStreamColumns(),
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
        },
      },
    });

    // Hive's RegexSerDe with one group that takes the whole line: each line one row, as uploaded
    // (Athena, "Regex SerDe": https://docs.aws.amazon.com/athena/latest/ug/regex-serde.html). The
    // header is not skipped here: the validation query recognises it, so a file uploaded without
    // one loses no outcome.
    this.outcomeBatchTable = new glue.CfnTable(this, 'OutcomeBatchTable', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: props.databaseName,
      tableInput: {
        name: OUTCOME_TABLES.batch,
        description: `Outcome CSV files (${OUTCOME_CSV_HEADER}), one row per line exactly as uploaded`,
        tableType: 'EXTERNAL_TABLE',
        parameters: { classification: 'text' },
        storageDescriptor: {
          location: props.rawBucket.s3UrlForObject(RAW_PREFIXES.outcomesBatch),
          columns: [
            { name: OUTCOME_BATCH_LINE_COLUMN, type: 'string', comment: 'One line of an uploaded file, as uploaded' },
          ],
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.apache.hadoop.hive.serde2.RegexSerDe',
            parameters: { 'input.regex': OUTCOME_BATCH_LINE_REGEX },
          },
        },
      },
    });
  }
}
