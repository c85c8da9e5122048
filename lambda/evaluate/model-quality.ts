/**
 * The evaluation in the layout SageMaker uses for a binary classifier's model quality statistics
 * (the `statistics.json` of a Model Monitor model quality job), which the Model Registry shows as a
 * model package's "model quality" metrics when the package's `ModelMetrics.ModelQuality.Statistics`
 * points at it. Pure: evaluation in, plain JSON-ready object out; the handler writes it as
 * `model-quality.json`.
 */
import type { Evaluation } from './metrics';

/** One metric, as SageMaker writes it. */
export interface MetricValue {
  readonly value: number;
}

/** Counts of one true class, by predicted class ("0" stayed, "1" churned). */
export interface ConfusionMatrixRow {
  readonly '0': number;
  readonly '1': number;
}

/** The `binary_classification_metrics` section of the statistics. */
export interface BinaryClassificationMetrics {
  /**
   * Rows are the true class, columns the predicted class: `{"0": {"0": tn, "1": fp}, "1": {"0": fn,
   * "1": tp}}`, churn ("1") being the positive class.
   */
  readonly confusion_matrix: { readonly '0': ConfusionMatrixRow; readonly '1': ConfusionMatrixRow };
  /** Absent when undefined (no rows). */
  readonly accuracy?: MetricValue;
  /** Absent when undefined (nobody predicted to churn). */
  readonly precision?: MetricValue;
  /** Absent when undefined (no churners). */
  readonly recall?: MetricValue;
  /** Absent when undefined (no churners and nobody predicted to churn). */
  readonly f1?: MetricValue;
  /** Area under the ROC curve; absent only if it is not a finite number (never, for an `evaluate` result). */
  readonly auc?: MetricValue;
  /** The ROC curve's points in order, from (0, 0) to (1, 1): the two arrays have the same length. */
  readonly receiver_operating_characteristic_curve: {
    readonly false_positive_rates: readonly number[];
    readonly true_positive_rates: readonly number[];
  };
}

/** SageMaker's model quality statistics of a binary classifier (the subset this project computes). */
export interface ModelQualityStatistics {
  /** The layout's version; SageMaker writes `0.0` (the same JSON number as `0`). */
  readonly version: 0;
  readonly binary_classification_metrics: BinaryClassificationMetrics;
}

/** `{ [name]: { value } }`, or `{}` when the value is undefined (`null`) or not finite. */
function metric<K extends string>(name: K, value: number | null): Partial<Record<K, MetricValue>> {
  return value !== null && Number.isFinite(value) ? ({ [name]: { value } } as Record<K, MetricValue>) : {};
}

/**
 * The evaluation as SageMaker model quality statistics for a binary classifier.
 *
 * The confusion matrix and the threshold metrics (accuracy, precision, recall, F1) are those at the
 * evaluation's budget-constrained cutoff (`atBudgetCutoff`), the campaign's cutoff, which the model
 * is deployed with, not at 0.5. The confusion matrix's rows are the true class and its columns the predicted
 * class. The AUC and the ROC curve do not depend on a cutoff.
 *
 * A metric that is `null` in the evaluation (a ratio whose denominator is 0) is left out of the
 * object, not written as `null` or NaN, which SageMaker's statistics do not hold for a value.
 *
 * @param evaluation the result of `evaluate`
 */
export function modelQualityStatistics(evaluation: Evaluation): ModelQualityStatistics {
  const { matrix, metrics } = evaluation.atBudgetCutoff;
  return {
    version: 0,
    binary_classification_metrics: {
      confusion_matrix: {
        '0': { '0': matrix.tn, '1': matrix.fp },
        '1': { '0': matrix.fn, '1': matrix.tp },
      },
      ...metric('accuracy', metrics.accuracy),
      ...metric('precision', metrics.precision),
      ...metric('recall', metrics.recall),
      ...metric('f1', metrics.f1),
      ...metric('auc', evaluation.auc),
      receiver_operating_characteristic_curve: {
        false_positive_rates: evaluation.roc.map((p) => p.fpr),
        true_positive_rates: evaluation.roc.map((p) => p.tpr),
      },
    },
  };
}
