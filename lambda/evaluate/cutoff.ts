/**
 * The cost of acting on the model at a cutoff, under stated business assumptions, and the cutoff
 * that costs least.
 */
import { checkMatrix, type ConfusionMatrix, type Cutoff } from './confusion';
import { EvaluationInputError } from './input-error';
import { classCounts, joinLabelsAndScores, scoreGroups } from './rows';

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

/**
 * Relative tolerance under which two costs count as equal in {@link optimalCutoff}, so that a tie
 * is not broken by floating-point rounding.
 */
const COST_TIE_TOLERANCE = 1e-9;

/** `costs` with defaults applied, checked. */
export function costAssumptions(costs: Costs): CostAssumptions {
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

/** What the offers of a matrix cost: every predicted churner (tp + fp) gets one. */
export function incentivesSpent(matrix: ConfusionMatrix, costs: CostAssumptions): number {
  return (matrix.tp + matrix.fp) * costs.incentive;
}

/** The expected cost of a matrix under checked assumptions. */
export function expectedCost(matrix: ConfusionMatrix, costs: CostAssumptions): number {
  const lost = matrix.fn + (1 - costs.retention) * matrix.tp;
  return incentivesSpent(matrix, costs) + lost * costs.missedChurner;
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
