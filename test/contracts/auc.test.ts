import fc from 'fast-check';
import { auc } from '../../lib/contracts/auc';

/** AUC by definition: over all positive-negative pairs, 1 when the positive scores higher, 1/2 on a tie. */
function pairwiseAuc(scores: readonly number[], labels: readonly boolean[]): number {
  let sum = 0;
  let pairs = 0;
  scores.forEach((p, i) => {
    scores.forEach((n, j) => {
      if (labels[i] === true && labels[j] === false) {
        sum += p > n ? 1 : p === n ? 0.5 : 0;
        pairs++;
      }
    });
  });
  return sum / pairs;
}

/** Scores (small integers, so that ties are common) and labels of both classes. */
const scoredLabels = fc
  .array(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.boolean()), { minLength: 2, maxLength: 60 })
  .filter((pairs) => pairs.some(([, l]) => l) && pairs.some(([, l]) => !l))
  .map((pairs) => ({ scores: pairs.map(([s]) => s), labels: pairs.map(([, l]) => l) }));

describe('auc', () => {
  it.each([
    ['perfect ranking', [0.1, 0.2, 0.8, 0.9], [false, false, true, true], 1],
    ['reversed ranking', [0.9, 0.8, 0.2, 0.1], [false, false, true, true], 0],
    ['all scores tied', [0.5, 0.5, 0.5, 0.5], [false, true, false, true], 0.5],
    ['one swapped pair (the scikit-learn example)', [0.1, 0.4, 0.35, 0.8], [false, false, true, true], 0.75],
    ['a tie across the classes counts one half', [1, 1, 2], [false, true, true], 0.75],
    ['ties within a class do not matter', [1, 1, 3, 3], [false, false, true, true], 1],
  ])('%s', (_, scores, labels, expected) => {
    expect(auc(scores, labels)).toBeCloseTo(expected, 12);
  });

  it('equals the pairwise definition, ties included', () => {
    fc.assert(
      fc.property(scoredLabels, ({ scores, labels }) => {
        expect(auc(scores, labels)).toBeCloseTo(pairwiseAuc(scores, labels), 12);
      }),
    );
  });

  it('depends only on the order of the scores, and flips with it', () => {
    fc.assert(
      fc.property(scoredLabels, ({ scores, labels }) => {
        const a = auc(scores, labels);
        expect(
          auc(
            scores.map((s) => Math.exp(s) * 3 + 1),
            labels,
          ),
        ).toBeCloseTo(a, 12);
        expect(
          auc(
            scores.map((s) => -s),
            labels,
          ),
        ).toBeCloseTo(1 - a, 12);
      }),
    );
  });

  it('refuses what has no AUC', () => {
    expect(() => auc([1, 2], [true])).toThrow('scores and labels differ in length: 2 and 1');
    expect(() => auc([1, 2], [true, true])).toThrow(
      'AUC needs both classes; received 2 positive and 0 negative labels',
    );
    expect(() => auc([1, NaN], [true, false])).toThrow('score 1 is not a finite number: NaN');
  });
});
