import fc from 'fast-check';
import {
  auc,
  FEATURE_FIELDS,
  featureVector,
  measureChurnSignal,
  predict,
  trainLogisticRegression,
} from '../../lib/shared/auc';
import { generateCustomers } from '../../lib/schema/generator';
import { CHURN_FIELDS } from '../../lib/schema/churn';

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

describe('trainLogisticRegression and predict', () => {
  // y = 1 when 2a - b + noise > 0; c is constant; d is pure noise.
  const rows: number[][] = [];
  const labels: boolean[] = [];
  for (let i = 0; i < 400; i++) {
    const a = Math.sin(i * 12.9898) * 3;
    const b = Math.cos(i * 78.233) * 5 + 100;
    const d = Math.sin(i * 4.1414);
    rows.push([a, b, 7, d]);
    labels.push(2 * a - (b - 100) + Math.sin(i * 0.7) > 0);
  }
  const model = trainLogisticRegression(rows, labels);

  it('learns the direction of each feature and ignores a constant one', () => {
    expect(model.weights[0]).toBeGreaterThan(1);
    expect(model.weights[1]).toBeLessThan(-1);
    expect(model.weights[2]).toBe(0);
    expect(model.scales[2]).toBe(1);
    expect(Math.abs(model.weights[3] ?? 0)).toBeLessThan(Math.abs(model.weights[0] ?? 0) / 4);
  });

  it('standardizes with the training means and standard deviations', () => {
    expect(model.means[1]).toBeCloseTo(100, 0);
    expect(model.scales[0]).toBeGreaterThan(1);
  });

  it('separates the classes it was trained on', () => {
    const scores = rows.map((row) => predict(model, row));
    expect(scores.every((p) => p > 0 && p < 1)).toBe(true);
    expect(auc(scores, labels)).toBeGreaterThan(0.95);
  });

  it('gives a higher probability as a positive feature rises', () => {
    expect(predict(model, [2, 100, 7, 0])).toBeGreaterThan(predict(model, [0, 100, 7, 0]));
    expect(predict(model, [0, 100, 7, 0])).toBeGreaterThan(predict(model, [-2, 100, 7, 0]));
  });

  it('refuses rows it cannot use', () => {
    expect(() => trainLogisticRegression([], [])).toThrow('cannot train on no rows');
    expect(() => trainLogisticRegression([[1]], [true, false])).toThrow('rows and labels differ in length: 1 and 2');
    expect(() => trainLogisticRegression([[1], [1, 2]], [true, false])).toThrow('row 1 must hold 1 finite numbers');
    expect(() => trainLogisticRegression([[1], [NaN]], [true, false])).toThrow(RangeError);
    expect(() => predict(model, [1, 2])).toThrow('the model takes 4 features; received 2');
  });
});

describe('featureVector', () => {
  it('takes every integer, double and boolean schema field but the label, in schema order', () => {
    const expected = CHURN_FIELDS.filter(
      (f) => ['integer', 'double', 'boolean'].includes(f.type) && f.label !== true,
    ).map((f) => f.name);
    expect(FEATURE_FIELDS).toEqual(expected);
    expect(FEATURE_FIELDS).toContain('customer_service_calls');
    expect(FEATURE_FIELDS).not.toContain('churn');
    expect(FEATURE_FIELDS).not.toContain('gender');
  });

  it('turns booleans into 0 and 1 and keeps numbers', () => {
    const [customer] = generateCustomers({ seed: 1, count: 1 });
    const record = { ...customer?.record, international_plan: true, voice_mail_plan: false, age: 33 };
    const vector = featureVector(record);
    expect(vector[FEATURE_FIELDS.indexOf('international_plan')]).toBe(1);
    expect(vector[FEATURE_FIELDS.indexOf('voice_mail_plan')]).toBe(0);
    expect(vector[FEATURE_FIELDS.indexOf('age')]).toBe(33);
  });

  it('refuses a missing value', () => {
    const [customer] = generateCustomers({ seed: 1, count: 1 });
    expect(() => featureVector({ ...customer?.record, age: null })).toThrow(
      'feature age must be a number or a boolean; received null',
    );
  });
});

describe('measureChurnSignal', () => {
  it('refuses a split that leaves one side empty', () => {
    const customers = generateCustomers({ seed: 1, count: 10 });
    expect(() => measureChurnSignal(customers, 10)).toThrow(
      'trainCount must be an integer from 1 to 9 (customers - 1); received 10',
    );
    expect(() => measureChurnSignal(customers, 0)).toThrow(RangeError);
  });
});
