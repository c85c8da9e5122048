/**
 * Comparing statistics documents computed by different engines: counts, quantiles, histograms and
 * frequencies must be identical; mean and standard deviation agree to {@link RELATIVE}, because
 * each engine sums in its own order (and Spark, DuckDB and Trino compute the deviation in one
 * streaming pass, the reference in two).
 */
import type { StatisticsDocument } from '../../lib/contracts/baseline-statistics';

/** How far apart two engines' means or deviations may be, relative to the value (at least 1). */
export const RELATIVE = 1e-12;

/**
 * Checks that two documents are the same: every field identical except mean and standard
 * deviation, which must agree to {@link RELATIVE}, and quantiles when `options.quantiles` is false
 * (then only their percents must be the same).
 */
export function expectSameStatistics(
  actual: StatisticsDocument,
  expected: StatisticsDocument,
  options: { readonly quantiles?: boolean } = {},
): void {
  const withoutMoments = (d: StatisticsDocument) => ({
    ...d,
    numeric: d.numeric.map((f) => ({
      ...f,
      mean: f.mean === null,
      standardDeviation: f.standardDeviation === null,
      quantiles: options.quantiles === false ? f.quantiles.map((q) => q.percent) : f.quantiles,
    })),
  });
  expect(withoutMoments(actual)).toEqual(withoutMoments(expected));
  actual.numeric.forEach((f, i) => {
    const other = expected.numeric[i];
    for (const key of ['mean', 'standardDeviation'] as const) {
      const [a, b] = [f[key] ?? 0, other?.[key] ?? 0];
      expect([f.name, key, Math.abs(a - b) <= RELATIVE * Math.max(1, Math.abs(b))]).toEqual([f.name, key, true]);
    }
  });
}
