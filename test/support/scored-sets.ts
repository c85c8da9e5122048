/** fast-check arbitraries for the evaluation's tests: labelled scores and cost assumptions. */
import fc from 'fast-check';
import type { BusinessCase } from '../../lambda/evaluate/business';

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

/**
 * A business case whose costs are `costs` (a missed churner costs what keeping one is worth;
 * retention 1 unless given) and whose other values are the config's defaults, for the tests that
 * are about the costs.
 */
export function caseWithCosts(
  costs: { readonly missedChurner: number; readonly incentive: number; readonly retention?: number },
  overrides: Partial<BusinessCase> = {},
): BusinessCase {
  return {
    churnRateBefore: 0.145,
    targetChurnRate: 0.04,
    incentiveBudget: 750_000,
    incentiveCost: costs.incentive,
    incentiveRetention: costs.retention ?? 1,
    retainedCustomerValue: costs.missedChurner,
    customersScored: 50_000,
    ...overrides,
  };
}

/** A business case over its whole valid range (budgets, costs and customers within reason). */
export const businessCaseArb: fc.Arbitrary<BusinessCase> = fc.record({
  churnRateBefore: fc.double({ min: 0, max: 1, noNaN: true }),
  targetChurnRate: fc.double({ min: 0, max: 1, noNaN: true }),
  incentiveBudget: fc.double({ min: 0, max: 1e7, noNaN: true }),
  incentiveCost: fc.double({ min: 0, max: 1000, noNaN: true }),
  incentiveRetention: fc.double({ min: 0, max: 1, noNaN: true }),
  retainedCustomerValue: fc.double({ min: 0, max: 1e4, noNaN: true }),
  customersScored: fc.integer({ min: 1, max: 1_000_000 }),
});
