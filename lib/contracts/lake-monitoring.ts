/**
 * What the lake monitors (Serving stage) publish besides their events: the live quality and drift
 * metrics and their dimensions, which the functions put, the Serving stack's alarms watch and the
 * dashboard draws, and where the monitors' reports go in the artifacts bucket. The namespace and
 * the events are in `monitoring-events.ts`.
 *
 * Pure data, bundled into functions.
 */
import { ARTIFACT_PREFIXES } from './lake-layout';
import type { MonitorVerdict } from './monitoring-events';

/** The dimension every monitor metric carries: the endpoint it is about. */
export const MONITOR_METRIC_DIMENSION = 'EndpointName';

/**
 * The live quality metrics, one datapoint per check with enough outcomes (a check with too few
 * publishes only `MatchedOutcomes`, so an alarm sees no data rather than a bad value).
 */
export const QUALITY_METRICS = {
  /** Area under the ROC curve of the matched outcomes' probabilities. */
  auc: 'Auc',
  /** Churners among the customers offered an incentive, at the deployed cutoff. */
  precision: 'Precision',
  /** Share of churners offered an incentive, at the deployed cutoff. */
  recall: 'Recall',
  /**
   * Expected cost of acting on the model at the deployed cutoff, among the matched customers (the
   * evaluation's cost model; the report's `sample.expectedCost`).
   */
  expectedCost: 'ExpectedCost',
  /** Expected cost of offering the matched customers nobody an incentive: every churner is missed. */
  costOfDoingNothing: 'CostOfDoingNothing',
  /** What the offers at the deployed cutoff cost, among the matched customers (`sample.spend`). */
  incentivesSpent: 'IncentivesSpent',
  /** Matched churners offered an incentive, the true positives (`sample.churnersReached`). */
  churnersCaught: 'ChurnersCaught',
  /**
   * The churn rate the business case's campaign at the deployed cutoff is projected to leave
   * (`campaign.projectedChurnRate`, `lambda/evaluate/business.ts`): the window's rates per class
   * projected onto `customersScored` customers at `churnRateBefore`. To read against
   * `business.targetChurnRate`.
   */
  projectedChurnRate: 'ProjectedChurnRate',
  /** What that campaign is projected to spend (`campaign.spend`). To read against `business.incentiveBudget`. */
  projectedSpend: 'ProjectedSpend',
  /** Outcomes joined to a prediction in the window: published by every check. */
  matchedOutcomes: 'MatchedOutcomes',
} as const;

/**
 * The second dimension of the drift function's per-feature metrics (beside
 * {@link MONITOR_METRIC_DIMENSION}): the feature, as the drift report names it (a numeric column, or
 * the source field of a one-hot group, `state`).
 */
export const DRIFT_FEATURE_DIMENSION = 'Feature';

/**
 * The drift metrics, one datapoint per check, timestamped with the window's end.
 *
 * Per feature (dimensions `EndpointName` and `Feature`), only when measured: a check with too few
 * rows has no value and publishes nothing, so a graph or an alarm sees no data rather than a value
 * computed from a handful of requests. Schema violations (a column missing, rows of the wrong
 * width, values that are not numbers) are not metrics of their own: they act, and count in
 * `FeaturesActing`.
 *
 * Summary (dimension `EndpointName`), published by every check that had a baseline to compare with.
 */
export const DRIFT_METRICS = {
  /** Per feature: population stability index of a numeric feature over the baseline's bins. */
  psi: 'Psi',
  /** Per feature: largest change of one category's share in a one-hot group (L∞ distance). */
  categoryDistance: 'CategoryDistance',
  /** Per feature: change of the share of rows where the feature is missing (absolute). */
  missingFractionChange: 'MissingFractionChange',
  /** Summary: captured CSV lines in the window, malformed ones included. */
  capturedRows: 'CapturedRows',
  /** Summary: features (or `(rows)`, for whole-row checks) with a check whose verdict is `act`. */
  featuresActing: 'FeaturesActing',
  /** Summary: features whose worst verdict is `watch`. */
  featuresWatching: 'FeaturesWatching',
  /** Summary: the overall verdict as a number, {@link DRIFT_SEVERITY}. */
  driftSeverity: 'DriftSeverity',
} as const;

/**
 * The `DriftSeverity` of each verdict, in the drift report's order of urgency: "not enough data"
 * ranks above a clean bill, below any signal. An alarm at 3 fires on `act`, at 2 on `watch` too.
 */
export const DRIFT_SEVERITY: Readonly<Record<MonitorVerdict, number>> = { ok: 0, insufficient: 1, watch: 2, act: 3 };

/**
 * Where the monitors write their reports in the artifacts bucket: `<prefix><endpoint>/<window end>.json`
 * (the drift function writes the page beside it, `.html`).
 */
export const MONITOR_REPORT_PREFIXES = {
  drift: `${ARTIFACT_PREFIXES.monitoring}drift/`,
  quality: `${ARTIFACT_PREFIXES.monitoring}quality/`,
} as const;

/**
 * The drift settings a drift check takes: the drift keys of the stage config's `monitoring`
 * section (`lib/config.ts`), under their config names. The Serving stack passes them to the drift
 * function, which reads them back from its environment (`lambda/drift/thresholds.ts`).
 */
export interface MonitoringDriftSettings {
  /** Population stability index of a numeric feature from which its verdict is "watch", and "act". */
  readonly psiWatch: number;
  readonly psiAct: number;
  /** Largest change of one category's share in a one-hot group from which its verdict is "watch", and "act". */
  readonly categoricalWatch: number;
  readonly categoricalAct: number;
  /** Change of a feature's missing fraction from which its verdict is "watch", and "act". */
  readonly missingWatch: number;
  readonly missingAct: number;
  /** The fewest captured rows a drift verdict is given on; fewer is "not enough data". */
  readonly minimumRows: number;
}
