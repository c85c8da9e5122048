/**
 * The pieces every rendered SQL file is written with: literals and patterns in the common subset of
 * Spark SQL and DuckDB, indented lists, the `--` header block and the column lists of the schema.
 */
import { CHURN_FIELDS, type FieldSpec } from '../schema/churn';

/** The line every SQL file's header carries. */
export const COMMON_SUBSET_LINE =
  'Written in the common subset of Spark SQL (Glue 5.0, Spark 3.5) and DuckDB: the job runs it with spark.sql, the tests with DuckDB.';

/** The lineage columns the curate job adds to the schema's fields in `raw_records`. */
export const RAW_LINEAGE_COLUMNS = ['source', 'ingest_time', 'origin'] as const;

/**
 * Who the files' headers say wrote them. It names the renderer's old home and command (and
 * features.sql names the feature manifest's old home, lib/etl/): kept as the checked-in files have
 * it, so that moving the renderer to lib/ changed no byte of them. Naming `lib/etl/sql.ts
 * (npm run generate)` here is a separate change: it rewrites the four files' headers, and so the
 * Glue jobs' script assets.
 */
export const GENERATED_BY = 'lib/etl/sql.ts (npm run generate)';

/** An SQL string literal. Spark and DuckDB escape quotes differently, so a value may hold none. */
export function literal(value: string): string {
  if (/['\\]/.test(value)) {
    throw new Error(`${JSON.stringify(value)} holds a quote or backslash: no literal form is common to both engines`);
  }
  return `'${value}'`;
}

/**
 * A schema pattern in the regular-expression subset Java (Spark) and RE2 (DuckDB) read alike:
 * `\d` becomes `[0-9]`; any other backslash is refused (string literals escape it differently).
 */
export function commonPattern(pattern: RegExp): string {
  if (pattern.flags.replace(/[gy]/g, '') !== '') {
    throw new Error(`pattern /${pattern.source}/${pattern.flags}: flags have no common form`);
  }
  const source = pattern.source.replace(/\\d/g, '[0-9]');
  if (source.includes('\\') || !source.startsWith('^') || !source.endsWith('$')) {
    throw new Error(`pattern /${pattern.source}/ must be anchored and use no escapes other than \\d`);
  }
  return literal(source);
}

/** Whether `text` fully matches `pattern`: the match replaced by nothing leaves nothing. */
export function matches(text: string, pattern: string): string {
  return `regexp_replace(${text}, ${pattern}, '') = ''`;
}

/** Items one per line, each indented, separated by `separator` (a comma) but the last. */
export function lines(items: readonly string[], indent: string, separator = ','): string {
  return items.map((item, i) => `${indent}${item}${i < items.length - 1 ? separator : ''}`).join('\n');
}

/** The SQL type a schema field is curated as. */
const SQL_TYPE: Record<FieldSpec['type'], string> = {
  string: 'STRING',
  category: 'STRING',
  integer: 'INT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

/** The curated columns, `name TYPE, ...`, as a header lists them. */
export const FIELD_LIST = CHURN_FIELDS.map((f) => `${f.name} ${SQL_TYPE[f.type]}`).join(', ');
/** The schema fields' names, `a, b, ...`, as a header lists the raw (STRING) columns. */
export const RAW_FIELD_LIST = CHURN_FIELDS.map((f) => f.name).join(', ');

/** A `--` comment block; lines longer than 100 characters wrap, their continuation indented. */
export function header(text: string): string {
  return `${text
    .trim()
    .split('\n')
    .flatMap((line) => (line === COMMON_SUBSET_LINE ? [line] : wrap(line, 100)))
    .map((line) => `--${line === '' ? '' : ` ${line}`}`)
    .join('\n')}\n`;
}

/** A line cut at spaces to at most `width` characters where it can be; continuations indented two more. */
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

/** The note under a header of a file rendered from the schema. */
export const GENERATED = `Generated from lib/schema/churn.ts by ${GENERATED_BY};
a test fails when this file and its rendering differ.`;
