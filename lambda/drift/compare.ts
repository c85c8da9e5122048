/**
 * The drift comparison: a baseline's statistics against a current window's, feature by feature,
 * with a verdict for each check and one for the whole. The function in AWS and `npm run drift`
 * share it; its result is what `npm run drift -- --json` prints.
 */
import type {
  BaselineStatistics,
  CurrentStatistics,
  NumericFeatureStatistics,
  OneHotGroupStatistics,
} from '../../lib/contracts/baseline-statistics';
import { lInfinityDistance } from './distance';
import { DriftInputError } from './errors';
import { populationStabilityIndex } from './psi';
import { checkThresholds, type DriftThresholds, type Verdict, verdictOf } from './thresholds';

/**
 * What a check measures:
 * - `psi`: population stability index of a numeric feature over the baseline's bins (`psi.ts`);
 * - `l_infinity`: distance between a one-hot group's category distributions (`distance.ts`);
 * - `missing_fraction_change`: |current missing fraction − baseline missing fraction|;
 * - schema violations, reported only when they occur, each `act`: `column_missing` (a baseline
 *   column the window lacks), `column_extra` (a window column the baseline lacks), `column_order`
 *   (the shared columns in another order: the model reads by position), `invalid_values` (values
 *   that are not numbers, or a one-hot group that is not one-hot: the count),
 *   `rows_with_too_few_columns` and `rows_with_too_many_columns` (the count).
 */
export type Statistic =
  | 'psi'
  | 'l_infinity'
  | 'missing_fraction_change'
  | 'column_missing'
  | 'column_extra'
  | 'column_order'
  | 'invalid_values'
  | 'rows_with_too_few_columns'
  | 'rows_with_too_many_columns';

/** One check of one feature: a line of the drift table and an element of `--json`'s `features`. */
export interface FeatureCheck {
  /** The feature column, the one-hot group's source field (`state`), or {@link ALL_COLUMNS} for a check of whole rows. */
  readonly name: string;
  readonly statistic: Statistic;
  /**
   * The statistic's value; null when it was not measured (`insufficient`) or when the check is a
   * fact without a size (a column missing, extra or out of order).
   */
  readonly value: number | null;
  readonly verdict: Verdict;
}

/** The comparison's result: `{ verdict, features }` is `npm run drift -- --json`'s document. */
export interface DriftReport {
  /**
   * The overall verdict: `act` if any check acts, else `watch` if any watches, else `insufficient`
   * if any check had too little data, else `ok`. A check without enough data thus keeps the whole
   * from reading `ok`, but never hides a real signal from another check.
   */
  readonly verdict: Verdict;
  /** In the baseline's column order (a group where its first column is), then extra columns, then whole-row checks. */
  readonly features: readonly FeatureCheck[];
  /** The rows each document was computed over, for the report. */
  readonly rows: { readonly baseline: number; readonly current: number };
}

/** The name of the checks about whole rows rather than one feature. */
export const ALL_COLUMNS = '(rows)';

/** Overall verdict of checks, by the rule on {@link DriftReport.verdict}. */
export function overallVerdict(verdicts: readonly Verdict[]): Verdict {
  for (const verdict of ['act', 'watch', 'insufficient'] as const) {
    if (verdicts.includes(verdict)) {
      return verdict;
    }
  }
  return 'ok';
}

function wellFormedRows(document: BaselineStatistics | CurrentStatistics): number {
  return document.rows - document.malformedRows.tooFewColumns - document.malformedRows.tooManyColumns;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The checks of a numeric feature present in both documents. */
function numericChecks(
  base: NumericFeatureStatistics,
  current: NumericFeatureStatistics,
  enoughRows: boolean,
  thresholds: DriftThresholds,
): FeatureCheck[] {
  if (!sameNumbers(base.histogram.edges, current.histogram.edges)) {
    throw new DriftInputError(
      `the current histogram of ${JSON.stringify(base.name)} has edges ${JSON.stringify(current.histogram.edges)}; ` +
        `expected the baseline's, ${JSON.stringify(base.histogram.edges)} (the window must be binned over the baseline's edges)`,
    );
  }
  const enoughValues = enoughRows && base.count >= thresholds.minimumRows && current.count >= thresholds.minimumRows;
  const psi = enoughValues
    ? populationStabilityIndex(base.histogram.counts, current.histogram.counts, thresholds.emptyBinShare)
    : null;
  return [
    {
      name: base.name,
      statistic: 'psi',
      value: psi,
      verdict: psi === null ? 'insufficient' : verdictOf(psi, thresholds.psi),
    },
    missingCheck(base.name, base.missingFraction, current.missingFraction, enoughRows, thresholds),
    ...invalidCheck(base.name, current.invalid),
  ];
}

/** The checks of a one-hot group whose columns the window all has. */
function oneHotChecks(
  base: OneHotGroupStatistics,
  current: OneHotGroupStatistics | undefined,
  enoughRows: boolean,
  thresholds: DriftThresholds,
): FeatureCheck[] {
  const baseColumns = base.categories.map((c) => `${c.category}=${c.column}`);
  const currentColumns = current?.categories.map((c) => `${c.category}=${c.column}`);
  if (current === undefined || JSON.stringify(baseColumns) !== JSON.stringify(currentColumns)) {
    throw new DriftInputError(
      `the current window's one-hot group ${JSON.stringify(base.source)} has categories ` +
        `${currentColumns === undefined ? 'missing' : JSON.stringify(currentColumns)}; expected the baseline's, ${JSON.stringify(baseColumns)}`,
    );
  }
  const baseCounts = base.categories.map((c) => c.count);
  const currentCounts = current.categories.map((c) => c.count);
  const total = (counts: readonly number[]): number => counts.reduce((sum, c) => sum + c, 0);
  const enoughValues =
    enoughRows && total(baseCounts) >= thresholds.minimumRows && total(currentCounts) >= thresholds.minimumRows;
  const distance = enoughValues ? lInfinityDistance(baseCounts, currentCounts) : null;
  return [
    {
      name: base.source,
      statistic: 'l_infinity',
      value: distance,
      verdict: distance === null ? 'insufficient' : verdictOf(distance, thresholds.categorical),
    },
    missingCheck(base.source, base.missingFraction, current.missingFraction, enoughRows, thresholds),
    ...invalidCheck(base.source, current.invalid),
  ];
}

function missingCheck(
  name: string,
  baseFraction: number,
  currentFraction: number,
  enoughRows: boolean,
  thresholds: DriftThresholds,
): FeatureCheck {
  const change = enoughRows ? Math.abs(currentFraction - baseFraction) : null;
  return {
    name,
    statistic: 'missing_fraction_change',
    value: change,
    verdict: change === null ? 'insufficient' : verdictOf(change, thresholds.missingFractionChange),
  };
}

function invalidCheck(name: string, invalid: number): FeatureCheck[] {
  return invalid > 0 ? [{ name, statistic: 'invalid_values', value: invalid, verdict: 'act' }] : [];
}

/**
 * Compares a current window's statistics with the baseline's.
 *
 * "Not enough data" is a verdict of its own: when either document has fewer well-formed rows than
 * `thresholds.minimumRows`, every distribution check is `insufficient` with no value; when a
 * feature has fewer values than that (most of them missing, say), its PSI or distance is. Schema
 * violations are reported whatever the row count: a missing column is a fact in one row as in many.
 *
 * @throws DriftInputError when the thresholds are malformed, or the documents cannot be compared: a
 *   shared numeric column not binned over the baseline's edges, a one-hot group whose categories
 *   differ, a column the window has but does not describe
 */
export function compareStatistics(
  baseline: BaselineStatistics,
  current: CurrentStatistics,
  thresholds: DriftThresholds,
): DriftReport {
  checkThresholds(thresholds);
  const enoughRows =
    wellFormedRows(baseline) >= thresholds.minimumRows && wellFormedRows(current) >= thresholds.minimumRows;
  const currentColumns = new Set(current.columns);
  const baselineColumns = new Set(baseline.columns);
  const currentNumeric = new Map(current.numeric.map((f) => [f.name, f]));
  const currentGroups = new Map(current.oneHot.map((g) => [g.source, g]));
  const baseNumeric = new Map(baseline.numeric.map((f) => [f.name, f]));
  const groupOfColumn = new Map(baseline.oneHot.flatMap((g) => g.categories.map((c) => [c.column, g] as const)));

  const features: FeatureCheck[] = [];
  const missingColumn = (name: string): FeatureCheck => ({
    name,
    statistic: 'column_missing',
    value: null,
    verdict: 'act',
  });
  for (const column of baseline.columns) {
    const numeric = baseNumeric.get(column);
    const group = groupOfColumn.get(column);
    if (!currentColumns.has(column)) {
      features.push(missingColumn(column));
    } else if (numeric !== undefined) {
      const other = currentNumeric.get(column);
      if (other === undefined) {
        throw new DriftInputError(
          `the current window has column ${JSON.stringify(column)} but no numeric statistics for it`,
        );
      }
      features.push(...numericChecks(numeric, other, enoughRows, thresholds));
    }
    // A group is checked once, at its first column, when the window has all of its columns.
    if (group !== undefined && group.categories[0]?.column === column) {
      if (group.categories.every((c) => currentColumns.has(c.column))) {
        features.push(...oneHotChecks(group, currentGroups.get(group.source), enoughRows, thresholds));
      }
    }
  }
  for (const column of current.columns) {
    if (!baselineColumns.has(column)) {
      features.push({ name: column, statistic: 'column_extra', value: null, verdict: 'act' });
    }
  }
  const sharedInBaselineOrder = baseline.columns.filter((c) => currentColumns.has(c));
  const sharedInCurrentOrder = current.columns.filter((c) => baselineColumns.has(c));
  if (sharedInBaselineOrder.some((c, i) => c !== sharedInCurrentOrder[i])) {
    features.push({ name: ALL_COLUMNS, statistic: 'column_order', value: null, verdict: 'act' });
  }
  const { tooFewColumns, tooManyColumns } = current.malformedRows;
  if (tooFewColumns > 0) {
    features.push({ name: ALL_COLUMNS, statistic: 'rows_with_too_few_columns', value: tooFewColumns, verdict: 'act' });
  }
  if (tooManyColumns > 0) {
    features.push({
      name: ALL_COLUMNS,
      statistic: 'rows_with_too_many_columns',
      value: tooManyColumns,
      verdict: 'act',
    });
  }
  // A window too small to judge is never `ok`, even when it has no feature to check.
  const verdicts = [...features.map((f) => f.verdict), ...(enoughRows ? [] : (['insufficient'] as const))];
  return {
    verdict: overallVerdict(verdicts),
    features,
    rows: { baseline: baseline.rows, current: current.rows },
  };
}
