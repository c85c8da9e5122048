import fc from 'fast-check';
import {
  type BusinessCase,
  budgetConstrained,
  budgetToReachTarget,
  businessCase,
  businessCaseFromEnv,
  businessEvaluation,
  campaignAt,
  campaignCurve,
  costsOfCase,
} from '../../../lambda/evaluate/business';
import { confusionMatrix } from '../../../lambda/evaluate/confusion';
import { rocCurve } from '../../../lambda/evaluate/roc';
import { businessCaseEnvironment } from '../../../lib/contracts/business-case';
import { STAGE_DEFAULTS } from '../../../lib/config';
import { businessCaseArb, scoredSet } from '../../support/scored-sets';
import { WORKED_CASE, WORKED_COUNTS, WORKED_LABELS, WORKED_SCORES } from '../../support/worked-example';

/** The worked example (test/support/worked-example.ts), and its case of 600 customers. */
const [LABELS, SCORES, COUNTS, CASE] = [WORKED_LABELS, WORKED_SCORES, WORKED_COUNTS, WORKED_CASE];
const ROC = rocCurve(LABELS, SCORES);

function curveOf(c: Partial<BusinessCase>) {
  return campaignCurve(ROC, COUNTS, { ...CASE, ...c });
}

describe('campaignAt', () => {
  it('projects a cutoff’s rates per class onto the customers, hand-computed', () => {
    // At 0.4 with retention 0.5: all 300 churners reached, 150 stay and 150 leave anyway; a third of
    // the 300 stayers, 100, get an incentive they did not need. 400 offers at 100 spend 40,000.
    const matrix = confusionMatrix(LABELS, SCORES, 0.4);
    expect(campaignAt(matrix, 0.4, { ...CASE, incentiveRetention: 0.5 })).toEqual({
      cutoff: 0.4,
      offers: 400,
      spend: 40_000,
      churnersReached: 300,
      churnersRetained: 150,
      offeredChurnersLeaving: 150,
      offersToStayers: 100,
      projectedChurnRate: 0.25,
      withinBudget: true,
      targetMet: false,
      shortOfTarget: 0.15,
      netValue: 150 * 1000 - 40_000,
    });
  });

  it('scales with the business’s churn rate, not the split’s', () => {
    // The split churns 50%; the business 10%: 60 churners and 540 stayers of 600.
    const figures = campaignAt(confusionMatrix(LABELS, SCORES, 0.7), 0.7, { ...CASE, churnRateBefore: 0.1 });
    expect(figures.churnersReached).toBeCloseTo(40, 9);
    expect(figures.offersToStayers).toBeCloseTo(180, 9);
    expect(figures.projectedChurnRate).toBeCloseTo(0.1 / 3, 12);
  });

  it('counts a class the matrix lacks as never reached', () => {
    const figures = campaignAt({ tp: 0, fp: 2, tn: 0, fn: 0 }, 0.2, CASE);
    expect(figures).toMatchObject({ churnersReached: 0, offersToStayers: 300, projectedChurnRate: 0.5 });
  });
});

describe('the budget-constrained cutoff', () => {
  it('makes no more offers than the target needs when the budget does not bind', () => {
    const chosen = budgetConstrained(curveOf({}));
    expect(chosen).toMatchObject({ cutoff: 0.4, spend: 40_000, projectedChurnRate: 0, targetMet: true });
    expect(budgetToReachTarget(curveOf({}))).toBe(40_000);
  });

  it('retains the most churners the budget pays for when it binds, and says how far from the target', () => {
    const curve = curveOf({ incentiveBudget: 35_000 });
    const chosen = budgetConstrained(curve);
    expect(chosen).toMatchObject({ cutoff: 0.7, spend: 30_000, churnersRetained: 200, targetMet: false });
    expect(chosen.projectedChurnRate).toBeCloseTo(1 / 6, 12);
    expect(chosen.shortOfTarget).toBeCloseTo(1 / 6 - 0.1, 12);
    // The budget that reaches the target with this model: 0.4's 40,000.
    expect(budgetToReachTarget(curve)).toBe(40_000);
  });

  it('of cutoffs that retain as many, takes the one that spends least', () => {
    // 25,000 pays for 0.8 (20,000), which retains no more than 0.9 (10,000).
    expect(budgetConstrained(curveOf({ incentiveBudget: 25_000 }))).toMatchObject({ cutoff: 0.9, spend: 10_000 });
  });

  it('spends nothing when the budget is zero', () => {
    expect(budgetConstrained(curveOf({ incentiveBudget: 0 }))).toMatchObject({ cutoff: null, spend: 0, offers: 0 });
  });

  it('says when the target is not reachable at any budget with this model', () => {
    // With retention 0.5, reaching every churner leaves 0.5 × (1 - 0.5) = 25%, above the 10% target.
    const curve = curveOf({ incentiveRetention: 0.5 });
    expect(budgetToReachTarget(curve)).toBeNull();
    expect(budgetConstrained(curve)).toMatchObject({ cutoff: 0.4, spend: 40_000, projectedChurnRate: 0.25 });
  });

  it('offers nobody when no offer keeps anyone (retention 0)', () => {
    const curve = curveOf({ incentiveRetention: 0 });
    expect(budgetConstrained(curve)).toMatchObject({ cutoff: null, spend: 0, projectedChurnRate: 0.5, netValue: 0 });
    expect(budgetToReachTarget(curve)).toBeNull();
  });

  it('keeps every churner reached when every offer works (retention 1)', () => {
    const chosen = budgetConstrained(curveOf({ incentiveRetention: 1 }));
    expect(chosen.churnersRetained).toBe(chosen.churnersReached);
    expect(chosen.offeredChurnersLeaving).toBe(0);
  });

  it('needs no campaign when the churn rate already meets the target', () => {
    const curve = curveOf({ churnRateBefore: 0.05 });
    expect(budgetConstrained(curve)).toMatchObject({ cutoff: null, spend: 0, targetMet: true });
    expect(budgetToReachTarget(curve)).toBe(0);
  });
});

describe('businessEvaluation', () => {
  it('reports the budget-constrained cutoff, with the cost-optimal cutoff and 0.5 beside it', () => {
    const at = (cutoff: number) => ({ cutoff, matrix: confusionMatrix(LABELS, SCORES, cutoff) });
    const b = businessEvaluation({ ...CASE, incentiveBudget: 35_000 }, ROC, COUNTS, {
      costOptimal: at(0.4),
      default: at(0.5),
    });
    expect(b).toMatchObject({
      budget: 35_000,
      spend: 30_000,
      cutoff: 0.7,
      targetChurnRate: 0.1,
      targetMet: false,
      churnRateBefore: 0.5,
      budgetToReachTarget: 40_000,
    });
    expect(b.atCutoffs.costOptimal).toMatchObject({ cutoff: 0.4, spend: 40_000, withinBudget: false });
    expect(b.atCutoffs.default).toMatchObject({ cutoff: 0.5, spend: 30_000, withinBudget: true });
    expect(b.atCutoffs.budgetConstrained.cutoff).toBe(b.cutoff);
  });
});

describe('businessCase', () => {
  it.each<[Partial<BusinessCase>, RegExp]>([
    [{ churnRateBefore: 1.5 }, /business.churnRateBefore is 1.5; expected a number from 0 to 1/],
    [{ incentiveRetention: -0.1 }, /business.incentiveRetention is -0.1/],
    [{ incentiveBudget: Number.NaN }, /business.incentiveBudget is NaN/],
    [{ customersScored: 0 }, /business.customersScored is 0; expected an integer from 1/],
    [{ customersScored: 2.5 }, /business.customersScored is 2.5; expected an integer from 1/],
  ])('refuses %p', (override, message) => {
    expect(() => businessCase({ ...CASE, ...override })).toThrow(message);
  });

  it('reads back from the environment the stacks set from the config, costs included', () => {
    const business = STAGE_DEFAULTS.sandbox.business;
    const fromEnv = businessCaseFromEnv(businessCaseEnvironment(business));
    expect(fromEnv).toEqual({
      churnRateBefore: 0.145,
      targetChurnRate: 0.04,
      incentiveBudget: 750_000,
      incentiveCost: business.incentiveCost,
      incentiveRetention: business.incentiveRetention,
      retainedCustomerValue: business.retainedCustomerValue,
      customersScored: business.customersScored,
    });
    expect(costsOfCase(fromEnv)).toEqual({
      missedChurner: business.retainedCustomerValue,
      incentive: business.incentiveCost,
      retention: business.incentiveRetention,
    });
  });
});

function countsOf(labels: readonly number[]) {
  const positives = labels.filter((l) => l === 1).length;
  return { positives, negatives: labels.length - positives };
}

describe('properties, for any scores and any case', () => {
  it('spend never rises as the cutoff rises', () => {
    fc.assert(
      fc.property(scoredSet(true), businessCaseArb, ({ labels, scores }, c) => {
        const curve = campaignCurve(rocCurve(labels, scores), countsOf(labels), c);
        // The curve runs from the highest cutoff (nobody) down: spend never falls along it.
        curve.slice(1).forEach((point, i) => expect(point.spend).toBeGreaterThanOrEqual(curve[i]?.spend ?? 0));
      }),
    );
  });

  it('the projected churn rate never exceeds the churn rate before the campaign', () => {
    fc.assert(
      fc.property(scoredSet(true), businessCaseArb, ({ labels, scores }, c) => {
        for (const point of campaignCurve(rocCurve(labels, scores), countsOf(labels), c)) {
          expect(point.projectedChurnRate).toBeLessThanOrEqual(c.churnRateBefore);
          expect(point.projectedChurnRate).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it('the budget-constrained spend never exceeds the budget, and no affordable cutoff beats it', () => {
    fc.assert(
      fc.property(scoredSet(true), businessCaseArb, ({ labels, scores }, c) => {
        const curve = campaignCurve(rocCurve(labels, scores), countsOf(labels), c);
        const chosen = budgetConstrained(curve);
        expect(chosen.spend).toBeLessThanOrEqual(c.incentiveBudget);
        const affordable = curve.filter((p) => p.withinBudget);
        if (chosen.targetMet) {
          // The cheapest way to the target within the budget.
          for (const p of affordable.filter((q) => q.targetMet)) expect(chosen.spend).toBeLessThanOrEqual(p.spend);
        } else {
          // No affordable cutoff meets the target, and none retains more.
          for (const p of affordable) {
            expect(p.targetMet).toBe(false);
            expect(chosen.churnersRetained).toBeGreaterThanOrEqual(p.churnersRetained);
          }
        }
        const needed = budgetToReachTarget(curve);
        // The target is met within the budget exactly when the budget is at least what it needs.
        expect(chosen.targetMet).toBe(needed !== null && needed <= c.incentiveBudget);
      }),
    );
  });
});
