/**
 * The statistics document computed in TypeScript from rows of the features' CSV layout: the
 * reference the SQL of the features job and of the monitor must agree with, and what
 * `npm run drift` computes locally from two CSV files.
 */
import {
  type BaselineStatistics,
  binEdgesFromQuantiles,
  binOf,
  type CurrentStatistics,
  discreteQuantile,
  type NumericFeatureStatistics,
  type OneHotGroupStatistics,
  QUANTILE_PERCENTS,
  STATISTICS_VERSION,
} from '../../lib/contracts/baseline-statistics';
import type { FeatureColumn } from '../../lib/contracts/feature-manifest';

/** A number written in decimal, with an optional exponent: what a numeric field may hold. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A field read as a number: a value, missing (empty), or invalid (anything else). */
type Cell =
  { readonly kind: 'value'; readonly value: number } | { readonly kind: 'missing' } | { readonly kind: 'invalid' };

function cellOf(text: string): Cell {
  const trimmed = text.trim();
  if (trimmed === '') {
    return { kind: 'missing' };
  }
  const value = Number(trimmed);
  return DECIMAL.test(trimmed) && Number.isFinite(value)
    ? { kind: 'value', value: value === 0 ? 0 : value }
    : { kind: 'invalid' };
}

/**
 * How the describer reads a field: `value` (a finite decimal number), `missing` (empty) or `invalid`
 * (anything else), for a reader that must refuse what the describer would count as invalid.
 */
export function fieldKind(text: string): Cell['kind'] {
  return cellOf(text).kind;
}

/** The rows split into well-formed ones (as many fields as columns) and counts of the others. */
function shapeRows(columns: readonly string[], rows: readonly (readonly string[])[]) {
  const wellFormed = rows.filter((r) => r.length === columns.length);
  return {
    wellFormed,
    malformedRows: {
      tooFewColumns: rows.filter((r) => r.length < columns.length).length,
      tooManyColumns: rows.filter((r) => r.length > columns.length).length,
    },
  };
}

function describeNumeric(
  name: string,
  cells: readonly Cell[],
  edgesOf: (quantiles: NumericFeatureStatistics['quantiles']) => readonly number[],
): NumericFeatureStatistics {
  const values = cells.flatMap((c) => (c.kind === 'value' ? [c.value] : []));
  const missing = cells.filter((c) => c.kind === 'missing').length;
  const invalid = cells.filter((c) => c.kind === 'invalid').length;
  const sorted = [...values].sort((a, b) => a - b);
  const count = values.length;
  const mean = count === 0 ? null : values.reduce((sum, v) => sum + v, 0) / count;
  const standardDeviation =
    mean === null || count < 2 ? null : Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (count - 1));
  const quantiles =
    count === 0 ? [] : QUANTILE_PERCENTS.map((percent) => ({ percent, value: discreteQuantile(sorted, percent) }));
  const edges = edgesOf(quantiles);
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of values) {
    counts[binOf(value, edges)] = (counts[binOf(value, edges)] ?? 0) + 1;
  }
  return {
    name,
    count,
    missing,
    missingFraction: cells.length === 0 ? 0 : missing / cells.length,
    invalid,
    mean,
    standardDeviation,
    quantiles,
    histogram: { edges: [...edges], counts },
  };
}

function describeOneHot(
  source: string,
  group: readonly FeatureColumn[],
  cellsOf: (column: string) => readonly Cell[],
  rows: number,
): OneHotGroupStatistics {
  const columnCells = group.map((c) => cellsOf(c.name));
  const counts = new Array<number>(group.length).fill(0);
  let missing = 0;
  let invalid = 0;
  for (let row = 0; row < rows; row++) {
    const cells = columnCells.map((cells) => cells[row]);
    if (
      cells.some(
        (c) => c === undefined || c.kind === 'invalid' || (c.kind === 'value' && c.value !== 0 && c.value !== 1),
      )
    ) {
      invalid++;
      continue;
    }
    const ones = cells.flatMap((c, i) => (c?.kind === 'value' && c.value === 1 ? [i] : []));
    if (ones.length === 0) {
      missing++;
    } else if (ones.length > 1) {
      invalid++;
    } else {
      const i = ones[0] ?? 0;
      counts[i] = (counts[i] ?? 0) + 1;
    }
  }
  return {
    source,
    categories: group.map((c, i) => ({
      category: c.category ?? c.name,
      column: c.name,
      count: counts[i] ?? 0,
      frequency: rows === 0 ? 0 : (counts[i] ?? 0) / rows,
    })),
    missing,
    missingFraction: rows === 0 ? 0 : missing / rows,
    invalid,
  };
}

/**
 * The document's body for rows read with `columns`: the manifest's numeric and boolean features
 * that are among the columns, and its one-hot groups whose columns all are.
 */
function describe(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  features: readonly FeatureColumn[],
  edgesOf: (name: string, quantiles: NumericFeatureStatistics['quantiles']) => readonly number[],
) {
  const { wellFormed, malformedRows } = shapeRows(columns, rows);
  const index = new Map(columns.map((c, i) => [c, i]));
  const cellsOf = (column: string): Cell[] => wellFormed.map((r) => cellOf(r[index.get(column) ?? -1] ?? ''));
  const present = features.filter((f) => index.has(f.name));
  const numeric = present
    .filter((f) => f.encoding !== 'one-hot')
    .sort((a, b) => (index.get(a.name) ?? 0) - (index.get(b.name) ?? 0))
    .map((f) => describeNumeric(f.name, cellsOf(f.name), (q) => edgesOf(f.name, q)));
  const sources = [...new Set(features.filter((f) => f.encoding === 'one-hot').map((f) => f.source))];
  const oneHot = sources
    .map((source) => features.filter((f) => f.encoding === 'one-hot' && f.source === source))
    .filter((group) => group.every((f) => index.has(f.name)))
    .sort((a, b) => (index.get(a[0]?.name ?? '') ?? 0) - (index.get(b[0]?.name ?? '') ?? 0))
    .map((group) => describeOneHot(group[0]?.source ?? '', group, cellsOf, wellFormed.length));
  return { version: STATISTICS_VERSION, columns: [...columns], rows: rows.length, malformedRows, numeric, oneHot };
}

/**
 * The baseline's statistics of rows (string fields, in the order of `columns`): histograms over
 * the distinct values of its own `BIN_EDGE_PERCENTS` quantiles.
 */
export function describeBaseline(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  features: readonly FeatureColumn[],
): BaselineStatistics {
  return {
    kind: 'baseline',
    ...describe(columns, rows, features, (_name, quantiles) => binEdgesFromQuantiles(quantiles)),
  };
}

/**
 * A current window's statistics of rows, with every histogram over the baseline's edges for that
 * feature (no edges, one bin, for a feature the baseline does not describe).
 */
export function describeCurrent(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  features: readonly FeatureColumn[],
  baseline: BaselineStatistics,
): CurrentStatistics {
  const edges = new Map(baseline.numeric.map((f) => [f.name, f.histogram.edges]));
  return { kind: 'current', ...describe(columns, rows, features, (name) => edges.get(name) ?? []) };
}
