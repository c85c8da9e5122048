/**
 * One drift check, from the event to the verdict: find the model in service and its baseline
 * statistics, describe the window's captured requests on Athena over the baseline's bins, compare
 * (`compare.ts`), write the report (`report.ts`: JSON and page), publish the metrics and put the
 * `Drift verdict` event. The AWS clients are given, so the handler stays a line and the tests give
 * mocks.
 *
 * What ends a check early, without failing: no endpoint yet (before the first model is deployed),
 * or a model package registered before the pipeline recorded baselines. Either way nothing is
 * written, published or put. A window with too few captured requests is not such a case: it is a
 * verdict of its own (`insufficient`), reported, published and put like any other.
 */
import type { AthenaClient } from '@aws-sdk/client-athena';
import {
  type CloudWatchClient,
  type MetricDatum,
  PutMetricDataCommand,
  type StandardUnit,
} from '@aws-sdk/client-cloudwatch';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  type BaselineStatistics,
  parseStatistics,
  StatisticsDocumentError,
} from '../../lib/contracts/baseline-statistics';
import { renderCapturedRowsQuery } from '../../lib/contracts/data-capture';
import { FEATURE_COLUMNS } from '../../lib/contracts/feature-manifest';
import {
  DRIFT_FEATURE_DIMENSION,
  DRIFT_METRICS,
  DRIFT_SEVERITY,
  MONITOR_METRIC_DIMENSION,
  MONITOR_REPORT_PREFIXES,
} from '../../lib/contracts/lake-monitoring';
import { baselineStatisticsUri } from '../../lib/contracts/model-baseline';
import {
  type DriftVerdictDetail,
  MONITORING_DETAIL_TYPES,
  MONITORING_EVENT_SOURCE,
  MONITORING_METRIC_NAMESPACE,
} from '../../lib/contracts/monitoring-events';
import { renderWindowStatisticsQuery, windowStatisticsFromRows } from '../../lib/contracts/statistics-sql';
import { runAthenaQuery } from '../shared/athena';
import { findModelInService } from '../shared/model-in-service';
import { monitorReportKey, monitorWindowEnd, type MonitorRunEvent } from '../shared/monitor-run';
import { parseS3Url, s3Url } from '../shared/s3-url';
import { compareStatistics, type DriftReport, type Statistic } from './compare';
import { DriftInputError } from './errors';
import { renderDriftReport } from './report';
import type { DriftFunctionSettings } from './settings';

/** The clients a check calls. */
export interface DriftCheckClients {
  readonly sagemaker: SageMakerClient;
  readonly s3: S3Client;
  readonly athena: AthenaClient;
  readonly cloudwatch: CloudWatchClient;
  readonly events: EventBridgeClient;
}

/**
 * What starts a check: EventBridge's scheduled event (its `time` ends the window), or a manual
 * invocation that names the window's end (`windowEnd`, ISO 8601) or nothing (now).
 */
export type DriftCheckEvent = MonitorRunEvent;

/** What a check did. */
export type DriftCheckResult =
  /** No endpoint: nothing to check. */
  | { readonly status: 'no-model'; readonly endpointName: string; readonly reason: string }
  /** The package in service records no baseline statistics: nothing to compare with. */
  | {
      readonly status: 'no-baseline';
      readonly endpointName: string;
      readonly modelPackageArn: string;
      readonly reason: string;
    }
  | {
      readonly status: 'checked';
      /** The `Drift verdict` event's detail, as put. */
      readonly detail: DriftVerdictDetail;
      /** The S3 URIs of the report's JSON document and page. */
      readonly report: { readonly json: string; readonly html: string };
      /** The metrics published, by name (one entry per datum). */
      readonly metrics: readonly string[];
      /** Why no metric was published, when none was although the check had a verdict. */
      readonly metricsSkipped?: string;
      /** The Athena query that described the window, and what it scanned. */
      readonly query: { readonly id: string; readonly scannedBytes?: number };
    };

const HOUR = 60 * 60 * 1000;

/**
 * The most metrics one PutMetricData call takes: "Each request is also limited to no more than
 * 1000 different metrics" (CloudWatch API reference, PutMetricData,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html). A
 * check publishes two per feature and four more, far below it; the batching is a guard for a
 * manifest that grows.
 */
export const METRICS_PER_CALL = 1000;

/**
 * How far from now a datum's timestamp may be: "as much as two weeks before the current date, and
 * as much as 2 hours after the current day and time" (the same page). Kept inside by the time a
 * check may still run after it started (its timeout, 10 minutes), so a late call is not refused.
 */
const METRIC_TIMESTAMP = { maxAgeMs: 14 * 24 * HOUR - 15 * 60 * 1000, maxAheadMs: 2 * HOUR - 15 * 60 * 1000 };

/** The per-feature metric of each statistic that is one (the schema violations are not: they act). */
const FEATURE_METRIC: Partial<Record<Statistic, string>> = {
  psi: DRIFT_METRICS.psi,
  l_infinity: DRIFT_METRICS.categoryDistance,
  missing_fraction_change: DRIFT_METRICS.missingFractionChange,
};

/** The features (names as the comparison gives them) with a check that acts, each once, in the comparison's order. */
export function actingFeatures(comparison: DriftReport): string[] {
  return [...new Set(comparison.features.filter((f) => f.verdict === 'act').map((f) => f.name))];
}

/** The features whose worst check watches (none acts). */
export function watchingFeatures(comparison: DriftReport): string[] {
  const acting = new Set(actingFeatures(comparison));
  return [
    ...new Set(comparison.features.filter((f) => f.verdict === 'watch' && !acting.has(f.name)).map((f) => f.name)),
  ];
}

/**
 * The check's metrics ({@link DRIFT_METRICS}): per feature, each measured statistic; then the
 * summary. A statistic not measured (too few rows) has no datum.
 */
export function driftMetrics(endpointName: string, comparison: DriftReport, at: Date): MetricDatum[] {
  const endpoint = { Name: MONITOR_METRIC_DIMENSION, Value: endpointName };
  const perFeature = comparison.features.flatMap((check): MetricDatum[] => {
    const name = FEATURE_METRIC[check.statistic];
    return name === undefined || check.value === null || !Number.isFinite(check.value)
      ? []
      : [
          {
            MetricName: name,
            Dimensions: [endpoint, { Name: DRIFT_FEATURE_DIMENSION, Value: check.name }],
            Timestamp: at,
            Value: check.value,
            Unit: 'None',
          },
        ];
  });
  const summary = (name: string, value: number, unit: StandardUnit): MetricDatum => ({
    MetricName: name,
    Dimensions: [endpoint],
    Timestamp: at,
    Value: value,
    Unit: unit,
  });
  return [
    ...perFeature,
    summary(DRIFT_METRICS.capturedRows, comparison.rows.current, 'Count'),
    summary(DRIFT_METRICS.featuresActing, actingFeatures(comparison).length, 'Count'),
    summary(DRIFT_METRICS.featuresWatching, watchingFeatures(comparison).length, 'Count'),
    summary(DRIFT_METRICS.driftSeverity, DRIFT_SEVERITY[comparison.verdict], 'None'),
  ];
}

/** `data` in calls of at most `size` metrics each. */
export function metricBatches<T>(data: readonly T[], size = METRICS_PER_CALL): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < data.length; i += size) {
    batches.push(data.slice(i, i + size));
  }
  return batches;
}

/**
 * Why CloudWatch would refuse datapoints timestamped `at` when sent at `now`, or `undefined` when
 * it takes them. A manual check of a window that ended more than two weeks ago (a back-fill) still
 * writes its report and puts its event; only its metrics cannot be stored.
 */
export function metricTimestampProblem(at: Date, now: Date): string | undefined {
  const age = now.getTime() - at.getTime();
  if (age > METRIC_TIMESTAMP.maxAgeMs) {
    return `the window ended ${at.toISOString()}, too long ago for CloudWatch to take metrics timestamped with it (at most two weeks)`;
  }
  if (-age > METRIC_TIMESTAMP.maxAheadMs) {
    return `the window ends ${at.toISOString()}, too far ahead for CloudWatch to take metrics timestamped with it (at most two hours)`;
  }
  return undefined;
}

/**
 * The window query: the baseline's statistics over the captured requests of the window, one row
 * per captured CSV line (`renderCapturedRowsQuery`) read as the rows relation of
 * `renderWindowStatisticsQuery`, which bins them over the baseline's edges.
 *
 * @throws DriftInputError when the baseline's columns are not the ones the capture query reads
 *   from the requests' fields (a model trained on another feature layout than this function's)
 * @throws CaptureQueryError, StatisticsDocumentError when a name or the window cannot be written as SQL
 */
export function renderDriftWindowQuery(
  baseline: BaselineStatistics,
  settings: Pick<DriftFunctionSettings, 'database' | 'captureTable' | 'endpointName'>,
  windowStart: Date,
  windowEnd: Date,
): string {
  const differs = baseline.columns.findIndex((c, i) => c !== FEATURE_COLUMNS[i]);
  if (differs !== -1 || baseline.columns.length !== FEATURE_COLUMNS.length) {
    const at = differs === -1 ? Math.min(baseline.columns.length, FEATURE_COLUMNS.length) : differs;
    throw new DriftInputError(
      `the baseline describes ${baseline.columns.length} columns and the capture query reads ${FEATURE_COLUMNS.length} fields per request; ` +
        `column ${at + 1} is ${JSON.stringify(baseline.columns[at] ?? null)} in the baseline and ${JSON.stringify(FEATURE_COLUMNS[at] ?? null)} in the capture query ` +
        '(the model in service was trained on another feature layout than this function reads)',
    );
  }
  const rows = renderCapturedRowsQuery({
    database: settings.database,
    table: settings.captureTable,
    endpointName: settings.endpointName,
    windowStart,
    windowEnd,
  });
  return renderWindowStatisticsQuery(baseline, `(\n${rows}\n)`);
}

/** The baseline statistics document at `uri`, read and checked. */
async function readBaseline(s3: S3Client, uri: string): Promise<BaselineStatistics> {
  const location = parseS3Url(uri, 'the baseline statistics');
  const response = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
  const text = (await response.Body?.transformToString('utf-8')) ?? '';
  try {
    return parseStatistics(JSON.parse(text) as unknown, 'baseline');
  } catch (error) {
    if (error instanceof SyntaxError || error instanceof StatisticsDocumentError) {
      throw new StatisticsDocumentError(`the baseline statistics at ${uri} cannot be read: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Runs one check.
 *
 * @throws InvalidMonitorEventError for an event whose window end is not a date
 * @throws AthenaQueryFailedError, AthenaQueryTimeoutError when the window query fails or outlasts the invocation
 * @throws BaselineReferenceError, StatisticsDocumentError when the package's baseline cannot be read
 * @throws DriftInputError when the baseline and the window cannot be compared
 *   (the model lookup's and the SDK's errors as they come: the invocation fails, and its alarm says so)
 */
export async function checkDrift(
  clients: DriftCheckClients,
  settings: DriftFunctionSettings,
  event: DriftCheckEvent,
  options: { readonly timeLeft: () => number; readonly now: Date },
): Promise<DriftCheckResult> {
  const windowEnd = monitorWindowEnd(event, options.now);
  const windowStart = new Date(windowEnd.getTime() - settings.windowHours * HOUR);
  const model = await findModelInService(clients.sagemaker, settings.endpointName);
  if (!model.inService) {
    return { status: 'no-model', endpointName: model.endpointName, reason: model.reason };
  }
  const baselineUri = baselineStatisticsUri(model.modelPackage);
  if (baselineUri === undefined) {
    return {
      status: 'no-baseline',
      endpointName: settings.endpointName,
      modelPackageArn: model.modelPackageArn,
      reason: `model package ${model.modelPackageArn} records no baseline statistics (registered before the pipeline recorded them): no drift check until a model with one is deployed`,
    };
  }
  const baseline = await readBaseline(clients.s3, baselineUri);

  const query = await runAthenaQuery(
    clients.athena,
    {
      sql: renderDriftWindowQuery(baseline, settings, windowStart, windowEnd),
      workGroup: settings.workGroup,
      database: settings.database,
    },
    { timeLeft: options.timeLeft },
  );
  const current = windowStatisticsFromRows(query.rows, baseline);
  const comparison = compareStatistics(baseline, current, settings.thresholds);

  const rendered = renderDriftReport(baseline, current, comparison, {
    generatedAt: options.now,
    thresholds: settings.thresholds,
    window: { start: windowStart, end: windowEnd },
    model: model.modelPackageArn,
    sources: {
      baseline: baselineUri,
      current: `captured requests of ${settings.endpointName} (Athena query ${query.queryExecutionId})`,
    },
  });
  const prefix = MONITOR_REPORT_PREFIXES.drift;
  const json = {
    bucket: settings.reportBucket,
    key: monitorReportKey(prefix, settings.endpointName, windowEnd, '.json'),
  };
  const html = {
    bucket: settings.reportBucket,
    key: monitorReportKey(prefix, settings.endpointName, windowEnd, '.html'),
  };
  // No encryption named: the bucket's default, SSE-KMS with the lake key, applies (and its policy
  // refuses any other kind).
  await clients.s3.send(
    new PutObjectCommand({
      Bucket: json.bucket,
      Key: json.key,
      Body: `${JSON.stringify(rendered.json, null, 2)}\n`,
      ContentType: 'application/json',
    }),
  );
  await clients.s3.send(
    new PutObjectCommand({
      Bucket: html.bucket,
      Key: html.key,
      Body: rendered.html,
      ContentType: 'text/html; charset=utf-8',
    }),
  );

  const metricsSkipped = metricTimestampProblem(windowEnd, options.now);
  const metrics = metricsSkipped === undefined ? driftMetrics(settings.endpointName, comparison, windowEnd) : [];
  for (const batch of metricBatches(metrics)) {
    await clients.cloudwatch.send(
      new PutMetricDataCommand({ Namespace: MONITORING_METRIC_NAMESPACE, MetricData: batch }),
    );
  }

  const detail: DriftVerdictDetail = {
    verdict: comparison.verdict,
    endpointName: settings.endpointName,
    modelPackageArn: model.modelPackageArn,
    windowStart: windowStart.toISOString(),
    windowEnd: windowEnd.toISOString(),
    rows: current.rows,
    acting: actingFeatures(comparison),
    reportUri: s3Url(json),
  };
  const put = await clients.events.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: MONITORING_EVENT_SOURCE,
          DetailType: MONITORING_DETAIL_TYPES.driftVerdict,
          Detail: JSON.stringify(detail),
          Resources: [model.modelPackageArn],
        },
      ],
    }),
  );
  if ((put.FailedEntryCount ?? 0) > 0) {
    const entry = put.Entries?.[0];
    throw new Error(
      `EventBridge did not accept the drift verdict event: ${entry?.ErrorCode ?? 'no code'} ${entry?.ErrorMessage ?? ''}`.trim(),
    );
  }
  return {
    status: 'checked',
    detail,
    report: { json: s3Url(json), html: s3Url(html) },
    metrics: metrics.map((m) => m.MetricName ?? ''),
    ...(metricsSkipped === undefined ? {} : { metricsSkipped }),
    query: {
      id: query.queryExecutionId,
      ...(query.scannedBytes === undefined ? {} : { scannedBytes: query.scannedBytes }),
    },
  };
}
