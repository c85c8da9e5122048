/**
 * How the business case (config `business.*`) reaches the functions that compute its figures: the
 * evaluation and the live-quality monitor read the same environment variables, which the training
 * and serving stacks set from the one validated config. What the figures mean is
 * `lambda/evaluate/business.ts`.
 */

/**
 * The business case's values, by the name config `business.*` and the evaluation give them.
 * Amounts are in one currency.
 */
export interface BusinessCaseValues {
  /** The share of customers who left in a year without a campaign (last year's churn rate), in [0, 1]. */
  readonly churnRateBefore: number;
  /** The churn rate the campaign is meant to reach, in [0, 1]. */
  readonly targetChurnRate: number;
  /** The most the incentives of one campaign may cost in all (>= 0). */
  readonly incentiveBudget: number;
  /** The cost of one incentive, paid for every customer offered it, churner or not (>= 0). */
  readonly incentiveCost: number;
  /** The probability that a churner offered the incentive stays, in [0, 1]. */
  readonly incentiveRetention: number;
  /** What keeping a customer who would have left is worth (>= 0). */
  readonly retainedCustomerValue: number;
  /** The customers the campaign scores (an integer >= 1). */
  readonly customersScored: number;
}

/** The environment variable of each value. */
export const BUSINESS_CASE_ENV: Readonly<Record<keyof BusinessCaseValues, string>> = {
  churnRateBefore: 'CHURN_RATE_BEFORE',
  targetChurnRate: 'TARGET_CHURN_RATE',
  incentiveBudget: 'INCENTIVE_BUDGET',
  incentiveCost: 'INCENTIVE_COST',
  incentiveRetention: 'INCENTIVE_RETENTION',
  retainedCustomerValue: 'RETAINED_CUSTOMER_VALUE',
  customersScored: 'CUSTOMERS_SCORED',
};

/** The values of a config `business` section (which also holds the gate's switch). */
export function businessCaseValues(business: BusinessCaseValues): BusinessCaseValues {
  return {
    churnRateBefore: business.churnRateBefore,
    targetChurnRate: business.targetChurnRate,
    incentiveBudget: business.incentiveBudget,
    incentiveCost: business.incentiveCost,
    incentiveRetention: business.incentiveRetention,
    retainedCustomerValue: business.retainedCustomerValue,
    customersScored: business.customersScored,
  };
}

/** The environment variables that carry `values`, each a number as JavaScript writes it. */
export function businessCaseEnvironment(values: BusinessCaseValues): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(BUSINESS_CASE_ENV) as (keyof BusinessCaseValues)[]).map((key) => [
      BUSINESS_CASE_ENV[key],
      String(values[key]),
    ]),
  );
}
