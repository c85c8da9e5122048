import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RawTables, type RawTablesProps } from '../../lib/ingestion/raw-tables';
import { CHURN_FIELDS, INGEST_FIELDS, UNKNOWN_FIELDS } from '../../lib/schema/churn';
import { CDK_JSON_CONTEXT } from '../support/app';
import { type Json, propertiesOf } from '../support/resources';

function tablesIn(props: Partial<RawTablesProps> = {}): { tables: RawTables; template: Template } {
  const stack = new Stack(new App({ context: CDK_JSON_CONTEXT }), 'Test');
  const tables = new RawTables(stack, 'RawTables', {
    rawBucket: s3.Bucket.fromBucketName(stack, 'Raw', 'raw'),
    databaseName: 'lake_raw',
    ...props,
  });
  return { tables, template: Template.fromStack(stack) };
}

describe('RawTables', () => {
  const { tables, template } = tablesIn();
  const stream = propertiesOf(template, tables.streamTable) as Json;
  const batch = propertiesOf(template, tables.batchTable) as Json;

  it('defines exactly the stream and batch tables, in the database it is given, in this account', () => {
    template.resourceCountIs('AWS::Glue::Table', 2);
    for (const table of [stream, batch]) {
      expect(table).toMatchObject({ CatalogId: { Ref: 'AWS::AccountId' }, DatabaseName: 'lake_raw' });
    }
    expect([stream.TableInput.Name, batch.TableInput.Name]).toEqual(['churn_stream', 'churn_batch']);
  });

  describe('churn_stream', () => {
    it('has the schema columns, then unknown_fields, then the ingest columns, in the order the cleaner writes them', () => {
      const columns = stream.TableInput.StorageDescriptor.Columns as { Name: string }[];
      expect(columns.map((c) => c.Name)).toEqual(
        [...CHURN_FIELDS, UNKNOWN_FIELDS, ...INGEST_FIELDS].map((f) => f.name),
      );
    });

    it('types the columns from the schema and reads them as GZIP JSON Lines', () => {
      expect(stream.TableInput).toMatchObject({
        TableType: 'EXTERNAL_TABLE',
        Parameters: { classification: 'json', compressionType: 'gzip' },
        StorageDescriptor: {
          Location: 's3://raw/stream/',
          SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
        },
      });
      expect(stream.TableInput.StorageDescriptor.Columns).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Name: 'account_length', Type: 'int' }),
          expect.objectContaining({ Name: 'day_minutes', Type: 'double' }),
          expect.objectContaining({ Name: 'gender', Type: 'string' }),
          expect.objectContaining({ Name: 'churn', Type: 'boolean' }),
        ]),
      );
    });

    it('projects the event_date partitions from 2020-01-01, so no crawler or MSCK REPAIR is needed', () => {
      expect(stream.TableInput.PartitionKeys).toEqual([
        expect.objectContaining({ Name: 'event_date', Type: 'string' }),
      ]);
      expect(stream.TableInput.Parameters).toMatchObject({
        'projection.enabled': 'true',
        'projection.event_date.type': 'date',
        'projection.event_date.format': 'yyyy-MM-dd',
        'projection.event_date.range': '2020-01-01,NOW',
        'projection.event_date.interval.unit': 'DAYS',
        'storage.location.template': 's3://raw/stream/event_date=${event_date}/',
      });
    });

    it('projects from the first event date it is given', () => {
      const later = tablesIn({ firstEventDate: '2024-06-01' });
      expect(propertiesOf(later.template, later.tables.streamTable).TableInput.Parameters).toMatchObject({
        'projection.event_date.range': '2024-06-01,NOW',
      });
    });
  });

  describe('churn_batch', () => {
    it('reads CSV uploads under batch/ as text, header skipped, one column per schema field', () => {
      expect(batch.TableInput).toMatchObject({
        TableType: 'EXTERNAL_TABLE',
        Parameters: { classification: 'csv', 'skip.header.line.count': '1' },
        StorageDescriptor: {
          Location: 's3://raw/batch/',
          Columns: CHURN_FIELDS.map((f) => expect.objectContaining({ Name: f.name, Type: 'string' }) as unknown),
          SerdeInfo: {
            SerializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
            Parameters: { separatorChar: ',', quoteChar: '"', escapeChar: '\\' },
          },
        },
      });
    });

    it('is not partitioned', () => {
      expect(batch.TableInput.PartitionKeys).toBeUndefined();
    });
  });
});
