/**
 * The rows of the evaluation: a test-split label joined with the model's score on the same row,
 * checked, and the aggregates the metrics are built from (class counts, distinct-score groups).
 */
import { EvaluationInputError } from './input-error';

/** A row's true class: 1 for a customer who churned, 0 for one who stayed. */
export type Label = 0 | 1;

/** One row of the test split with the model's score for it. */
export interface ScoredRow {
  /** 1 when the customer churned. */
  readonly label: Label;
  /** The model's probability that the customer churns, in [0, 1]. */
  readonly score: number;
}

/**
 * Pairs each label with the score on the same row (row i is line i + 1 of both inputs), checking
 * both: every label 0 or 1, every score a finite number in [0, 1], and as many scores as labels.
 *
 * @throws EvaluationInputError when they are empty, differ in length, or hold a bad value.
 */
export function joinLabelsAndScores(labels: readonly number[], scores: readonly number[]): ScoredRow[] {
  if (labels.length === 0) {
    throw new EvaluationInputError('no rows to evaluate: the labels are empty');
  }
  if (labels.length !== scores.length) {
    const shorter = Math.min(labels.length, scores.length) + 1;
    throw new EvaluationInputError(
      `the test split has ${labels.length} rows but the transform output has ${scores.length} scores: ` +
        (scores.length < labels.length
          ? `test split line ${shorter} has no score`
          : `transform output line ${shorter} has no test row`),
      shorter,
    );
  }
  return labels.map((label, i) => {
    const score = scores[i] ?? Number.NaN;
    if (label !== 0 && label !== 1) {
      throw new EvaluationInputError(`row ${i + 1}: label ${label} is not 0 or 1`, i + 1);
    }
    if (!Number.isFinite(score) || score < 0 || score > 1) {
      throw new EvaluationInputError(`row ${i + 1}: score ${score} is not a probability in [0, 1]`, i + 1);
    }
    return { label, score };
  });
}

/** How many rows churned and how many stayed. */
export function classCounts(rows: readonly ScoredRow[]): { positives: number; negatives: number } {
  const positives = rows.filter((r) => r.label === 1).length;
  return { positives, negatives: rows.length - positives };
}

/** The distinct scores, highest first, each with how many churners and stayers have it. */
export function scoreGroups(rows: readonly ScoredRow[]): { score: number; positives: number; negatives: number }[] {
  const sorted = [...rows].sort((a, b) => b.score - a.score);
  const groups: { score: number; positives: number; negatives: number }[] = [];
  for (const { label, score } of sorted) {
    let last = groups[groups.length - 1];
    if (last?.score !== score) {
      last = { score, positives: 0, negatives: 0 };
      groups.push(last);
    }
    if (label === 1) last.positives++;
    else last.negatives++;
  }
  return groups;
}
