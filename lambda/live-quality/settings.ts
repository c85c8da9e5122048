/**
 * The quality function's configuration, from the environment variables the monitor construct
 * sets from the validated stage config; checked when the module loads (`lambda/shared/env.ts`).
 */
import { numberFromEnv, stringFromEnv } from '../shared/env';
import { type BusinessCase, businessCaseFromEnv } from '../evaluate/business';
import type { QualityThresholds } from './quality';

type Environment = Readonly<Record<string, string | undefined>>;

/** What one check needs to know besides the event. */
export interface QualityFunctionSettings {
  /** The endpoint whose predictions are checked (`ENDPOINT_NAME`). */
  readonly endpointName: string;
  /** The lake's Athena workgroup (`WORK_GROUP`). */
  readonly workGroup: string;
  /** The Glue database of the capture table (`DATABASE`). */
  readonly database: string;
  /** The capture table (`CAPTURE_TABLE`). */
  readonly captureTable: string;
  /** The artifacts bucket, where the report goes (`REPORT_BUCKET`). */
  readonly reportBucket: string;
  /** Days of outcomes one check scores (`QUALITY_WINDOW_DAYS`). */
  readonly windowDays: number;
  /** Fewest matched outcomes a verdict is given on (`MINIMUM_OUTCOMES`). */
  readonly minimumOutcomes: number;
  /** `MIN_AUC`, `MIN_PRECISION`, `MIN_RECALL`. */
  readonly thresholds: QualityThresholds;
  /**
   * The business case, `CHURN_RATE_BEFORE` … `CUSTOMERS_SCORED` (`BUSINESS_CASE_ENV`,
   * `lib/contracts/business-case.ts`), as the evaluation reads it: the campaign is projected under
   * it, and the cost model derives from it.
   */
  readonly business: BusinessCase;
}

/** The settings, checked. @throws EnvironmentError naming the variable, its value and what is allowed */
export function settingsFromEnv(env: Environment): QualityFunctionSettings {
  return {
    endpointName: stringFromEnv(env, 'ENDPOINT_NAME'),
    workGroup: stringFromEnv(env, 'WORK_GROUP'),
    database: stringFromEnv(env, 'DATABASE'),
    captureTable: stringFromEnv(env, 'CAPTURE_TABLE'),
    reportBucket: stringFromEnv(env, 'REPORT_BUCKET'),
    windowDays: numberFromEnv(env, 'QUALITY_WINDOW_DAYS', 1, 365),
    minimumOutcomes: numberFromEnv(env, 'MINIMUM_OUTCOMES', 1, 1_000_000),
    thresholds: {
      minAuc: numberFromEnv(env, 'MIN_AUC', 0, 1),
      minPrecision: numberFromEnv(env, 'MIN_PRECISION', 0, 1),
      minRecall: numberFromEnv(env, 'MIN_RECALL', 0, 1),
    },
    business: businessCaseFromEnv(env),
  };
}
