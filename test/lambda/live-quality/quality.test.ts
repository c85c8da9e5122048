import fc from 'fast-check';
import { type BusinessCase, campaignAt } from '../../../lambda/evaluate/business';
import { confusionMatrix } from '../../../lambda/evaluate/confusion';
import { businessCaseArb } from '../../support/scored-sets';
import { EvaluationInputError } from '../../../lambda/evaluate/input-error';
import { liveQuality, type QualitySettings, type ScoredOutcome } from '../../../lambda/live-quality/quality';
import { scoredSet } from '../../support/scored-sets';
import { LIVE_CASE } from './business-case';

/**
 * Eight outcomes, four churners. At the cutoff 0.5 the offers go to 0.9 (churner), 0.8 (stayer) and
 * 0.7 (churner): tp 2, fp 1, fn 2 (0.4, 0.05), tn 3.
 *   precision 2/3, recall 2/4.
 *   AUC: churners {0.9, 0.7, 0.4, 0.05} against stayers {0.8, 0.3, 0.2, 0.1}: 0.9 beats 4, 0.7
 *   beats 3, 0.4 beats 3, 0.05 beats none: 10 of 16 pairs = 0.625.
 *   Costs (a retained customer, so a missed churner, 500; offer 100; retention 0.5): offers 3 × 100
 *   = 300; lost churners fn 2 + 0.5 × tp 2 = 3, × 500 = 1500; expected cost 1800. Doing nothing:
 *   4 × 500 = 2000.
 *   The campaign (tpr 1/2, fpr 1/4) on 1200 customers at a churn rate of 0.25: 300 churners, 150
 *   reached, 75 retained; 900 stayers, 225 offered; 375 offers spend 37,500 (budget 50,000);
 *   projected churn rate 0.25 × (1 - 0.5 × 0.5) = 0.1875 (target 0.1).
 */
const OUTCOMES: readonly ScoredOutcome[] = [
  { probability: 0.9, churned: true },
  { probability: 0.8, churned: false },
  { probability: 0.7, churned: true },
  { probability: 0.4, churned: true },
  { probability: 0.3, churned: false },
  { probability: 0.2, churned: false },
  { probability: 0.1, churned: false },
  { probability: 0.05, churned: true },
];

const CASE: BusinessCase = LIVE_CASE;

const CAMPAIGN_REASON =
  'Campaign projected onto 1,200 customers: churn rate 18.8%, above the target of 10.0%; spend 37,500, within the budget of 50,000';

const SETTINGS: QualitySettings = {
  cutoff: { value: 0.5, source: 'the optimalCutoff of model package 3', fallback: false },
  business: CASE,
  thresholds: { minAuc: 0.6, minPrecision: 0.25, minRecall: 0.5 },
  minimumOutcomes: 8,
};

describe('liveQuality', () => {
  it('computes AUC, precision and recall at the deployed cutoff', () => {
    const q = liveQuality(OUTCOMES, SETTINGS);
    expect(q.auc).toBeCloseTo(0.625, 12);
    expect(q.precision).toBeCloseTo(2 / 3, 12);
    expect(q.recall).toBe(0.5);
    expect(q.matrix).toEqual({ tp: 2, fp: 1, tn: 3, fn: 2 });
    expect(q.counts).toEqual({ matched: 8, churners: 4, stayers: 4, offers: 3 });
  });

  it('computes the figures among the matched customers with the evaluation’s cost model, from the case', () => {
    const q = liveQuality(OUTCOMES, SETTINGS);
    expect(q.sample).toEqual({
      spend: 300,
      churnersReached: 2,
      expectedCost: 1800,
      costOfDoingNothing: 2000,
      netValue: 200,
    });
    expect(q.costs).toEqual({ missedChurner: 500, incentive: 100, retention: 0.5 });
    expect(q.assumptions).toEqual(CASE);
  });

  it('projects the campaign from the live matrix onto the case’s customers', () => {
    expect(liveQuality(OUTCOMES, SETTINGS).campaign).toEqual({
      cutoff: 0.5,
      offers: 375,
      spend: 37_500,
      churnersReached: 150,
      churnersRetained: 75,
      offeredChurnersLeaving: 75,
      offersToStayers: 225,
      projectedChurnRate: 0.1875,
      withinBudget: true,
      targetMet: false,
      shortOfTarget: 0.0875,
      netValue: 0,
    });
  });

  it('is ok when every metric meets its threshold (thresholds are inclusive)', () => {
    const q = liveQuality(OUTCOMES, SETTINGS);
    expect(q.verdict).toBe('ok');
    expect(q.belowThreshold).toEqual([]);
    expect(q.reason).toBe(
      `auc 0.625, precision 0.667, recall 0.500 meet their thresholds (8 outcomes). ${CAMPAIGN_REASON}`,
    );
  });

  it('acts when a metric is below its threshold, naming each one', () => {
    const q = liveQuality(OUTCOMES, { ...SETTINGS, thresholds: { minAuc: 0.75, minPrecision: 0.25, minRecall: 0.6 } });
    expect(q.verdict).toBe('act');
    expect(q.belowThreshold).toEqual(['auc', 'recall']);
    expect(q.reason).toBe(
      `auc 0.625 is below 0.750; recall 0.500 is below 0.600 (8 outcomes, cutoff 0.500). ${CAMPAIGN_REASON}`,
    );
  });

  it('acts on precision alone', () => {
    const q = liveQuality(OUTCOMES, { ...SETTINGS, thresholds: { minAuc: 0.5, minPrecision: 0.7, minRecall: 0 } });
    expect(q.belowThreshold).toEqual(['precision']);
  });

  it('offers at a probability equal to the cutoff', () => {
    const q = liveQuality(OUTCOMES, { ...SETTINGS, cutoff: { value: 0.4, source: 's', fallback: false } });
    expect(q.matrix).toEqual({ tp: 3, fp: 1, tn: 3, fn: 1 });
  });

  it('offers nobody anything at a "none" cutoff: precision undefined, not a breach', () => {
    const q = liveQuality(OUTCOMES, { ...SETTINGS, cutoff: { value: null, source: 's', fallback: false } });
    expect(q.precision).toBeNull();
    expect(q.recall).toBe(0);
    expect(q.sample).toEqual({
      spend: 0,
      churnersReached: 0,
      expectedCost: 2000,
      costOfDoingNothing: 2000,
      netValue: 0,
    });
    expect(q.belowThreshold).toEqual(['recall']);
    // Nobody offered: nothing spent, the churn rate left as it was.
    expect(q.campaign).toMatchObject({ cutoff: null, offers: 0, spend: 0, projectedChurnRate: 0.25, netValue: 0 });
  });

  it('is insufficient below the minimum number of outcomes, with the figures still computed but no campaign', () => {
    const q = liveQuality(OUTCOMES, { ...SETTINGS, minimumOutcomes: 9 });
    expect(q.verdict).toBe('insufficient');
    expect(q.reason).toBe('not enough data: 8 outcomes joined to a prediction; at least 9 are needed');
    expect(q.auc).toBeCloseTo(0.625, 12);
    expect(q.sample.spend).toBe(300);
    expect(q.campaign).toBeNull();
  });

  it('is insufficient when every outcome is of one class (the AUC is undefined)', () => {
    const stayers = OUTCOMES.filter((o) => !o.churned);
    const q = liveQuality(stayers, { ...SETTINGS, minimumOutcomes: 1 });
    expect(q.verdict).toBe('insufficient');
    expect(q.auc).toBeNull();
    expect(q.recall).toBeNull();
    expect(q.reason).toBe('not enough data: the 4 outcomes are all stayers, so the AUC is undefined');
    // The churners' rate is unmeasured: projecting it as 0 would claim the campaign reaches nobody.
    expect(q.campaign).toBeNull();
  });

  it('is insufficient with no outcomes at all, every count 0', () => {
    const q = liveQuality([], SETTINGS);
    expect(q.verdict).toBe('insufficient');
    expect(q.counts).toEqual({ matched: 0, churners: 0, stayers: 0, offers: 0 });
    expect(q.sample.expectedCost).toBe(0);
    expect(q.campaign).toBeNull();
  });

  it('refuses a probability outside [0, 1], as the evaluation does', () => {
    expect(() => liveQuality([...OUTCOMES, { probability: 1.5, churned: true }], SETTINGS)).toThrow(
      EvaluationInputError,
    );
  });

  it('refuses a business case out of range, naming the value, as the evaluation does', () => {
    expect(() => liveQuality(OUTCOMES, { ...SETTINGS, business: { ...CASE, customersScored: 1.5 } })).toThrow(
      new EvaluationInputError('business.customersScored is 1.5; expected an integer from 1 to 1000000000000'),
    );
  });
});

/**
 * Ten outcomes, four churners and six stayers. At the cutoff 0.5 the offers go to three churners
 * (0.9, 0.8, 0.6) and one stayer (0.7): tp 3, fn 1, fp 1, tn 5; the true-positive rate 3/4, the
 * false-positive rate 1/6. AUC: 0.9 and 0.8 beat all 6 stayers, 0.6 beats 5, 0.2 beats 3: 20/24.
 *
 * The case: 1,200 customers, a quarter of whom would leave; an incentive of 10 that keeps half the
 * churners it reaches, each worth 100; a target of 10% and a budget of 5,000.
 *   churners 1200 × 0.25 = 300, reached 300 × 3/4 = 225, retained 225 × 0.5 = 112.5, leaving
 *   anyway 112.5; stayers 900, offered 900 × 1/6 = 150; offers 375, spend 3,750 (within 5,000);
 *   projected churn rate 0.25 × (1 - 0.5 × 3/4) = 0.15625, above 0.1 by 0.05625;
 *   net value 112.5 × 100 - 3,750 = 7,500.
 * Among the matched customers themselves: 4 offers spend 40, 3 churners reached; expected cost 40 +
 * (1 + 0.5 × 3) × 100 = 290 against 4 × 100 = 400 doing nothing: a net value of 110.
 */
describe('the campaign on the live outcomes, hand-computed', () => {
  const WINDOW: readonly ScoredOutcome[] = [
    ...[0.9, 0.8, 0.6, 0.2].map((probability) => ({ probability, churned: true })),
    ...[0.7, 0.4, 0.3, 0.15, 0.1, 0.05].map((probability) => ({ probability, churned: false })),
  ];
  const business: BusinessCase = {
    churnRateBefore: 0.25,
    targetChurnRate: 0.1,
    incentiveBudget: 5000,
    incentiveCost: 10,
    incentiveRetention: 0.5,
    retainedCustomerValue: 100,
    customersScored: 1200,
  };
  const settings: QualitySettings = { ...SETTINGS, business, minimumOutcomes: 10 };

  it('gives every campaign figure at the deployed cutoff', () => {
    const q = liveQuality(WINDOW, settings);
    expect(q.matrix).toEqual({ tp: 3, fn: 1, fp: 1, tn: 5 });
    expect(q.verdict).toBe('ok');
    const { shortOfTarget, ...exact } = q.campaign ?? { shortOfTarget: NaN };
    expect(exact).toEqual({
      cutoff: 0.5,
      offers: 375,
      spend: 3750,
      churnersReached: 225,
      churnersRetained: 112.5,
      offeredChurnersLeaving: 112.5,
      offersToStayers: 150,
      projectedChurnRate: 0.15625,
      withinBudget: true,
      targetMet: false,
      netValue: 7500,
    });
    expect(shortOfTarget).toBeCloseTo(0.05625, 12);
  });

  it('gives the figures among the matched customers', () => {
    expect(liveQuality(WINDOW, settings).sample).toEqual({
      spend: 40,
      churnersReached: 3,
      expectedCost: 290,
      costOfDoingNothing: 400,
      netValue: 110,
    });
  });

  it('states the projected churn rate against the target and the spend against the budget', () => {
    expect(liveQuality(WINDOW, settings).reason).toBe(
      'auc 0.833, precision 0.750, recall 0.750 meet their thresholds (10 outcomes). ' +
        'Campaign projected onto 1,200 customers: churn rate 15.6%, above the target of 10.0%; spend 3,750, within the budget of 5,000',
    );
    const richer = { ...settings, business: { ...business, targetChurnRate: 0.2, incentiveBudget: 1000 } };
    expect(liveQuality(WINDOW, richer).reason).toMatch(
      /churn rate 15\.6%, meeting the target of 20\.0%; spend 3,750, over the budget of 1,000$/,
    );
  });
});

/** A window of outcomes of both classes (so a verdict is given), and a cutoff on its grid or none. */
const windowArb = scoredSet(true).chain(({ labels, scores }) =>
  fc.record({
    outcomes: fc.constant(labels.map((l, i) => ({ probability: scores[i] ?? 0, churned: l === 1 }))),
    cutoff: fc.option(fc.integer({ min: 0, max: 21 }).map((k) => k / 20)),
  }),
);

const settingsFor = (cutoff: number | null, business: BusinessCase): QualitySettings => ({
  cutoff: { value: cutoff, source: 'a property', fallback: false },
  business,
  thresholds: { minAuc: 0, minPrecision: 0, minRecall: 0 },
  minimumOutcomes: 1,
});

describe('properties, for any window and any case', () => {
  it('the live campaign is campaignAt on the live matrix, and never raises the churn rate', () => {
    fc.assert(
      fc.property(windowArb, businessCaseArb, ({ outcomes, cutoff }, c) => {
        const q = liveQuality(outcomes, settingsFor(cutoff, c));
        const labels = outcomes.map((o) => (o.churned ? 1 : 0));
        const matrix = confusionMatrix(
          labels,
          outcomes.map((o) => o.probability),
          cutoff,
        );
        expect(q.campaign).toEqual(campaignAt(matrix, cutoff, c));
        expect(q.campaign?.projectedChurnRate).toBeLessThanOrEqual(c.churnRateBefore);
        expect(q.campaign?.projectedChurnRate).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('the figures among the matched customers are the campaign on them, at their own churn rate', () => {
    fc.assert(
      fc.property(windowArb, businessCaseArb, ({ outcomes, cutoff }, c) => {
        const q = liveQuality(outcomes, settingsFor(cutoff, c));
        const own = campaignAt(q.matrix, cutoff, {
          ...c,
          customersScored: q.counts.matched,
          churnRateBefore: q.counts.churners / q.counts.matched,
        });
        const close = (a: number, b: number) =>
          expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
        close(q.sample.spend, own.spend);
        close(q.sample.churnersReached, own.churnersReached);
        close(q.sample.netValue, own.netValue);
      }),
    );
  });
});
