/**
 * The population stability index (PSI) of a numeric feature: how far the current window's
 * distribution over the baseline's bins is from the baseline's.
 *
 *   PSI = Σᵢ (aᵢ − eᵢ) · ln(aᵢ / eᵢ)
 *
 * where eᵢ is the baseline's (expected) share of values in bin i and aᵢ the current window's
 * (actual) share (B. Yurdakul, *Statistical Properties of Population Stability Index*, Western
 * Michigan University, 2018, eq. 1; https://scholarworks.wmich.edu/dissertations/3208). It is the
 * sum KL(a‖e) + KL(e‖a), the symmetrised Kullback–Leibler divergence, so:
 * - it is 0 when the shares are the same and positive otherwise (each term is, as aᵢ − eᵢ and
 *   ln(aᵢ/eᵢ) have the same sign);
 * - it is symmetric: swapping baseline and window gives the same value. It is computed as
 *   (aᵢ − eᵢ) · (ln aᵢ − ln eᵢ), so that the swap negates both factors exactly and the floating-point
 *   result is the same to the bit.
 *
 * A share below `emptyBinShare` is raised to it (see `DriftThresholds.emptyBinShare`), in both
 * distributions alike: without it a bin empty on one side gives ln(0) and an infinite PSI. The
 * raised shares no longer sum to exactly 1; each term stays ≥ 0 regardless.
 */

/** `counts` as shares of their total; all 0 when the total is 0. */
export function sharesOf(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, c) => sum + c, 0);
  return counts.map((c) => (total === 0 ? 0 : c / total));
}

/**
 * The PSI between two histograms over the same bins, given as counts.
 * @throws RangeError when the histograms have different numbers of bins
 */
export function populationStabilityIndex(
  baselineCounts: readonly number[],
  currentCounts: readonly number[],
  emptyBinShare: number,
): number {
  if (baselineCounts.length !== currentCounts.length) {
    throw new RangeError(`histograms differ in bins: ${baselineCounts.length} and ${currentCounts.length}`);
  }
  const expected = sharesOf(baselineCounts);
  const actual = sharesOf(currentCounts);
  let psi = 0;
  expected.forEach((e, i) => {
    const ei = Math.max(e, emptyBinShare);
    const ai = Math.max(actual[i] ?? 0, emptyBinShare);
    psi += (ai - ei) * (Math.log(ai) - Math.log(ei));
  });
  return psi;
}
