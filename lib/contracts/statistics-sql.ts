/**
 * The SQL that computes a statistics document (`./baseline-statistics.ts`), and the assembly of the
 * document from its result rows:
 * - the baseline query ({@link renderBaselineStatisticsQuery}): the training split's statistics,
 *   written to `glue/sql/baseline_statistics.sql` by `npm run generate` and run unchanged by Spark
 *   SQL in the features job and by DuckDB in the tests;
 * - the window query ({@link renderWindowStatisticsQuery}): a window of captured requests'
 *   statistics, on Athena (Trino), over the baseline's bin edges, rendered by the drift monitor
 *   from the baseline document of the model in service.
 *
 * Both answer rows of one long shape, {@link STATISTICS_RESULT_COLUMNS}: one row per statistic,
 * named by `section`, `name`, `statistic` and `position`. Long rather than one row per feature with
 * fixed columns, because the things counted vary in number (histogram bins: as many as a feature's
 * edges, one more; one-hot categories: 51 states but 2 genders), because one row shape is one
 * UNION ALL of uniform SELECTs that three engines type alike (strings, an INTEGER, a DOUBLE), and
 * because Athena hands every value back as text, which one reader ({@link statisticsFromRows},
 * {@link windowStatisticsFromRows}) parses. The rows are self-describing: they carry the feature
 * order, each one-hot category's value and column, and a row for every feature and category even
 * when it counts nothing, so that an assembler (this one, or the features job's in Python) needs
 * nothing but the rows.
 *
 * | section | name | statistic | position | category, column_name | value |
 * |---|---|---|---|---|---|
 * | `table` | `''` | `rows`, `too_few_columns`, `too_many_columns` | 0 | `''` | the count |
 * | `table` | a column | `column` | its index in the feature order | `''` | NULL |
 * | `numeric` | a feature | `count`, `missing`, `invalid` | 0 | `''` | the count |
 * | `numeric` | a feature | `mean`, `stddev` | 0 | `''` | the value, NULL when undefined |
 * | `numeric` | a feature | `quantile` | the percent | `''` | the value (no row without values) |
 * | `numeric` | a feature | `bin` | the bin's index | `''` | its count (no row for an empty bin) |
 * | `one-hot` | the source | `category` | its index in the group | its value, its column | the count |
 * | `one-hot` | the source | `missing`, `invalid` | 0 | `''` | the count |
 *
 * This module is bundled into the drift function: it imports only other contracts.
 */
import {
  type BaselineStatistics,
  BIN_EDGE_PERCENTS,
  binEdgesFromQuantiles,
  type CurrentStatistics,
  type NumericFeatureStatistics,
  type OneHotGroupStatistics,
  parseStatistics,
  QUANTILE_PERCENTS,
  STATISTICS_VERSION,
  StatisticsDocumentError,
} from './baseline-statistics';
import type { FeatureColumn } from './feature-manifest';
import { shown } from './shown';

/** The result columns of both statistics queries, in order. */
export const STATISTICS_RESULT_COLUMNS = [
  'section',
  'name',
  'statistic',
  'position',
  'category',
  'column_name',
  'value',
] as const;

/** The input view of the baseline query: the training split's feature columns, typed (INT or DOUBLE). */
export const BASELINE_INPUT_VIEW = 'baseline_rows';

/**
 * The column of the window query's input relation that holds how many CSV fields the captured
 * request had: a row whose count is not the number of the baseline's columns is malformed (too few
 * or too many columns) and is counted, not described.
 */
export const FIELD_COUNT_COLUMN = 'field_count';

/**
 * A result row as an engine hands it back: DuckDB's JS values (numbers, `bigint`, null), or
 * Athena's text (every value a string, a NULL absent or, in a result CSV file, empty). Checked, not
 * trusted: a value of another type is an error that names it.
 */
export type StatisticsResultRow = Readonly<Record<string, unknown>>;

// ---------------------------------------------------------------------------------------------
// Rendering

/** A name the queries write unquoted: lower-case letters, digits and `_`, not starting with a digit. */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * A column name checked before it is written into a query: a baseline document comes from S3, and
 * a name is SQL text once rendered, so only plain identifiers are let through.
 */
function identifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name) || name === FIELD_COUNT_COLUMN) {
    throw new StatisticsDocumentError(
      `${what} is ${shown(name)}; expected a plain column name (lower-case letters, digits and _, not starting ` +
        `with a digit) other than ${FIELD_COUNT_COLUMN}`,
    );
  }
  return name;
}

/**
 * A string literal. Spark unescapes backslashes in literals and the others do not, and a quote
 * would end the literal, so a value may hold neither (category values are canonical codes).
 */
function literal(value: string, what: string): string {
  if (/['\\]/.test(value) || [...value].some((ch) => ch.charCodeAt(0) < 0x20)) {
    throw new StatisticsDocumentError(
      `${what} is ${shown(value)}; expected text without quotes, backslashes or control characters`,
    );
  }
  return `'${value}'`;
}

/**
 * A DOUBLE literal that every engine reads as the same double: the shortest exponent form that
 * round-trips (`1.5E2`, `-2E-1`). With an exponent it is a DOUBLE in Trino, Spark and DuckDB alike
 * (without one, Trino and Spark read a DECIMAL).
 */
function doubleLiteral(value: number): string {
  if (!Number.isFinite(value)) {
    throw new StatisticsDocumentError(`a bin edge is ${shown(value)}; expected a finite number`);
  }
  return (value === 0 ? 0 : value).toExponential().toUpperCase().replace('E+', 'E');
}

function indented(items: readonly string[], indent: string, separator: string): string {
  return items.map((item) => `${indent}${item}`).join(`${separator}\n`);
}

/**
 * `(VALUES (...), ...) AS alias(columns)`; when there are no rows (VALUES needs one), `empty`'s
 * literals give the columns their types in a relation that is filtered to nothing.
 */
function valuesRelation(
  alias: string,
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  empty: readonly string[],
): string {
  if (rows.length === 0) {
    const typed = columns.map((c, i) => `${empty[i] ?? "''"} AS ${c}`).join(', ');
    return `(SELECT ${typed} FROM (VALUES (0)) AS z(x) WHERE x = 1) AS ${alias}`;
  }
  return `(\n    VALUES\n${indented(
    rows.map((r) => `(${r.join(', ')})`),
    '      ',
    ',',
  )}\n  ) AS ${alias}(${columns.join(', ')})`;
}

/** A one-hot group as the queries see it: its source and its columns' categories, in column order. */
interface Group {
  readonly source: string;
  readonly members: readonly { readonly column: string; readonly category: string }[];
}

/** What both queries are rendered from. */
interface QueryPlan {
  /** The feature order: every column of the document. */
  readonly columns: readonly string[];
  /** The numeric (and 0/1 boolean) features, in column order. */
  readonly numeric: readonly string[];
  readonly groups: readonly Group[];
}

/**
 * The CTE `parsed`'s columns for column `i`: `v_i`, its value as a DOUBLE (NULL unless a number),
 * and `k_i`, its kind: 0 a value, 1 missing, 2 invalid. Indexed names, so that no column name can
 * clash with the query's own.
 */
const valueOf = (i: number): string => `v_${i}`;
const kindOf = (i: number): string => `k_${i}`;

/**
 * The query both renderers share, around the parts that differ: how a column is read (`parsed`),
 * how quantiles are computed (`feature_quantiles`, with columns `name, q0 … q100`), how a value
 * finds its bin (`binned`, with columns `name, bin`), and the table counts.
 */
function renderQuery(
  plan: QueryPlan,
  parts: {
    readonly parsed: string;
    readonly quantiles: string;
    readonly binned: string;
    readonly tableCounts: string;
  },
): string {
  const index = new Map(plan.columns.map((c, i) => [c, i]));
  const at = (column: string): number => index.get(column) ?? -1;
  const cells = plan.numeric.map(
    (name) =>
      `SELECT ${literal(name, 'a feature')} AS name, ${valueOf(at(name))} AS value, ${kindOf(at(name))} AS kind FROM parsed`,
  );
  // One row per well-formed row and group: the index of its category, -1 for none (missing), -2
  // for what the encoding cannot produce (invalid), checked in the reference's order.
  const outcomes = plan.groups.map((group) => {
    const members = group.members.map((m) => at(m.column));
    const valid = members.map((i) => `(${kindOf(i)} = 1 OR (${kindOf(i)} = 0 AND ${valueOf(i)} IN (0, 1)))`);
    const ones = members.map((i) => `CASE WHEN ${valueOf(i)} = 1 THEN 1 ELSE 0 END`);
    return [
      `SELECT ${literal(group.source, 'a one-hot source')} AS source, CASE`,
      `    WHEN NOT (${valid.join('\n      AND ')}) THEN -2`,
      `    WHEN ${ones.join('\n      + ')} > 1 THEN -2`,
      ...members.map((i, position) => `    WHEN ${valueOf(i)} = 1 THEN ${position}`),
      `    ELSE -1`,
      `  END AS outcome FROM parsed`,
    ].join('\n');
  });
  // The numeric section in one SELECT: every feature crossed with every statistic it has, its
  // value picked by a CASE (a quantile row only when the feature has values). One branch, not one
  // per statistic: Spark plans each branch of a UNION ALL on its own and runs its joins as jobs of
  // their own, which made the baseline statistics 3 to 4 times slower (docs/development.md).
  const numericStatistics = [
    ...(['count', 'missing', 'invalid', 'mean', 'stddev'] as const).map((s) => [`'${s}'`, '0']),
    ...QUANTILE_PERCENTS.map((p) => ["'quantile'", String(p)]),
  ];
  const numericValue = [
    `WHEN k.statistic = 'count' THEN CAST(COALESCE(s.n, 0) AS DOUBLE)`,
    `WHEN k.statistic = 'missing' THEN CAST(COALESCE(s.missing, 0) AS DOUBLE)`,
    `WHEN k.statistic = 'invalid' THEN CAST(COALESCE(s.invalid, 0) AS DOUBLE)`,
    `WHEN k.statistic = 'mean' THEN s.mean`,
    `WHEN k.statistic = 'stddev' THEN s.deviation`,
    ...QUANTILE_PERCENTS.map((p) => `WHEN k.position = ${p} THEN q.q${p}`),
  ];
  const columnRows = plan.columns.map((c, i) => [literal(c, 'a column'), String(i)]);
  const featureRows = plan.numeric.map((name) => [literal(name, 'a feature')]);
  // The one-hot section in one SELECT too: each category, and each group's missing and invalid
  // counts, with the outcome it counts.
  const oneHotRows = plan.groups.flatMap((g) => {
    const source = literal(g.source, 'a one-hot source');
    return [
      ...g.members.map((m, position) => [
        source,
        "'category'",
        String(position),
        literal(m.category, 'a category'),
        literal(m.column, 'a one-hot column'),
        String(position),
      ]),
      [source, "'missing'", '0', "''", "''", '-1'],
      [source, "'invalid'", '0', "''", "''", '-2'],
    ];
  });

  return `WITH parsed AS (
${parts.parsed}
),
cells AS (
${indented(cells.length === 0 ? [`SELECT '' AS name, CAST(NULL AS DOUBLE) AS value, 0 AS kind FROM parsed WHERE 1 = 0`] : cells, '  ', '\n  UNION ALL')}
),
feature_summary AS (
  SELECT
    name,
    SUM(CASE WHEN kind = 0 THEN 1 ELSE 0 END) AS n,
    SUM(CASE WHEN kind = 1 THEN 1 ELSE 0 END) AS missing,
    SUM(CASE WHEN kind = 2 THEN 1 ELSE 0 END) AS invalid,
    AVG(value) AS mean,
    STDDEV_SAMP(value) AS deviation
  FROM cells
  GROUP BY name
),
feature_quantiles AS (
${parts.quantiles}
),
binned AS (
${parts.binned}
),
bins AS (
  SELECT name, bin, COUNT(*) AS n FROM binned GROUP BY name, bin
),
outcomes AS (
${indented(outcomes.length === 0 ? [`SELECT '' AS source, -1 AS outcome FROM parsed WHERE 1 = 0`] : outcomes, '  ', '\n  UNION ALL')}
),
outcome_counts AS (
  SELECT source, outcome, COUNT(*) AS n FROM outcomes GROUP BY source, outcome
),
column_list AS (
  SELECT * FROM ${valuesRelation('c', ['name', 'position'], columnRows, ["''", '0'])}
),
numeric_features AS (
  SELECT * FROM ${valuesRelation('f', ['name'], featureRows, ["''"])}
),
numeric_statistics AS (
  SELECT * FROM ${valuesRelation('k', ['statistic', 'position'], numericStatistics, ["''", '0'])}
),
one_hot_rows AS (
  SELECT * FROM ${valuesRelation('r', ['source', 'statistic', 'position', 'category', 'column_name', 'outcome'], oneHotRows, ["''", "''", '0', "''", "''", '0'])}
),
numeric_rows AS (
  SELECT
    f.name,
    k.statistic,
    k.position,
    CASE
${indented(numericValue, '      ', '')}
    END AS value
  FROM numeric_features AS f
  CROSS JOIN numeric_statistics AS k
  LEFT JOIN feature_summary AS s ON s.name = f.name
  LEFT JOIN feature_quantiles AS q ON q.name = f.name
)
${parts.tableCounts}
UNION ALL
SELECT 'table', name, 'column', position, '', '', CAST(NULL AS DOUBLE) FROM column_list
${[
  `SELECT 'numeric', name, statistic, position, '', '', value FROM numeric_rows WHERE statistic <> 'quantile' OR value IS NOT NULL`,
  `SELECT 'numeric', name, 'bin', CAST(bin AS INTEGER), '', '', CAST(n AS DOUBLE) FROM bins`,
  `SELECT 'one-hot', r.source, r.statistic, r.position, r.category, r.column_name, CAST(COALESCE(o.n, 0) AS DOUBLE) FROM one_hot_rows AS r LEFT JOIN outcome_counts AS o ON o.source = r.source AND o.outcome = r.outcome`,
]
  .map((row) => `UNION ALL\n${row}`)
  .join('\n')}
`;
}

/** The plan of the baseline query: the manifest's features, groups in the order of their first column. */
function baselinePlan(features: readonly FeatureColumn[]): QueryPlan {
  const columns = features.map((f) => identifier(f.name, 'a feature column'));
  const repeated = columns.find((c, i) => columns.indexOf(c) !== i);
  if (repeated !== undefined) {
    throw new StatisticsDocumentError(`feature column ${shown(repeated)} is listed twice; expected each once`);
  }
  const sources = [...new Set(features.filter((f) => f.encoding === 'one-hot').map((f) => f.source))];
  return {
    columns,
    numeric: features.filter((f) => f.encoding !== 'one-hot').map((f) => f.name),
    groups: sources.map((source) => ({
      source,
      members: features
        .filter((f) => f.encoding === 'one-hot' && f.source === source)
        .map((f) => ({ column: f.name, category: f.category ?? f.name })),
    })),
  };
}

/**
 * The baseline statistics query: the statement of `glue/sql/baseline_statistics.sql` (the generator
 * adds the header). It reads view {@link BASELINE_INPUT_VIEW}, one typed column per feature column
 * (a value, or NULL for missing; nothing is invalid in typed data), and answers the rows of
 * {@link STATISTICS_RESULT_COLUMNS}, in the common subset of Spark SQL (3.5) and DuckDB.
 *
 * Quantiles are exact type 1 (`QUANTILE_PERCENTS`' definition) by integer arithmetic, not by the
 * engines' `percentile_disc`: the `p`-percent quantile of `n` values is the value at the smallest
 * rank `r` (1-based, ascending) with `100 r >= p n`, which is `max(1, ceil(p n / 100))`. Integer
 * comparisons make that exact on every engine, whatever each does with a floating-point position
 * (Spark's `percentile_disc` was wrong before 3.5, SPARK-44871). The histogram counts each value
 * over the edges its own quantiles give (`binEdgesFromQuantiles`' rule, written out in SQL): its bin
 * is how many edges are at or below it (left-closed bins, open outer bins).
 */
export function renderBaselineStatisticsQuery(features: readonly FeatureColumn[]): string {
  const plan = baselinePlan(features);
  const parsed = plan.columns.flatMap((c, i) => [
    `CAST(${c} AS DOUBLE) AS ${valueOf(i)}`,
    `CASE WHEN ${c} IS NULL THEN 1 ELSE 0 END AS ${kindOf(i)}`,
  ]);
  // binEdgesFromQuantiles' rule over the columns of feature_quantiles: every quantile 0 or 1 gives
  // edges 0 and 1; otherwise each decile that is above the one before it is an edge, and the
  // maximum is one when all the deciles are one value (the first equals the last) below it.
  const first = BIN_EDGE_PERCENTS[0];
  const last = BIN_EDGE_PERCENTS[BIN_EDGE_PERCENTS.length - 1];
  const zeroOne = QUANTILE_PERCENTS.map((p) => `q.q${p} IN (0, 1)`).join('\n        AND ');
  const decileTerms = BIN_EDGE_PERCENTS.map((p, i) => {
    const previous = BIN_EDGE_PERCENTS[i - 1];
    return previous === undefined
      ? `CASE WHEN c.value >= q.q${p} THEN 1 ELSE 0 END`
      : `CASE WHEN q.q${p} > q.q${previous} AND c.value >= q.q${p} THEN 1 ELSE 0 END`;
  });
  const binTerms = [
    ...decileTerms,
    `CASE WHEN q.q${first} = q.q${last} AND q.q100 > q.q${last} AND c.value >= q.q100 THEN 1 ELSE 0 END`,
  ];
  return renderQuery(plan, {
    parsed: `  SELECT\n${indented(parsed, '    ', ',')}\n  FROM ${BASELINE_INPUT_VIEW}`,
    quantiles: `  SELECT
    name,
${indented(
  QUANTILE_PERCENTS.map((p) => `MIN(CASE WHEN 100 * rank_of_value >= ${p} * n THEN value END) AS q${p}`),
  '    ',
  ',',
)}
  FROM (
    SELECT
      name,
      value,
      CAST(ROW_NUMBER() OVER (PARTITION BY name ORDER BY value) AS BIGINT) AS rank_of_value,
      COUNT(*) OVER (PARTITION BY name) AS n
    FROM cells
    WHERE kind = 0
  ) AS ranked
  GROUP BY name`,
    binned: `  SELECT
    c.name,
    CASE
      WHEN ${zeroOne}
        THEN CASE WHEN c.value >= 1 THEN 2 WHEN c.value >= 0 THEN 1 ELSE 0 END
      ELSE ${binTerms.join('\n        + ')}
    END AS bin
  FROM cells AS c
  JOIN feature_quantiles AS q ON q.name = c.name
  WHERE c.kind = 0`,
    tableCounts: [
      `SELECT 'table' AS section, '' AS name, 'rows' AS statistic, 0 AS position, '' AS category, '' AS column_name, CAST(COUNT(*) AS DOUBLE) AS value FROM ${BASELINE_INPUT_VIEW}`,
      `UNION ALL`,
      `SELECT 'table', '', 'too_few_columns', 0, '', '', CAST(0 AS DOUBLE)`,
      `UNION ALL`,
      `SELECT 'table', '', 'too_many_columns', 0, '', '', CAST(0 AS DOUBLE)`,
    ].join('\n'),
  });
}

/**
 * What a numeric field of a captured request may hold: a decimal number with an optional exponent
 * (the reference's rule, `lambda/drift/describe.ts`). Written with classes rather than escapes, so
 * that Trino's Java-style and DuckDB's RE2 patterns read it alike; anchored, and tested as a full
 * match by `regexp_replace(text, pattern, '') = ''` (DuckDB has no `regexp_like`). Trino's cast
 * alone would also take `NaN`, `Infinity`, `1d` and hex floats, which the reference calls invalid.
 */
const DECIMAL_PATTERN = '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$';

/** The largest finite double: a value beyond it (`1e400` casts to Infinity in Trino) is not finite. */
const MAX_DOUBLE = '1.7976931348623157E308';

/** The baseline's plan, for a window over its columns; every name checked before it becomes SQL. */
function windowPlan(baseline: BaselineStatistics): QueryPlan {
  const columns = baseline.columns.map((c) => identifier(c, 'a baseline column'));
  const numeric = baseline.numeric.map((f) => identifier(f.name, 'a baseline feature'));
  const groups = baseline.oneHot.map((g) => ({
    source: g.source,
    members: g.categories.map((c) => ({
      column: identifier(c.column, 'a baseline one-hot column'),
      category: c.category,
    })),
  }));
  const described = [...numeric, ...groups.flatMap((g) => g.members.map((m) => m.column))];
  const unknown = described.find((name) => !columns.includes(name));
  if (unknown !== undefined) {
    throw new StatisticsDocumentError(`baseline feature ${shown(unknown)} is not one of its columns`);
  }
  return { columns, numeric, groups };
}

/**
 * The statistics query of a window of captured requests, for Athena (Trino; run on DuckDB in the
 * tests with one stand-in, below), answering the rows of {@link STATISTICS_RESULT_COLUMNS}, from
 * which {@link windowStatisticsFromRows} assembles the `current` document.
 *
 * `rowsRelation` is SQL text naming the requests (a table, a view, or a parenthesised query; the
 * caller's own text, not data): one row per captured request with
 * - one VARCHAR column per column of `baseline.columns`, named as there, holding the request's CSV
 *   field as text (NULL or empty for an empty field), and
 * - {@link FIELD_COUNT_COLUMN}, the number of fields the request's CSV line had: a row whose count
 *   is not `baseline.columns.length` is counted as too few or too many columns (NULL counts as too
 *   few) and not described.
 *
 * A field is missing when empty after trimming spaces, a value when it is a decimal number that is
 * finite as a double (`regexp_replace`, `try_cast`), and invalid otherwise. Mean, `stddev_samp`,
 * counts, the one-hot frequencies and the histogram over the BASELINE's edges (copied into the
 * query as literals) are exact. Quantiles are Trino's `approx_percentile` over one digest per
 * feature (so they increase with the percent), held within the exact minimum and maximum, which
 * are the 0 and 100 percent quantiles: approximate, shown in the report, and no verdict depends on
 * them.
 *
 * Athena engine version 3's functions are Trino's
 * (https://docs.aws.amazon.com/athena/latest/ug/functions-env3.html). Relied on, from the Trino
 * documentation (https://trino.io/docs/current/): `approx_percentile(x, percentages) ->
 * array<[same as x]>`, one array from one pass, and `avg`, `stddev_samp`, `min`, `max`, `count`
 * (functions/aggregate.html); `try_cast`, null when the cast fails (functions/conversion.html);
 * `regexp_replace(string, pattern, replacement)` (functions/regexp.html); `trim`
 * (functions/string.html); `greatest`, `least` (functions/comparison.html); a number with an
 * exponent, `1.03e1`, is a DOUBLE literal (language/types.html). Array subscripts start at 1 in
 * Trino and DuckDB alike.
 *
 * @throws StatisticsDocumentError when a name of the baseline is not a plain column name or a
 *   category holds a quote (a document from S3 is data: nothing of it is written into SQL unchecked)
 */
export function renderWindowStatisticsQuery(baseline: BaselineStatistics, rowsRelation: string): string {
  if (rowsRelation.trim() === '') {
    throw new StatisticsDocumentError('the rows relation is empty; expected a table name or a parenthesised query');
  }
  const plan = windowPlan(baseline);
  const width = plan.columns.length;
  const text = (c: string): string => `TRIM(${c})`;
  const valid = (c: string): string =>
    `regexp_replace(${text(c)}, '${DECIMAL_PATTERN}', '') = '' AND ABS(TRY_CAST(${text(c)} AS DOUBLE)) <= ${MAX_DOUBLE}`;
  const parsed = plan.columns.flatMap((c, i) => [
    `CASE WHEN ${valid(c)} THEN TRY_CAST(${text(c)} AS DOUBLE) END AS ${valueOf(i)}`,
    `CASE WHEN ${c} IS NULL OR ${text(c)} = '' THEN 1 WHEN ${valid(c)} THEN 0 ELSE 2 END AS ${kindOf(i)}`,
  ]);
  const interior = QUANTILE_PERCENTS.filter((p) => p !== 0 && p !== 100);
  const quantileColumns = QUANTILE_PERCENTS.map((p) => {
    if (p === 0) {
      return 'low AS q0';
    }
    if (p === 100) {
      return 'high AS q100';
    }
    return `LEAST(GREATEST(approximate[${interior.indexOf(p) + 1}], low), high) AS q${p}`;
  });
  const edgesOf = new Map(baseline.numeric.map((f) => [f.name, f.histogram.edges]));
  const binned = plan.numeric.map((name) => {
    const i = plan.columns.indexOf(name);
    const edges = edgesOf.get(name) ?? [];
    const bin =
      edges.length === 0
        ? '0'
        : `CASE ${edges.map((e, b) => `WHEN ${valueOf(i)} < ${doubleLiteral(e)} THEN ${b}`).join(' ')} ELSE ${edges.length} END`;
    return `SELECT ${literal(name, 'a feature')} AS name, ${bin} AS bin FROM parsed WHERE ${kindOf(i)} = 0`;
  });
  const captured = `${rowsRelation} AS captured`;
  return renderQuery(plan, {
    parsed: `  SELECT\n${indented(parsed, '    ', ',')}\n  FROM ${captured}\n  WHERE ${FIELD_COUNT_COLUMN} = ${width}`,
    quantiles: `  SELECT
    name,
${indented(quantileColumns, '    ', ',')}
  FROM (
    SELECT
      name,
      MIN(value) AS low,
      MAX(value) AS high,
      approx_percentile(value, ARRAY[${interior.map((p) => doubleLiteral(p / 100)).join(', ')}]) AS approximate
    FROM cells
    WHERE kind = 0
    GROUP BY name
  ) AS a`,
    binned: indented(
      binned.length === 0 ? [`SELECT '' AS name, 0 AS bin FROM parsed WHERE 1 = 0`] : binned,
      '  ',
      '\n  UNION ALL',
    ),
    tableCounts: [
      `SELECT 'table' AS section, '' AS name, 'rows' AS statistic, 0 AS position, '' AS category, '' AS column_name, CAST(COUNT(*) AS DOUBLE) AS value FROM ${captured}`,
      `UNION ALL`,
      `SELECT 'table', '', 'too_few_columns', 0, '', '', CAST(COUNT(*) AS DOUBLE) FROM ${captured} WHERE COALESCE(${FIELD_COUNT_COLUMN}, 0) < ${width}`,
      `UNION ALL`,
      `SELECT 'table', '', 'too_many_columns', 0, '', '', CAST(COUNT(*) AS DOUBLE) FROM ${captured} WHERE ${FIELD_COUNT_COLUMN} > ${width}`,
    ].join('\n'),
  });
}

// ---------------------------------------------------------------------------------------------
// Assembly

/** What the rows say about one numeric feature, as read. */
interface NumericRows {
  count?: number;
  missing?: number;
  invalid?: number;
  mean?: number | null;
  stddev?: number | null;
  readonly quantiles: Map<number, number>;
  readonly bins: Map<number, number>;
}

/** What the rows say about one one-hot group, as read. */
interface GroupRows {
  readonly categories: Map<number, { category: string; column: string; count: number }>;
  missing?: number;
  invalid?: number;
}

/** A field of row `r` as text: an engine's string (a NULL as ''). */
function textField(row: StatisticsResultRow, key: string, at: string): string {
  const value = row[key];
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value !== 'string') {
    throw new StatisticsDocumentError(`${at}.${key} is ${shown(value)}; expected text`);
  }
  return value;
}

/** A field of row `r` as a number, or null for SQL NULL (absent, or empty text in a result file). */
function numberField(row: StatisticsResultRow, key: string, at: string): number | null {
  const value = row[key];
  if (value === null || value === undefined || value === '') {
    return null;
  }
  const number =
    typeof value === 'number' || typeof value === 'bigint' || (typeof value === 'string' && value.trim() !== '')
      ? Number(value)
      : NaN;
  if (!Number.isFinite(number)) {
    throw new StatisticsDocumentError(`${at}.${key} is ${shown(value)}; expected a finite number or NULL`);
  }
  return number === 0 ? 0 : number; // -0 from a cast of '-0' is 0, as the reference reads it
}

function requiredNumber(row: StatisticsResultRow, key: string, at: string): number {
  const value = numberField(row, key, at);
  if (value === null) {
    throw new StatisticsDocumentError(`${at}.${key} is NULL; expected a number`);
  }
  return value;
}

function countField(row: StatisticsResultRow, key: string, at: string): number {
  const value = requiredNumber(row, key, at);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StatisticsDocumentError(
      `${at}.${key} is ${shown(row[key])}; expected a count (a whole number, 0 or more)`,
    );
  }
  return value;
}

function once<T>(current: T | undefined, value: T, at: string): T {
  if (current !== undefined) {
    throw new StatisticsDocumentError(`${at} repeats a statistic already read; expected each once`);
  }
  return value;
}

/**
 * The document the rows describe, of the given kind, with each histogram's edges from `edgesOf`;
 * checked by {@link parseStatistics}.
 */
function assemble(
  rows: readonly StatisticsResultRow[],
  kind: 'baseline' | 'current',
  edgesOf: (name: string, quantiles: NumericFeatureStatistics['quantiles']) => readonly number[],
) {
  const table: { rows?: number; tooFew?: number; tooMany?: number } = {};
  const columns = new Map<number, string>();
  const numeric = new Map<string, NumericRows>();
  const groups = new Map<string, GroupRows>();
  const numericOf = (name: string): NumericRows => {
    const found = numeric.get(name) ?? { quantiles: new Map<number, number>(), bins: new Map<number, number>() };
    numeric.set(name, found);
    return found;
  };
  const groupOf = (source: string): GroupRows => {
    const found = groups.get(source) ?? { categories: new Map() };
    groups.set(source, found);
    return found;
  };

  rows.forEach((row, r) => {
    const at = `statistics row ${r}`;
    const section = textField(row, 'section', at);
    const name = textField(row, 'name', at);
    const statistic = textField(row, 'statistic', at);
    const position = countField(row, 'position', at);
    const where = `${at} (${section} ${JSON.stringify(name)} ${statistic} ${position})`;
    if (section === 'table' && statistic === 'column') {
      columns.set(position, once(columns.get(position), name, where));
    } else if (section === 'table' && statistic === 'rows') {
      table.rows = once(table.rows, countField(row, 'value', where), where);
    } else if (section === 'table' && statistic === 'too_few_columns') {
      table.tooFew = once(table.tooFew, countField(row, 'value', where), where);
    } else if (section === 'table' && statistic === 'too_many_columns') {
      table.tooMany = once(table.tooMany, countField(row, 'value', where), where);
    } else if (section === 'numeric' && (statistic === 'count' || statistic === 'missing' || statistic === 'invalid')) {
      const feature = numericOf(name);
      feature[statistic] = once(feature[statistic], countField(row, 'value', where), where);
    } else if (section === 'numeric' && (statistic === 'mean' || statistic === 'stddev')) {
      const feature = numericOf(name);
      feature[statistic] = once(feature[statistic], numberField(row, 'value', where), where);
    } else if (section === 'numeric' && statistic === 'quantile') {
      const quantiles = numericOf(name).quantiles;
      quantiles.set(position, once(quantiles.get(position), requiredNumber(row, 'value', where), where));
    } else if (section === 'numeric' && statistic === 'bin') {
      const bins = numericOf(name).bins;
      bins.set(position, once(bins.get(position), countField(row, 'value', where), where));
    } else if (section === 'one-hot' && statistic === 'category') {
      const categories = groupOf(name).categories;
      const category = {
        category: textField(row, 'category', where),
        column: textField(row, 'column_name', where),
        count: countField(row, 'value', where),
      };
      categories.set(position, once(categories.get(position), category, where));
    } else if (section === 'one-hot' && (statistic === 'missing' || statistic === 'invalid')) {
      const group = groupOf(name);
      group[statistic] = once(group[statistic], countField(row, 'value', where), where);
    } else {
      throw new StatisticsDocumentError(`${where} is not a statistic of the document`);
    }
  });

  const tableCount = (value: number | undefined, statistic: string): number => {
    if (value === undefined) {
      throw new StatisticsDocumentError(`the statistics rows lack the table's ${statistic} row`);
    }
    return value;
  };
  const rowCount = tableCount(table.rows, 'rows');
  const malformedRows = {
    tooFewColumns: tableCount(table.tooFew, 'too_few_columns'),
    tooManyColumns: tableCount(table.tooMany, 'too_many_columns'),
  };
  const wellFormed = rowCount - malformedRows.tooFewColumns - malformedRows.tooManyColumns;
  const orderedColumns = [...columns.keys()].sort((a, b) => a - b).map((i) => columns.get(i) ?? '');
  const index = new Map(orderedColumns.map((c, i) => [c, i]));
  const fraction = (part: number): number => (wellFormed <= 0 ? 0 : part / wellFormed);
  const present = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) {
      throw new StatisticsDocumentError(`the statistics rows lack ${what}`);
    }
    return value;
  };

  const numericStatistics = [...numeric]
    .sort(([a], [b]) => (index.get(a) ?? Infinity) - (index.get(b) ?? Infinity))
    .map(([name, f]): NumericFeatureStatistics => {
      const count = present(f.count, `${name}'s count`);
      const missing = present(f.missing, `${name}'s missing count`);
      const quantiles =
        count === 0
          ? []
          : QUANTILE_PERCENTS.map((percent) => ({
              percent,
              value: present(f.quantiles.get(percent), `${name}'s ${percent} % quantile`),
            }));
      const edges = [...edgesOf(name, quantiles)];
      const counts = new Array<number>(edges.length + 1).fill(0);
      for (const [bin, n] of f.bins) {
        if (bin >= counts.length) {
          throw new StatisticsDocumentError(
            `${name}'s bin ${bin} has ${n} values; expected bins 0 to ${counts.length - 1} (${edges.length} edges)`,
          );
        }
        counts[bin] = n;
      }
      return {
        name,
        count,
        missing,
        missingFraction: fraction(missing),
        invalid: present(f.invalid, `${name}'s invalid count`),
        mean: f.mean ?? null,
        standardDeviation: f.stddev ?? null,
        quantiles,
        histogram: { edges, counts },
      };
    });
  const groupStatistics = [...groups]
    .map(([source, g]): OneHotGroupStatistics => {
      const positions = [...g.categories.keys()].sort((a, b) => a - b);
      const categories = positions.map((p) => g.categories.get(p) ?? { category: '', column: '', count: 0 });
      const missing = present(g.missing, `${source}'s missing count`);
      return {
        source,
        categories: categories.map((c) => ({ ...c, frequency: fraction(c.count) })),
        missing,
        missingFraction: fraction(missing),
        invalid: present(g.invalid, `${source}'s invalid count`),
      };
    })
    .sort(
      (a, b) =>
        (index.get(a.categories[0]?.column ?? '') ?? Infinity) - (index.get(b.categories[0]?.column ?? '') ?? Infinity),
    );
  return {
    version: STATISTICS_VERSION,
    kind,
    columns: orderedColumns,
    rows: rowCount,
    malformedRows,
    numeric: numericStatistics,
    oneHot: groupStatistics,
  };
}

/**
 * The baseline document from the rows of {@link renderBaselineStatisticsQuery} (any engine's
 * values: numbers, `bigint` or text), each histogram over the edges its own quantiles give
 * (`binEdgesFromQuantiles`).
 * @throws StatisticsDocumentError naming the row or statistic that is wrong, or the document check
 *   ({@link parseStatistics}) that fails
 */
export function statisticsFromRows(rows: readonly StatisticsResultRow[]): BaselineStatistics {
  return parseStatistics(
    assemble(rows, 'baseline', (_name, quantiles) => binEdgesFromQuantiles(quantiles)),
    'baseline',
  );
}

/**
 * The current document from the rows of {@link renderWindowStatisticsQuery} rendered from
 * `baseline` (Athena's values arrive as text), each histogram over the baseline's edges for that
 * feature.
 * @throws StatisticsDocumentError as {@link statisticsFromRows}
 */
export function windowStatisticsFromRows(
  rows: readonly StatisticsResultRow[],
  baseline: BaselineStatistics,
): CurrentStatistics {
  const edges = new Map(baseline.numeric.map((f) => [f.name, f.histogram.edges]));
  return parseStatistics(
    assemble(rows, 'current', (name) => edges.get(name) ?? []),
    'current',
  );
}
