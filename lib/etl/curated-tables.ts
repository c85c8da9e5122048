import { Aws } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CURATED_PREFIXES } from '../contracts/lake-layout';
import { CHURN_FIELDS, glueType } from '../schema/churn';
import { dateProjectionParameters } from '../shared/date-projection';

/** The partition column of the curated customers table: the month of the customer's latest event. */
export const SNAPSHOT_MONTH = 'snapshot_month';

export interface CuratedTablesProps {
  /** The curated zone's bucket. */
  readonly curatedBucket: s3.IBucket;
  /** The curated database's name. */
  readonly databaseName: string;
  /**
   * The first month the partition projection covers.
   * @default '2020-01'
   */
  readonly firstMonth?: string;
}

/** The columns of the curated customers table, in the order the curate job writes them. */
export function customerColumns(): glue.CfnTable.ColumnProperty[] {
  return [
    ...CHURN_FIELDS.map((field) => ({
      name: field.name,
      type: glueType(field, 'timestamp'),
      comment: field.description,
    })),
    { name: 'source', type: 'string', comment: 'Where the latest record came from: stream or batch' },
    { name: 'ingest_time', type: 'timestamp', comment: 'When the latest record was ingested' },
    { name: 'origin', type: 'string', comment: 'The raw object the latest record came from' },
  ];
}

/**
 * The curated zone's `customers` table, generated from the schema: one row per customer (the
 * latest event wins), Parquet with Snappy, partitioned by `snapshot_month` with partition
 * projection so that Athena finds new months without a crawler.
 */
export class CuratedTables extends Construct {
  readonly customersTable: glue.CfnTable;
  readonly customersTableName = 'customers';

  constructor(scope: Construct, id: string, props: CuratedTablesProps) {
    super(scope, id);
    const location = props.curatedBucket.s3UrlForObject(CURATED_PREFIXES.customers);
    this.customersTable = new glue.CfnTable(this, 'CustomersTable', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: props.databaseName,
      tableInput: {
        name: this.customersTableName,
        description: 'One row per customer, the latest event, validated and typed (Parquet, Snappy)',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'parquet',
          'parquet.compression': 'SNAPPY',
          ...dateProjectionParameters({
            column: SNAPSHOT_MONTH,
            format: 'yyyy-MM',
            first: props.firstMonth ?? '2020-01',
            unit: 'MONTHS',
            location,
          }),
        },
        partitionKeys: [{ name: SNAPSHOT_MONTH, type: 'string', comment: 'yyyy-MM of event_time' }],
        storageDescriptor: {
          location,
          columns: customerColumns(),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
  }
}
