import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RawTables, type RawTablesProps } from '../../lib/ingestion/raw-tables';
import { CHURN_FIELDS, INGEST_FIELDS, UNKNOWN_FIELDS } from '../../lib/schema/churn';
import { testApp } from '../support/app';
import { type Json, propertiesOf } from '../support/resources';

function tablesIn(props: Partial<RawTablesProps> = {}): { tables: RawTables; template: Template } {
  const stack = new Stack(testApp(), 'Test');
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

  const outcomeStream = propertiesOf(template, tables.outcomeStreamTable) as Json;
  const outcomeBatch = propertiesOf(template, tables.outcomeBatchTable) as Json;

  it('defines exactly the stream and batch tables of churn records and of outcomes, in the database it is given, in this account', () => {
    template.resourceCountIs('AWS::Glue::Table', 4);
    for (const table of [stream, batch, outcomeStream, outcomeBatch]) {
      expect(table).toMatchObject({ CatalogId: { Ref: 'AWS::AccountId' }, DatabaseName: 'lake_raw' });
    }
    expect([stream, batch, outcomeStream, outcomeBatch].map((t): unknown => t.TableInput.Name)).toEqual([
      'churn_stream',
      'churn_batch',
      'outcome_stream',
      'outcome_batch',
    ]);
  });

  describe('outcome_stream', () => {
    it('has the outcome columns, then unknown_fields, then the ingest columns, as the cleaner writes them', () => {
      expect(outcomeStream.TableInput.StorageDescriptor.Columns).toEqual(
        [
          ['customer_id', 'string'],
          ['observed_at', 'string'],
          ['churned', 'boolean'],
          ['unknown_fields', 'string'],
          ['ingest_time', 'string'],
          ['ingest_source', 'string'],
        ].map(([Name, Type]): unknown => expect.objectContaining({ Name, Type })),
      );
    });

    it('reads GZIP JSON Lines under outcomes-stream/, projecting the observed_date partitions the cleaner routes to', () => {
      expect(outcomeStream.TableInput).toMatchObject({
        Parameters: {
          classification: 'json',
          compressionType: 'gzip',
          'projection.enabled': 'true',
          'projection.observed_date.type': 'date',
          'projection.observed_date.format': 'yyyy-MM-dd',
          'storage.location.template': 's3://raw/outcomes-stream/observed_date=${observed_date}/',
        },
        PartitionKeys: [expect.objectContaining({ Name: 'observed_date', Type: 'string' })],
        StorageDescriptor: {
          Location: 's3://raw/outcomes-stream/',
          SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
        },
      });
    });
  });

  describe('outcome_batch', () => {
    it('keeps each line under outcomes-batch/ whole, as one string, header included (the validation skips it)', () => {
      expect(outcomeBatch.TableInput.StorageDescriptor).toMatchObject({
        Location: 's3://raw/outcomes-batch/',
        Columns: [expect.objectContaining({ Name: 'line', Type: 'string' })],
        SerdeInfo: {
          SerializationLibrary: 'org.apache.hadoop.hive.serde2.RegexSerDe',
          Parameters: { 'input.regex': '(?s)^(.*)$' },
        },
      });
      expect(outcomeBatch.TableInput.Parameters).not.toHaveProperty('skip.header.line.count');
    });

    it('has a line pattern that takes any line whole, line separators included', () => {
      const pattern = new RegExp(
        (outcomeBatch.TableInput.StorageDescriptor.SerdeInfo.Parameters['input.regex'] as string).replace('(?s)', ''),
        's',
      );
      for (const line of ['', 'C1,2026-01-01T00:00:00Z,yes', 'a\u2028b\u0085c', '"{""x"":1}"']) {
        expect(pattern.exec(line)?.[1]).toBe(line);
      }
    });
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
