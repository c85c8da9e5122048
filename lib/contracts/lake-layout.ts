/**
 * Where things live in the lake's buckets. Producers, crawlers, tables and jobs all take their
 * prefixes from here, so a path is spelled once.
 */
export const RAW_PREFIXES = {
  /** Cleaned stream records, JSON Lines, GZIP, partitioned as `event_date=YYYY-MM-DD/`. */
  stream: 'stream/',
  /** Stream records the cleaner could not clean (or Firehose could not deliver), kept as they arrived. */
  streamErrors: 'stream-errors/',
  /** CSV files uploaded by hand or by `npm run produce -- --out`, exactly as uploaded. */
  batch: 'batch/',
  /**
   * Outcomes (who really churned) from the stream, cleaned, JSON Lines, GZIP, partitioned as
   * `observed_date=YYYY-MM-DD/`. A sibling of `stream/`, not under it: the curate job reads all of
   * `stream/`, and Firehose routes both with one prefix expression (see `stream-routing.ts`).
   */
  outcomesStream: 'outcomes-stream/',
  /** Outcome CSV files (header `customer_id,observed_at,churned`), exactly as uploaded. */
  outcomesBatch: 'outcomes-batch/',
} as const;

export const CURATED_PREFIXES = {
  /** One row per customer, the latest event: Parquet, partitioned by `snapshot_month=YYYY-MM/`. */
  customers: 'customers/',
  /** Rows the curate job rejected, with the reason and the values as received (JSON Lines). */
  quarantine: 'quarantine/',
  /**
   * XGBoost-ready splits (`train/`, `validation/`, `test/`), `baseline/` (the training rows with a
   * header), `manifest.json`, and `statistics.json`: the training split's statistics document
   * (`lib/contracts/baseline-statistics.ts`), the drift monitor's baseline.
   */
  features: 'features/',
} as const;

export const ARTIFACT_PREFIXES = {
  /**
   * One folder per training pipeline run, `training-runs/<run id>/`: `baseline/`, `tuning/` (model
   * artifacts), `checkpoints/`, `transform/` and `evaluation/`.
   */
  trainingRuns: 'training-runs/',
  /** Requests to the endpoint and its responses, as SageMaker data capture writes them (JSON Lines). */
  dataCapture: 'data-capture/',
  /** Model Monitor's data-quality reports: statistics, constraint violations, per monitoring run. */
  monitoring: 'monitoring/',
  /** The data report of each features job run, `data-reports/<job run id>/`: `report.html` and `profile.json`. */
  dataReports: 'data-reports/',
} as const;
