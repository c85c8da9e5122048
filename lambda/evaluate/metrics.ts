/**
 * The pure logic of the churn model's test-set evaluation: parse the test split and the batch
 * transform output, join them row by row, and compute the confusion matrix, the classification
 * metrics, the ROC curve and its AUC, and the cost of acting on the model at a cutoff, including
 * the cutoff that costs least. No I/O and no AWS SDK: the handler reads the objects, calls
 * {@link evaluate}, and writes the result as `evaluation.json`.
 *
 * Inputs are checked, not trusted: anything malformed (a label that is not 0 or 1, a score that
 * is not a probability, a missing or extra line) throws an {@link EvaluationInputError} that says
 * what is wrong and on which line; no function returns a number computed from bad input.
 */
import { auc } from '../../lib/contracts/auc';
import { shown, type ShownOptions } from '../../lib/contracts/shown';

/** Thrown when the evaluation's input is malformed. The message says what is wrong and where. */
export class EvaluationInputError extends Error {
  /**
   * @param message what is wrong, and where
   * @param line the 1-based line of the input that is wrong, when one line is to blame
   */
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'EvaluationInputError';
  }
}

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

/** One point of the ROC curve: the rates reached with a cutoff. */
export interface RocPoint {
  /** False positive rate, fp / (fp + tn). */
  readonly fpr: number;
  /** True positive rate (recall), tp / (tp + fn). */
  readonly tpr: number;
  /** The cutoff that reaches this point (score >= threshold predicts churn); `null` is +infinity. */
  readonly threshold: Cutoff;
}

/**
 * What acting on a prediction costs, in one currency.
 *
 * The model assumes that an offer (the incentive) given to a churner keeps them with probability
 * `retention`, and that an offer given to a customer who would have stayed changes nothing but
 * still costs the incentive. Customers not given an offer cost nothing if they stay and
 * `missedChurner` if they leave.
 */
export interface Costs {
  /** The cost of a customer who leaves without having been offered the incentive (>= 0). */
  readonly missedChurner: number;
  /** The cost of one offer, paid for every customer predicted to churn, churner or not (>= 0). */
  readonly incentive: number;
  /**
   * The share of churners given an offer who accept it and stay, in [0, 1]. The others leave and
   * cost `missedChurner` on top of the incentive.
   * @default 1
   */
  readonly retention?: number;
}

/** {@link Costs} with every default applied: the assumptions an evaluation was made under. */
export type CostAssumptions = Required<Costs>;

/** The cutoff that costs least, and what it saves. */
export interface OptimalCutoff {
  /** The cutoff; `null` (+infinity) when giving nobody an offer is cheapest. */
  readonly cutoff: Cutoff;
  /** The confusion matrix at that cutoff. */
  readonly matrix: ConfusionMatrix;
  /** The expected cost at that cutoff. */
  readonly cost: number;
  /** The cost of giving nobody an offer: every churner is missed. */
  readonly costOfDoingNothing: number;
  /** costOfDoingNothing - cost, never negative. */
  readonly saving: number;
}

/** The model's performance at one cutoff. */
export interface CutoffEvaluation {
  readonly cutoff: Cutoff;
  readonly matrix: ConfusionMatrix;
  readonly metrics: ClassificationMetrics;
  /** Expected cost at this cutoff, per {@link costAt}. */
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
}

/** The conventional cutoff, reported beside the optimal one. */
export const DEFAULT_CUTOFF = 0.5;

/**
 * Relative tolerance under which two costs count as equal in {@link optimalCutoff}, so that a tie
 * is not broken by floating-point rounding.
 */
const COST_TIE_TOLERANCE = 1e-9;

/** A number written in decimal, with an optional exponent (`0.25`, `1e-05`, `.5`, `1.`). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A label: 0 or 1, also written `0.0` or `1.0` as some CSV writers do. */
const LABEL = /^([01])(?:\.0*)?$/;

/** A field of the input in a message: cut short, as it may be anything. */
const FIELD: ShownOptions = { maxLength: 40 };

/**
 * `text` without the blank lines at its end, ending in one newline (or empty, if nothing else is
 * left). Batch transform with `AssembleWith: Line` may end its output with an empty line: it
 * ends each record with a newline, and a record that already ends in one leaves a blank line.
 */
export function withoutTrailingBlankLines(text: string): string {
  const trimmed = text.replace(/(\r?\n[ \t]*)+$/, '');
  return trimmed.trim() === '' ? '' : `${trimmed}\n`;
}

/**
 * The lines of `text`, split on `\n` or `\r\n`; blank lines at the end are dropped (see
 * {@link withoutTrailingBlankLines}). Throws on input with no line, a blank line before the last
 * one, or a lone `\r`.
 */
function splitLines(text: string, what: string): string[] {
  const body = withoutTrailingBlankLines(text.startsWith('\uFEFF') ? text.slice(1) : text);
  if (body === '') {
    throw new EvaluationInputError(`${what} is empty`);
  }
  const lines = body.slice(0, -1).split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') {
      throw new EvaluationInputError(`${what} line ${i + 1} is empty`, i + 1);
    }
    if (line.includes('\r')) {
      throw new EvaluationInputError(
        `${what} line ${i + 1} holds a carriage return that does not end the line (expected \\n or \\r\\n line endings)`,
        i + 1,
      );
    }
  });
  return lines;
}

/**
 * The labels of the test split, one per row.
 *
 * The split is CSV without a header, as SageMaker's built-in XGBoost reads it: the label (`0` or
 * `1`, also accepted as `0.0` or `1.0`) in the first column, the features in the others. Feature
 * fields may be empty (missing values) but every row must have the same number of columns, at
 * least two. Quoted fields are not supported (XGBoost's CSV reader does not support them either).
 *
 * @throws EvaluationInputError on empty input, an empty line, a label that is not 0 or 1, a row
 *   without features, or a row with a different number of columns than the first.
 */
export function parseLabels(testCsv: string): Label[] {
  const what = 'test split';
  const lines = splitLines(testCsv, what);
  const columns = lines[0]?.split(',').length ?? 0;
  return lines.map((line, i) => {
    const fields = line.split(',');
    const lineNo = i + 1;
    if (fields.length < 2) {
      throw new EvaluationInputError(`${what} line ${lineNo} has no feature columns, only a label`, lineNo);
    }
    if (fields.length !== columns) {
      throw new EvaluationInputError(
        `${what} line ${lineNo} has ${fields.length} columns; line 1 has ${columns}`,
        lineNo,
      );
    }
    const raw = (fields[0] ?? '').trim();
    const match = LABEL.exec(raw);
    if (match === null) {
      throw new EvaluationInputError(`${what} line ${lineNo}: label ${shown(raw, FIELD)} is not 0 or 1`, lineNo);
    }
    return match[1] === '1' ? 1 : 0;
  });
}

/**
 * The scores of SageMaker batch transform output for the built-in XGBoost with objective
 * `binary:logistic` (one probability of churn per line, in the order of the input rows). Surrounding
 * spaces, `\r\n` line endings and one trailing line ending are allowed.
 *
 * @throws EvaluationInputError on empty input, an empty line, or a line that is not one decimal
 *   number in [0, 1] (`NaN`, `Infinity`, `1.2`, `0.3,0.7` all throw).
 */
export function parseScores(transformOutput: string): number[] {
  const what = 'transform output';
  return splitLines(transformOutput, what).map((line, i) => {
    const lineNo = i + 1;
    const text = line.trim();
    if (!DECIMAL.test(text)) {
      throw new EvaluationInputError(
        `${what} line ${lineNo}: ${shown(text, FIELD)} is not a number (expected one probability per line)`,
        lineNo,
      );
    }
    const score = Number(text);
    if (!Number.isFinite(score) || score < 0 || score > 1) {
      throw new EvaluationInputError(`${what} line ${lineNo}: ${text} is not a probability in [0, 1]`, lineNo);
    }
    return score === 0 ? 0 : score; // -0 becomes 0
  });
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
function classCounts(rows: readonly ScoredRow[]): { positives: number; negatives: number } {
  const positives = rows.filter((r) => r.label === 1).length;
  return { positives, negatives: rows.length - positives };
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
function checkMatrix(matrix: ConfusionMatrix): void {
  for (const key of ['tp', 'fp', 'tn', 'fn'] as const) {
    const count = matrix[key];
    if (!Number.isInteger(count) || count < 0) {
      throw new EvaluationInputError(`confusion matrix ${key} is ${count}; expected a non-negative integer`);
    }
  }
}

/** The distinct scores, highest first, each with how many churners and stayers have it. */
function scoreGroups(rows: readonly ScoredRow[]): { score: number; positives: number; negatives: number }[] {
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

/** `costs` with defaults applied, checked. */
function costAssumptions(costs: Costs): CostAssumptions {
  const resolved = { missedChurner: costs.missedChurner, incentive: costs.incentive, retention: costs.retention ?? 1 };
  for (const key of ['missedChurner', 'incentive'] as const) {
    if (!Number.isFinite(resolved[key]) || resolved[key] < 0) {
      throw new EvaluationInputError(`costs.${key} is ${resolved[key]}; expected a finite number >= 0`);
    }
  }
  if (!(resolved.retention >= 0 && resolved.retention <= 1)) {
    throw new EvaluationInputError(`costs.retention is ${resolved.retention}; expected a number in [0, 1]`);
  }
  return resolved;
}

/** The expected cost of a matrix under checked assumptions. */
function expectedCost(matrix: ConfusionMatrix, costs: CostAssumptions): number {
  const offers = matrix.tp + matrix.fp;
  const lost = matrix.fn + (1 - costs.retention) * matrix.tp;
  return offers * costs.incentive + lost * costs.missedChurner;
}

/**
 * The expected cost of acting on `matrix`: every predicted churner (tp + fp) gets an offer and
 * costs `incentive`; a share `retention` of the true churners who get one stay, the rest leave;
 * every churner who leaves (fn, and the unretained share of tp) costs `missedChurner`.
 * Giving nobody an offer therefore costs (tp + fn) * missedChurner.
 *
 * @throws EvaluationInputError when a count or a cost is out of range.
 */
export function costAt(matrix: ConfusionMatrix, costs: Costs): number {
  checkMatrix(matrix);
  return expectedCost(matrix, costAssumptions(costs));
}

/**
 * The cutoff with the lowest expected cost ({@link costAt}) among every distinct score and `null`
 * (+infinity: nobody gets an offer), with its matrix, its cost, the cost of doing nothing and the
 * saving. Since every cutoff gives the same matrix as the lowest distinct score at or above it,
 * this is the lowest cost of any cutoff. On a tie (within a relative 1e-9) the higher cutoff wins:
 * fewer offers for the same cost.
 *
 * @throws EvaluationInputError as {@link joinLabelsAndScores}, or when a cost is out of range.
 */
export function optimalCutoff(labels: readonly number[], scores: readonly number[], costs: Costs): OptimalCutoff {
  const assumptions = costAssumptions(costs);
  const rows = joinLabelsAndScores(labels, scores);
  const { positives, negatives } = classCounts(rows);

  let matrix: ConfusionMatrix = { tp: 0, fp: 0, tn: negatives, fn: positives };
  const costOfDoingNothing = expectedCost(matrix, assumptions);
  let best = { cutoff: null as Cutoff, matrix, cost: costOfDoingNothing };
  for (const group of scoreGroups(rows)) {
    matrix = {
      tp: matrix.tp + group.positives,
      fp: matrix.fp + group.negatives,
      tn: matrix.tn - group.negatives,
      fn: matrix.fn - group.positives,
    };
    const cost = expectedCost(matrix, assumptions);
    if (cost < best.cost - COST_TIE_TOLERANCE * Math.max(1, Math.abs(best.cost))) {
      best = { cutoff: group.score, matrix, cost };
    }
  }
  return { ...best, costOfDoingNothing, saving: costOfDoingNothing - best.cost };
}

/** The performance at `cutoff`. */
function atCutoff(rows: readonly ScoredRow[], cutoff: Cutoff, costs: CostAssumptions): CutoffEvaluation {
  const labels = rows.map((r) => r.label);
  const scores = rows.map((r) => r.score);
  const matrix = confusionMatrix(labels, scores, cutoff);
  return { cutoff, matrix, metrics: classificationMetrics(matrix), cost: expectedCost(matrix, costs) };
}

/**
 * The full evaluation of the model on the test split: class counts, AUC, the ROC curve, the matrix,
 * metrics and cost at the cutoff 0.5 and at the cheapest cutoff, and the cost of doing nothing. The
 * result holds only numbers and `null`, so `JSON.stringify` keeps all of it.
 *
 * @param testCsv the test split (see {@link parseLabels})
 * @param transformOutput the batch transform output for that split (see {@link parseScores})
 * @param costs the cost assumptions
 * @throws EvaluationInputError when an input is malformed, or when the test split holds only one
 *   class (the AUC and the ROC curve are undefined: such a split cannot evaluate the model).
 */
export function evaluate(testCsv: string, transformOutput: string, costs: Costs): Evaluation {
  const assumptions = costAssumptions(costs);
  const labels = parseLabels(testCsv);
  const scores = parseScores(transformOutput);
  const rows = joinLabelsAndScores(labels, scores);
  const { positives, negatives } = classCounts(rows);
  const auc = rocAuc(labels, scores);
  const roc = rocCurve(labels, scores);
  const optimal = optimalCutoff(labels, scores, assumptions);
  const atDefault = atCutoff(rows, DEFAULT_CUTOFF, assumptions);
  const atOptimal = atCutoff(rows, optimal.cutoff, assumptions);
  return {
    formatVersion: 1,
    counts: { rows: rows.length, positives, negatives },
    auc,
    atDefaultCutoff: atDefault,
    atOptimalCutoff: atOptimal,
    costs: {
      assumptions,
      doingNothing: optimal.costOfDoingNothing,
      atDefaultCutoff: atDefault.cost,
      atOptimalCutoff: atOptimal.cost,
      saving: optimal.saving,
    },
    roc,
  };
}
