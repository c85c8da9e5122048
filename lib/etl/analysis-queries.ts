/**
 * The "visualise and analyse" step: descriptive-statistics queries over the curated `customers`
 * table, one SQL file each under `glue/sql/analysis/`, listed here so that the CDK stack can create
 * one Athena named query per entry (with the curated database as the query's database, since the
 * files name the table unqualified).
 *
 * Athena engine v3 runs the files; the tests run the very same text in DuckDB on generated
 * customers. The files stay inside what both dialects agree on, with one exception: quantiles.
 * Trino spells them `approx_percentile`, DuckDB `quantile_cont` (or `approx_quantile`), and neither
 * engine knows the other's name. Rather than rewrite the SQL text for the tests, `DUCKDB_SHIMS`
 * gives DuckDB a macro of the Trino name, so the files run unchanged on both engines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One analysis query, as an Athena named query is made of it. */
export interface AnalysisQuery {
  /** The named query's name: lower-case words joined by hyphens, unique, at most 128 characters. */
  readonly name: string;
  /** What the query answers, for the named query's description (at most 1,024 characters). */
  readonly description: string;
  /** The SQL file's name, in `glue/sql/analysis/`. */
  readonly file: string;
  /**
   * The file's text: one Trino (Athena engine v3) SELECT statement without a trailing semicolon,
   * led by a comment that says what it answers and which of its functions DuckDB shares.
   */
  readonly sql: string;
}

/** The folder of the analysis SQL files. */
export const ANALYSIS_SQL_DIR = path.join(__dirname, '..', '..', 'glue', 'sql', 'analysis');

/** The analysis queries, in the order a reader would run them. */
export const ANALYSIS_QUERIES: readonly AnalysisQuery[] = [
  analysisQuery(
    'churn-describe-numeric',
    'describe_numeric.sql',
    'Per numeric column of the curated customers: count, mean, standard deviation, min, quartiles, max.',
  ),
  analysisQuery(
    'churn-missing-counts',
    'missing_counts.sql',
    'Per column of the curated customers: how many values are NULL, and their share of the rows.',
  ),
  analysisQuery(
    'churn-category-frequencies',
    'category_frequencies.sql',
    'Per nominal and boolean column of the curated customers and value (NULL included): count and share.',
  ),
  analysisQuery(
    'churn-correlation',
    'churn_correlation.sql',
    "Each numeric and boolean feature's Pearson correlation with churn (as 0/1), over labelled customers.",
  ),
  analysisQuery(
    'churn-outliers-iqr',
    'outliers_iqr.sql',
    'Per numeric column of the curated customers: quartiles, IQR, 1.5 x IQR fences, counts below and above.',
  ),
];

/** A DuckDB stand-in for a Trino function that the analysis queries use and DuckDB lacks. */
export interface DuckDbShim {
  /** The Trino function's name, as the SQL files call it. */
  readonly trinoFunction: string;
  /** The DuckDB statement that defines a macro of that name; run it before the queries. */
  readonly sql: string;
  /** How the stand-in's answer differs from Trino's. */
  readonly difference: string;
}

/**
 * What DuckDB needs to run the analysis files unchanged (the tests' only concession to the
 * dialects): no SQL text is rewritten.
 */
export const DUCKDB_SHIMS: readonly DuckDbShim[] = [
  {
    trinoFunction: 'approx_percentile',
    sql: 'CREATE OR REPLACE MACRO approx_percentile(x, p) AS quantile_cont(x, p)',
    difference:
      "Trino's approx_percentile estimates the percentile from a sketch; DuckDB's quantile_cont is exact, " +
      'interpolating linearly between the two nearest values (position (n - 1) * p in sorted order).',
  },
];

function analysisQuery(name: string, file: string, description: string): AnalysisQuery {
  const sql = fs.readFileSync(path.join(ANALYSIS_SQL_DIR, file), 'utf8');
  return { name, description, file, sql };
}
