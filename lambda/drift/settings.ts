/**
 * The drift function's configuration, from the environment variables the monitor construct sets
 * from the validated stage config (`monitoring.*`); checked when the module loads
 * (`lambda/shared/env.ts`, then `driftThresholdsFromSettings`).
 */
import { numberFromEnv, stringFromEnv } from '../shared/env';
import { type DriftThresholds, driftThresholdsFromSettings } from './thresholds';

type Environment = Readonly<Record<string, string | undefined>>;

/** What one drift check needs to know besides the event. */
export interface DriftFunctionSettings {
  /** The endpoint whose captured requests are checked (`ENDPOINT_NAME`). */
  readonly endpointName: string;
  /** The lake's Athena workgroup (`WORK_GROUP`). */
  readonly workGroup: string;
  /** The Glue database of the capture table (`DATABASE`). */
  readonly database: string;
  /** The capture table (`CAPTURE_TABLE`). */
  readonly captureTable: string;
  /** The artifacts bucket, where the report goes (`REPORT_BUCKET`). */
  readonly reportBucket: string;
  /** Hours of captured requests one check compares with the baseline (`WINDOW_HOURS`). */
  readonly windowHours: number;
  /**
   * `PSI_WATCH`, `PSI_ACT`, `CATEGORICAL_WATCH`, `CATEGORICAL_ACT`, `MISSING_WATCH`, `MISSING_ACT`,
   * `MINIMUM_ROWS`: config `monitoring.psiWatch` … `monitoring.minimumRows`.
   */
  readonly thresholds: DriftThresholds;
}

/**
 * The settings, checked, each variable within the range the stage config allows.
 * @throws EnvironmentError naming the variable, its value and what is allowed
 * @throws DriftInputError when a watch threshold is above its act threshold
 */
export function driftSettingsFromEnv(env: Environment): DriftFunctionSettings {
  return {
    endpointName: stringFromEnv(env, 'ENDPOINT_NAME'),
    workGroup: stringFromEnv(env, 'WORK_GROUP'),
    database: stringFromEnv(env, 'DATABASE'),
    captureTable: stringFromEnv(env, 'CAPTURE_TABLE'),
    reportBucket: stringFromEnv(env, 'REPORT_BUCKET'),
    windowHours: numberFromEnv(env, 'WINDOW_HOURS', 1, 720),
    thresholds: driftThresholdsFromSettings({
      psiWatch: numberFromEnv(env, 'PSI_WATCH', 0, 10),
      psiAct: numberFromEnv(env, 'PSI_ACT', 0, 10),
      categoricalWatch: numberFromEnv(env, 'CATEGORICAL_WATCH', 0, 1),
      categoricalAct: numberFromEnv(env, 'CATEGORICAL_ACT', 0, 1),
      missingWatch: numberFromEnv(env, 'MISSING_WATCH', 0, 1),
      missingAct: numberFromEnv(env, 'MISSING_ACT', 0, 1),
      minimumRows: numberFromEnv(env, 'MINIMUM_ROWS', 1, 1_000_000),
    }),
  };
}
