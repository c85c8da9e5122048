/**
 * What the lake monitors (Serving stage) publish besides their events: the live quality and drift
 * summary metrics and their dimension, which the monitor functions put, the Serving stack's alarms
 * watch and the dashboard draws, and where the monitors' reports go in the artifacts bucket. The namespace and
 * the events are in `monitoring-events.ts`.
 *
 * Pure data, bundled into functions.
 */
import { ARTIFACT_PREFIXES } from './lake-layout';

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
  /** Expected cost of acting on the model at the deployed cutoff (the evaluation's cost model). */
  expectedCost: 'ExpectedCost',
  /** Expected cost of offering nobody an incentive: every churner is missed. */
  costOfDoingNothing: 'CostOfDoingNothing',
  /** What the offers at the deployed cutoff cost. */
  incentivesSpent: 'IncentivesSpent',
  /** Churners offered an incentive (true positives). */
  churnersCaught: 'ChurnersCaught',
  /** Outcomes joined to a prediction in the window: published by every check. */
  matchedOutcomes: 'MatchedOutcomes',
} as const;

/**
 * The drift monitor's summary metrics, one datapoint per check, with the same dimension: what the
 * dashboard draws beside the live quality. (Per-feature metrics, if any, are the drift function's.)
 */
export const DRIFT_METRICS = {
  /** Captured request lines in the check's window: what the statistics were computed from. */
  capturedRows: 'CapturedRows',
  /** Features whose verdict is `act` (drift past the acting threshold). */
  featuresActing: 'FeaturesActing',
  /** Features whose verdict is `watch` (drift past the watching threshold, not the acting one). */
  featuresWatching: 'FeaturesWatching',
} as const;

/** Where the monitors write their reports in the artifacts bucket: `<prefix><endpoint>/<window end>.json`. */
export const MONITOR_REPORT_PREFIXES = {
  drift: `${ARTIFACT_PREFIXES.monitoring}drift/`,
  quality: `${ARTIFACT_PREFIXES.monitoring}quality/`,
} as const;
