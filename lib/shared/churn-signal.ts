/**
 * How much signal the synthetic churn label carries: a plain logistic regression to score with,
 * and the measurement that puts it together with the AUC (`lib/contracts/auc.ts`, the one the
 * evaluation step reports): the AUC of the true churn probability, the ceiling, against that of
 * a model trained on the features. Pure functions, no I/O.
 */
import { auc } from '../contracts/auc';
import { CHURN_FIELDS, LABEL_FIELD } from '../schema/churn';
import type { Customer } from '../schema/customer-model';

/** Settings of `trainLogisticRegression`. */
export interface LogisticRegressionOptions {
  /**
   * Full-batch gradient-descent steps.
   * @default 200
   */
  readonly iterations?: number;
  /**
   * Step size on the standardized features.
   * @default 0.5
   */
  readonly learningRate?: number;
  /**
   * L2 penalty on the weights (not the bias), per example.
   * @default 0
   */
  readonly l2?: number;
}

/** A trained logistic regression: the standardization it learnt and its coefficients. */
export interface LogisticRegressionModel {
  /** Mean of each feature in the training data. */
  readonly means: readonly number[];
  /** Standard deviation of each feature in the training data (1 where it was constant). */
  readonly scales: readonly number[];
  /** Weight of each standardized feature. */
  readonly weights: readonly number[];
  readonly bias: number;
}

/**
 * A logistic regression fitted by plain full-batch gradient descent on the mean log loss, each
 * feature first standardized to mean 0 and standard deviation 1. Meant as an honest linear
 * baseline, not a production trainer.
 *
 * @param rows one feature vector per example, all the same length (numbers; booleans as 0/1)
 * @throws RangeError when there are no rows, the lengths disagree, or a feature is not finite
 */
export function trainLogisticRegression(
  rows: readonly (readonly number[])[],
  labels: readonly boolean[],
  options: LogisticRegressionOptions = {},
): LogisticRegressionModel {
  const iterations = options.iterations ?? 200;
  const learningRate = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 0;
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  if (n === 0) {
    throw new RangeError('cannot train on no rows');
  }
  if (labels.length !== n) {
    throw new RangeError(`rows and labels differ in length: ${n} and ${labels.length}`);
  }
  rows.forEach((row, i) => {
    if (row.length !== d || !row.every(Number.isFinite)) {
      throw new RangeError(`row ${i} must hold ${d} finite numbers; received [${row.join(', ')}]`);
    }
  });

  const means = Array.from({ length: d }, (_, j) => rows.reduce((sum, row) => sum + (row[j] ?? 0), 0) / n);
  const scales = means.map((mean, j) => {
    const sd = Math.sqrt(rows.reduce((sum, row) => sum + ((row[j] ?? 0) - mean) ** 2, 0) / n);
    return sd > 0 ? sd : 1;
  });
  const x = new Float64Array(n * d);
  rows.forEach((row, i) => row.forEach((v, j) => (x[i * d + j] = (v - (means[j] ?? 0)) / (scales[j] ?? 1))));
  const y = Float64Array.from(labels, (l) => (l ? 1 : 0));

  const weights = new Float64Array(d);
  let bias = 0;
  const gradient = new Float64Array(d);
  for (let step = 0; step < iterations; step++) {
    gradient.fill(0);
    let biasGradient = 0;
    for (let i = 0; i < n; i++) {
      let z = bias;
      for (let j = 0; j < d; j++) {
        z += (weights[j] ?? 0) * (x[i * d + j] ?? 0);
      }
      const error = sigmoid(z) - (y[i] ?? 0);
      biasGradient += error;
      for (let j = 0; j < d; j++) {
        gradient[j] = (gradient[j] ?? 0) + error * (x[i * d + j] ?? 0);
      }
    }
    for (let j = 0; j < d; j++) {
      weights[j] = (weights[j] ?? 0) - learningRate * ((gradient[j] ?? 0) / n + l2 * (weights[j] ?? 0));
    }
    bias -= (learningRate * biasGradient) / n;
  }
  return { means, scales, weights: Array.from(weights), bias };
}

/**
 * The probability the model gives the positive class for one feature vector.
 * @throws RangeError when the vector's length is not the model's
 */
export function predict(model: LogisticRegressionModel, features: readonly number[]): number {
  if (features.length !== model.weights.length) {
    throw new RangeError(`the model takes ${model.weights.length} features; received ${features.length}`);
  }
  let z = model.bias;
  features.forEach((v, j) => {
    z += (model.weights[j] ?? 0) * ((v - (model.means[j] ?? 0)) / (model.scales[j] ?? 1));
  });
  return sigmoid(z);
}

/** The schema fields `featureVector` uses, in order: every integer, double and boolean field but the label. */
export const FEATURE_FIELDS: readonly string[] = CHURN_FIELDS.filter(
  (f) => (f.type === 'integer' || f.type === 'double' || f.type === 'boolean') && f.label !== true,
).map((f) => f.name);

/**
 * The `FEATURE_FIELDS` values of a canonical churn record as numbers (booleans as 0/1).
 * @throws RangeError when one is missing or not a number or boolean (impute before)
 */
export function featureVector(record: Readonly<Record<string, unknown>>): number[] {
  return FEATURE_FIELDS.map((name) => {
    const value = record[name];
    if (typeof value === 'number') {
      return value;
    }
    if (typeof value === 'boolean') {
      return value ? 1 : 0;
    }
    throw new RangeError(`feature ${name} must be a number or a boolean; received ${JSON.stringify(value)}`);
  });
}

/** What `measureChurnSignal` finds. */
export interface ChurnSignal {
  /** Customers measured (train and held out). */
  readonly customers: number;
  /** Share of the customers whose label is churn. */
  readonly churnRate: number;
  /** AUC of the true churn probability over all customers: the ceiling any model can reach. */
  readonly trueAuc: number;
  /** AUC of the true churn probability over the held-out customers only. */
  readonly heldOutTrueAuc: number;
  /** AUC of the logistic regression over the held-out customers. */
  readonly modelAuc: number;
  /** Customers the model was trained on (the first ones); the rest are held out. */
  readonly trainCount: number;
}

/**
 * Train a logistic regression on the first `trainCount` customers' `FEATURE_FIELDS`, and compare
 * its AUC on the rest with that of the true churn probability.
 * @throws RangeError when `trainCount` leaves no customer on either side
 */
export function measureChurnSignal(
  customers: readonly Customer[],
  trainCount: number,
  options: LogisticRegressionOptions = {},
): ChurnSignal {
  if (!Number.isInteger(trainCount) || trainCount < 1 || trainCount >= customers.length) {
    throw new RangeError(
      `trainCount must be an integer from 1 to ${customers.length - 1} (customers - 1); received ${trainCount}`,
    );
  }
  const labels = customers.map((c) => c.record[LABEL_FIELD.name] === true);
  const probabilities = customers.map((c) => c.churnProbability);
  const train = customers.slice(0, trainCount);
  const test = customers.slice(trainCount);
  const model = trainLogisticRegression(
    train.map((c) => featureVector(c.record)),
    labels.slice(0, trainCount),
    options,
  );
  const testLabels = labels.slice(trainCount);
  return {
    customers: customers.length,
    churnRate: labels.filter((l) => l).length / customers.length,
    trueAuc: auc(probabilities, labels),
    heldOutTrueAuc: auc(probabilities.slice(trainCount), testLabels),
    modelAuc: auc(
      test.map((c) => predict(model, featureVector(c.record))),
      testLabels,
    ),
    trainCount,
  };
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}
