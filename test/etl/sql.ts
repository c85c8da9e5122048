/**
 * Test support for the Glue SQL (`glue/sql/*.sql`): run a file in DuckDB as the Glue job runs it
 * in Spark, build the job's `raw_records` view from generated records, and render the SQL from the
 * schema.
 *
 * The four SQL files are rendered from `lib/schema/churn.ts` and `lib/etl/feature-manifest.ts` by
 * the functions at the end of this file and checked in as plain SQL; a test fails when a checked-in
 * file differs from its rendering. After a schema change, regenerate them with
 *
 *     npx tsx test/etl/sql.ts --write
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { cleanRecord } from '../../lambda/clean-records/record';
import { FailureReason } from '../../lambda/clean-records/result';
import { type DirtOptions, generateWireRecords, toCsvLines, type WireRecord } from '../../lib/schema/generator';
import { featureManifest, LABEL_COLUMN, SPLIT_BUCKETS } from '../../lib/contracts/feature-manifest';
import {
  BOOLEAN_SPELLINGS,
  CHURN_FIELDS,
  EVENT_TIME_YEARS,
  type FieldSpec,
  INGEST_FIELDS,
  MISSING_VALUE_SPELLINGS,
} from '../../lib/schema/churn';

/** Where the SQL files live. */
export const SQL_DIR = path.join(__dirname, '..', '..', 'glue', 'sql');

/** The SQL files, in the order the jobs run them. */
export const SQL_FILES = [
  'curate_validated.sql',
  'curate_customers.sql',
  'curate_quarantine.sql',
  'features.sql',
] as const;
export type SqlFile = (typeof SQL_FILES)[number];

/** The line every SQL file's header carries. */
export const COMMON_SUBSET_LINE =
  'Written in the common subset of Spark SQL (Glue 5.0, Spark 3.5) and DuckDB: the job runs it with spark.sql, the tests with DuckDB.';

/** The text of a checked-in SQL file. */
export function readSql(file: SqlFile): string {
  return fs.readFileSync(path.join(SQL_DIR, file), 'utf8');
}

/** Constructs that are not in the common subset of Spark SQL and DuckDB, and why. */
const OUTSIDE_COMMON_SUBSET: readonly (readonly [RegExp, string])[] = [
  [/\\/, 'a backslash: Spark unescapes it in string literals, DuckDB does not'],
  [/"/, 'a double quote: a string in Spark, an identifier in DuckDB'],
  [/`/, 'a backtick: quotes identifiers in Spark only'],
  [/;/, 'a semicolon: one statement per file, which the job and the tests wrap'],
  [/::/, 'a :: cast: DuckDB only'],
  [/\bhash\s*\(/i, 'hash(): Murmur3 in Spark, another function in DuckDB'],
  [/\b(rlike|regexp_like|regexp_matches|regexp_full_match|similar\s+to)\b/i, 'a regex predicate: none is common'],
  [/\bconcat\s*\(/i, 'concat(): NULL in Spark, ignored in DuckDB; || agrees'],
  [
    /\b(strftime|strptime|to_timestamp|to_date|date_format|unix_timestamp|epoch_ms|timestampadd)\b/i,
    'a date function missing from, or formatting differently in, the other engine',
  ],
  [/\b(btrim|conv|nvl|ifnull|split_part|list_\w+|struct_pack)\s*\(/i, 'a function missing from one engine'],
  [/\b(qualify|exclude|ilike|group\s+by\s+all|order\s+by\s+all)\b/i, 'DuckDB-only syntax'],
  [/\bsubstr\s*\([^,]+,\s*0\s*[,)]/i, 'substr from position 0: Spark reads it as 1, DuckDB does not'],
];

/**
 * What is wrong with a SQL file's form: its header (the file name first, then what it does, its
 * input views, output columns and the common-subset line) and any construct outside the common
 * subset. Empty when nothing is.
 */
export function checkSqlFile(file: SqlFile): string[] {
  return checkSqlText(file, readSql(file));
}

/** {@link checkSqlFile} on a text, for a file named `file`. */
export function checkSqlText(file: string, text: string): string[] {
  const lines = text.split('\n');
  const firstStatementLine = lines.findIndex((line) => !line.startsWith('--'));
  const headerLines = lines.slice(0, firstStatementLine < 0 ? lines.length : firstStatementLine);
  const headerText = headerLines.join('\n');
  const body = lines
    .slice(headerLines.length)
    .map((line) => line.replace(/--.*$/, ''))
    .join('\n');
  const problems: string[] = [];
  if (!headerLines[0]?.startsWith(`-- ${file}: `)) {
    problems.push(`the first line must be "-- ${file}: <what it does>"`);
  }
  for (const part of ['Input view', 'Output columns', `-- ${COMMON_SUBSET_LINE}`]) {
    if (!headerText.includes(part)) {
      problems.push(`the header lacks "${part}"`);
    }
  }
  if (!/^(WITH|SELECT)\b/.test(body.trimStart())) {
    problems.push('the statement must be a query (WITH or SELECT)');
  }
  for (const [pattern, why] of OUTSIDE_COMMON_SUBSET) {
    const found = pattern.exec(body);
    if (found !== null) {
      problems.push(`"${found[0]}": ${why}`);
    }
  }
  for (const [, pattern] of body.matchAll(/regexp_replace\([^,]+,\s*'([^']*)'/g)) {
    if (!pattern?.startsWith('^') || !pattern.endsWith('$')) {
      problems.push(`regexp_replace pattern '${pattern}' must be anchored (^...$) to test a full match`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// DuckDB

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

/** The lineage columns the curate job adds to the schema's fields in `raw_records`. */
export const RAW_LINEAGE_COLUMNS = ['source', 'ingest_time', 'origin'] as const;

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

// ---------------------------------------------------------------------------------------------
// Rendering the SQL from the schema

/** An SQL string literal. Spark and DuckDB escape quotes differently, so a value may hold none. */
function literal(value: string): string {
  if (/['\\]/.test(value)) {
    throw new Error(`${JSON.stringify(value)} holds a quote or backslash: no literal form is common to both engines`);
  }
  return `'${value}'`;
}

/**
 * A schema pattern in the regular-expression subset Java (Spark) and RE2 (DuckDB) read alike:
 * `\d` becomes `[0-9]`; any other backslash is refused (string literals escape it differently).
 */
function commonPattern(pattern: RegExp): string {
  if (pattern.flags.replace(/[gy]/g, '') !== '') {
    throw new Error(`pattern /${pattern.source}/${pattern.flags}: flags have no common form`);
  }
  const source = pattern.source.replace(/\\d/g, '[0-9]');
  if (source.includes('\\') || !source.startsWith('^') || !source.endsWith('$')) {
    throw new Error(`pattern /${pattern.source}/ must be anchored and use no escapes other than \\d`);
  }
  return literal(source);
}

/** Decimal notation, as the cleaner reads a number written as text. */
const DECIMAL_PATTERN = literal('^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$');

/** ISO 8601 date and time, as the cleaner reads a timestamp (the calendar is checked later). */
const TIMESTAMP_PATTERN = literal(
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})?$',
);

/** Whether `text` fully matches `pattern`: the match replaced by nothing leaves nothing. */
function matches(text: string, pattern: string): string {
  return `regexp_replace(${text}, ${pattern}, '') = ''`;
}

/**
 * The characters JavaScript's `trim()` removes (and so the cleaner), but the line separators
 * U+2028 and U+2029, which editors offer to "fix" in a file: ASCII and Latin-1 ones by `chr`
 * (Spark's `chr` reaches 0..255 only), the others as literal characters. A value padded with a
 * line separator is rejected rather than trimmed: kept in the quarantine, not lost.
 */
const WHITESPACE_CODES = [9, 10, 11, 12, 13, 32, 160];
export const WHITESPACE_LITERAL = [
  0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x202f, 0x205f,
  0x3000, 0xfeff,
];
const WHITESPACE = `${WHITESPACE_CODES.map((c) => `chr(${c})`).join(' || ')}
      || '${String.fromCodePoint(...WHITESPACE_LITERAL)}'`;

function hex(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The field the curate job checks after the schema's own, because the de-duplication orders by it. */
const INGEST_TIME: FieldSpec = ((): FieldSpec => {
  const field = INGEST_FIELDS.find((f) => f.name === 'ingest_time');
  if (field === undefined) {
    throw new Error("the schema's INGEST_FIELDS has no ingest_time");
  }
  return field;
})();

/** Schema fields, then ingest_time: the fields curate_validated checks, in reject order. */
const CHECKED_FIELDS: readonly FieldSpec[] = [...CHURN_FIELDS, INGEST_TIME];
const TIMESTAMP_FIELDS = CHECKED_FIELDS.filter((f) => f.type === 'timestamp');
const NUMBER_FIELDS = CHECKED_FIELDS.filter((f) => f.type === 'integer' || f.type === 'double');

function lines(items: readonly string[], indent: string, separator = ','): string {
  return items.map((item, i) => `${indent}${item}${i < items.length - 1 ? separator : ''}`).join('\n');
}

/** `CASE LOWER(x) WHEN 'spelling' THEN value ... END`: every spelling of a category or boolean. */
function spellingCase(text: string, spellings: readonly (readonly [string, string])[]): string {
  return `CASE LOWER(${text})\n${spellings.map(([from, to]) => `      WHEN ${literal(from)} THEN ${to}`).join('\n')}\n    END`;
}

function categorySpellings(field: FieldSpec): [string, string][] {
  const spellings = new Map<string, string>();
  for (const value of field.values ?? []) {
    spellings.set(value.toLowerCase(), value);
  }
  for (const [synonym, value] of Object.entries(field.synonyms ?? {})) {
    spellings.set(synonym.trim().toLowerCase(), value);
  }
  return [...spellings].map(([from, to]) => [from, literal(to)]);
}

const BOOLEAN_CASES: [string, string][] = Object.entries(BOOLEAN_SPELLINGS).map(([spelling, value]) => [
  spelling.trim().toLowerCase(),
  value ? 'TRUE' : 'FALSE',
]);

/** The typed value of a present (trimmed, not missing) field, NULL when it breaks the field's rule. */
function typedValue(field: FieldSpec): string {
  const f = field.name;
  switch (field.type) {
    case 'string':
      return field.pattern === undefined ? f : `CASE WHEN ${matches(f, commonPattern(field.pattern))} THEN ${f} END`;
    case 'category':
      return spellingCase(f, categorySpellings(field));
    case 'boolean':
      return spellingCase(f, BOOLEAN_CASES);
    case 'integer':
      return `CASE WHEN ${f}__number >= ${field.min ?? 0} AND ${f}__number <= ${field.max ?? 0} AND ${f}__number = floor(${f}__number) THEN CAST(${f}__number AS INT) END`;
    case 'double':
      return `CASE WHEN ${f}__number >= ${field.min ?? 0} AND ${f}__number <= ${field.max ?? 0} THEN ${f}__number END`;
    case 'timestamp':
      return `CASE WHEN ${f}__utc >= TIMESTAMP '${EVENT_TIME_YEARS.min}-01-01 00:00:00' AND ${f}__utc < TIMESTAMP '${EVENT_TIME_YEARS.max + 1}-01-01 00:00:00' THEN ${f}__utc END`;
  }
}

const SQL_TYPE: Record<FieldSpec['type'], string> = {
  string: 'STRING',
  category: 'STRING',
  integer: 'INT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

const FIELD_LIST = CHURN_FIELDS.map((f) => `${f.name} ${SQL_TYPE[f.type]}`).join(', ');
const RAW_FIELD_LIST = CHURN_FIELDS.map((f) => f.name).join(', ');

/** A `--` comment block; lines longer than 100 characters wrap, their continuation indented. */
function header(text: string): string {
  return `${text
    .trim()
    .split('\n')
    .flatMap((line) => (line === COMMON_SUBSET_LINE ? [line] : wrap(line, 100)))
    .map((line) => `--${line === '' ? '' : ` ${line}`}`)
    .join('\n')}\n`;
}

function wrap(line: string, width: number): string[] {
  const lead = line.slice(0, line.length - line.trimStart().length);
  const indent = `${lead}  `;
  const out: string[] = [];
  let current = lead;
  for (const word of line.trimStart().split(' ')) {
    if (current.trim() !== '' && current.length + 1 + word.length > width) {
      out.push(current);
      current = `${indent}${word}`;
    } else {
      current = current.trim() === '' ? `${current}${word}` : `${current} ${word}`;
    }
  }
  out.push(current);
  return out;
}

const GENERATED = `Generated from lib/schema/churn.ts by test/etl/sql.ts (npx tsx test/etl/sql.ts --write);
a test fails when this file and its rendering differ.`;

function renderCurateValidated(): string {
  const missing = [...MISSING_VALUE_SPELLINGS].map((s) => literal(s.trim().toLowerCase())).join(', ');
  const names = CHECKED_FIELDS.map((f) => f.name);
  const ts = TIMESTAMP_FIELDS.map((f) => f.name);
  const daysInMonth = (f: string): string =>
    `CASE WHEN ${f}__month IN (4, 6, 9, 11) THEN 30 WHEN ${f}__month = 2 THEN CASE WHEN ${f}__year % 4 = 0 AND (${f}__year % 100 <> 0 OR ${f}__year % 400 = 0) THEN 29 ELSE 28 END ELSE 31 END`;
  const reasons = CHECKED_FIELDS.flatMap((field) => {
    const f = field.name;
    return field.required
      ? [
          `WHEN ${f} IS NULL THEN ${literal(FailureReason.missingRequired(f))}`,
          `WHEN ${f}__value IS NULL THEN ${literal(FailureReason.invalidValue(f))}`,
        ]
      : [`WHEN ${f} IS NOT NULL AND ${f}__value IS NULL THEN ${literal(FailureReason.invalidValue(f))}`];
  });

  return `${header(`
curate_validated.sql: the second line of defence. Every raw record, from the stream (already
cleaned by the Firehose cleaner) and from batch CSV uploads (as uploaded), gets each schema field
canonicalised and typed by the reading rules of lib/schema/churn.ts, the rules the cleaner applies:
- every value is trimmed of whitespace: what JavaScript's trim() removes, as the cleaner does, but
  the line separators U+2028 and U+2029 (such a value is rejected, not trimmed); chr() for ASCII
  and Latin-1, literal characters (invisible!) for ${WHITESPACE_LITERAL.map(hex).join(' ')};
- a MISSING_VALUE_SPELLING (any case) is missing: NULL, or a rejected row for a required field;
- category: a canonical value in any case, or a synonym -> the canonical value;
- boolean: a BOOLEAN_SPELLING (any case) -> TRUE/FALSE;
- integer, double: decimal notation, within min..max; an integer must be whole (42.5 is rejected);
- string: must match its pattern;
- timestamp: ISO 8601 (T, t or a space between date and time; Z, z, +HH:MM, -HH:MM or no zone,
  read as UTC; a fraction of 1 to 9 digits, truncated to milliseconds); the calendar date and
  time must exist; converted to UTC, it must fall in ${EVENT_TIME_YEARS.min}..${EVENT_TIME_YEARS.max}.
A value that breaks its field's rule rejects the row. ingest_time is read by the timestamp rule
after the schema fields: the de-duplication orders by it, so a row without one is rejected too.

Input view:
  raw_records: ${RAW_FIELD_LIST} (all STRING), source STRING ('stream' | 'batch'), ingest_time STRING, origin STRING
Output columns:
  ${FIELD_LIST} (NULL where missing or invalid),
  reject_reason STRING: NULL when the row is valid, else the first failing field in schema order,
    'missing_required:<field>' or 'invalid_value:<field>' (the cleaner's reasons),
  source STRING, ingest_time TIMESTAMP, origin STRING,
  raw_<field> STRING for every schema field and raw_ingest_time STRING: the values as received,
    so the quarantine keeps them unchanged.
Timestamps are TIMESTAMP in UTC: the job sets spark.sql.session.timeZone to UTC.

${COMMON_SUBSET_LINE}
Avoided on purpose: regexp_like/rlike/regexp_matches (not common: regexp_replace of an anchored
pattern is, and = '' tests a full match), backslashes and doubled quotes in literals (escaped
differently), CAST without a shape check (Spark and DuckDB accept different number and date
spellings), concat() (NULL handling differs; || agrees), substr with a position < 1 or a negative
length, and strptime/to_timestamp (different format languages): dates are checked by arithmetic.
${GENERATED}
`)}WITH
trimmed AS (
  SELECT
${lines(
  [...names.map((f) => `TRIM(BOTH ws FROM ${f}) AS ${f}`), 'source', 'origin', ...names.map((f) => `${f} AS raw_${f}`)],
  '    ',
)}
  FROM raw_records
  CROSS JOIN (
    SELECT
      ${WHITESPACE} AS ws
  ) AS whitespace
),
present AS (
  -- A missing-value spelling is no value.
  SELECT
${lines(
  [
    ...names.map((f) => `CASE WHEN LOWER(${f}) IN (${missing}) THEN NULL ELSE ${f} END AS ${f}`),
    'source',
    'origin',
    ...names.map((f) => `raw_${f}`),
  ],
  '    ',
)}
  FROM trimmed
),
shaped AS (
  -- Numbers in decimal notation only, then converted; timestamps of the ISO 8601 shape only.
  SELECT
    *,
${lines(
  [
    ...NUMBER_FIELDS.map(
      (f) =>
        `CASE WHEN ${matches(f.name, DECIMAL_PATTERN)} THEN TRY_CAST(${f.name} AS DOUBLE) END AS ${f.name}__number`,
    ),
    ...ts.map((f) => `CASE WHEN ${matches(f, TIMESTAMP_PATTERN)} THEN ${f} END AS ${f}__text`),
  ],
  '    ',
)}
  FROM present
),
timestamp_parts AS (
  -- The fields of each timestamp; the zone is Z (1 character), +HH:MM / -HH:MM (6) or none (0).
  SELECT
    *,
${lines(
  ts.flatMap((f) => [
    `CAST(substr(${f}__text, 1, 4) AS INT) AS ${f}__year`,
    `CAST(substr(${f}__text, 6, 2) AS INT) AS ${f}__month`,
    `CAST(substr(${f}__text, 9, 2) AS INT) AS ${f}__day`,
    `CAST(substr(${f}__text, 12, 2) AS INT) AS ${f}__hour`,
    `CAST(substr(${f}__text, 15, 2) AS INT) AS ${f}__minute`,
    `CAST(substr(${f}__text, 18, 2) AS INT) AS ${f}__second`,
    `CASE WHEN UPPER(substr(${f}__text, length(${f}__text), 1)) = 'Z' THEN 1 WHEN substr(${f}__text, length(${f}__text) - 5, 1) IN ('+', '-') THEN 6 ELSE 0 END AS ${f}__zone_length`,
  ]),
  '    ',
)}
  FROM shaped
),
timestamp_zones AS (
  -- Milliseconds (the fraction truncated or padded to 3 digits) and the zone's offset.
  SELECT
    *,
${lines(
  ts.flatMap((f) => [
    `rpad(CASE WHEN substr(${f}__text, 20, 1) = '.' THEN substr(${f}__text, 21, length(${f}__text) - 20 - ${f}__zone_length) ELSE '' END, 3, '0') AS ${f}__millis`,
    `CASE WHEN ${f}__zone_length = 6 THEN CAST(substr(${f}__text, length(${f}__text) - 4, 2) AS INT) ELSE 0 END AS ${f}__offset_hours`,
    `CASE WHEN ${f}__zone_length = 6 THEN CAST(substr(${f}__text, length(${f}__text) - 1, 2) AS INT) ELSE 0 END AS ${f}__offset_minutes`,
    `CASE WHEN ${f}__zone_length = 6 AND substr(${f}__text, length(${f}__text) - 5, 1) = '-' THEN -1 ELSE 1 END AS ${f}__offset_sign`,
  ]),
  '    ',
)}
  FROM timestamp_parts
),
timestamp_checked AS (
  -- The minute of the day in UTC (before or after the local day by at most one day), or NULL
  -- when the date or time does not exist.
  SELECT
    *,
${lines(
  ts.map(
    (f) => `CASE
      WHEN ${f}__year BETWEEN ${EVENT_TIME_YEARS.min - 1} AND ${EVENT_TIME_YEARS.max + 1}
        AND ${f}__month BETWEEN 1 AND 12
        AND ${f}__day BETWEEN 1 AND ${daysInMonth(f)}
        AND ${f}__hour <= 23 AND ${f}__minute <= 59 AND ${f}__second <= 59
        AND ${f}__offset_hours <= 23 AND ${f}__offset_minutes <= 59
      THEN ${f}__hour * 60 + ${f}__minute - ${f}__offset_sign * (${f}__offset_hours * 60 + ${f}__offset_minutes)
    END AS ${f}__utc_minutes`,
  ),
  '    ',
)}
  FROM timestamp_zones
),
timestamp_shifted AS (
  SELECT
    *,
${lines(
  ts.map(
    (f) =>
      `CASE WHEN ${f}__utc_minutes < 0 THEN -1 WHEN ${f}__utc_minutes >= 1440 THEN 1 WHEN ${f}__utc_minutes IS NOT NULL THEN 0 END AS ${f}__day_shift`,
  ),
  '    ',
)}
  FROM timestamp_checked
),
timestamp_utc AS (
  -- 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, which both engines cast to the same TIMESTAMP.
  SELECT
    *,
${lines(
  ts.map(
    (f) => `TRY_CAST(
      CAST(date_add(TRY_CAST(substr(${f}__text, 1, 10) AS DATE), ${f}__day_shift) AS STRING)
      || ' ' || lpad(CAST(CAST(floor((${f}__utc_minutes - ${f}__day_shift * 1440) / 60) AS INT) AS STRING), 2, '0')
      || ':' || lpad(CAST((${f}__utc_minutes - ${f}__day_shift * 1440) % 60 AS STRING), 2, '0')
      || ':' || substr(${f}__text, 18, 2)
      || '.' || ${f}__millis
      AS TIMESTAMP
    ) AS ${f}__utc`,
  ),
  '    ',
)}
  FROM timestamp_shifted
),
typed AS (
  SELECT
    *,
${lines(
  CHECKED_FIELDS.map((f) => `${typedValue(f)} AS ${f.name}__value`),
  '    ',
)}
  FROM timestamp_utc
)
SELECT
${lines(
  [
    ...CHURN_FIELDS.map((f) => `${f.name}__value AS ${f.name}`),
    `CASE\n${reasons.map((r) => `      ${r}`).join('\n')}\n    END AS reject_reason`,
    'source',
    `${INGEST_TIME.name}__value AS ${INGEST_TIME.name}`,
    'origin',
    ...names.map((f) => `raw_${f}`),
  ],
  '  ',
)}
FROM typed
`;
}

function renderCurateCustomers(): string {
  const kept = [...CHURN_FIELDS.map((f) => f.name), ...RAW_LINEAGE_COLUMNS];
  const order = [
    'event_time',
    'ingest_time',
    'source',
    'origin',
    ...CHURN_FIELDS.map((f) => f.name).filter((f) => f !== 'event_time' && f !== 'customer_id'),
  ];
  return `${header(`
curate_customers.sql: the curated customers table, one row per customer_id. The valid rows of
this run, unioned with the table as it stands, keep each customer's latest snapshot: the latest
event_time wins; a tie goes to the latest ingest_time, then to source and origin (descending:
'stream' before 'batch'), then to the other columns, so that both engines pick the same row even
among exact duplicates. NULLS LAST is spelled out: the engines' defaults differ.

Input views:
  validated: the output of curate_validated.sql (rows with a reject_reason are left out)
  previous_customers: the curated table before this run, the columns below (possibly empty)
Output columns:
  ${FIELD_LIST}, source STRING, ingest_time TIMESTAMP, origin STRING,
  snapshot_month STRING: 'YYYY-MM' of event_time (UTC), the partition column of the curated table.

${COMMON_SUBSET_LINE}
${GENERATED}
`)}WITH
candidates AS (
  SELECT
${lines(kept, '    ')}
  FROM validated
  WHERE reject_reason IS NULL
  UNION ALL
  SELECT
${lines(kept, '    ')}
  FROM previous_customers
),
ranked AS (
  SELECT
    *,
    ROW_NUMBER() OVER (
      PARTITION BY customer_id
      ORDER BY
${lines(
  order.map((c) => `${c} DESC NULLS LAST`),
  '        ',
)}
    ) AS snapshot_rank
  FROM candidates
)
SELECT
${lines(
  [
    ...kept,
    "CAST(year(event_time) AS STRING) || '-' || lpad(CAST(month(event_time) AS STRING), 2, '0') AS snapshot_month",
  ],
  '  ',
)}
FROM ranked
WHERE snapshot_rank = 1
`;
}

function renderCurateQuarantine(): string {
  return `${header(`
curate_quarantine.sql: the rows curate_validated.sql rejected, with every value as it was
received, so nothing is lost: the reason, the lineage, and each schema field as the STRING it
arrived as (not trimmed, not canonicalised).

Input view:
  validated: the output of curate_validated.sql
Output columns:
  reject_reason STRING, source STRING, origin STRING, ingest_time STRING (as received),
  ${RAW_FIELD_LIST} (all STRING, as received)

${COMMON_SUBSET_LINE}
${GENERATED}
`)}SELECT
${lines(
  [
    'reject_reason',
    'source',
    'origin',
    'raw_ingest_time AS ingest_time',
    ...CHURN_FIELDS.map((f) => `raw_${f.name} AS ${f.name}`),
  ],
  '  ',
)}
FROM validated
WHERE reject_reason IS NOT NULL
`;
}

function renderFeatures(): string {
  const manifest = featureManifest();
  const hexDigit = (i: number): string => `(instr('0123456789abcdef', substr(md5(customer_id), ${i}, 1)) - 1)`;
  const columns = manifest.columns.map((c) => {
    switch (c.encoding) {
      case 'numeric':
        return `c.${c.source} AS ${c.name}`;
      case 'boolean':
        return `CASE WHEN c.${c.source} THEN 1 WHEN NOT c.${c.source} THEN 0 END AS ${c.name}`;
      case 'one-hot':
        return `CASE WHEN c.${c.source} = ${literal(c.category ?? '')} THEN 1 ELSE 0 END AS ${c.name}`;
    }
  });
  const groups = [...new Set(manifest.columns.filter((c) => c.encoding === 'one-hot').map((c) => c.source))];
  return `${header(`
features.sql: the training data for the built-in XGBoost algorithm, from the curated customers.
Labelled customers only (${LABEL_COLUMN} NOT NULL). Output columns, in this order:
  ${LABEL_COLUMN} INT: the label, 0/1, first (XGBoost's CSV convention);
  the features (lib/etl/feature-manifest.ts, FEATURE_COLUMNS):
  - numeric, kept as they are: ${manifest.columns
    .filter((c) => c.encoding === 'numeric')
    .map((c) => c.name)
    .join(', ')};
    a NULL stays NULL (an empty CSV field, which XGBoost reads as missing);
  - boolean, 0/1 INT (NULL when missing): ${manifest.columns
    .filter((c) => c.encoding === 'boolean')
    .map((c) => c.name)
    .join(', ')};
  - nominal categories, one-hot, one 0/1 INT column per canonical value (<field>_<value>):
    ${groups.join(', ')}; a NULL category is all zeros in its group.
  No category of this schema is ordinal (no order among states, area codes or genders), so none
  is encoded as a rank; booleans are 0/1 and counts are already numbers.
  split STRING: 'train', 'validation' or 'test', last (the job writes each split without it).
Dropped:
${manifest.dropped.map((d) => `  - ${d.name}: ${d.reason}`).join('\n')}
The split is by customer and stable. bucket = the first 3 hex digits of md5(customer_id) read as
a number, 0..${SPLIT_BUCKETS - 1}, by instr/substr arithmetic (md5 gives the same digits on both engines, unlike
hash(), which is Murmur3 on Spark only; conv() is missing from DuckDB). Then:
  train if bucket < train_fraction * ${SPLIT_BUCKETS},
  validation if bucket < (train_fraction + validation_fraction) * ${SPLIT_BUCKETS},
  test otherwise.

Input views:
  customers: the curated table (curate_customers.sql's columns)
  split_config: one row (train_fraction DOUBLE, validation_fraction DOUBLE)
Rows are ordered by customer_id, so the files are the same from run to run.

${COMMON_SUBSET_LINE}
Generated from lib/etl/feature-manifest.ts by test/etl/sql.ts (npx tsx test/etl/sql.ts --write);
a test fails when this file and its rendering differ.
`)}SELECT
${lines(
  [
    `CASE WHEN c.${LABEL_COLUMN} THEN 1 ELSE 0 END AS ${LABEL_COLUMN}`,
    ...columns,
    `CASE
    WHEN c.split_bucket < s.train_fraction * ${SPLIT_BUCKETS} THEN 'train'
    WHEN c.split_bucket < (s.train_fraction + s.validation_fraction) * ${SPLIT_BUCKETS} THEN 'validation'
    ELSE 'test'
  END AS split`,
  ],
  '  ',
)}
FROM (
  SELECT
    *,
    ${hexDigit(1)} * 256 + ${hexDigit(2)} * 16 + ${hexDigit(3)} AS split_bucket
  FROM customers
  WHERE ${LABEL_COLUMN} IS NOT NULL
) AS c
CROSS JOIN split_config AS s
ORDER BY c.customer_id
`;
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

/** Each SQL file's text as the schema and the feature manifest imply it. */
export function renderSql(): Record<SqlFile, string> {
  return {
    'curate_validated.sql': renderCurateValidated(),
    'curate_customers.sql': renderCurateCustomers(),
    'curate_quarantine.sql': renderCurateQuarantine(),
    'features.sql': renderFeatures(),
  };
}

if (require.main === module && process.argv.includes('--write')) {
  fs.mkdirSync(SQL_DIR, { recursive: true });
  for (const [file, text] of Object.entries(renderSql())) {
    fs.writeFileSync(path.join(SQL_DIR, file), text);
    console.log(`wrote ${path.relative(process.cwd(), path.join(SQL_DIR, file))}`);
  }
}
