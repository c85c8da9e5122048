/**
 * Live model quality over one window of outcomes, each joined to the probability the endpoint gave
 * that customer: AUC, precision and recall at the deployed cutoff, and the business figures the
 * evaluation defines, on the real outcomes. Pure: no I/O.
 *
 * The business figures come in two kinds:
 *
 * - `sample`: what acting on the model did among the matched customers themselves (the offers'
 *   spend, the churners reached, the expected cost against doing nothing and the difference, the
 *   net value), in counts of those customers. They move with how many outcomes a window matched.
 * - `campaign`: the business case's campaign at the deployed cutoff (`campaignAt`,
 *   `lambda/evaluate/business.ts`), from the live confusion matrix: the rates per class the window
 *   measured (churners reached, stayers offered), projected onto `customersScored` customers at
 *   `churnRateBefore`, as the evaluation projects the test split's. So the live spend and projected
 *   churn rate read against the budget and the target exactly as the evaluation's do.
 *
 * Nothing here is derived anew: the AUC is `lib/contracts/auc.ts`, the confusion matrix, the
 * metrics, the cost model and the campaign are the evaluation's (`lambda/evaluate/`), so a live
 * figure and the test-set figure the model was approved on are the same quantity.
 */
import { auc } from '../../lib/contracts/auc';
import type { Cutoff } from '../../lib/contracts/cutoff';
import type { MonitorVerdict } from '../../lib/contracts/monitoring-events';
import { type BusinessCase, businessCase, type CampaignFigures, campaignAt, costsOfCase } from '../evaluate/business';
import { formatAmount, formatWhole } from '../evaluate/business-text';
import { percent } from '../shared/html';
import { classificationMetrics, confusionMatrix, type ConfusionMatrix } from '../evaluate/confusion';
import { type CostAssumptions, costAssumptions, expectedCost, incentivesSpent } from '../evaluate/cutoff';

/** One outcome joined to its prediction. */
export interface ScoredOutcome {
  /** The probability of churn the endpoint answered, 0 to 1. */
  readonly probability: number;
  /** Whether the customer really churned. */
  readonly churned: boolean;
}

/** Live quality below which the check's verdict is `act` (config `monitoring.minAuc` …). */
export interface QualityThresholds {
  readonly minAuc: number;
  readonly minPrecision: number;
  readonly minRecall: number;
}

/** What one check is computed from, besides the outcomes. */
export interface QualitySettings {
  /** The deployed cutoff (the model package's), with where it came from. */
  readonly cutoff: Cutoff;
  /**
   * The stage's business case (config `business.*`): the campaign is projected under it, and the
   * cost model's assumptions derive from it (`costsOfCase`).
   */
  readonly business: BusinessCase;
  readonly thresholds: QualityThresholds;
  /** The fewest matched outcomes a verdict is given on (config `monitoring.minimumOutcomes`). */
  readonly minimumOutcomes: number;
}

/**
 * What acting on the model at the deployed cutoff did among the matched customers themselves, in
 * the business case's currency and in counts of those customers (not projected). `spend`,
 * `churnersReached` and `netValue` are the {@link CampaignFigures} of the same names, on these
 * customers at their own churn rate.
 */
export interface SampleFigures {
  /** The offers made (`counts.offers`) × incentiveCost. */
  readonly spend: number;
  /** Churners offered an incentive (true positives). */
  readonly churnersReached: number;
  /** The expected cost of acting on the model (the evaluation's cost model, `cutoff.ts`). */
  readonly expectedCost: number;
  /** Offering nobody anything: every churner is missed. */
  readonly costOfDoingNothing: number;
  /** costOfDoingNothing - expectedCost; negative when acting on the model costs more than not. */
  readonly netValue: number;
}

/** The result of one check. */
export interface LiveQuality {
  /** `ok`, `act` (a metric below its threshold) or `insufficient` (too few outcomes, or one class only). */
  readonly verdict: Extract<MonitorVerdict, 'ok' | 'act' | 'insufficient'>;
  /** Why, in words, with the numbers; with the campaign's projected churn rate and spend when there is one. */
  readonly reason: string;
  readonly counts: {
    readonly matched: number;
    readonly churners: number;
    readonly stayers: number;
    /** Customers the deployed cutoff offers an incentive to. */
    readonly offers: number;
  };
  readonly cutoff: Cutoff;
  /** The business case the figures were computed under (config `business.*`). */
  readonly assumptions: BusinessCase;
  /** The cost model's assumptions, `costsOfCase(assumptions)`: what `sample`'s costs use. */
  readonly costs: CostAssumptions;
  readonly thresholds: QualityThresholds;
  /** `null` when undefined: fewer than two classes. */
  readonly auc: number | null;
  /** `null` when nobody is offered an incentive. */
  readonly precision: number | null;
  /** `null` when nobody churned. */
  readonly recall: number | null;
  readonly matrix: ConfusionMatrix;
  /** The business figures among the matched customers themselves. */
  readonly sample: SampleFigures;
  /**
   * The business case's campaign at the deployed cutoff (`campaignAt`), from {@link matrix}: its
   * rates per class projected onto `customersScored` customers at `churnRateBefore`. `null` when the
   * verdict is `insufficient`: a rate per class measured on too few outcomes, or on a class that is
   * absent, would be projected onto the whole customer base as if it were known.
   */
  readonly campaign: CampaignFigures | null;
  /** The metrics below their thresholds, by name (`auc`, `precision`, `recall`). */
  readonly belowThreshold: readonly ('auc' | 'precision' | 'recall')[];
}

const format = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(3));

/**
 * The campaign against the target and the budget, for the reason, in the business case's formats
 * (`business-text.ts`).
 */
function campaignReason(campaign: CampaignFigures, c: BusinessCase): string {
  const rate = `churn rate ${percent(campaign.projectedChurnRate)}, ${campaign.targetMet ? 'meeting' : 'above'} the target of ${percent(c.targetChurnRate)}`;
  const spend = `spend ${formatWhole(campaign.spend)}, ${campaign.withinBudget ? 'within' : 'over'} the budget of ${formatAmount(c.incentiveBudget)}`;
  return `Campaign projected onto ${formatWhole(c.customersScored)} customers: ${rate}; ${spend}`;
}

/**
 * Live quality of `outcomes` at the deployed cutoff.
 *
 * The verdict is `insufficient` with fewer than `minimumOutcomes` outcomes, or when they are all of
 * one class (the AUC is then undefined); otherwise `act` when the AUC, the precision or the recall
 * is below its threshold, and `ok`. A precision that is undefined (the cutoff offers nobody
 * anything) is not below a threshold: nothing was spent on wrong offers, and the recall (0) says
 * what matters. The campaign's figures do not change the verdict: a campaign that misses the target
 * or the budget with a model that ranks as well as it did is the business case's matter (the budget,
 * the incentive), not a reason to retrain; the reason states them.
 *
 * @throws EvaluationInputError (the evaluation's) when a probability is not in [0, 1] or a value of
 *   the business case is out of range
 */
export function liveQuality(outcomes: readonly ScoredOutcome[], settings: QualitySettings): LiveQuality {
  const theCase = businessCase(settings.business);
  const costs = costAssumptions(costsOfCase(theCase));
  const labels = outcomes.map((o) => (o.churned ? 1 : 0));
  const scores = outcomes.map((o) => o.probability);
  // The evaluation refuses an empty test split; an empty window is simply a window with no outcomes.
  const empty: ConfusionMatrix = { tp: 0, fp: 0, tn: 0, fn: 0 };
  const matrix = outcomes.length === 0 ? empty : confusionMatrix(labels, scores, settings.cutoff.value);
  const metrics = classificationMetrics(matrix);
  const nobodyOffered = outcomes.length === 0 ? empty : confusionMatrix(labels, scores, null);
  const cost = expectedCost(matrix, costs);
  const doingNothing = expectedCost(nobodyOffered, costs);
  const churners = matrix.tp + matrix.fn;
  const stayers = matrix.fp + matrix.tn;
  const areaUnderCurve =
    churners > 0 && stayers > 0
      ? auc(
          scores,
          outcomes.map((o) => o.churned),
        )
      : null;

  const { thresholds } = settings;
  const below: ('auc' | 'precision' | 'recall')[] = [];
  if (areaUnderCurve !== null && areaUnderCurve < thresholds.minAuc) below.push('auc');
  if (metrics.precision !== null && metrics.precision < thresholds.minPrecision) below.push('precision');
  if (metrics.recall !== null && metrics.recall < thresholds.minRecall) below.push('recall');

  const matched = outcomes.length;
  let verdict: LiveQuality['verdict'];
  let reason: string;
  if (matched < settings.minimumOutcomes) {
    verdict = 'insufficient';
    reason = `not enough data: ${matched} outcomes joined to a prediction; at least ${settings.minimumOutcomes} are needed`;
  } else if (areaUnderCurve === null) {
    verdict = 'insufficient';
    reason = `not enough data: the ${matched} outcomes are all ${churners === 0 ? 'stayers' : 'churners'}, so the AUC is undefined`;
  } else if (below.length > 0) {
    verdict = 'act';
    const values = { auc: areaUnderCurve, precision: metrics.precision, recall: metrics.recall };
    const limits = { auc: thresholds.minAuc, precision: thresholds.minPrecision, recall: thresholds.minRecall };
    reason = below.map((name) => `${name} ${format(values[name] ?? NaN)} is below ${format(limits[name])}`).join('; ');
    reason += ` (${matched} outcomes, cutoff ${settings.cutoff.value === null ? 'none' : format(settings.cutoff.value)})`;
  } else {
    verdict = 'ok';
    reason = `auc ${format(areaUnderCurve)}, precision ${metrics.precision === null ? 'undefined (no offers)' : format(metrics.precision)}, recall ${format(metrics.recall ?? NaN)} meet their thresholds (${matched} outcomes)`;
  }
  // Only on a window that gives a verdict: see LiveQuality.campaign.
  const campaign = verdict === 'insufficient' ? null : campaignAt(matrix, settings.cutoff.value, theCase);
  if (campaign !== null) {
    reason += `. ${campaignReason(campaign, theCase)}`;
  }

  return {
    verdict,
    reason,
    counts: { matched, churners, stayers, offers: matrix.tp + matrix.fp },
    cutoff: settings.cutoff,
    assumptions: theCase,
    costs,
    thresholds,
    auc: areaUnderCurve,
    precision: metrics.precision,
    recall: metrics.recall,
    matrix,
    sample: {
      spend: incentivesSpent(matrix, costs),
      churnersReached: matrix.tp,
      expectedCost: cost,
      costOfDoingNothing: doingNothing,
      netValue: doingNothing - cost,
    },
    campaign,
    belowThreshold: below,
  };
}
