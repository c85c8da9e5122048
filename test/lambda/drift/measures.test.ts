/**
 * The drift measures: PSI (numeric features over the baseline's bins), L-infinity (one-hot groups)
 * and the verdict thresholds, against hand-computed cases and properties.
 */
import fc from 'fast-check';
import { lInfinityDistance } from '../../../lambda/drift/distance';
import { DriftInputError } from '../../../lambda/drift/errors';
import { populationStabilityIndex, sharesOf } from '../../../lambda/drift/psi';
import {
  checkThresholds,
  DEFAULT_DRIFT_THRESHOLDS,
  type DriftThresholds,
  verdictOf,
} from '../../../lambda/drift/thresholds';

const RUNS = { numRuns: 500, seed: 20260801 } as const;
const EPSILON = DEFAULT_DRIFT_THRESHOLDS.emptyBinShare;

/** Two histograms over the same bins (1 to 12 bins, counts up to 1000). */
const histogramPair = fc
  .integer({ min: 1, max: 12 })
  .chain((bins) =>
    fc.tuple(
      fc.array(fc.nat(1000), { minLength: bins, maxLength: bins }),
      fc.array(fc.nat(1000), { minLength: bins, maxLength: bins }),
    ),
  );

describe('populationStabilityIndex', () => {
  it('of 50/50 against 25/75 is 0.2747', () => {
    // e = (0.5, 0.5), a = (0.25, 0.75):
    //   (0.25 - 0.5) * ln(0.25 / 0.5) = -0.25 * -0.693147 = 0.173287
    //   (0.75 - 0.5) * ln(0.75 / 0.5) =  0.25 *  0.405465 = 0.101366
    //   PSI = 0.274653 (act: at least 0.25)
    expect(populationStabilityIndex([50, 50], [25, 75], EPSILON)).toBeCloseTo(0.274653, 6);
  });

  it('of 10 bins of a tenth each against one value moved per bin is small (ok)', () => {
    // e = 0.1 everywhere; a = 0.11 in 5 bins and 0.09 in 5 (100 values each side):
    //   5 * 0.01 * ln(1.1) + 5 * (-0.01) * ln(0.9) = 0.05 * (0.095310 + 0.105361) = 0.010034
    const baseline = new Array<number>(10).fill(10);
    const current = [11, 9, 11, 9, 11, 9, 11, 9, 11, 9];
    expect(populationStabilityIndex(baseline, current, EPSILON)).toBeCloseTo(0.010034, 6);
  });

  it('gives an empty bin the empty-bin share instead of an infinite term', () => {
    // e = (1, 0) -> (1, 0.0001); a = (0.5, 0.5):
    //   (0.5 - 1) * ln(0.5 / 1)           = -0.5 * -0.693147 = 0.346574
    //   (0.5 - 0.0001) * ln(0.5 / 0.0001) = 0.4999 * 8.517193 = 4.257745
    //   PSI = 4.604319
    expect(populationStabilityIndex([10, 0], [5, 5], EPSILON)).toBeCloseTo(4.604319, 5);
  });

  it('is 0 for two empty bins: they are the same on both sides', () => {
    expect(populationStabilityIndex([0, 5, 5], [0, 50, 50], EPSILON)).toBe(0);
  });

  it('refuses histograms over different bins', () => {
    expect(() => populationStabilityIndex([1, 2], [1, 2, 3], EPSILON)).toThrow('histograms differ in bins: 2 and 3');
  });

  it('is 0 for identical distributions, whatever the sample sizes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(1000), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 50 }),
        (counts, k) => {
          expect(populationStabilityIndex(counts, counts, EPSILON)).toBe(0);
          expect(
            populationStabilityIndex(
              counts,
              counts.map((c) => c * k),
              EPSILON,
            ),
          ).toBeCloseTo(0, 12);
        },
      ),
      RUNS,
    );
  });

  it('is symmetric to the bit (it is KL(a||e) + KL(e||a)) and never negative', () => {
    fc.assert(
      fc.property(histogramPair, ([a, b]) => {
        const forward = populationStabilityIndex(a, b, EPSILON);
        expect(populationStabilityIndex(b, a, EPSILON)).toBe(forward);
        expect(forward).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('grows as mass moves further from the baseline (moving more of one bin to another)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), (moved) => {
        const psi = (m: number): number => populationStabilityIndex([100, 100], [100 - m, 100 + m], EPSILON);
        expect(psi(moved + 1)).toBeGreaterThan(psi(moved));
      }),
      RUNS,
    );
  });

  it('shares of no values are all 0', () => {
    expect(sharesOf([0, 0])).toEqual([0, 0]);
    expect(sharesOf([1, 3])).toEqual([0.25, 0.75]);
  });
});

describe('lInfinityDistance', () => {
  it('of 60/30/10 against 40/40/20 is the largest change, 0.2', () => {
    // shares 0.6, 0.3, 0.1 against 0.4, 0.4, 0.2: |0.2|, |-0.1|, |-0.1| -> max 0.2
    expect(lInfinityDistance([60, 30, 10], [40, 40, 20])).toBeCloseTo(0.2, 12);
  });

  it('of four categories that each move by 0.15 is 0.15, the largest move, not their total', () => {
    // 0.25 each against 0.1, 0.1, 0.4, 0.4: every |difference| is 0.15 -> max 0.15
    // (the total variation, half the sum of the differences, would be 0.3)
    expect(lInfinityDistance([25, 25, 25, 25], [10, 10, 40, 40])).toBeCloseTo(0.15, 12);
  });

  it('of a category that disappears is its share, finite, without smoothing', () => {
    // 0.5, 0.5 against 1, 0: max(|0.5|, |0.5|) = 0.5
    expect(lInfinityDistance([50, 50], [100, 0])).toBe(0.5);
  });

  it('refuses distributions over different categories', () => {
    expect(() => lInfinityDistance([1], [1, 2])).toThrow('distributions differ in categories: 1 and 2');
  });

  it('is 0 for identical distributions, symmetric, and between 0 and 1', () => {
    fc.assert(
      fc.property(histogramPair, fc.integer({ min: 1, max: 50 }), ([a, b], k) => {
        expect(
          lInfinityDistance(
            a,
            a.map((c) => c * k),
          ),
        ).toBeCloseTo(0, 12);
        const d = lInfinityDistance(a, b);
        expect(lInfinityDistance(b, a)).toBe(d);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(1);
      }),
      RUNS,
    );
  });
});

describe('verdictOf', () => {
  it.each<[number, string]>([
    [0, 'ok'],
    [0.0999, 'ok'],
    [0.1, 'watch'], // from the threshold on, as Evidently's psi_value >= threshold
    [0.2499, 'watch'],
    [0.25, 'act'],
    [4.6, 'act'],
  ])('reads PSI %p as %s', (value, verdict) => {
    expect(verdictOf(value, DEFAULT_DRIFT_THRESHOLDS.psi)).toBe(verdict);
  });

  it('is monotonic in the statistic: a larger value never gets a milder verdict', () => {
    const rank = { ok: 0, watch: 1, act: 2 } as const;
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (x, y, t1, t2) => {
          const band = { watch: Math.min(t1, t2), act: Math.max(t1, t2) };
          const [low, high] = x <= y ? [x, y] : [y, x];
          expect(rank[verdictOf(high, band)]).toBeGreaterThanOrEqual(rank[verdictOf(low, band)]);
        },
      ),
      RUNS,
    );
  });
});

describe('checkThresholds', () => {
  it('accepts the defaults', () => {
    expect(checkThresholds(DEFAULT_DRIFT_THRESHOLDS)).toBe(DEFAULT_DRIFT_THRESHOLDS);
  });

  it.each<[string, Partial<DriftThresholds>, string]>([
    [
      'watch above act',
      { psi: { watch: 0.3, act: 0.25 } },
      'psi.watch is 0.3, above psi.act 0.25; expected watch ≤ act',
    ],
    [
      'a negative threshold',
      { categorical: { watch: -0.1, act: 0.1 } },
      'categorical.watch is -0.1; expected a finite number',
    ],
    ['NaN', { missingFractionChange: { watch: 0.05, act: Number.NaN } }, 'missingFractionChange.act is NaN'],
    ['no minimum rows', { minimumRows: 0 }, 'minimumRows is 0; expected a whole number, 1 or more'],
    ['a fractional minimum', { minimumRows: 2.5 }, 'minimumRows is 2.5'],
    [
      'an empty-bin share of 0 (an infinite PSI)',
      { emptyBinShare: 0 },
      'emptyBinShare is 0; expected a number between 0 and 1',
    ],
  ])('refuses %s, naming it', (_what, change, message) => {
    const thresholds = { ...DEFAULT_DRIFT_THRESHOLDS, ...change };
    expect(() => checkThresholds(thresholds)).toThrow(DriftInputError);
    expect(() => checkThresholds(thresholds)).toThrow(message);
  });
});
