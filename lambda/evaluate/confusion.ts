/**
 * The confusion matrix at a cutoff and the classification metrics (accuracy, precision, recall,
 * F1) computed from it.
 */
import { EvaluationInputError } from './input-error';
import { joinLabelsAndScores } from './rows';

/**
 * A decision cutoff: a row whose score is >= the cutoff is predicted to churn (and gets an offer).
 * `null` stands for +infinity, the cutoff above every score: nobody is predicted to churn. (`null`
 * rather than `Infinity`, which JSON cannot hold.)
 */
export type Cutoff = number | null;

/** Counts of a binary classification at one cutoff, churn being the positive class. */
export interface ConfusionMatrix {
  /** Churners predicted to churn. */
  readonly tp: number;
  /** Stayers predicted to churn. */
  readonly fp: number;
  /** Stayers predicted to stay. */
  readonly tn: number;
  /** Churners predicted to stay. */
  readonly fn: number;
}

/**
 * The usual metrics of a confusion matrix. A ratio whose denominator is 0 is `null` (undefined),
 * never 0 or NaN, so that "no data" is not mistaken for "bad model".
 */
export interface ClassificationMetrics {
  /** (tp + tn) / all rows; `null` when the matrix is empty. */
  readonly accuracy: number | null;
  /** tp / (tp + fp); `null` when nobody is predicted to churn. */
  readonly precision: number | null;
  /** tp / (tp + fn), the share of churners caught; `null` when there are no churners. */
  readonly recall: number | null;
  /**
   * 2tp / (2tp + fp + fn), the harmonic mean of precision and recall written so that it is defined
   * whenever there is a churner or a predicted churner: it is 0 when tp is 0 (even if precision is
   * `null`), and `null` only when there are no churners and nobody is predicted to churn.
   */
  readonly f1: number | null;
}

/** Throws unless `cutoff` is a number (not NaN) or `null`. */
function checkCutoff(cutoff: Cutoff): void {
  if (cutoff !== null && Number.isNaN(cutoff)) {
    throw new EvaluationInputError('the cutoff is NaN; expected a number or null (+infinity)');
  }
}

/**
 * The confusion matrix at `cutoff`: a row is predicted to churn when its score is >= the cutoff
 * (`null` is +infinity: nobody is).
 *
 * @throws EvaluationInputError as {@link joinLabelsAndScores}, or when the cutoff is NaN.
 */
export function confusionMatrix(labels: readonly number[], scores: readonly number[], cutoff: Cutoff): ConfusionMatrix {
  checkCutoff(cutoff);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const { label, score } of joinLabelsAndScores(labels, scores)) {
    const churn = cutoff !== null && score >= cutoff;
    if (label === 1) {
      if (churn) tp++;
      else fn++;
    } else if (churn) fp++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

/** `numerator / denominator`, or `null` when the denominator is 0. */
function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/**
 * Accuracy, precision, recall and F1 of `matrix`. Each is `null` when its denominator is 0:
 * precision when nobody is predicted to churn, recall when there are no churners, accuracy when
 * the matrix is empty, F1 when there are neither churners nor predicted churners (see
 * {@link ClassificationMetrics}).
 *
 * @throws EvaluationInputError when a count is not a non-negative integer.
 */
export function classificationMetrics(matrix: ConfusionMatrix): ClassificationMetrics {
  checkMatrix(matrix);
  const { tp, fp, tn, fn } = matrix;
  return {
    accuracy: ratio(tp + tn, tp + fp + tn + fn),
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
  };
}

/** Throws unless every count of `matrix` is a non-negative integer. */
export function checkMatrix(matrix: ConfusionMatrix): void {
  for (const key of ['tp', 'fp', 'tn', 'fn'] as const) {
    const count = matrix[key];
    if (!Number.isInteger(count) || count < 0) {
      throw new EvaluationInputError(`confusion matrix ${key} is ${count}; expected a non-negative integer`);
    }
  }
}
