/**
 * The statistics document: what the features job writes beside the splits for the training split
 * (the baseline), and what the monitor computes over a window of captured requests (the current
 * window). One shape for both, so that the drift comparison (`lambda/drift/`) reads two documents
 * of the same kind and the report can show them side by side.
 *
 * The document describes the feature columns of `lib/contracts/feature-manifest.ts` (no label, no
 * split):
 * - a numeric or boolean column (booleans are 0/1, so they are numbers here) has counts, the
 *   missing fraction, mean, standard deviation, quantiles and a histogram;
 * - a one-hot group (the columns that encode one category field, such as `state_ca` … `state_wy`
 *   for `state`) has the frequency of each category and the share of rows with none.
 *
 * A document comes from S3 or Athena, so it is checked, not trusted: {@link parseStatistics} throws
 * a {@link StatisticsDocumentError} naming the field and the value received, and never anything
 * else.
 *
 * This module is bundled into the drift function: it imports only `shown`.
 */
import { shown, typeOf } from './shown';

/** The version of the document's shape; a reader refuses any other. */
export const STATISTICS_VERSION = 1;

/**
 * The quantiles every numeric feature reports, in percent: the minimum, the deciles and the maximum.
 *
 * Definition (Hyndman and Fan's type 1, the inverse of the empirical distribution function, which
 * is SQL's `PERCENTILE_DISC`): the `p`-percent quantile of `n` sorted values `x[1..n]` is
 * `x[max(1, ceil(p * n / 100))]`, always a value that occurs in the data. A discrete quantile is
 * chosen because it needs no interpolation rule (engines disagree on those) and because a bin edge
 * that is a value of the data puts every copy of a repeated value (a count of 0, a boolean) on the
 * same side of the edge. Percent are integers so that `p * n / 100` is exact in floating point.
 *
 * For a baseline they are exact (Spark and DuckDB both have `percentile_disc`). For a current
 * window they may be approximate (Athena has only `approx_percentile`): they are shown in the
 * report, and no verdict depends on them.
 */
export const QUANTILE_PERCENTS: readonly number[] = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

/**
 * The quantiles whose values become the histogram's bin edges: the nine interior deciles, so that
 * each of the ten bins holds about a tenth of the baseline's values (fewer bins where deciles
 * coincide). The minimum and maximum are not edges, except as {@link binEdgesFromQuantiles} says:
 * the outer bins are open (see {@link Histogram}).
 */
export const BIN_EDGE_PERCENTS: readonly number[] = [10, 20, 30, 40, 50, 60, 70, 80, 90];

/** One quantile of a numeric feature. */
export interface Quantile {
  /** The level, an integer percent from {@link QUANTILE_PERCENTS}. */
  readonly percent: number;
  /** The quantile's value (type 1: a value that occurs in the data). */
  readonly value: number;
}

/**
 * A histogram over fixed bin edges. `k` edges `e[0] < … < e[k-1]` make `k + 1` bins, each closed on
 * the left and open on the right:
 *
 *   bin 0: x < e[0]      bin i (1 ≤ i < k): e[i-1] ≤ x < e[i]      bin k: x ≥ e[k-1]
 *
 * So a value below the first edge is counted in the first bin and a value at or above the last edge
 * in the last: no value is ever dropped, however far a current value lies outside the baseline's
 * range (dropping them would hide exactly the drift that matters). A baseline's edges are
 * {@link binEdgesFromQuantiles} of its quantiles: mostly the distinct values of its
 * {@link BIN_EDGE_PERCENTS} quantiles; a feature with no values has no edges and one bin. With
 * left-closed bins and edges that occur in the data, a 0/1 feature's edges [0, 1] make bins `< 0`
 * (empty), `0` and `1`.
 */
export interface Histogram {
  /** Strictly increasing, finite. */
  readonly edges: readonly number[];
  /** One count per bin: `edges.length + 1` of them, summing to the feature's `count`. */
  readonly counts: readonly number[];
}

/**
 * The statistics of one numeric (or 0/1 boolean) feature column.
 *
 * `count + missing + invalid` is the number of well-formed rows of the document (see
 * {@link StatisticsDocument.malformedRows}).
 */
export interface NumericFeatureStatistics {
  /** The column's name, as in {@link StatisticsDocument.columns}. */
  readonly name: string;
  /** Rows with a numeric value. Mean, deviation, quantiles and histogram are over these. */
  readonly count: number;
  /** Rows where the column is empty (SQL NULL, an empty CSV field). */
  readonly missing: number;
  /** `missing / (count + missing + invalid)`; 0 when there are no rows. */
  readonly missingFraction: number;
  /**
   * Rows where the column holds something that is not a finite number (`abc`, `NaN`): a schema
   * violation. A baseline written by the features job has none; a current window counts them here
   * rather than dropping them, so that a broken producer is seen.
   */
  readonly invalid: number;
  /** The arithmetic mean of the values; null when `count` is 0. */
  readonly mean: number | null;
  /**
   * The sample standard deviation (divisor `count - 1`); null when `count` is below 2. Sample,
   * because that is what `stddev` means in all three engines that compute it (Spark, DuckDB and
   * Athena's Trino), so the SQL cannot pick the other one by accident; it is descriptive only (no
   * verdict depends on it), and for the hundreds of rows a window needs the two differ by < 0.3 %.
   */
  readonly standardDeviation: number | null;
  /** One per {@link QUANTILE_PERCENTS}, in that order; empty when `count` is 0. */
  readonly quantiles: readonly Quantile[];
  /**
   * For a baseline: over its own {@link BIN_EDGE_PERCENTS} quantiles. For a current window: over
   * the baseline's edges, copied (see {@link CurrentStatistics}).
   */
  readonly histogram: Histogram;
}

/** One category of a one-hot group. */
export interface CategoryFrequency {
  /** The canonical category value (`CA`, `415`). */
  readonly category: string;
  /** The one-hot column that flags it (`state_ca`). */
  readonly column: string;
  /** Rows whose one 1 in the group is in this column. */
  readonly count: number;
  /** `count / (rows of the group)`: the categories' frequencies, the missing fraction and the invalid share sum to 1. */
  readonly frequency: number;
}

/**
 * The statistics of one one-hot group: the columns that encode one category field of the curated
 * table (the feature manifest's columns with encoding `one-hot` and the same `source`).
 *
 * `sum(categories.count) + missing + invalid` is the number of well-formed rows.
 */
export interface OneHotGroupStatistics {
  /** The curated column the group encodes (`state`). */
  readonly source: string;
  /** In the group's column order. */
  readonly categories: readonly CategoryFrequency[];
  /** Rows with no category: every column of the group is 0 or empty (the encoding of a missing category). */
  readonly missing: number;
  /** `missing / (rows of the group)`; 0 when there are no rows. */
  readonly missingFraction: number;
  /** Rows the encoding cannot produce: more than one 1, or a value other than 0, 1 or empty. A schema violation. */
  readonly invalid: number;
}

/**
 * Rows that do not have the document's columns, counted and left out of every feature's statistics.
 * A captured request is a CSV line without a header, so a missing or extra column shows as a line
 * with too few or too many fields.
 */
export interface MalformedRows {
  readonly tooFewColumns: number;
  readonly tooManyColumns: number;
}

/** What both kinds of document hold. */
interface StatisticsDocumentBase {
  /** {@link STATISTICS_VERSION}. */
  readonly version: number;
  /**
   * The columns of the data, in order: the feature order. For a baseline, the feature manifest's
   * columns; for a current window, the columns the requests were read with (the CSV header locally,
   * the baseline's order for captured requests, which have no header). A column that the document
   * does not describe (not numeric and in no one-hot group) is listed here only.
   */
  readonly columns: readonly string[];
  /** Rows read, malformed ones included. */
  readonly rows: number;
  readonly malformedRows: MalformedRows;
  /** In column order. */
  readonly numeric: readonly NumericFeatureStatistics[];
  /** In the order of each group's first column. */
  readonly oneHot: readonly OneHotGroupStatistics[];
}

/** The training split's statistics: histograms over the baseline's own quantiles. */
export interface BaselineStatistics extends StatisticsDocumentBase {
  readonly kind: 'baseline';
}

/**
 * A current window's statistics. Its histograms are computed over the BASELINE's bin edges (copied
 * into each histogram), never over the window's own quantiles, so that bin `i` means the same range
 * in both documents and the population stability index compares like with like. The comparison
 * checks that the edges are the baseline's and refuses the pair otherwise.
 */
export interface CurrentStatistics extends StatisticsDocumentBase {
  readonly kind: 'current';
}

/** Either kind of statistics document. */
export type StatisticsDocument = BaselineStatistics | CurrentStatistics;

/** Thrown when a statistics document is malformed; the message names the field and the value received. */
export class StatisticsDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatisticsDocumentError';
  }
}

/**
 * The bin a value falls in, for {@link Histogram} edges: 0 below the first edge, `edges.length` at
 * or above the last. Binary search, so that SQL's `CASE` ladder and this agree by construction of
 * the rule, not of the loop.
 */
export function binOf(value: number, edges: readonly number[]): number {
  let low = 0;
  let high = edges.length;
  // Invariant: edges[0 .. low-1] <= value < edges[high ..].
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value >= (edges[middle] ?? Infinity)) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

/**
 * The type 1 quantile (see {@link QUANTILE_PERCENTS}) of values sorted ascending, at an integer
 * percent.
 * @throws RangeError when there are no values or the percent is not an integer in 0..100
 */
export function discreteQuantile(sorted: readonly number[], percent: number): number {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new RangeError(`percent is ${shown(percent)}; expected an integer from 0 to 100`);
  }
  const rank = Math.max(1, Math.ceil((percent * sorted.length) / 100));
  const value = sorted[rank - 1];
  if (value === undefined) {
    throw new RangeError('a quantile needs at least one value');
  }
  return value;
}

/**
 * The bin edges of a baseline's feature, from its quantiles ({@link QUANTILE_PERCENTS}: minimum,
 * deciles, maximum). The rule, applied alike by the baseline SQL (`renderBaselineStatisticsQuery`
 * in `./statistics-sql.ts`), the TypeScript reference (`describeBaseline`) and the features job's
 * Python assembler (`glue/jobs/cores/features_core.py`):
 *
 * 1. no quantiles (no values): no edges;
 * 2. every quantile is 0 or 1, so every value is (a 0/1 boolean, or a count that never exceeds 1):
 *    `[0, 1]`, whatever the deciles, so that the bins are `< 0` (empty), `0` and `1` and each
 *    value's share is compared;
 * 3. otherwise the distinct values of the {@link BIN_EDGE_PERCENTS} quantiles (the interior
 *    deciles), followed by the maximum when the deciles are all one value and the maximum is above
 *    it.
 *
 * Why: a value that holds more than a tenth of the rows is always one of the deciles, so it is an
 * edge, and the bin it opens holds its copies plus at most the values up to the next distinct
 * decile, about a tenth of the rows. Without rules 2 and 3 that fails in one case: when one value
 * holds 80 % of the rows or more, all nine deciles are that value, the only edge is that value,
 * and the last bin holds the value together with every value above it. For a 0/1 flag that is
 * true in under 10 % of rows (the churn data's `international_plan`, about 9.7 %) the deciles are
 * all 0: bins `< 0` (always empty) and `≥ 0` (everything), so the PSI was 0 whatever happened to
 * the flag, and a move from 10 % to 30 % went unseen. Rule 3 gives such a value its own bin below
 * the maximum (a column that is 0 for 95 % of rows gets bins `< 0`, `[0, max)` and `≥ max`: exact
 * for a two-valued column, and otherwise the usual decile coarseness, the value plus under a tenth
 * of the rows). Rule 2 covers what rule 3 cannot see from quantiles: a 0/1 feature that is mostly
 * 1 (its only decile edge 1 is its maximum) or constant in the baseline (a flag that is always 0
 * gets a bin for 1, so that the first window with ones shows them). The rule reads only the
 * quantiles, which the document holds, rather than the manifest's encoding, which it does not: so
 * every assembler and {@link parseStatistics} can compute and check it from the document alone.
 * It gives every `boolean` feature with a value edges `[0, 1]`.
 */
export function binEdgesFromQuantiles(quantiles: readonly Quantile[]): number[] {
  if (quantiles.length === 0) {
    return [];
  }
  if (quantiles.every((q) => q.value === 0 || q.value === 1)) {
    return [0, 1];
  }
  const edges: number[] = [];
  for (const percent of BIN_EDGE_PERCENTS) {
    const value = quantiles.find((q) => q.percent === percent)?.value;
    if (value !== undefined && edges[edges.length - 1] !== value) {
      edges.push(value);
    }
  }
  const only = edges[0];
  const maximum = quantiles.find((q) => q.percent === 100)?.value;
  if (edges.length === 1 && only !== undefined && maximum !== undefined && maximum > only) {
    edges.push(maximum);
  }
  return edges;
}

// ---------------------------------------------------------------------------------------------
// Parsing. Every reader below takes the path of the value it reads, for the message.

/** Fractions written by SQL engines are doubles: a fraction may differ from its counts' ratio by this much. */
const FRACTION_TOLERANCE = 1e-9;

type Fields = Readonly<Record<string, unknown>>;

function fail(path: string, value: unknown, expected: string): never {
  throw new StatisticsDocumentError(`${path} is ${shown(value, { maxLength: 80 })}; expected ${expected}`);
}

/** A value's type in words, or `missing`: for a field that must be an object or an array. */
function kindOf(value: unknown): string {
  return value === undefined ? 'missing' : typeOf(value);
}

function objectAt(value: unknown, path: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StatisticsDocumentError(`${path} is ${kindOf(value)}; expected an object`);
  }
  return value as Fields;
}

/** An own property only: a document's `toString` or `__proto__` is not a field. */
function field(object: Fields, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

function arrayAt(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) {
    throw new StatisticsDocumentError(`${path} is ${kindOf(value)}; expected an array`);
  }
  return value;
}

function countAt(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(path, value, 'a count (a whole number, 0 or more)');
  }
  return value;
}

function finiteAt(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(path, value, 'a finite number');
  }
  return value;
}

function finiteOrNullAt(value: unknown, path: string): number | null {
  return value === null ? null : finiteAt(value, path);
}

function nameAt(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') {
    fail(path, value, 'a non-empty string');
  }
  return value;
}

/** Checks that `fraction` is `part / whole` (0 when `whole` is 0). */
function checkFraction(fraction: number, part: number, whole: number, path: string): void {
  const expected = whole === 0 ? 0 : part / whole;
  if (!(Math.abs(fraction - expected) <= FRACTION_TOLERANCE)) {
    throw new StatisticsDocumentError(`${path} is ${fraction}; expected ${part} / ${whole} = ${expected}`);
  }
}

function parseHistogram(value: unknown, path: string, count: number): Histogram {
  const histogram = objectAt(value, path);
  const edges = arrayAt(field(histogram, 'edges'), `${path}.edges`).map((e, i) => finiteAt(e, `${path}.edges[${i}]`));
  edges.forEach((edge, i) => {
    const previous = edges[i - 1];
    if (previous !== undefined && !(edge > previous)) {
      fail(`${path}.edges[${i}]`, edge, `an edge above the one before it (${previous}): edges must strictly increase`);
    }
  });
  const counts = arrayAt(field(histogram, 'counts'), `${path}.counts`).map((c, i) =>
    countAt(c, `${path}.counts[${i}]`),
  );
  if (counts.length !== edges.length + 1) {
    throw new StatisticsDocumentError(
      `${path}.counts has ${counts.length} counts; expected ${edges.length + 1} (one more than the ${edges.length} edges)`,
    );
  }
  const total = counts.reduce((sum, c) => sum + c, 0);
  if (total !== count) {
    throw new StatisticsDocumentError(`${path}.counts sum to ${total}; expected the feature's count, ${count}`);
  }
  return { edges, counts };
}

function parseQuantiles(value: unknown, path: string, count: number): Quantile[] {
  const quantiles = arrayAt(value, path).map((q, i) => {
    const at = `${path}[${i}]`;
    const quantile = objectAt(q, at);
    return {
      percent: finiteAt(field(quantile, 'percent'), `${at}.percent`),
      value: finiteAt(field(quantile, 'value'), `${at}.value`),
    };
  });
  const expected = count === 0 ? [] : QUANTILE_PERCENTS;
  const percents = quantiles.map((q) => q.percent);
  if (percents.length !== expected.length || percents.some((p, i) => p !== expected[i])) {
    fail(`${path} percents`, percents, `${JSON.stringify(expected)}${count === 0 ? ' (no values, no quantiles)' : ''}`);
  }
  quantiles.forEach((q, i) => {
    const previous = quantiles[i - 1];
    if (previous !== undefined && q.value < previous.value) {
      fail(`${path}[${i}].value`, q.value, `at least the quantile before it (${previous.value})`);
    }
  });
  return quantiles;
}

function parseNumeric(
  value: unknown,
  path: string,
  wellFormedRows: number,
  kind: StatisticsDocument['kind'],
): NumericFeatureStatistics {
  const feature = objectAt(value, path);
  const name = nameAt(field(feature, 'name'), `${path}.name`);
  const at = `${path} (${JSON.stringify(name)})`;
  const count = countAt(field(feature, 'count'), `${at}.count`);
  const missing = countAt(field(feature, 'missing'), `${at}.missing`);
  const invalid = countAt(field(feature, 'invalid'), `${at}.invalid`);
  if (count + missing + invalid !== wellFormedRows) {
    throw new StatisticsDocumentError(
      `${at}: count + missing + invalid is ${count} + ${missing} + ${invalid} = ${count + missing + invalid}; ` +
        `expected the ${wellFormedRows} well-formed rows`,
    );
  }
  const missingFraction = finiteAt(field(feature, 'missingFraction'), `${at}.missingFraction`);
  checkFraction(missingFraction, missing, wellFormedRows, `${at}.missingFraction`);
  const mean = finiteOrNullAt(field(feature, 'mean'), `${at}.mean`);
  if ((mean === null) !== (count === 0)) {
    fail(`${at}.mean`, mean, count === 0 ? 'null (no values)' : 'a finite number');
  }
  const standardDeviation = finiteOrNullAt(field(feature, 'standardDeviation'), `${at}.standardDeviation`);
  if ((standardDeviation === null) !== count < 2 || (standardDeviation !== null && standardDeviation < 0)) {
    fail(
      `${at}.standardDeviation`,
      standardDeviation,
      count < 2 ? 'null (fewer than 2 values)' : 'a number, 0 or more',
    );
  }
  const quantiles = parseQuantiles(field(feature, 'quantiles'), `${at}.quantiles`, count);
  const histogram = parseHistogram(field(feature, 'histogram'), `${at}.histogram`, count);
  if (kind === 'baseline') {
    const expected = binEdgesFromQuantiles(quantiles);
    if (expected.length !== histogram.edges.length || expected.some((e, i) => e !== histogram.edges[i])) {
      fail(
        `${at}.histogram.edges`,
        histogram.edges,
        `the edges its quantiles give (binEdgesFromQuantiles), ${JSON.stringify(expected)}`,
      );
    }
  }
  return { name, count, missing, missingFraction, invalid, mean, standardDeviation, quantiles, histogram };
}

function parseOneHot(value: unknown, path: string, wellFormedRows: number): OneHotGroupStatistics {
  const group = objectAt(value, path);
  const source = nameAt(field(group, 'source'), `${path}.source`);
  const at = `${path} (${JSON.stringify(source)})`;
  const categories = arrayAt(field(group, 'categories'), `${at}.categories`).map((c, i) => {
    const cat = `${at}.categories[${i}]`;
    const category = objectAt(c, cat);
    return {
      category: nameAt(field(category, 'category'), `${cat}.category`),
      column: nameAt(field(category, 'column'), `${cat}.column`),
      count: countAt(field(category, 'count'), `${cat}.count`),
      frequency: finiteAt(field(category, 'frequency'), `${cat}.frequency`),
    };
  });
  if (categories.length === 0) {
    fail(`${at}.categories`, [], 'at least one category');
  }
  const missing = countAt(field(group, 'missing'), `${at}.missing`);
  const invalid = countAt(field(group, 'invalid'), `${at}.invalid`);
  const withCategory = categories.reduce((sum, c) => sum + c.count, 0);
  if (withCategory + missing + invalid !== wellFormedRows) {
    throw new StatisticsDocumentError(
      `${at}: the categories' counts + missing + invalid is ${withCategory} + ${missing} + ${invalid} = ` +
        `${withCategory + missing + invalid}; expected the ${wellFormedRows} well-formed rows`,
    );
  }
  categories.forEach((c, i) => checkFraction(c.frequency, c.count, wellFormedRows, `${at}.categories[${i}].frequency`));
  const missingFraction = finiteAt(field(group, 'missingFraction'), `${at}.missingFraction`);
  checkFraction(missingFraction, missing, wellFormedRows, `${at}.missingFraction`);
  const repeated = categories.map((c) => c.category).find((c, i, all) => all.indexOf(c) !== i);
  if (repeated !== undefined) {
    fail(`${at}.categories`, repeated, 'each category once');
  }
  return { source, categories, missing, missingFraction, invalid };
}

/**
 * A statistics document of the given kind, checked: shape, types, and that its numbers agree with
 * each other (counts add up to the rows, fractions are their counts' ratios, histograms sum to the
 * count, edges increase, a baseline's edges are its quantiles' (binEdgesFromQuantiles), every described column is a column
 * and described once). Returns a fresh copy holding only the document's fields.
 *
 * @throws StatisticsDocumentError naming the first field that is wrong and the value received;
 *   never any other error, whatever `value` is
 */
export function parseStatistics(value: unknown, kind: 'baseline'): BaselineStatistics;
export function parseStatistics(value: unknown, kind: 'current'): CurrentStatistics;
export function parseStatistics(value: unknown, kind: StatisticsDocument['kind']): StatisticsDocument {
  const document = objectAt(value, 'statistics document');
  const version = field(document, 'version');
  if (version !== STATISTICS_VERSION) {
    fail('version', version, `${STATISTICS_VERSION}`);
  }
  const receivedKind = field(document, 'kind');
  if (receivedKind !== kind) {
    fail('kind', receivedKind, JSON.stringify(kind));
  }
  const columns = arrayAt(field(document, 'columns'), 'columns').map((c, i) => nameAt(c, `columns[${i}]`));
  const repeatedColumn = columns.find((c, i) => columns.indexOf(c) !== i);
  if (repeatedColumn !== undefined) {
    fail('columns', repeatedColumn, 'each column once');
  }
  const rows = countAt(field(document, 'rows'), 'rows');
  const malformed = objectAt(field(document, 'malformedRows'), 'malformedRows');
  const malformedRows = {
    tooFewColumns: countAt(field(malformed, 'tooFewColumns'), 'malformedRows.tooFewColumns'),
    tooManyColumns: countAt(field(malformed, 'tooManyColumns'), 'malformedRows.tooManyColumns'),
  };
  const wellFormedRows = rows - malformedRows.tooFewColumns - malformedRows.tooManyColumns;
  if (wellFormedRows < 0) {
    throw new StatisticsDocumentError(
      `malformedRows count ${malformedRows.tooFewColumns} + ${malformedRows.tooManyColumns} rows; expected at most the ${rows} rows`,
    );
  }
  const numeric = arrayAt(field(document, 'numeric'), 'numeric').map((f, i) =>
    parseNumeric(f, `numeric[${i}]`, wellFormedRows, kind),
  );
  const oneHot = arrayAt(field(document, 'oneHot'), 'oneHot').map((g, i) =>
    parseOneHot(g, `oneHot[${i}]`, wellFormedRows),
  );

  const described = [...numeric.map((f) => f.name), ...oneHot.flatMap((g) => g.categories.map((c) => c.column))];
  const unknown = described.find((name) => !columns.includes(name));
  if (unknown !== undefined) {
    fail('a described column', unknown, `one of the document's columns`);
  }
  const twice = described.find((name, i) => described.indexOf(name) !== i);
  if (twice !== undefined) {
    fail('a described column', twice, 'each column described once (numeric, or in one one-hot group)');
  }
  const sources = oneHot.map((g) => g.source);
  const repeatedSource = sources.find((s, i) => sources.indexOf(s) !== i);
  if (repeatedSource !== undefined) {
    fail('oneHot sources', repeatedSource, 'each source once');
  }
  return { version: STATISTICS_VERSION, kind, columns, rows, malformedRows, numeric, oneHot };
}
