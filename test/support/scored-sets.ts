/** fast-check arbitraries for the evaluation's tests: labelled scores and cost assumptions. */
import fc from 'fast-check';

/** Scores on a coarse grid (ties are common) with labels; `bothClasses` keeps only sets with churners and stayers. */
export function scoredSet(bothClasses: boolean): fc.Arbitrary<{ labels: number[]; scores: number[] }> {
  return fc
    .array(fc.tuple(fc.constantFrom(0, 1), fc.integer({ min: 0, max: 20 })), { minLength: 1, maxLength: 80 })
    .filter((rows) => !bothClasses || (rows.some(([l]) => l === 1) && rows.some(([l]) => l === 0)))
    .map((rows) => ({ labels: rows.map(([l]) => l), scores: rows.map(([, k]) => k / 20) }));
}

/** Cost assumptions over their whole valid range. */
export const costsArb = fc.record({
  missedChurner: fc.integer({ min: 0, max: 1000 }),
  incentive: fc.integer({ min: 0, max: 1000 }),
  retention: fc.double({ min: 0, max: 1, noNaN: true }),
});
