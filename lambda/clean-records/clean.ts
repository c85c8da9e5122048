/**
 * The pure logic of the Firehose data-transformation function that cleans churn records and
 * outcomes on their way from Kinesis to the raw zone: one JSON object per record in, one JSON line
 * per record out, every value in its canonical form, per `lib/schema/churn.ts` or
 * `lib/schema/outcome.ts`, with the partition keys that route it (`lib/contracts/stream-routing.ts`:
 * churn records to `stream/event_date=…/`, outcomes to `outcomes-stream/observed_date=…/`).
 *
 * The function keeps Firehose's contract whatever the records hold: as many results as records,
 * same ids, same order; a record that cannot be cleaned comes back `ProcessingFailed` with its
 * original bytes, so Firehose keeps it under the error prefix; nothing is ever `Dropped`; and the
 * response stays within Lambda's 6 MB response limit.
 *
 * This module cleans a batch; the modules beside it do one concern each: the schema compiled once
 * (`compiled-schema.ts`: the field list, lower-cased spellings, the output object's layout), one
 * record (`record.ts`: parse, read each schema field once, serialise one object), one value
 * (`value.ts`, `timestamp.ts`) and the result of one record (`result.ts`).
 */
import { Buffer, isUtf8 } from 'node:buffer';
import type {
  FirehoseTransformationEvent,
  FirehoseTransformationEventRecord,
  FirehoseTransformationResult,
  FirehoseTransformationResultRecord,
} from 'aws-lambda';
import { type StreamRecordKind, STREAM_ROUTES, streamPartitionKeys } from '../../lib/contracts/stream-routing';
import { cleanText } from './record';
import { type CleanResult, FailureReason, failed } from './result';

/** Lambda's limit on a synchronous response: 6 MB of JSON (6,291,456 bytes). */
export const RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

/** What one invocation did, for its single log line. Holds counts only, never record content. */
export interface TransformSummary {
  readonly invocationId: string;
  /** Records received (and returned). */
  readonly records: number;
  /** Records returned `Ok`. */
  readonly ok: number;
  /** Records returned `ProcessingFailed`. */
  readonly processingFailed: number;
  /** Failed records by reason. */
  readonly reasons: Readonly<Record<string, number>>;
  /** Size of the response as JSON, in bytes. */
  readonly responseBytes: number;
}

/** The response to return to Firehose and the summary to log. */
export interface TransformOutcome {
  readonly response: FirehoseTransformationResult;
  readonly summary: TransformSummary;
}

/** Options of {@link transformEvent}. */
export interface TransformOptions {
  /**
   * The largest response, in bytes of JSON.
   * @default RESPONSE_LIMIT_BYTES
   */
  readonly responseLimitBytes?: number;
}

/** The delivery stream's name: the part of its ARN after `deliverystream/`. */
export function deliveryStreamName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** Printable ASCII but `"` and `\`: characters JSON.stringify copies as they are. */
const JSON_PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Bytes of `JSON.stringify(s)` in UTF-8. */
function jsonStringBytes(s: string): number {
  return JSON_PLAIN.test(s) ? s.length + 2 : Buffer.byteLength(JSON.stringify(s), 'utf8');
}

const OK_RESULT = 'Ok' as const;
const FAILED_RESULT = 'ProcessingFailed' as const;

// The fixed bytes of each result record, measured on the very shapes transformEvent returns, less
// the quotes of their empty strings (jsonStringBytes counts those with each string).
const EMPTY_STRING_BYTES = '""'.length;
const OK_RECORD_FIXED_BYTES = Object.fromEntries(
  Object.keys(STREAM_ROUTES).map((kind) => [
    kind,
    JSON.stringify({
      recordId: '',
      result: OK_RESULT,
      data: '',
      metadata: { partitionKeys: streamPartitionKeys(kind as StreamRecordKind, '') },
    }).length -
      3 * EMPTY_STRING_BYTES,
  ]),
) as Readonly<Record<StreamRecordKind, number>>;
const FAILED_RECORD_FIXED_BYTES =
  JSON.stringify({ recordId: '', result: FAILED_RESULT, data: '' }).length - 2 * EMPTY_STRING_BYTES;
const RESPONSE_FIXED_BYTES = JSON.stringify({ records: [] }).length;

/**
 * Cleans a Firehose transformation batch. Returns one result per record, in order: `Ok` with the
 * cleaned JSON line and the partition keys of its route, or `ProcessingFailed` with the record's
 * original data. Records are failed with `response_budget` rather than let the response exceed
 * the limit: at each record, the bytes so far plus the cost of failing every record after it must
 * fit, so the response fits whenever failing everything would (and failing everything costs less
 * than the event itself). `now` is the ingest time. Never throws on record content.
 */
export function transformEvent(
  event: FirehoseTransformationEvent,
  now: Date,
  options: TransformOptions = {},
): TransformOutcome {
  const limit = options.responseLimitBytes ?? RESPONSE_LIMIT_BYTES;
  const ingestTime = now.toISOString();
  const streamSource = `firehose:${deliveryStreamName(event.deliveryStreamArn)}`;
  const records = event.records;
  const n = records.length;

  const idBytes = new Float64Array(n);
  const failBytes = new Float64Array(n);
  let pendingFailBytes = 0;
  for (let i = 0; i < n; i++) {
    const record = records[i] as FirehoseTransformationEventRecord;
    idBytes[i] = jsonStringBytes(record.recordId);
    failBytes[i] = FAILED_RECORD_FIXED_BYTES + (idBytes[i] as number) + jsonStringBytes(record.data);
    pendingFailBytes += failBytes[i] as number;
  }
  let usedBytes = RESPONSE_FIXED_BYTES + Math.max(0, n - 1); // the wrapper and the commas

  const results: FirehoseTransformationResultRecord[] = [];
  const reasons = new Map<string, number>();
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const record = records[i] as FirehoseTransformationEventRecord;
    const failCost = failBytes[i] as number;
    pendingFailBytes -= failCost;
    const outcome = cleanBytes(record, ingestTime, streamSource);
    let reason: string;
    if (outcome.ok) {
      const data = Buffer.from(outcome.output, 'utf8').toString('base64');
      const okCost =
        OK_RECORD_FIXED_BYTES[outcome.kind] + (idBytes[i] as number) + data.length + 2 + outcome.eventDate.length + 2;
      // Ok if it fits with every later record failed, or if it costs no more than failing it would.
      if (usedBytes + okCost + pendingFailBytes <= limit || okCost <= failCost) {
        results.push({
          recordId: record.recordId,
          result: OK_RESULT,
          data,
          metadata: { partitionKeys: streamPartitionKeys(outcome.kind, outcome.eventDate) },
        });
        usedBytes += okCost;
        ok++;
        continue;
      }
      reason = FailureReason.responseBudget;
    } else {
      reason = outcome.reason;
    }
    results.push({ recordId: record.recordId, result: FAILED_RESULT, data: record.data });
    usedBytes += failCost;
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }

  return {
    response: { records: results },
    summary: {
      invocationId: event.invocationId,
      records: n,
      ok,
      processingFailed: n - ok,
      reasons: Object.fromEntries(reasons),
      responseBytes: usedBytes,
    },
  };
}

/** Decodes and cleans one event record; never throws. */
function cleanBytes(record: FirehoseTransformationEventRecord, ingestTime: string, streamSource: string): CleanResult {
  try {
    const bytes = Buffer.from(record.data, 'base64');
    if (!isUtf8(bytes)) {
      return failed(FailureReason.invalidUtf8);
    }
    const kinesis = record.kinesisRecordMetadata;
    const source = kinesis === undefined ? streamSource : `kinesis:${kinesis.shardId}:${kinesis.sequenceNumber}`;
    return cleanText(bytes.toString('utf8'), ingestTime, source);
  } catch {
    return failed(FailureReason.internalError);
  }
}
