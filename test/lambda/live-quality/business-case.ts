import type { BusinessCase } from '../../../lambda/evaluate/business';

/**
 * The business case of the live-quality tests: 1,200 customers, a quarter of whom would leave
 * (300); offers at 100 that keep half the churners offered them; a budget of 50,000.
 */
export const LIVE_CASE: BusinessCase = {
  churnRateBefore: 0.25,
  targetChurnRate: 0.1,
  incentiveBudget: 50_000,
  incentiveCost: 100,
  incentiveRetention: 0.5,
  retainedCustomerValue: 500,
  customersScored: 1200,
};
