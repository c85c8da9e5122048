import fc from 'fast-check';
import { confusionMatrix } from '../../../lambda/evaluate/confusion';
import { calibration, costCurve, matrixAtRocPoint, precisionRecallCurve } from '../../../lambda/evaluate/curves';
import { costAssumptions, optimalCutoff } from '../../../lambda/evaluate/cutoff';
import { evaluate } from '../../../lambda/evaluate/metrics';
import { rocCurve } from '../../../lambda/evaluate/roc';
import { costsArb, scoredSet, caseWithCosts } from '../../support/scored-sets';

/** The worked example of metrics.test.ts: labels 1 0 1 1 0 0 scored 0.9 0.8 0.7 0.4 0.3 0.1. */
const LABELS = [1, 0, 1, 1, 0, 0];
const SCORES = [0.9, 0.8, 0.7, 0.4, 0.3, 0.1];
const COUNTS = { positives: 3, negatives: 3 };
const ROC = rocCurve(LABELS, SCORES);

describe('precisionRecallCurve', () => {
  it('gives precision and recall at each cutoff, hand-computed', () => {
    // Cutoffs 0.9 (tp 1, fp 0), 0.8 (1, 1), 0.7 (2, 1), 0.4 (3, 1), 0.3 (3, 2), 0.1 (3, 3).
    expect(precisionRecallCurve(ROC, COUNTS)).toEqual([
      { cutoff: 0.9, recall: 1 / 3, precision: 1 },
      { cutoff: 0.8, recall: 1 / 3, precision: 1 / 2 },
      { cutoff: 0.7, recall: 2 / 3, precision: 2 / 3 },
      { cutoff: 0.4, recall: 1, precision: 3 / 4 },
      { cutoff: 0.3, recall: 1, precision: 3 / 5 },
      { cutoff: 0.1, recall: 1, precision: 1 / 2 },
    ]);
  });

  it('never lowers recall as the cutoff falls, and ends at recall 1 with precision the churn rate', () => {
    fc.assert(
      fc.property(scoredSet(true), ({ labels, scores }) => {
        const positives = labels.filter((l) => l === 1).length;
        const curve = precisionRecallCurve(rocCurve(labels, scores), {
          positives,
          negatives: labels.length - positives,
        });
        curve.slice(1).forEach((p, i) => expect(p.recall).toBeGreaterThanOrEqual(curve[i]?.recall ?? 0));
        expect(curve.at(-1)?.recall).toBe(1);
        expect(curve.at(-1)?.precision).toBeCloseTo(positives / labels.length, 12);
      }),
    );
  });
});

describe('matrixAtRocPoint', () => {
  it('gives back the confusion matrix at the point’s cutoff', () => {
    fc.assert(
      fc.property(scoredSet(true), ({ labels, scores }) => {
        const positives = labels.filter((l) => l === 1).length;
        const counts = { positives, negatives: labels.length - positives };
        for (const point of rocCurve(labels, scores)) {
          expect(matrixAtRocPoint(point, counts)).toEqual(confusionMatrix(labels, scores, point.threshold));
        }
      }),
    );
  });
});

describe('costCurve', () => {
  it('costs each cutoff as the evaluation does, hand-computed', () => {
    // Missed churner 1,000, offer 100: no offers 3,000; at 0.4, 4 offers and no churner missed: 400.
    const curve = costCurve(ROC, COUNTS, costAssumptions({ missedChurner: 1000, incentive: 100 }));
    expect(curve[0]).toEqual({ cutoff: null, offers: 0, cost: 3000 });
    expect(curve.find((p) => p.cutoff === 0.4)).toEqual({ cutoff: 0.4, offers: 4, cost: 400 });
    expect(curve.at(-1)).toEqual({ cutoff: 0.1, offers: 6, cost: 600 });
  });

  it('has its lowest point at the cheapest cutoff, for any costs', () => {
    fc.assert(
      fc.property(scoredSet(true), costsArb, ({ labels, scores }, costs) => {
        const positives = labels.filter((l) => l === 1).length;
        const counts = { positives, negatives: labels.length - positives };
        const curve = costCurve(rocCurve(labels, scores), counts, costAssumptions(costs));
        const cheapest = optimalCutoff(labels, scores, costs);
        const lowest = Math.min(...curve.map((p) => p.cost));
        // optimalCutoff counts costs within a relative 1e-9 as a tie and keeps the higher cutoff,
        // so the curve's lowest point may be below it by that much (seed -57934666 found one).
        expect(cheapest.cost - lowest).toBeLessThanOrEqual(1e-9 * Math.max(1, cheapest.cost) * (1 + 1e-9));
        expect(lowest).toBeLessThanOrEqual(cheapest.cost);
        expect(curve.find((p) => p.cutoff === cheapest.cutoff)?.cost).toBe(cheapest.cost);
      }),
      {
        examples: [
          [
            { labels: [0, 1, 1], scores: [0, 0, 0] },
            { missedChurner: 276, incentive: 0, retention: 9.05797048478263e-10 },
          ],
        ],
      },
    );
  });
});

describe('calibration', () => {
  it('bins the scores in ten, with each bin’s mean score and churn rate, hand-computed', () => {
    const rows = [
      { label: 0, score: 0 },
      { label: 1, score: 0.05 },
      { label: 1, score: 0.95 },
      { label: 1, score: 1 },
      { label: 0, score: 0.5 },
    ] as const;
    const bins = calibration(rows);
    expect(bins).toHaveLength(10);
    expect(bins[0]).toEqual({ lower: 0, upper: 0.1, rows: 2, meanScore: 0.025, churnRate: 0.5 });
    expect(bins[5]).toEqual({ lower: 0.5, upper: 0.6, rows: 1, meanScore: 0.5, churnRate: 0 });
    // A score of exactly 1 belongs to the last bin, [0.9, 1].
    expect(bins[9]).toEqual({ lower: 0.9, upper: 1, rows: 2, meanScore: 0.975, churnRate: 1 });
    expect(bins[3]).toEqual({ lower: 0.3, upper: 0.4, rows: 0, meanScore: null, churnRate: null });
  });

  it('puts every row in exactly one bin whose range holds its score, and is part of the evaluation', () => {
    fc.assert(
      fc.property(scoredSet(true), ({ labels, scores }) => {
        const rows = labels.map((label, i) => ({ label: label as 0 | 1, score: scores[i] ?? 0 }));
        const bins = calibration(rows);
        expect(bins.reduce((n, b) => n + b.rows, 0)).toBe(rows.length);
        for (const b of bins) {
          if (b.meanScore === null) continue;
          // Within rounding: the mean of six scores of 0.1 is 0.09999999999999999.
          expect(b.meanScore).toBeGreaterThanOrEqual(b.lower - 1e-12);
          expect(b.meanScore).toBeLessThanOrEqual(b.upper + 1e-12);
        }
        const csv = labels.map((l) => `${l},1\n`).join('');
        const transform = scores.map((s) => `${s}\n`).join('');
        expect(evaluate(csv, transform, caseWithCosts({ missedChurner: 1, incentive: 1 })).calibration).toEqual(bins);
      }),
    );
  });
});
