/**
 * The Glue SQL run in DuckDB as the Glue jobs run it in Spark: an in-memory database, the curate
 * job's `raw_records` view built from generated records (through the stream path's cleaner or as a
 * batch CSV upload), and the curate and features files run in the jobs' order. The SQL itself is
 * rendered from the schema by `lib/etl/sql.ts` (`npm run generate`).
 */
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { cleanRecord } from '../../lambda/clean-records/record';
import { RAW_LINEAGE_COLUMNS, type SqlFile } from '../../lib/etl/sql';
import { CHURN_FIELDS, type FieldSpec } from '../../lib/schema/churn';
import type { DirtOptions } from '../../lib/schema/dirt';
import { generateWireRecords } from '../../lib/schema/generator';
import { toCsvLines, type WireRecord } from '../../lib/schema/wire';
import { readSql } from './etl-sql';

/** A row as DuckDB's JS conversion gives it (INTEGER → number, TIMESTAMP → Date, BIGINT → bigint). */
export type Row = Record<string, unknown>;

/** An in-memory DuckDB database. */
export class Db {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<Db> {
    const instance = await DuckDBInstance.create(':memory:');
    return new Db(instance, await instance.connect());
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  async rows(sql: string): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJS();
  }

  async columns(sql: string): Promise<string[]> {
    const reader = await this.connection.runAndReadAll(`SELECT * FROM (${sql}) AS q LIMIT 0`);
    return reader.columnNames();
  }

  /** A single number from `SELECT count(*) ...` or the like. */
  async count(sql: string): Promise<number> {
    const [row] = await this.rows(sql);
    return Number(Object.values(row ?? {})[0]);
  }

  /**
   * Runs a SQL file as the job does (one statement over the views registered before it) and keeps
   * its result as table `name`, so later files can read it as their input view.
   */
  async runFile(file: SqlFile, name: string): Promise<void> {
    await this.run(`CREATE OR REPLACE TABLE ${name} AS\n${readSql(file)}`);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

// ---------------------------------------------------------------------------------------------
// raw_records, as the curate job registers it

/** A row of `raw_records`: every schema field as text (null where absent) and the lineage columns. */
export type RawRow = Record<string, string | null>;

/** Creates (or replaces) table `raw_records` with these rows; every column VARCHAR (Spark STRING). */
export async function loadRawRecords(db: Db, rows: readonly RawRow[], table = 'raw_records'): Promise<void> {
  const columns = [...CHURN_FIELDS.map((f) => f.name), ...RAW_LINEAGE_COLUMNS];
  await db.run(`CREATE OR REPLACE TABLE ${table} (${columns.map((c) => `${c} VARCHAR`).join(', ')})`);
  const appender = await db.connection.createAppender(table);
  for (const row of rows) {
    for (const column of columns) {
      const value = row[column];
      if (value === null || value === undefined) {
        appender.appendNull();
      } else {
        appender.appendVarchar(value);
      }
    }
    appender.endRow();
  }
  appender.closeSync();
}

/**
 * Java's `Double.toString`, which Spark's `CAST(double AS STRING)` follows: plain notation with
 * at least one decimal for 1e-3 <= |x| < 1e7 (`180.0`, `12.5`), computerised scientific otherwise
 * (`1.0E-4`, `1.2345E7`).
 */
export function javaDoubleString(x: number): string {
  if (x === 0) {
    return Object.is(x, -0) ? '-0.0' : '0.0';
  }
  const magnitude = Math.abs(x);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(x);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa = '', exponent = ''] = x.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/** A clean stream value as the curate job sees it: the Glue table's typed value cast to STRING. */
export function sparkText(field: FieldSpec, value: unknown): string | null {
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  if (typeof value === 'number') {
    return field.type === 'double' ? javaDoubleString(value) : String(value);
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** What the stream path delivers: each record through the Firehose cleaner, the Ok ones as rows. */
export function streamRows(
  records: Iterable<WireRecord>,
  options: { readonly ingestTime: string; readonly origin?: string },
): RawRow[] {
  const rows: RawRow[] = [];
  let sequence = 0;
  for (const record of records) {
    const result = cleanRecord(record.text, {
      ingestTime: options.ingestTime,
      ingestSource: `kinesis:shardId-000000000000:${++sequence}`,
    });
    if (!result.ok) {
      continue;
    }
    const clean = JSON.parse(result.output) as Record<string, unknown>;
    const row: RawRow = {};
    for (const field of CHURN_FIELDS) {
      row[field.name] = sparkText(field, clean[field.name]);
    }
    row.source = 'stream';
    row.ingest_time = String(clean.ingest_time);
    row.origin = options.origin ?? `stream/event_date=${result.eventDate}/churn-raw-1.gz`;
    rows.push(row);
  }
  return rows;
}

/** The cells of one RFC 4180 CSV line (its trailing line break removed). */
export function parseCsvLine(line: string): string[] {
  const text = line.replace(/\r?\n$/, '');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"' && text.charAt(i + 1) === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell);
  return cells;
}

/**
 * What the batch path delivers: the records as an uploaded CSV file (`toCsvLines`), read back as
 * text, one row per line after the header; a short line's missing cells are null.
 */
export function batchRows(
  records: Iterable<WireRecord>,
  options: { readonly ingestTime: string; readonly origin?: string },
): RawRow[] {
  const [header, ...lines] = [...toCsvLines(records)];
  const names = parseCsvLine(header ?? '');
  return lines.map((line) => {
    const cells = parseCsvLine(line);
    const row: RawRow = {};
    for (const field of CHURN_FIELDS) {
      const at = names.indexOf(field.name);
      row[field.name] = cells[at] ?? null;
    }
    row.source = 'batch';
    row.ingest_time = options.ingestTime;
    row.origin = options.origin ?? 'batch/upload.csv';
    return row;
  });
}

/** Curates raw rows into table `customers`, as the curate job does on its first run. */
export async function curateFirstRun(db: Db, raw: readonly RawRow[]): Promise<void> {
  await loadRawRecords(db, raw);
  await db.runFile('curate_validated.sql', 'validated');
  await db.run(
    `CREATE OR REPLACE TABLE previous_customers AS SELECT ${[...CHURN_FIELDS.map((f) => f.name), ...RAW_LINEAGE_COLUMNS].join(', ')}, '' AS snapshot_month FROM validated WHERE false`,
  );
  await db.runFile('curate_customers.sql', 'customers');
}

/** Curates generated records (half through the stream path, half through batch) into table `customers`. */
export async function curateGenerated(
  db: Db,
  options: { readonly seed: number; readonly count: number; readonly dirt: DirtOptions },
): Promise<void> {
  const records = [...generateWireRecords(options)];
  await curateFirstRun(db, [
    ...streamRows(
      records.filter((_, i) => i % 2 === 0),
      { ingestTime: '2026-02-01T00:00:00.000Z' },
    ),
    ...batchRows(
      records.filter((_, i) => i % 2 === 1),
      { ingestTime: '2026-02-02T00:00:00.000Z' },
    ),
  ]);
}

/** Runs features.sql over table `customers` with the given split fractions, into table `features`. */
export async function runFeatures(
  db: Db,
  fractions: { readonly train: number; readonly validation: number } = { train: 0.7, validation: 0.15 },
): Promise<void> {
  await db.run(
    `CREATE OR REPLACE TABLE split_config AS SELECT CAST(${fractions.train} AS DOUBLE) AS train_fraction, CAST(${fractions.validation} AS DOUBLE) AS validation_fraction`,
  );
  await db.runFile('features.sql', 'features');
}
