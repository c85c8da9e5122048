import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CuratedTables, type CuratedTablesProps, customerColumns } from '../../lib/etl/curated-tables';
import { CHURN_FIELDS } from '../../lib/schema/churn';
import { testApp } from '../support/app';

/** The template of a CuratedTables alone, over an imported curated bucket. */
function templateOf(props: Partial<CuratedTablesProps> = {}): Template {
  const stack = new Stack(testApp(), 'Test');
  new CuratedTables(stack, 'Tables', {
    curatedBucket: s3.Bucket.fromBucketName(stack, 'Curated', 'curated-zone'),
    databaseName: 'curated_db',
    ...props,
  });
  return Template.fromStack(stack);
}

describe('CuratedTables', () => {
  const template = templateOf();

  it('catalogs customers, in the database it is given, as an external table under customers/', () => {
    template.resourceCountIs('AWS::Glue::Table', 1);
    template.hasResourceProperties('AWS::Glue::Table', {
      CatalogId: { Ref: 'AWS::AccountId' },
      DatabaseName: 'curated_db',
      TableInput: Match.objectLike({
        Name: 'customers',
        TableType: 'EXTERNAL_TABLE',
        StorageDescriptor: Match.objectLike({ Location: 's3://curated-zone/customers/' }),
      }),
    });
  });

  it('reads Parquet compressed with Snappy, through the Hive Parquet SerDe', () => {
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Parameters: Match.objectLike({ classification: 'parquet', 'parquet.compression': 'SNAPPY' }),
        StorageDescriptor: Match.objectLike({
          InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        }),
      }),
    });
  });

  it('has the customer columns, in the order the curate job writes them', () => {
    const [table] = Object.values(template.findResources('AWS::Glue::Table'));
    expect(table?.Properties.TableInput.StorageDescriptor.Columns).toEqual(
      customerColumns().map((c) => ({ Name: c.name, Type: c.type, Comment: c.comment })),
    );
  });

  it('is partitioned by snapshot_month, which Athena projects month by month from 2020-01 to now', () => {
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        PartitionKeys: [{ Name: 'snapshot_month', Type: 'string', Comment: 'yyyy-MM of event_time' }],
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.snapshot_month.type': 'date',
          'projection.snapshot_month.format': 'yyyy-MM',
          'projection.snapshot_month.range': '2020-01,NOW',
          'projection.snapshot_month.interval.unit': 'MONTHS',
          'storage.location.template': 's3://curated-zone/customers/snapshot_month=${snapshot_month}/',
        }),
      }),
    });
  });

  it('projects from the first month it is given', () => {
    templateOf({ firstMonth: '2024-06' }).hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Parameters: Match.objectLike({ 'projection.snapshot_month.range': '2024-06,NOW' }),
      }),
    });
  });
});

describe('customerColumns', () => {
  const columns = customerColumns();

  it('is every schema field, then the lineage the curate job adds, and not the partition column', () => {
    expect(columns.map((c) => c.name)).toEqual([...CHURN_FIELDS.map((f) => f.name), 'source', 'ingest_time', 'origin']);
    expect(columns.map((c) => c.name)).not.toContain('snapshot_month');
  });

  it('types each column as the Parquet the curate job writes: times as timestamps, categories as strings', () => {
    const typeOf = (name: string) => columns.find((c) => c.name === name)?.type;
    expect(
      Object.fromEntries(
        ['customer_id', 'event_time', 'state', 'account_length', 'international_plan', 'ingest_time', 'origin'].map(
          (name) => [name, typeOf(name)],
        ),
      ),
    ).toEqual({
      customer_id: 'string',
      event_time: 'timestamp',
      state: 'string',
      account_length: 'int',
      international_plan: 'boolean',
      ingest_time: 'timestamp',
      origin: 'string',
    });
  });

  it('describes every column', () => {
    expect(columns.filter((c) => (c.comment ?? '') === '')).toEqual([]);
  });
});
