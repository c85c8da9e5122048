import { EvaluationInputError } from '../../../lambda/evaluate/input-error';
import { liveQuality, type QualitySettings, type ScoredOutcome } from '../../../lambda/live-quality/quality';

/**
 * Eight outcomes, four churners. At the cutoff 0.5 the offers go to 0.9 (churner), 0.8 (stayer) and
 * 0.7 (churner): tp 2, fp 1, fn 2 (0.4, 0.05), tn 3.
 *   precision 2/3, recall 2/4.
 *   AUC: churners {0.9, 0.7, 0.4, 0.05} against stayers {0.8, 0.3, 0.2, 0.1}: 0.9 beats 4, 0.7
 *   beats 3, 0.4 beats 3, 0.05 beats none: 10 of 16 pairs = 0.625.
 *   Costs (missed churner 500, offer 100, retention 0.5): offers 3 × 100 = 300; lost churners
 *   fn 2 + 0.5 × tp 2 = 3, × 500 = 1500; expected cost 1800. Doing nothing: 4 × 500 = 2000.
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

const SETTINGS: QualitySettings = {
  cutoff: { value: 0.5, source: 'the optimalCutoff of model package 3', fallback: false },
  costs: { missedChurner: 500, incentive: 100, retention: 0.5 },
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

  it('computes the business figures with the evaluation’s cost model', () => {
    expect(liveQuality(OUTCOMES, SETTINGS).business).toEqual({
      incentivesSpent: 300,
      churnersCaught: 2,
      expectedCost: 1800,
      costOfDoingNothing: 2000,
      saving: 200,
    });
  });

  it('is ok when every metric meets its threshold (thresholds are inclusive)', () => {
    const q = liveQuality(OUTCOMES, SETTINGS);
    expect(q.verdict).toBe('ok');
    expect(q.belowThreshold).toEqual([]);
    expect(q.reason).toBe('auc 0.625, precision 0.667, recall 0.500 meet their thresholds (8 outcomes)');
  });

  it('acts when a metric is below its threshold, naming each one', () => {
    const q = liveQuality(OUTCOMES, { ...SETTINGS, thresholds: { minAuc: 0.75, minPrecision: 0.25, minRecall: 0.6 } });
    expect(q.verdict).toBe('act');
    expect(q.belowThreshold).toEqual(['auc', 'recall']);
    expect(q.reason).toBe('auc 0.625 is below 0.750; recall 0.500 is below 0.600 (8 outcomes, cutoff 0.500)');
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
    expect(q.business).toEqual({
      incentivesSpent: 0,
      churnersCaught: 0,
      expectedCost: 2000,
      costOfDoingNothing: 2000,
      saving: 0,
    });
    expect(q.belowThreshold).toEqual(['recall']);
  });

  it('is insufficient below the minimum number of outcomes, with the figures still computed', () => {
    const q = liveQuality(OUTCOMES, { ...SETTINGS, minimumOutcomes: 9 });
    expect(q.verdict).toBe('insufficient');
    expect(q.reason).toBe('not enough data: 8 outcomes joined to a prediction; at least 9 are needed');
    expect(q.auc).toBeCloseTo(0.625, 12);
  });

  it('is insufficient when every outcome is of one class (the AUC is undefined)', () => {
    const stayers = OUTCOMES.filter((o) => !o.churned);
    const q = liveQuality(stayers, { ...SETTINGS, minimumOutcomes: 1 });
    expect(q.verdict).toBe('insufficient');
    expect(q.auc).toBeNull();
    expect(q.recall).toBeNull();
    expect(q.reason).toBe('not enough data: the 4 outcomes are all stayers, so the AUC is undefined');
  });

  it('is insufficient with no outcomes at all, every count 0', () => {
    const q = liveQuality([], SETTINGS);
    expect(q.verdict).toBe('insufficient');
    expect(q.counts).toEqual({ matched: 0, churners: 0, stayers: 0, offers: 0 });
    expect(q.business.expectedCost).toBe(0);
  });

  it('refuses a probability outside [0, 1], as the evaluation does', () => {
    expect(() => liveQuality([...OUTCOMES, { probability: 1.5, churned: true }], SETTINGS)).toThrow(
      EvaluationInputError,
    );
  });
});
