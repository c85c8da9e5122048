/** The ROC curve of the model's scores on the test split, and its AUC. */
import { auc } from '../../lib/contracts/auc';
import type { Cutoff } from './confusion';
import { EvaluationInputError } from './input-error';
import { classCounts, joinLabelsAndScores, scoreGroups, type ScoredRow } from './rows';

/** One point of the ROC curve: the rates reached with a cutoff. */
export interface RocPoint {
  /** False positive rate, fp / (fp + tn). */
  readonly fpr: number;
  /** True positive rate (recall), tp / (tp + fn). */
  readonly tpr: number;
  /** The cutoff that reaches this point (score >= threshold predicts churn); `null` is +infinity. */
  readonly threshold: Cutoff;
}

/** Throws unless `rows` hold both classes; `what` names the quantity that needs them. */
function requireBothClasses(rows: readonly ScoredRow[], what: string): { positives: number; negatives: number } {
  const counts = classCounts(rows);
  if (counts.positives === 0 || counts.negatives === 0) {
    throw new EvaluationInputError(
      `${what} needs both classes; the test split has ${counts.positives} churners and ${counts.negatives} stayers`,
    );
  }
  return counts;
}

/**
 * The ROC curve: one point per distinct score, highest first, reached by the cutoff equal to that
 * score, after the point (0, 0) of the cutoff `null` (+infinity). Rows with tied scores are one
 * step (a diagonal segment when the tie spans both classes), never an arbitrary staircase.
 *
 * @throws EvaluationInputError as {@link joinLabelsAndScores}, or when only one class is present.
 */
export function rocCurve(labels: readonly number[], scores: readonly number[]): RocPoint[] {
  const rows = joinLabelsAndScores(labels, scores);
  const { positives, negatives } = requireBothClasses(rows, 'the ROC curve');
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: null }];
  let tp = 0;
  let fp = 0;
  for (const group of scoreGroups(rows)) {
    tp += group.positives;
    fp += group.negatives;
    points.push({ fpr: fp / negatives, tpr: tp / positives, threshold: group.score });
  }
  return points;
}

/**
 * The area under the ROC curve, as `lib/contracts/auc.ts` defines it (by ranks, the Mann-Whitney
 * U statistic): the probability that a random churner scores higher than a random stayer, a tie
 * counting one half. The rows are checked here first, so that bad input is an
 * {@link EvaluationInputError} naming the row, like every other metric's.
 *
 * @throws EvaluationInputError as {@link joinLabelsAndScores}, or when only one class is present.
 */
export function rocAuc(labels: readonly number[], scores: readonly number[]): number {
  const rows = joinLabelsAndScores(labels, scores);
  requireBothClasses(rows, 'the AUC');
  return auc(
    rows.map((r) => r.score),
    rows.map((r) => r.label === 1),
  );
}
