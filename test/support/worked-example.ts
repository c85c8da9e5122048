/**
 * The evaluation's worked example: labels 1 0 1 1 0 0 scored 0.9 0.8 0.7 0.4 0.3 0.1. Its ROC
 * points (true-positive rate, false-positive rate) are: nobody (0, 0); 0.9 (1/3, 0); 0.8 (1/3, 1/3);
 * 0.7 (2/3, 1/3); 0.4 (1, 1/3); 0.3 (1, 2/3); 0.1 (1, 1).
 */
import type { BusinessCase } from '../../lambda/evaluate/business';

export const WORKED_LABELS: readonly number[] = [1, 0, 1, 1, 0, 0];
export const WORKED_SCORES: readonly number[] = [0.9, 0.8, 0.7, 0.4, 0.3, 0.1];
export const WORKED_COUNTS = { positives: 3, negatives: 3 } as const;

/**
 * Its business case: 600 customers, half of whom would leave (300 churners, 300 stayers). So the
 * offers at the cutoffs above are 0, 100, 200, 300, 400, 500 and 600, and at 100 each they spend 0
 * to 60,000. With retention 1 the projected churn rates are 0.5, 1/3, 1/3, 1/6, then 0 from 0.4 down.
 */
export const WORKED_CASE: BusinessCase = {
  churnRateBefore: 0.5,
  targetChurnRate: 0.1,
  incentiveBudget: 100_000,
  incentiveCost: 100,
  incentiveRetention: 1,
  retainedCustomerValue: 1000,
  customersScored: 600,
};
