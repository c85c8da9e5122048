/**
 * The events the monitors and the retraining guard put on the account's default EventBridge bus,
 * and the metrics they publish: what the drift and quality monitors (Serving stage), the
 * retraining guard and the dashboard agree on. An event carries its reason in words, so the
 * dashboard can list decisions without knowing how each was made.
 *
 * Pure data, bundled into functions.
 */

/** The `source` of every event this project puts (AWS reserves `aws.*`). */
export const MONITORING_EVENT_SOURCE = 'ml-lifecycle.monitoring';

/** The `detail-type` of each event. */
export const MONITORING_DETAIL_TYPES = {
  /** A drift check finished: its verdict over one window of captured requests. */
  driftVerdict: 'Drift verdict',
  /** A live quality check finished: its verdict over one window of outcomes. */
  qualityVerdict: 'Model quality verdict',
  /** The retraining guard or the quality gate decided something about retraining. */
  retrainingDecision: 'Retraining decision',
} as const;

/** A check's overall verdict (the same words as the drift comparison's). */
export type MonitorVerdict = 'ok' | 'watch' | 'act' | 'insufficient';

/** The detail of a `Drift verdict` event. */
export interface DriftVerdictDetail {
  readonly verdict: MonitorVerdict;
  /** The endpoint whose captured requests were checked. */
  readonly endpointName: string;
  /** The model package in service, whose baseline the window was compared with. */
  readonly modelPackageArn: string;
  /** ISO 8601 UTC: the window's start (inclusive) and end (exclusive). */
  readonly windowStart: string;
  readonly windowEnd: string;
  /** Captured rows in the window. */
  readonly rows: number;
  /** The features whose verdict is `act`, by name. */
  readonly acting: readonly string[];
  /** The S3 URI of the report's JSON document (the HTML is beside it). */
  readonly reportUri: string;
}

/** The detail of a `Model quality verdict` event. */
export interface QualityVerdictDetail {
  /** `act` when a metric is below its threshold; `insufficient` with too few joined outcomes. */
  readonly verdict: MonitorVerdict;
  readonly endpointName: string;
  readonly modelPackageArn: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  /** Outcomes joined to a prediction in the window. */
  readonly matched: number;
  /** Why, in words: which metric is below which threshold, or how many outcomes were missing. */
  readonly reason: string;
  readonly reportUri: string;
}

/** What was decided about retraining. */
export type RetrainingDecision =
  /** The guard started a retraining run (the ETL workflow, then the training pipeline). */
  | 'started'
  /** Retraining is off in this stage's config: the monitors only alarm. */
  | 'skipped-disabled'
  /** A run started less than `retraining.minimumPeriodHours` ago. */
  | 'skipped-period'
  /** A retraining run (ETL or pipeline) is still running. */
  | 'skipped-in-progress'
  /** The retrained model did not beat the one in service by the margin: it is not deployed. */
  | 'challenger-rejected'
  /** The retrained model beat the one in service by the margin (or there was none): it replaces it. */
  | 'challenger-promoted';

/** The detail of a `Retraining decision` event. */
export interface RetrainingDecisionDetail {
  readonly decision: RetrainingDecision;
  /** Why, in words, with the numbers it was decided on. */
  readonly reason: string;
  /** What asked for it: the event or alarm that triggered the guard, or the pipeline run for a gate decision. */
  readonly trigger: string;
}

/** The CloudWatch namespace of the monitors' metrics. */
export const MONITORING_METRIC_NAMESPACE = 'MlLifecycle/Monitoring';
