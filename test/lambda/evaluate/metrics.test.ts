import fc from 'fast-check';
import { classificationMetrics, confusionMatrix } from '../../../lambda/evaluate/confusion';
import { costAt, type Costs, optimalCutoff } from '../../../lambda/evaluate/cutoff';
import type { BusinessCase } from '../../../lambda/evaluate/business';
import { evaluate } from '../../../lambda/evaluate/metrics';
import { parseLabels, parseScores } from '../../../lambda/evaluate/parse';
import { rocAuc, rocCurve } from '../../../lambda/evaluate/roc';
import { joinLabelsAndScores } from '../../../lambda/evaluate/rows';
import { inputError } from '../../support/evaluation-errors';
import { costsArb, scoredSet, caseWithCosts } from '../../support/scored-sets';

const RUNS = { numRuns: 500, seed: 20240501 } as const;

/**
 * The worked example. Six customers, three churners (label 1) and three stayers:
 *
 *   line  label  score
 *   1     1      0.9
 *   2     0      0.8
 *   3     1      0.7
 *   4     1      0.4
 *   5     0      0.3
 *   6     0      0.1
 *
 * AUC: the churner at 0.9 outranks all 3 stayers, those at 0.7 and 0.4 outrank 2 each (0.3, 0.1):
 * 7 of 9 pairs, 7/9. By ranks (ascending 0.1 .. 0.9 = 1 .. 6) the churners have 3 + 4 + 6 = 13,
 * U = 13 - 3*4/2 = 7, AUC = 7 / (3*3).
 *
 * At 0.5: predicted churn 0.9 (churner), 0.8 (stayer), 0.7 (churner): tp 2, fp 1, tn 2, fn 1;
 * accuracy 4/6, precision 2/3, recall 2/3, F1 2*2 / (2*2 + 1 + 1) = 2/3.
 *
 * Costs missedChurner 100, incentive 10, retention 1 (cost = 10 (tp + fp) + 100 fn):
 *   cutoff  tp fp fn  cost
 *   none    0  0  3   300   (doing nothing)
 *   0.9     1  0  2   210
 *   0.8     1  1  2   220
 *   0.7     2  1  1   130   (= cutoff 0.5)
 *   0.4     3  1  0    40   <- cheapest, saves 260
 *   0.3     3  2  0    50
 *   0.1     3  3  0    60
 */
const CSV = '1,34,,2.5\n0,51,1,0.0\n1,22,0,7.1\n1,,1,3.3\n0,40,0,\n0,63,1,1.0\n';
const TRANSFORM = '0.9\n0.8\n0.7\n0.4\n0.3\n0.1\n';
const LABELS = [1, 0, 1, 1, 0, 0];
const SCORES = [0.9, 0.8, 0.7, 0.4, 0.3, 0.1];
const COSTS = { missedChurner: 100, incentive: 10 };

/** AUC by definition: over all churner-stayer pairs, 1 when the churner scores higher, 1/2 on a tie. O(n^2). */
function pairwiseAuc(labels: readonly number[], scores: readonly number[]): number {
  let sum = 0;
  let pairs = 0;
  labels.forEach((l, i) => {
    labels.forEach((m, j) => {
      if (l === 1 && m === 0) {
        const p = scores[i] ?? NaN;
        const n = scores[j] ?? NaN;
        sum += p > n ? 1 : p === n ? 0.5 : 0;
        pairs++;
      }
    });
  });
  return sum / pairs;
}

describe('parseLabels', () => {
  it('reads the first column of each row, features may be empty', () => {
    expect(parseLabels(CSV)).toEqual(LABELS);
  });

  it.each([
    ['Windows line endings', '1,2\r\n0,3\r\n', [1, 0]],
    ['no trailing newline', '1,2\n0,3', [1, 0]],
    ['labels written as floats, padded', ' 1.0 ,2\n0.0,3', [1, 0]],
    ['a byte order mark', '\uFEFF0,2\n1,3\n', [0, 1]],
    ['blank lines at the end', '1,5\n0,5\n\n \r\n', [1, 0]],
  ])('accepts %s', (_, csv, expected) => {
    expect(parseLabels(csv)).toEqual(expected);
  });

  it.each([
    ['empty input', '', /test split is empty/, undefined],
    ['only a newline', '\n', /test split is empty/, undefined],
    ['a label of 2', '1,5\n2,5\n', /line 2: label "2" is not 0 or 1/, 2],
    ['an empty label', '1,5\n,5\n', /line 2: label "" is not 0 or 1/, 2],
    ['a header row', 'churn,age\n1,5\n', /line 1: label "churn" is not 0 or 1/, 1],
    ['a label of 0.5', '0.5,5\n', /line 1: label "0.5"/, 1],
    ['an empty line in the middle', '1,5\n\n0,5\n', /test split line 2 is empty/, 2],
    ['only blank lines', '\n\r\n \n', /test split is empty/, undefined],
    ['a row without features', '1,5\n0\n', /line 2 has no feature columns/, 2],
    ['a short row', '1,5,6\n0,5\n', /line 2 has 2 columns; line 1 has 3/, 2],
    ['a lone carriage return', '1,5\r0,5\n', /line 1 holds a carriage return/, 1],
  ])('rejects %s', (_, csv, message, line) => {
    const error = inputError(() => parseLabels(csv));
    expect(error.message).toMatch(message);
    expect(error.line).toBe(line);
  });
});

describe('parseScores', () => {
  it('reads one probability per line', () => {
    expect(parseScores(TRANSFORM)).toEqual(SCORES);
  });

  it.each([
    ['Windows line endings', '0.25\r\n0.75\r\n', [0.25, 0.75]],
    ['no trailing newline', '0.25\n0.75', [0.25, 0.75]],
    ['exponents, as XGBoost writes tiny probabilities', '1.5e-05\n9.9E-1\n', [1.5e-5, 0.99]],
    ['the bounds and surrounding spaces', ' 0 \n1\n1.0\n', [0, 1, 1]],
    // Batch transform with AssembleWith: Line may end its output with an empty line.
    ['an empty line at the end, as batch transform may write', '0.25\n0.75\n\n', [0.25, 0.75]],
    ['several blank lines at the end, Windows endings', '0.25\r\n0.75\r\n\r\n\r\n', [0.25, 0.75]],
  ])('accepts %s', (_, text, expected) => {
    expect(parseScores(text)).toEqual(expected);
  });

  it('reads -0 as 0', () => {
    expect(Object.is(parseScores('-0\n')[0], 0)).toBe(true);
  });

  it.each([
    ['empty input', '', /transform output is empty/, undefined],
    ['a word', '0.1\nchurn\n', /line 2: "churn" is not a number/, 2],
    ['NaN', '0.1\nNaN\n', /line 2: "NaN" is not a number/, 2],
    ['Infinity', 'Infinity\n', /line 1: "Infinity" is not a number/, 1],
    ['hexadecimal', '0x1\n', /line 1: "0x1" is not a number/, 1],
    ['two values on one line', '0.3,0.7\n', /line 1: "0.3,0.7" is not a number/, 1],
    ['a JSON array', '[0.3]\n', /line 1: "\[0.3\]" is not a number/, 1],
    ['1.2', '0.5\n1.2\n', /line 2: 1.2 is not a probability in \[0, 1\]/, 2],
    ['a negative score', '-0.1\n', /line 1: -0.1 is not a probability/, 1],
    ['a missing line', '0.5\n\n0.4\n', /transform output line 2 is empty/, 2],
  ])('rejects %s', (_, text, message, line) => {
    const error = inputError(() => parseScores(text));
    expect(error.message).toMatch(message);
    expect(error.line).toBe(line);
  });
});

describe('joinLabelsAndScores', () => {
  it('pairs labels and scores row by row', () => {
    expect(joinLabelsAndScores([1, 0], [0.9, 0.2])).toEqual([
      { label: 1, score: 0.9 },
      { label: 0, score: 0.2 },
    ]);
  });

  it.each([
    [
      'fewer scores',
      [1, 0, 1],
      [0.1, 0.2],
      /3 rows but the transform output has 2 scores: test split line 3 has no score/,
      3,
    ],
    [
      'more scores',
      [1],
      [0.1, 0.2],
      /1 rows but the transform output has 2 scores: transform output line 2 has no test row/,
      2,
    ],
    ['no rows', [], [], /no rows to evaluate/, undefined],
    ['a bad label', [1, 3], [0.1, 0.2], /row 2: label 3 is not 0 or 1/, 2],
    ['a NaN score', [1, 0], [NaN, 0.2], /row 1: score NaN is not a probability/, 1],
    ['a score above 1', [1, 0], [0.1, 1.2], /row 2: score 1.2 is not a probability/, 2],
  ])('rejects %s', (_, labels, scores, message, line) => {
    const error = inputError(() => joinLabelsAndScores(labels, scores));
    expect(error.message).toMatch(message);
    expect(error.line).toBe(line);
  });
});

describe('confusionMatrix and classificationMetrics', () => {
  it('computes the worked example at 0.5', () => {
    const matrix = confusionMatrix(LABELS, SCORES, 0.5);
    expect(matrix).toEqual({ tp: 2, fp: 1, tn: 2, fn: 1 });
    const metrics = classificationMetrics(matrix);
    expect(metrics.accuracy).toBeCloseTo(4 / 6, 12);
    expect(metrics.precision).toBeCloseTo(2 / 3, 12);
    expect(metrics.recall).toBeCloseTo(2 / 3, 12);
    expect(metrics.f1).toBeCloseTo(2 / 3, 12);
  });

  it('predicts churn for a score equal to the cutoff', () => {
    expect(confusionMatrix(LABELS, SCORES, 0.4)).toEqual({ tp: 3, fp: 1, tn: 2, fn: 0 });
  });

  it('predicts nobody at the cutoff null (+infinity), everybody at 0', () => {
    expect(confusionMatrix(LABELS, SCORES, null)).toEqual({ tp: 0, fp: 0, tn: 3, fn: 3 });
    expect(confusionMatrix(LABELS, SCORES, 0)).toEqual({ tp: 3, fp: 3, tn: 0, fn: 0 });
  });

  it('rejects a NaN cutoff', () => {
    expect(inputError(() => confusionMatrix(LABELS, SCORES, NaN)).message).toMatch(/cutoff is NaN/);
  });

  it('leaves precision undefined (null) when nobody is predicted to churn; F1 is then 0', () => {
    expect(classificationMetrics({ tp: 0, fp: 0, tn: 3, fn: 3 })).toEqual({
      accuracy: 0.5,
      precision: null,
      recall: 0,
      f1: 0,
    });
  });

  it('keeps what is defined when only one class is present', () => {
    // Only stayers: recall has no churners to count; nobody predicted at 0.5, so no precision either.
    const onlyStayers = classificationMetrics(confusionMatrix([0, 0, 0], [0.1, 0.2, 0.3], 0.5));
    expect(onlyStayers).toEqual({ accuracy: 1, precision: null, recall: null, f1: null });
    // Only stayers, one wrongly predicted: precision and F1 are 0.
    expect(classificationMetrics(confusionMatrix([0, 0, 0], [0.1, 0.2, 0.7], 0.5))).toEqual({
      accuracy: 2 / 3,
      precision: 0,
      recall: null,
      f1: 0,
    });
    // Only churners, all caught.
    expect(classificationMetrics(confusionMatrix([1, 1], [0.6, 0.9], 0.5))).toEqual({
      accuracy: 1,
      precision: 1,
      recall: 1,
      f1: 1,
    });
  });

  it('rejects a matrix with a negative or fractional count', () => {
    expect(inputError(() => classificationMetrics({ tp: -1, fp: 0, tn: 0, fn: 0 })).message).toMatch(/tp is -1/);
    expect(inputError(() => classificationMetrics({ tp: 0, fp: 0.5, tn: 0, fn: 0 })).message).toMatch(/fp is 0.5/);
  });
});

describe('rocCurve', () => {
  it('steps through every distinct score of the worked example, highest first', () => {
    expect(rocCurve(LABELS, SCORES)).toEqual([
      { fpr: 0, tpr: 0, threshold: null },
      { fpr: 0, tpr: 1 / 3, threshold: 0.9 },
      { fpr: 1 / 3, tpr: 1 / 3, threshold: 0.8 },
      { fpr: 1 / 3, tpr: 2 / 3, threshold: 0.7 },
      { fpr: 1 / 3, tpr: 1, threshold: 0.4 },
      { fpr: 2 / 3, tpr: 1, threshold: 0.3 },
      { fpr: 1, tpr: 1, threshold: 0.1 },
    ]);
  });

  it('makes tied scores one (diagonal) step', () => {
    // 0.6 is shared by a churner and a stayer, 0.2 too: two diagonal steps, no staircase.
    expect(rocCurve([1, 0, 1, 0], [0.6, 0.6, 0.2, 0.2])).toEqual([
      { fpr: 0, tpr: 0, threshold: null },
      { fpr: 0.5, tpr: 0.5, threshold: 0.6 },
      { fpr: 1, tpr: 1, threshold: 0.2 },
    ]);
  });

  it('needs both classes', () => {
    expect(inputError(() => rocCurve([1, 1], [0.2, 0.3])).message).toMatch(
      /ROC curve needs both classes; the test split has 2 churners and 0 stayers/,
    );
  });

  it('has a trapezoidal area equal to the AUC', () => {
    fc.assert(
      fc.property(scoredSet(true), ({ labels, scores }) => {
        const points = rocCurve(labels, scores);
        let area = 0;
        for (let i = 1; i < points.length; i++) {
          const [a, b] = [points[i - 1], points[i]];
          area += ((b?.fpr ?? 0) - (a?.fpr ?? 0)) * (((a?.tpr ?? 0) + (b?.tpr ?? 0)) / 2);
        }
        expect(area).toBeCloseTo(rocAuc(labels, scores), 10);
      }),
      RUNS,
    );
  });
});

describe('rocAuc', () => {
  it('is 7/9 on the worked example', () => {
    expect(rocAuc(LABELS, SCORES)).toBeCloseTo(7 / 9, 12);
  });

  it.each([
    ['perfect ranking', [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], 1],
    ['reversed ranking', [1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9], 0],
    ['all scores tied', [0, 1, 0, 1, 1], [0.5, 0.5, 0.5, 0.5, 0.5], 0.5],
    // Pairs: churner 0.7 vs stayers 0.7 (tie, 1/2) and 0.2 (1); churner 0.2 vs 0.7 (0) and 0.2 (1/2): 2/4.
    ['ties across the classes count one half', [1, 0, 1, 0], [0.7, 0.7, 0.2, 0.2], 0.5],
  ])('%s', (_, labels, scores, expected) => {
    expect(rocAuc(labels, scores)).toBeCloseTo(expected, 12);
  });

  it('throws when only one class is present', () => {
    expect(inputError(() => rocAuc([0, 0, 0], [0.1, 0.5, 0.9])).message).toMatch(
      /AUC needs both classes; the test split has 0 churners and 3 stayers/,
    );
  });

  it('equals the probability that a random churner outranks a random stayer, ties one half', () => {
    fc.assert(
      fc.property(scoredSet(true), ({ labels, scores }) => {
        expect(rocAuc(labels, scores)).toBeCloseTo(pairwiseAuc(labels, scores), 12);
      }),
      RUNS,
    );
  });

  it('flips with the scores: AUC(1 - score) = 1 - AUC(score)', () => {
    fc.assert(
      fc.property(scoredSet(true), ({ labels, scores }) => {
        expect(
          rocAuc(
            labels,
            scores.map((s) => 1 - s),
          ),
        ).toBeCloseTo(1 - rocAuc(labels, scores), 12);
      }),
      RUNS,
    );
  });
});

describe('costAt', () => {
  it('charges every offer and every churner who leaves', () => {
    // At 0.5: 3 offers * 10 + 1 missed churner * 100.
    expect(costAt({ tp: 2, fp: 1, tn: 2, fn: 1 }, COSTS)).toBe(130);
  });

  it('charges the churners who take no offer when retention is below 1', () => {
    // 3 offers * 10 + (1 missed + (1 - 0.5) * 2 unretained) * 100.
    expect(costAt({ tp: 2, fp: 1, tn: 2, fn: 1 }, { ...COSTS, retention: 0.5 })).toBe(230);
    // Retention 0: offers are pure cost.
    expect(costAt({ tp: 2, fp: 1, tn: 2, fn: 1 }, { ...COSTS, retention: 0 })).toBe(330);
  });

  it('costs (tp + fn) * missedChurner when nobody gets an offer', () => {
    expect(costAt({ tp: 0, fp: 0, tn: 3, fn: 3 }, COSTS)).toBe(300);
  });

  it.each([
    [{ missedChurner: -1, incentive: 10 }, /costs.missedChurner is -1/],
    [{ missedChurner: 100, incentive: NaN }, /costs.incentive is NaN/],
    [{ missedChurner: 100, incentive: Infinity }, /costs.incentive is Infinity/],
    [{ missedChurner: 100, incentive: 10, retention: 1.5 }, /costs.retention is 1.5; expected a number in \[0, 1\]/],
    [{ missedChurner: 100, incentive: 10, retention: NaN }, /costs.retention is NaN/],
  ])('rejects %j', (costs, message) => {
    expect(inputError(() => costAt({ tp: 1, fp: 0, tn: 0, fn: 0 }, costs)).message).toMatch(message);
  });
});

describe('optimalCutoff', () => {
  it('finds the cheapest cutoff of the worked example', () => {
    expect(optimalCutoff(LABELS, SCORES, COSTS)).toEqual({
      cutoff: 0.4,
      matrix: { tp: 3, fp: 1, tn: 2, fn: 0 },
      cost: 40,
      costOfDoingNothing: 300,
      saving: 260,
    });
  });

  it('accounts for retention', () => {
    // cost = 10 (tp + fp) + 100 (fn + tp/2): none 300, 0.9 260, 0.8 270, 0.7 230, 0.4 190, 0.3 200, 0.1 210.
    expect(optimalCutoff(LABELS, SCORES, { ...COSTS, retention: 0.5 })).toMatchObject({ cutoff: 0.4, cost: 190 });
  });

  it('gives nobody an offer when offers cost as much as churners (a tie with 0.9, broken upwards)', () => {
    // cost = 100 (tp + fp) + 100 fn: none 300, 0.9 300, 0.8 400, 0.7 400, 0.4 400, 0.3 500, 0.1 600.
    expect(optimalCutoff(LABELS, SCORES, { missedChurner: 100, incentive: 100 })).toEqual({
      cutoff: null,
      matrix: { tp: 0, fp: 0, tn: 3, fn: 3 },
      cost: 300,
      costOfDoingNothing: 300,
      saving: 0,
    });
  });

  it('breaks a tie between two scores towards the higher cutoff', () => {
    // cost = 10 (tp + fp) + 20 fn: none 40, 0.9 10 + 20 = 30, 0.8 20 + 20 = 40, 0.7 30 + 0 = 30.
    expect(optimalCutoff([1, 0, 1], [0.9, 0.8, 0.7], { missedChurner: 20, incentive: 10 })).toMatchObject({
      cutoff: 0.9,
      cost: 30,
    });
  });

  it('breaks a tie towards the higher cutoff despite rounding', () => {
    // One churner, retention 0.3: no offer costs 3; an offer costs 0.9 + (1 - 0.3) * 3 = 3 in exact
    // arithmetic but 2.9999999999999996 in floating point. Still a tie: nobody gets an offer.
    expect(0.9 + (1 - 0.3) * 3).toBeLessThan(3);
    const result = optimalCutoff([1], [0.9], { missedChurner: 3, incentive: 0.9, retention: 0.3 });
    expect(result).toMatchObject({ cutoff: null, cost: 3 });
  });

  it('works with one class only', () => {
    // Only stayers: any offer is wasted; doing nothing costs 0.
    expect(optimalCutoff([0, 0], [0.2, 0.9], COSTS)).toMatchObject({ cutoff: null, cost: 0, saving: 0 });
  });

  it('costs no more than doing nothing, nor than the cutoff 0.5, and its matrix costs what it says', () => {
    fc.assert(
      fc.property(scoredSet(false), costsArb, ({ labels, scores }, costs) => {
        const best = optimalCutoff(labels, scores, costs);
        const tolerance = 1e-9 * Math.max(1, best.costOfDoingNothing);
        expect(best.cost).toBeLessThanOrEqual(best.costOfDoingNothing + tolerance);
        expect(best.cost).toBeLessThanOrEqual(costAt(confusionMatrix(labels, scores, 0.5), costs) + tolerance);
        expect(best.matrix).toEqual(confusionMatrix(labels, scores, best.cutoff));
        expect(best.cost).toBeCloseTo(costAt(best.matrix, costs), 9);
        expect(best.saving).toBeCloseTo(best.costOfDoingNothing - best.cost, 9);
        expect(best.costOfDoingNothing).toBeCloseTo(labels.filter((l) => l === 1).length * costs.missedChurner, 9);
      }),
      RUNS,
    );
  });

  it('is the cheapest of every cutoff (brute force over all scores and +infinity)', () => {
    fc.assert(
      fc.property(scoredSet(false), costsArb, ({ labels, scores }, costs) => {
        const best = optimalCutoff(labels, scores, costs);
        for (const cutoff of [null, ...scores, 0, 1, 0.5]) {
          const cost = costAt(confusionMatrix(labels, scores, cutoff), costs);
          expect(best.cost).toBeLessThanOrEqual(cost + 1e-9 * Math.max(1, cost));
        }
      }),
      RUNS,
    );
  });
});

describe('evaluate', () => {
  const evaluation = evaluate(CSV, TRANSFORM, caseWithCosts(COSTS));

  it('reports the worked example', () => {
    expect(evaluation).toMatchObject({
      formatVersion: 1,
      counts: { rows: 6, positives: 3, negatives: 3 },
      atDefaultCutoff: { cutoff: 0.5, matrix: { tp: 2, fp: 1, tn: 2, fn: 1 }, cost: 130 },
      atOptimalCutoff: { cutoff: 0.4, matrix: { tp: 3, fp: 1, tn: 2, fn: 0 }, cost: 40 },
      costs: {
        assumptions: { missedChurner: 100, incentive: 10, retention: 1 },
        doingNothing: 300,
        atDefaultCutoff: 130,
        atOptimalCutoff: 40,
        saving: 260,
      },
    });
    expect(evaluation.auc).toBeCloseTo(7 / 9, 12);
    expect(evaluation.atOptimalCutoff.metrics).toEqual({ accuracy: 5 / 6, precision: 3 / 4, recall: 1, f1: 6 / 7 });
    expect(evaluation.roc).toEqual(rocCurve(LABELS, SCORES));
  });

  it('survives a JSON round trip unchanged (it becomes evaluation.json)', () => {
    expect(JSON.parse(JSON.stringify(evaluation))).toEqual(evaluation);
    const nobody = evaluate(CSV, TRANSFORM, caseWithCosts({ missedChurner: 1, incentive: 1000 }));
    expect(nobody.atOptimalCutoff.cutoff).toBeNull();
    expect(nobody.atOptimalCutoff.metrics.precision).toBeNull();
    expect(JSON.parse(JSON.stringify(nobody))).toEqual(nobody);
  });

  it('accepts Windows line endings in both inputs', () => {
    expect(evaluate(CSV.replace(/\n/g, '\r\n'), TRANSFORM.replace(/\n/g, '\r\n'), caseWithCosts(COSTS))).toEqual(
      evaluation,
    );
  });

  it.each<[string, string, string, RegExp, Costs?, Partial<BusinessCase>?]>([
    ['an empty test split', '', TRANSFORM, /test split is empty/],
    ['an empty transform output', CSV, '', /transform output is empty/],
    ['a missing score', CSV, '0.9\n0.8\n0.7\n0.4\n0.3\n', /6 rows but the transform output has 5 scores/],
    ['an extra score', CSV, `${TRANSFORM}0.5\n`, /transform output line 7 has no test row/],
    ['a score of 1.2', CSV, TRANSFORM.replace('0.7', '1.2'), /transform output line 3: 1.2 is not a probability/],
    ['a NaN score', CSV, TRANSFORM.replace('0.4', 'NaN'), /transform output line 4: "NaN" is not a number/],
    ['a test split of stayers only', '0,1\n0,2\n', '0.1\n0.2\n', /AUC needs both classes/],
    ['negative costs', CSV, TRANSFORM, /business.incentiveCost is -1/, { missedChurner: 1, incentive: -1 }],
    [
      'a fraction of a customer',
      CSV,
      TRANSFORM,
      /business.customersScored is 10.5; expected an integer/,
      { missedChurner: 1, incentive: 1 },
      { customersScored: 10.5 },
    ],
  ])('rejects %s', (_, csv, transform, message, costs = COSTS, overrides = {}) => {
    expect(inputError(() => evaluate(csv, transform, caseWithCosts(costs, overrides))).message).toMatch(message);
  });
});
