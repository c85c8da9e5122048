import { auc } from '../../lib/contracts/auc';
import {
  FEATURE_FIELDS,
  featureVector,
  measureChurnSignal,
  predict,
  trainLogisticRegression,
} from '../../lib/shared/churn-signal';
import { generateCustomers } from '../../lib/schema/generator';
import { CHURN_FIELDS } from '../../lib/schema/churn';

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
