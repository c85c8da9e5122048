/**
 * The churn business case: what a retention campaign run on the model's cutoff is projected to
 * spend and to achieve for the customers it scores, against the budget and the target churn rate.
 * The one definition of those figures: the evaluation (`metrics.ts`), its report, the quality
 * gate's input, the live monitoring (`lambda/live-quality/`) and `npm run local` all use it.
 *
 * How a model's test-split result is scaled to the customer base. The model's rates per class at a
 * cutoff, measured on a labelled set, are the share of churners it reaches (the true-positive rate)
 * and the share of stayers it offers an incentive to anyway (the false-positive rate). Of the
 * `customersScored` customers, `churnRateBefore` would leave without a campaign. So:
 *
 * - churners reached = customers × churnRateBefore × true-positive rate;
 * - incentives to customers who would have stayed = customers × (1 - churnRateBefore) × false-positive rate;
 * - spend = (churners reached + those incentives) × incentiveCost;
 * - churners retained = churners reached × incentiveRetention; the rest of them leave anyway;
 * - projected churn rate = churnRateBefore × (1 - incentiveRetention × true-positive rate);
 * - net value = churners retained × retainedCustomerValue - spend (what the campaign is worth
 *   against doing nothing, which spends nothing and keeps no one).
 *
 * Rates per class, not counts, are what carries over from the test split: they do not depend on
 * how many customers churn, so the business's own churn rate (last year's) sets the mix, not the
 * split's. Every figure is an expectation: fractions of a customer are kept, and rounded only when
 * shown.
 *
 * The budget-constrained cutoff retains the most churners the budget can pay for, because the
 * business states success as a churn rate (the target) under a spending cap, not as a profit; but
 * it makes no more offers than the target needs, because past the target each further offer buys
 * a churn rate the business did not ask for. So: among the cutoffs whose spend is within the
 * budget, the highest that meets the target; when none does, the one that retains the most
 * churners, and of those the one that spends least. Past the target it does not weigh what the
 * offers are worth: when the target needs offers that cost more than the churners they keep, its
 * net value is negative, and the quality gate (`business.gateOnCampaign`) rejects such a model.
 *
 * The cost-optimal cutoff (`cutoff.ts`), which the evaluation reports beside it, has the lowest
 * expected cost on the test split's own mix of churners and stayers, whatever it spends; at the
 * business's churn rate another cutoff may be worth more.
 */
import { BUSINESS_CASE_ENV, type BusinessCaseValues } from '../../lib/contracts/business-case';
import { integerFromEnv, numberFromEnv } from '../shared/env';
import type { ConfusionMatrix, Cutoff } from './confusion';
import type { CostAssumptions } from './cutoff';
import { type ClassCounts, matrixAtRocPoint } from './curves';
import { EvaluationInputError } from './input-error';
import type { RocPoint } from './roc';

/** The business case, as config `business.*` sets it (`lib/contracts/business-case.ts`). */
export type BusinessCase = BusinessCaseValues;

/** The campaign at one cutoff, projected onto the customers scored. */
export interface CampaignFigures {
  /** The cutoff: customers scoring at or above it get an offer; `null` offers nobody. */
  readonly cutoff: Cutoff;
  /** Offers made: churners reached plus incentives to customers who would have stayed. */
  readonly offers: number;
  /** offers × incentiveCost. */
  readonly spend: number;
  /** Churners offered the incentive. */
  readonly churnersReached: number;
  /** Of them, those who stay: churnersReached × incentiveRetention. */
  readonly churnersRetained: number;
  /** Offered churners who leave anyway: churnersReached × (1 - incentiveRetention). */
  readonly offeredChurnersLeaving: number;
  /** Incentives given to customers who would have stayed. */
  readonly offersToStayers: number;
  /** The share of the customers who leave after the campaign. */
  readonly projectedChurnRate: number;
  /** spend <= incentiveBudget. */
  readonly withinBudget: boolean;
  /** projectedChurnRate <= targetChurnRate (within {@link RATE_TOLERANCE}). */
  readonly targetMet: boolean;
  /** How far the projected churn rate is above the target, in rate points; 0 when it is met. */
  readonly shortOfTarget: number;
  /** churnersRetained × retainedCustomerValue - spend: the campaign's worth against doing nothing. */
  readonly netValue: number;
}

/**
 * The business case of an evaluation, at the budget-constrained cutoff (the first fields, which
 * `evaluation.json` promises), with the cutoffs reported beside it.
 */
export interface BusinessEvaluation {
  /** The business case the figures were computed under. */
  readonly assumptions: BusinessCase;
  /** The budget (the case's `incentiveBudget`). */
  readonly budget: number;
  /** The budget-constrained cutoff's spend. */
  readonly spend: number;
  /** The budget-constrained cutoff. */
  readonly cutoff: Cutoff;
  /** The churn rate the campaign at that cutoff is projected to leave. */
  readonly projectedChurnRate: number;
  /** The target (the case's). */
  readonly targetChurnRate: number;
  /** Whether the projected churn rate meets the target. */
  readonly targetMet: boolean;
  /** The churn rate before the campaign (the case's). */
  readonly churnRateBefore: number;
  /** The campaign's worth against doing nothing at that cutoff. */
  readonly netValue: number;
  /**
   * The least spend at which this model reaches the target, whatever the budget; `null` when no
   * cutoff reaches it (not reachable at any budget with this model).
   */
  readonly budgetToReachTarget: number | null;
  /** The full figures at the budget-constrained cutoff, the cost-optimal cutoff and 0.5. */
  readonly atCutoffs: {
    readonly budgetConstrained: CampaignFigures;
    readonly costOptimal: CampaignFigures;
    readonly default: CampaignFigures;
  };
}

/**
 * The tolerance under which a projected churn rate counts as meeting the target: a rate computed
 * as 0.145 × (1 - 0.8 × 0.5) must meet a target of 0.087, whatever floating point makes of it.
 */
export const RATE_TOLERANCE = 1e-12;

/** The largest budget, cost or value the case takes: far beyond any campaign, and still exact to the cent. */
export const MAX_AMOUNT = 1e12;

function checkNumber(value: number, name: string, min: number, max: number, expected: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new EvaluationInputError(`business.${name} is ${String(value)}; expected ${expected}`);
  }
}

/**
 * The case, checked: rates in [0, 1], amounts from 0 to {@link MAX_AMOUNT}, a whole number of
 * customers from 1.
 * @throws EvaluationInputError naming the field and the value received
 */
export function businessCase(c: BusinessCase): BusinessCase {
  for (const name of ['churnRateBefore', 'targetChurnRate', 'incentiveRetention'] as const) {
    checkNumber(c[name], name, 0, 1, 'a number from 0 to 1');
  }
  for (const name of ['incentiveBudget', 'incentiveCost', 'retainedCustomerValue'] as const) {
    checkNumber(c[name], name, 0, MAX_AMOUNT, `a number from 0 to ${MAX_AMOUNT}`);
  }
  checkNumber(c.customersScored, 'customersScored', 1, MAX_AMOUNT, `an integer from 1 to ${MAX_AMOUNT}`);
  if (!Number.isInteger(c.customersScored)) {
    throw new EvaluationInputError(
      `business.customersScored is ${String(c.customersScored)}; expected an integer from 1 to ${MAX_AMOUNT}`,
    );
  }
  return {
    churnRateBefore: c.churnRateBefore,
    targetChurnRate: c.targetChurnRate,
    incentiveBudget: c.incentiveBudget,
    incentiveCost: c.incentiveCost,
    incentiveRetention: c.incentiveRetention,
    retainedCustomerValue: c.retainedCustomerValue,
    customersScored: c.customersScored,
  };
}

/**
 * The case from a function's environment (`BUSINESS_CASE_ENV`), each variable checked as
 * {@link businessCase} checks its value.
 * @throws EnvironmentError naming the variable, its value and what is allowed
 */
export function businessCaseFromEnv(env: Readonly<Record<string, string | undefined>>): BusinessCase {
  const rate = (key: 'churnRateBefore' | 'targetChurnRate' | 'incentiveRetention'): number =>
    numberFromEnv(env, BUSINESS_CASE_ENV[key], 0, 1);
  const amount = (key: 'incentiveBudget' | 'incentiveCost' | 'retainedCustomerValue'): number =>
    numberFromEnv(env, BUSINESS_CASE_ENV[key], 0, MAX_AMOUNT);
  return {
    churnRateBefore: rate('churnRateBefore'),
    targetChurnRate: rate('targetChurnRate'),
    incentiveBudget: amount('incentiveBudget'),
    incentiveCost: amount('incentiveCost'),
    incentiveRetention: rate('incentiveRetention'),
    retainedCustomerValue: amount('retainedCustomerValue'),
    customersScored: integerFromEnv(env, BUSINESS_CASE_ENV.customersScored, 1, MAX_AMOUNT),
  };
}

/**
 * The cost assumptions of the cost-optimal cutoff (`cutoff.ts`) that the case implies: a churner
 * not kept costs what keeping one is worth.
 */
export function costsOfCase(c: BusinessCase): CostAssumptions {
  return { missedChurner: c.retainedCustomerValue, incentive: c.incentiveCost, retention: c.incentiveRetention };
}

/** a / b, or 0 when b is 0 (no customer of that class: none reached, none offered). */
function rate(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/**
 * The campaign at `cutoff`, whose confusion matrix on a labelled set is `matrix`, projected onto the
 * case's customers (see the module's comment for the definitions). A class absent from the matrix
 * counts as never reached.
 */
export function campaignAt(matrix: ConfusionMatrix, cutoff: Cutoff, c: BusinessCase): CampaignFigures {
  const tpr = rate(matrix.tp, matrix.tp + matrix.fn);
  const fpr = rate(matrix.fp, matrix.fp + matrix.tn);
  const churners = c.customersScored * c.churnRateBefore;
  const churnersReached = churners * tpr;
  const offersToStayers = (c.customersScored - churners) * fpr;
  const offers = churnersReached + offersToStayers;
  const spend = offers * c.incentiveCost;
  const churnersRetained = churnersReached * c.incentiveRetention;
  const projectedChurnRate = c.churnRateBefore * (1 - c.incentiveRetention * tpr);
  const targetMet = projectedChurnRate <= c.targetChurnRate + RATE_TOLERANCE;
  return {
    cutoff,
    offers,
    spend,
    churnersReached,
    churnersRetained,
    offeredChurnersLeaving: churnersReached - churnersRetained,
    offersToStayers,
    projectedChurnRate,
    withinBudget: spend <= c.incentiveBudget,
    targetMet,
    shortOfTarget: targetMet ? 0 : projectedChurnRate - c.targetChurnRate,
    netValue: churnersRetained * c.retainedCustomerValue - spend,
  };
}

/**
 * The campaign at every cutoff of the ROC curve, from `null` (nobody offered, nothing spent) down to
 * the lowest score (everybody offered). Spend and churners retained never fall along it.
 */
export function campaignCurve(roc: readonly RocPoint[], counts: ClassCounts, c: BusinessCase): CampaignFigures[] {
  return roc.map((point) => campaignAt(matrixAtRocPoint(point, counts), point.threshold, c));
}

/**
 * The budget-constrained cutoff's figures, from a campaign curve ordered as {@link campaignCurve}
 * orders it: among the points within the budget, the first (highest cutoff, least spend) that meets
 * the target; when none does, the first of those that retain the most churners. The curve's first
 * point, nobody offered, spends nothing, so there is always one.
 */
export function budgetConstrained(curve: readonly CampaignFigures[]): CampaignFigures {
  let best: CampaignFigures | undefined;
  for (const point of curve) {
    if (!point.withinBudget) continue;
    if (point.targetMet) return point;
    if (best === undefined || point.churnersRetained > best.churnersRetained) best = point;
  }
  if (best === undefined) {
    throw new EvaluationInputError(
      'the campaign curve has no point within the budget; expected its first to offer nobody',
    );
  }
  return best;
}

/** The least spend of any point that meets the target, or `null` when none does. */
export function budgetToReachTarget(curve: readonly CampaignFigures[]): number | null {
  let least: number | null = null;
  for (const point of curve) {
    if (point.targetMet && (least === null || point.spend < least)) least = point.spend;
  }
  return least;
}

/**
 * The headline of a business evaluation, as the pipeline passes it to the quality gate: the
 * budget-constrained campaign without the full figures at each cutoff.
 */
export type BusinessSummary = Omit<BusinessEvaluation, 'assumptions' | 'atCutoffs'>;

/** The summary of `b` (see {@link BusinessSummary}). */
export function businessSummary(b: BusinessEvaluation): BusinessSummary {
  return {
    budget: b.budget,
    spend: b.spend,
    cutoff: b.cutoff,
    projectedChurnRate: b.projectedChurnRate,
    targetChurnRate: b.targetChurnRate,
    targetMet: b.targetMet,
    churnRateBefore: b.churnRateBefore,
    netValue: b.netValue,
    budgetToReachTarget: b.budgetToReachTarget,
  };
}

/** A cutoff and its confusion matrix on the test split. */
export interface CutoffMatrix {
  readonly cutoff: Cutoff;
  readonly matrix: ConfusionMatrix;
}

/**
 * The business case of an evaluation: the budget-constrained cutoff found on the ROC curve, its
 * figures beside those of the cost-optimal cutoff and of 0.5, and the budget that would reach the
 * target with this model.
 * @throws EvaluationInputError when a value of the case is out of range
 */
export function businessEvaluation(
  caseInput: BusinessCase,
  roc: readonly RocPoint[],
  counts: ClassCounts,
  reported: { readonly costOptimal: CutoffMatrix; readonly default: CutoffMatrix },
): BusinessEvaluation {
  const c = businessCase(caseInput);
  const curve = campaignCurve(roc, counts, c);
  const chosen = budgetConstrained(curve);
  return {
    assumptions: c,
    budget: c.incentiveBudget,
    spend: chosen.spend,
    cutoff: chosen.cutoff,
    projectedChurnRate: chosen.projectedChurnRate,
    targetChurnRate: c.targetChurnRate,
    targetMet: chosen.targetMet,
    churnRateBefore: c.churnRateBefore,
    netValue: chosen.netValue,
    budgetToReachTarget: budgetToReachTarget(curve),
    atCutoffs: {
      budgetConstrained: chosen,
      costOptimal: campaignAt(reported.costOptimal.matrix, reported.costOptimal.cutoff, c),
      default: campaignAt(reported.default.matrix, reported.default.cutoff, c),
    },
  };
}
