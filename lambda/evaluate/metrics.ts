/**
 * The churn model's test-set evaluation: parse the test split and the batch transform output
 * (`parse.ts`), join them row by row (`rows.ts`), and compute the confusion matrix and the
 * classification metrics (`confusion.ts`), the ROC curve and its AUC (`roc.ts`), and the cost of
 * acting on the model at a cutoff, including the cutoff that costs least (`cutoff.ts`), and the
 * business case: the campaign at the budget-constrained cutoff against the budget and the target
 * churn rate (`business.ts`). No I/O and no AWS SDK: the handler reads the objects, calls {@link evaluate}, and writes the result as
 * `evaluation.json`.
 *
 * Inputs are checked, not trusted: anything malformed (a label that is not 0 or 1, a score that
 * is not a probability, a missing or extra line) throws an `EvaluationInputError`
 * (`input-error.ts`) that says what is wrong and on which line; no function returns a number
 * computed from bad input.
 */
import {
  classificationMetrics,
  confusionMatrix,
  type ClassificationMetrics,
  type ConfusionMatrix,
  type Cutoff,
} from './confusion';
import { calibration, type CalibrationBin } from './curves';
import { type BusinessCase, type BusinessEvaluation, businessCase, businessEvaluation, costsOfCase } from './business';
import { expectedCost, optimalCutoff, type CostAssumptions } from './cutoff';
import { parseLabels, parseScores } from './parse';
import { rocAuc, rocCurve, type RocPoint } from './roc';
import { classCounts, joinLabelsAndScores, type ScoredRow } from './rows';

/** The model's performance at one cutoff. */
export interface CutoffEvaluation {
  readonly cutoff: Cutoff;
  readonly matrix: ConfusionMatrix;
  readonly metrics: ClassificationMetrics;
  /** Expected cost at this cutoff, per `costAt` (`cutoff.ts`). */
  readonly cost: number;
}

/** The full evaluation of the model on the test split: the content of `evaluation.json`. */
export interface Evaluation {
  /** The version of this layout, raised when a field changes meaning or disappears. */
  readonly formatVersion: 1;
  /** Rows in the test split, and how many churned and stayed. */
  readonly counts: { readonly rows: number; readonly positives: number; readonly negatives: number };
  /** Area under the ROC curve. */
  readonly auc: number;
  /** At the conventional cutoff of 0.5. */
  readonly atDefaultCutoff: CutoffEvaluation;
  /** At the cutoff with the lowest expected cost ({@link optimalCutoff}). */
  readonly atOptimalCutoff: CutoffEvaluation;
  /**
   * At the budget-constrained cutoff (`business.cutoff`): the campaign's, which the model is
   * deployed with.
   */
  readonly atBudgetCutoff: CutoffEvaluation;
  /** The cost comparison. */
  readonly costs: {
    readonly assumptions: CostAssumptions;
    /** Nobody gets an offer. */
    readonly doingNothing: number;
    readonly atDefaultCutoff: number;
    readonly atOptimalCutoff: number;
    /** doingNothing - atOptimalCutoff. */
    readonly saving: number;
  };
  /** The ROC curve, from (0, 0) at threshold `null` to (1, 1) at the lowest score. */
  readonly roc: readonly RocPoint[];
  /**
   * The calibration of the scores: ten equal bins of predicted probability, each with its mean
   * score and the share that churned (`curves.ts`).
   */
  readonly calibration: readonly CalibrationBin[];
  /**
   * The business case: the campaign at the budget-constrained cutoff (`budget`, `spend`, `cutoff`,
   * `projectedChurnRate`, `targetChurnRate`, `targetMet` and more), and beside it at the
   * cost-optimal cutoff and at 0.5 (`business.ts`).
   */
  readonly business: BusinessEvaluation;
}

/** The conventional cutoff, reported beside the optimal one. */
export const DEFAULT_CUTOFF = 0.5;

/** The performance at `cutoff`. */
function atCutoff(rows: readonly ScoredRow[], cutoff: Cutoff, costs: CostAssumptions): CutoffEvaluation {
  const labels = rows.map((r) => r.label);
  const scores = rows.map((r) => r.score);
  const matrix = confusionMatrix(labels, scores, cutoff);
  return { cutoff, matrix, metrics: classificationMetrics(matrix), cost: expectedCost(matrix, costs) };
}

/**
 * The full evaluation of the model on the test split: class counts, AUC, the ROC curve, the matrix,
 * metrics and cost at the cutoff 0.5 and at the cheapest cutoff, the cost of doing nothing, and the
 * business case. The costs are the case's (`costsOfCase`). The result holds only numbers, booleans
 * and `null`, so `JSON.stringify` keeps all of it.
 *
 * @param testCsv the test split (see {@link parseLabels})
 * @param transformOutput the batch transform output for that split (see {@link parseScores})
 * @param business the business case, which sets the cost assumptions too
 * @throws EvaluationInputError when an input or a value of the case is malformed, or when the test split holds only one
 *   class (the AUC and the ROC curve are undefined: such a split cannot evaluate the model).
 */
export function evaluate(testCsv: string, transformOutput: string, business: BusinessCase): Evaluation {
  const theCase = businessCase(business);
  const assumptions = costsOfCase(theCase);
  const labels = parseLabels(testCsv);
  const scores = parseScores(transformOutput);
  const rows = joinLabelsAndScores(labels, scores);
  const { positives, negatives } = classCounts(rows);
  const auc = rocAuc(labels, scores);
  const roc = rocCurve(labels, scores);
  const optimal = optimalCutoff(labels, scores, assumptions);
  const atDefault = atCutoff(rows, DEFAULT_CUTOFF, assumptions);
  const atOptimal = atCutoff(rows, optimal.cutoff, assumptions);
  const campaign = businessEvaluation(
    theCase,
    roc,
    { positives, negatives },
    { costOptimal: atOptimal, default: atDefault },
  );
  return {
    formatVersion: 1,
    counts: { rows: rows.length, positives, negatives },
    auc,
    atDefaultCutoff: atDefault,
    atOptimalCutoff: atOptimal,
    atBudgetCutoff: atCutoff(rows, campaign.cutoff, assumptions),
    costs: {
      assumptions,
      doingNothing: optimal.costOfDoingNothing,
      atDefaultCutoff: atDefault.cost,
      atOptimalCutoff: atOptimal.cost,
      saving: optimal.saving,
    },
    roc,
    calibration: calibration(rows),
    business: campaign,
  };
}
