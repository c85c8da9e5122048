/**
 * One live quality check, from the event to the verdict: find the model in service, join the
 * window's outcomes to its predictions, score them (`quality.ts`: quality and the business case's
 * figures), write the report, publish the metrics and put the verdict event. The AWS clients and
 * the join are given, so the handler stays a line and the tests give mocks and a fake join.
 *
 * Before the first model is deployed the endpoint does not exist: the check then ends without
 * writing, publishing or failing anything.
 */
import {
  type CloudWatchClient,
  type MetricDatum,
  PutMetricDataCommand,
  type StandardUnit,
} from '@aws-sdk/client-cloudwatch';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { renderPredictionsQuery } from '../../lib/contracts/data-capture';
import {
  MONITOR_METRIC_DIMENSION,
  MONITOR_REPORT_PREFIXES,
  QUALITY_METRICS,
} from '../../lib/contracts/lake-monitoring';
import {
  MONITORING_DETAIL_TYPES,
  MONITORING_EVENT_SOURCE,
  MONITORING_METRIC_NAMESPACE,
  type QualityVerdictDetail,
} from '../../lib/contracts/monitoring-events';
import { findModelInService, type ModelInService } from '../shared/model-in-service';
import { s3Url } from '../shared/s3-url';
import type { JoinedOutcomes, JoinOutcomes } from './join';
import { type LiveQuality, liveQuality } from './quality';
import type { QualityFunctionSettings } from './settings';

/** The clients a check calls. */
export interface QualityCheckClients {
  readonly sagemaker: SageMakerClient;
  readonly s3: S3Client;
  readonly cloudwatch: CloudWatchClient;
  readonly events: EventBridgeClient;
}

/**
 * What starts a check: EventBridge's scheduled event (its `time` ends the window), or a manual
 * invocation that names the window's end (`windowEnd`, ISO 8601) or nothing (now).
 */
export interface QualityCheckEvent {
  readonly time?: string;
  readonly windowEnd?: string;
}

/** What a check did. */
export type QualityCheckResult =
  | { readonly status: 'no-model'; readonly endpointName: string; readonly reason: string }
  | {
      readonly status: 'checked';
      readonly detail: QualityVerdictDetail;
      /** The metrics published, by name. */
      readonly metrics: readonly string[];
    };

/** Thrown when the event names a window end that is not a date. */
export class InvalidQualityEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidQualityEventError';
  }
}

/** The report document, `monitoring/quality/<endpoint>/<window end>.json`. */
export interface QualityReport {
  /**
   * The version of this layout, raised when a field changes meaning or disappears: 2 since the
   * business figures became `quality.sample` (spend, churnersReached, netValue: the campaign's names)
   * beside `quality.campaign`.
   */
  readonly formatVersion: 2;
  readonly endpointName: string;
  readonly modelPackageArn: string;
  readonly modelName: string;
  readonly endpointConfigName: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly minimumOutcomes: number;
  readonly quality: LiveQuality;
  /** Outcomes of the window that were not scored, by reason (from the join). */
  readonly leftOut: JoinedOutcomes['leftOut'];
  readonly joinNotes: NonNullable<JoinedOutcomes['notes']>;
}

const DAY = 24 * 60 * 60 * 1000;

/** The window's end: the event's `windowEnd`, else its `time`, else now. */
export function windowEndOf(event: QualityCheckEvent, now: Date): Date {
  const given = event.windowEnd ?? event.time;
  if (given === undefined) {
    return now;
  }
  const end = new Date(given);
  if (typeof given !== 'string' || Number.isNaN(end.getTime())) {
    throw new InvalidQualityEventError(
      `the event's ${event.windowEnd === undefined ? 'time' : 'windowEnd'} is ${JSON.stringify(given)}; expected an ISO 8601 date and time`,
    );
  }
  return end;
}

/** The report's key: one per endpoint and window end, colons out of the name. */
export function reportKey(endpointName: string, windowEnd: Date): string {
  return `${MONITOR_REPORT_PREFIXES.quality}${endpointName}/${windowEnd.toISOString().replace(/:/g, '-')}.json`;
}

/**
 * The check's metrics. With too few outcomes only `MatchedOutcomes`: an alarm on a metric then sees
 * no data (treated as not breaching) rather than a value computed from a handful of customers. The
 * campaign's, `ProjectedChurnRate` and `ProjectedSpend`, are those of `quality.campaign`, which such
 * a check does not have.
 */
export function qualityMetrics(endpointName: string, quality: LiveQuality, at: Date): MetricDatum[] {
  const datum = (name: string, value: number | null, unit: StandardUnit): MetricDatum[] =>
    value === null || !Number.isFinite(value)
      ? []
      : [
          {
            MetricName: name,
            Dimensions: [{ Name: MONITOR_METRIC_DIMENSION, Value: endpointName }],
            Timestamp: at,
            Value: value,
            Unit: unit,
          },
        ];
  const matched = datum(QUALITY_METRICS.matchedOutcomes, quality.counts.matched, 'Count');
  if (quality.verdict === 'insufficient') {
    return matched;
  }
  const { sample, campaign } = quality;
  return [
    ...datum(QUALITY_METRICS.auc, quality.auc, 'None'),
    ...datum(QUALITY_METRICS.precision, quality.precision, 'None'),
    ...datum(QUALITY_METRICS.recall, quality.recall, 'None'),
    ...datum(QUALITY_METRICS.expectedCost, sample.expectedCost, 'None'),
    ...datum(QUALITY_METRICS.costOfDoingNothing, sample.costOfDoingNothing, 'None'),
    ...datum(QUALITY_METRICS.incentivesSpent, sample.spend, 'None'),
    ...datum(QUALITY_METRICS.churnersCaught, sample.churnersReached, 'Count'),
    ...datum(QUALITY_METRICS.projectedChurnRate, campaign?.projectedChurnRate ?? null, 'None'),
    ...datum(QUALITY_METRICS.projectedSpend, campaign?.spend ?? null, 'None'),
    ...matched,
  ];
}

/**
 * Runs one check.
 *
 * @throws InvalidQualityEventError for an event whose window end is not a date; the join's, the
 *   model lookup's and the SDK's errors as they come (the invocation fails, and its alarm says so)
 */
export async function checkLiveQuality(
  clients: QualityCheckClients,
  settings: QualityFunctionSettings,
  joinOutcomes: JoinOutcomes,
  event: QualityCheckEvent,
  options: { readonly timeLeft: () => number; readonly now: Date },
): Promise<QualityCheckResult> {
  const windowEnd = windowEndOf(event, options.now);
  const windowStart = new Date(windowEnd.getTime() - settings.windowDays * DAY);
  const model = await findModelInService(clients.sagemaker, settings.endpointName);
  if (!model.inService) {
    return { status: 'no-model', endpointName: model.endpointName, reason: model.reason };
  }

  const joined = await joinOutcomes({
    endpointName: settings.endpointName,
    windowStart,
    windowEnd,
    predictionsQuery: (start, end) =>
      renderPredictionsQuery({
        database: settings.database,
        table: settings.captureTable,
        endpointName: settings.endpointName,
        windowStart: start,
        windowEnd: end,
      }),
    timeLeft: options.timeLeft,
  });
  const quality = liveQuality(joined.scored, {
    cutoff: model.cutoff,
    business: settings.business,
    thresholds: settings.thresholds,
    minimumOutcomes: settings.minimumOutcomes,
  });

  const location = { bucket: settings.reportBucket, key: reportKey(settings.endpointName, windowEnd) };
  const report = qualityReport(model, settings, windowStart, windowEnd, quality, joined);
  await clients.s3.send(
    new PutObjectCommand({
      Bucket: location.bucket,
      Key: location.key,
      Body: JSON.stringify(report, null, 2),
      ContentType: 'application/json',
    }),
  );

  const metrics = qualityMetrics(settings.endpointName, quality, windowEnd);
  await clients.cloudwatch.send(
    new PutMetricDataCommand({ Namespace: MONITORING_METRIC_NAMESPACE, MetricData: metrics }),
  );

  const detail: QualityVerdictDetail = {
    verdict: quality.verdict,
    endpointName: settings.endpointName,
    modelPackageArn: model.modelPackageArn,
    windowStart: windowStart.toISOString(),
    windowEnd: windowEnd.toISOString(),
    matched: quality.counts.matched,
    reason: quality.reason,
    reportUri: s3Url(location),
  };
  const put = await clients.events.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: MONITORING_EVENT_SOURCE,
          DetailType: MONITORING_DETAIL_TYPES.qualityVerdict,
          Detail: JSON.stringify(detail),
          Resources: [model.modelPackageArn],
        },
      ],
    }),
  );
  if ((put.FailedEntryCount ?? 0) > 0) {
    const entry = put.Entries?.[0];
    throw new Error(
      `EventBridge did not accept the quality verdict event: ${entry?.ErrorCode ?? 'no code'} ${entry?.ErrorMessage ?? ''}`.trim(),
    );
  }
  return { status: 'checked', detail, metrics: metrics.map((m) => m.MetricName ?? '') };
}

function qualityReport(
  model: ModelInService,
  settings: QualityFunctionSettings,
  windowStart: Date,
  windowEnd: Date,
  quality: LiveQuality,
  joined: JoinedOutcomes,
): QualityReport {
  return {
    formatVersion: 2,
    endpointName: settings.endpointName,
    modelPackageArn: model.modelPackageArn,
    modelName: model.modelName,
    endpointConfigName: model.endpointConfigName,
    windowStart: windowStart.toISOString(),
    windowEnd: windowEnd.toISOString(),
    minimumOutcomes: settings.minimumOutcomes,
    quality,
    leftOut: joined.leftOut,
    joinNotes: joined.notes ?? {},
  };
}
