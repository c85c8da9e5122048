/**
 * The area under the ROC curve (AUC), defined once: the evaluation step reports it for the trained
 * model (`lambda/evaluate/roc.ts`) and `npm run measure:auc` for the synthetic data's ceiling
 * (`lib/shared/churn-signal.ts`), so that the ceiling measured on the synthetic data and the
 * model's evaluated AUC are the same quantity, ties included. It lives among the contracts because that is the one folder both a function and the
 * rest of lib/ may import (a function must not bundle lib/shared, and lib/ imports no function).
 */

/**
 * The area under the ROC curve of `scores` for `labels`: the probability that a random positive
 * scores above a random negative, ties counting one half. Computed from ranks (Mann-Whitney U),
 * with tied scores given their average rank, in O(n log n).
 *
 * @throws RangeError when the lengths differ, a score is not a finite number, or the labels are
 *   all of one class (the AUC is then undefined)
 */
export function auc(scores: readonly number[], labels: readonly boolean[]): number {
  if (scores.length !== labels.length) {
    throw new RangeError(`scores and labels differ in length: ${scores.length} and ${labels.length}`);
  }
  const bad = scores.findIndex((s) => !Number.isFinite(s));
  if (bad >= 0) {
    throw new RangeError(`score ${bad} is not a finite number: ${scores[bad]}`);
  }
  const positives = labels.filter((l) => l).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new RangeError(`AUC needs both classes; received ${positives} positive and ${negatives} negative labels`);
  }

  const order = scores.map((_, i) => i).sort((i, j) => (scores[i] ?? 0) - (scores[j] ?? 0));
  let positiveRankSum = 0;
  for (let start = 0; start < order.length;) {
    const score = scores[order[start] ?? 0];
    let end = start + 1;
    while (end < order.length && scores[order[end] ?? 0] === score) {
      end++;
    }
    // Positions start..end-1 hold ranks start+1..end; each tied score gets their average.
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (labels[order[k] ?? 0] === true) {
        positiveRankSum += averageRank;
      }
    }
    start = end;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
