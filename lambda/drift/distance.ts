/**
 * The distance between a one-hot group's category distributions: the L-infinity distance, the
 * largest absolute change of any one category's share,
 *
 *   L∞(p, q) = maxᵢ |pᵢ − qᵢ|
 *
 * over the shares of the categories among the rows that have one (the rows with no category are
 * judged by the missing-fraction check, so that the two checks do not count the same change twice).
 *
 * Why this one:
 * - It is what SageMaker Model Monitor computes for categorical features by default
 *   (`categorical_drift_method`: `LInfinity`; SageMaker Developer Guide, "Schema for Constraints
 *   (constraints.json file)", https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-byoc-constraints.html),
 *   in Deequ's `Distance.categoricalDistance` (awslabs/deequ,
 *   src/main/scala/com/amazon/deequ/analyzers/Distance.scala): the maximum over the union of
 *   categories of the difference of their shares. The two monitors of this project (Model Monitor is
 *   opt-in) then agree on the number and its threshold.
 * - It reads in plain words: "the share of CA customers moved by 12 points".
 * - It is bounded (0 to 1), symmetric and needs no smoothing: a category that disappears is a
 *   finite change, where Jensen–Shannon or a PSI over categories needs a rule for empty cells.
 * Its weakness, stated: a shift spread thinly over many categories (51 states each moving by a
 *   point) barely moves the maximum; the total variation (half the sum) would see it.
 */

/**
 * The L-infinity distance between two category distributions given as counts over the same
 * categories, compared as shares of their totals.
 * @throws RangeError when the count lists differ in length
 */
export function lInfinityDistance(baselineCounts: readonly number[], currentCounts: readonly number[]): number {
  if (baselineCounts.length !== currentCounts.length) {
    throw new RangeError(`distributions differ in categories: ${baselineCounts.length} and ${currentCounts.length}`);
  }
  const baselineTotal = baselineCounts.reduce((sum, c) => sum + c, 0);
  const currentTotal = currentCounts.reduce((sum, c) => sum + c, 0);
  let distance = 0;
  baselineCounts.forEach((b, i) => {
    const p = baselineTotal === 0 ? 0 : b / baselineTotal;
    const q = currentTotal === 0 ? 0 : (currentCounts[i] ?? 0) / currentTotal;
    distance = Math.max(distance, Math.abs(p - q));
  });
  return distance;
}
