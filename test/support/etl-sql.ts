/**
 * The checked-in Glue SQL (`glue/sql/*.sql`) as text, and a check of its form: the header every file
 * starts with, and no construct outside the common subset of Spark SQL and DuckDB (the job runs the
 * files with spark.sql, the tests with DuckDB).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMON_SUBSET_LINE, SQL_DIR, type SqlFile } from '../../lib/etl/sql';

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
