/**
 * The curves the evaluation report draws besides the ROC curve: precision against recall, the
 * expected cost against the cutoff, and the calibration of the predicted probabilities. The first
 * two are read from the ROC curve, whose every point is one cutoff, with the class counts; the
 * calibration needs the rows and is part of the evaluation (`metrics.ts`).
 */
import type { ConfusionMatrix, Cutoff } from './confusion';
import { type CostAssumptions, expectedCost } from './cutoff';
import type { RocPoint } from './roc';
import type { ScoredRow } from './rows';

/** How many churned and stayed on the test split. */
export interface ClassCounts {
  readonly positives: number;
  readonly negatives: number;
}

/**
 * The confusion matrix at a point of the ROC curve. The rates are counts over class sizes, so the
 * counts come back exactly (rounded, to undo floating-point error).
 */
export function matrixAtRocPoint(point: RocPoint, counts: ClassCounts): ConfusionMatrix {
  const tp = Math.round(point.tpr * counts.positives);
  const fp = Math.round(point.fpr * counts.negatives);
  return { tp, fp, tn: counts.negatives - fp, fn: counts.positives - tp };
}

/** One point of the precision-recall curve. */
export interface PrecisionRecallPoint {
  /** The cutoff: rows scoring at or above it get an offer. */
  readonly cutoff: number;
  /** tp / (tp + fn). */
  readonly recall: number;
  /** tp / (tp + fp). */
  readonly precision: number;
}

/**
 * Precision against recall, one point per cutoff of the ROC curve except `null` (nobody gets an
 * offer, and precision is undefined).
 */
export function precisionRecallCurve(roc: readonly RocPoint[], counts: ClassCounts): PrecisionRecallPoint[] {
  return roc.flatMap((point) => {
    if (point.threshold === null) return [];
    const { tp, fp, fn } = matrixAtRocPoint(point, counts);
    return tp + fp === 0 ? [] : [{ cutoff: point.threshold, recall: tp / (tp + fn), precision: tp / (tp + fp) }];
  });
}

/** The expected cost of acting on the model at one cutoff. */
export interface CostPoint {
  /** The cutoff; `null` is +infinity: nobody gets an offer. */
  readonly cutoff: Cutoff;
  /** How many get an offer. */
  readonly offers: number;
  /** The expected cost (`expectedCost` in `cutoff.ts`). */
  readonly cost: number;
}

/** The expected cost at every cutoff of the ROC curve, from `null` (no offers) down. */
export function costCurve(roc: readonly RocPoint[], counts: ClassCounts, costs: CostAssumptions): CostPoint[] {
  return roc.map((point) => {
    const matrix = matrixAtRocPoint(point, counts);
    return { cutoff: point.threshold, offers: matrix.tp + matrix.fp, cost: expectedCost(matrix, costs) };
  });
}

/** One bin of predicted probability, and how often its customers churned. */
export interface CalibrationBin {
  /** The bin is [lower, upper), the last one [lower, 1]. */
  readonly lower: number;
  readonly upper: number;
  /** Rows whose score falls in the bin. */
  readonly rows: number;
  /** Their mean score; `null` for an empty bin. */
  readonly meanScore: number | null;
  /** The share of them that churned; `null` for an empty bin. */
  readonly churnRate: number | null;
}

/** The bins of the calibration: ten of equal width over [0, 1]. */
export const CALIBRATION_BINS = 10;

/**
 * The calibration of the scores: for each of `bins` equal bins of predicted probability, the mean
 * score and the share that churned. A calibrated model's churn rate equals its mean score in
 * every bin.
 */
export function calibration(rows: readonly ScoredRow[], bins = CALIBRATION_BINS): CalibrationBin[] {
  const sums = Array.from({ length: bins }, () => ({ rows: 0, scores: 0, churned: 0 }));
  for (const { label, score } of rows) {
    const bin = sums[Math.min(bins - 1, Math.floor(score * bins))];
    if (bin === undefined) continue;
    bin.rows++;
    bin.scores += score;
    bin.churned += label;
  }
  return sums.map((sum, i) => ({
    lower: i / bins,
    upper: (i + 1) / bins,
    rows: sum.rows,
    meanScore: sum.rows === 0 ? null : sum.scores / sum.rows,
    churnRate: sum.rows === 0 ? null : sum.churned / sum.rows,
  }));
}
