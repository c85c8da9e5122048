/**
 * Sends records to a Kinesis data stream with `PutRecords`: batched within the service limits,
 * paced to an optional rate, with per-entry retries of the entries that failed.
 *
 * Delivery guarantees:
 * - An entry that the stream accepted is never put again. Only the entries a `PutRecords`
 *   response reports as failed are retried, in their original order.
 * - An entry that is still failing after `maxAttempts` puts, or that can never be accepted
 *   (too large, bad partition key), is reported as failed with its last error code: nothing is
 *   dropped silently.
 * - The one exception Kinesis itself imposes: when a whole request fails without a response
 *   (a network error or timeout), some of its records may have been written before the
 *   failure. Kinesis has no idempotency key, so retrying such a request can write those records
 *   twice. That is at-least-once delivery, and the curate job's de-duplication absorbs it.
 *
 * This module knows nothing about churn records: it sends any (async) iterable of
 * `{ partitionKey, data }`, so it is tested on its own. `bin/produce.ts` wires the synthetic
 * generator to it.
 */
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisClient, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { credentialsHelp, isCredentialError } from '../shared/cli/aws-errors';

/** Most records in one `PutRecords` request (service limit). */
export const PUT_RECORDS_MAX_RECORDS = 500;
/** Most bytes in one `PutRecords` request, data plus partition keys (service limit, 5 MiB). */
export const PUT_RECORDS_MAX_BYTES = 5 * 1024 * 1024;
/** Most bytes in one record, data plus partition key (service limit, 1 MiB). */
export const RECORD_MAX_BYTES = 1024 * 1024;
/** Longest partition key, in Unicode characters (service limit); the shortest is 1. */
export const PARTITION_KEY_MAX_LENGTH = 256;

/**
 * Error code reported for a record larger than {@link RECORD_MAX_BYTES}: it is never sent.
 */
export const RECORD_TOO_LARGE = 'RecordTooLarge';
/**
 * Error code reported for a record whose partition key is empty or longer than
 * {@link PARTITION_KEY_MAX_LENGTH} characters: it is never sent.
 */
export const INVALID_PARTITION_KEY = 'InvalidPartitionKey';

/** One record to put. */
export interface ProducerRecord {
  /** Decides the shard; 1 to 256 Unicode characters. The churn producer uses the customer id. */
  readonly partitionKey: string;
  /** The record's bytes. */
  readonly data: Uint8Array;
}

/** Progress after a batch. */
export interface ProducerProgress {
  /** Records the stream accepted so far. */
  readonly sent: number;
  /** Records given up on so far. */
  readonly failed: number;
  /** The number of records expected, when the caller said. */
  readonly total?: number;
}

/** A record that was not delivered. */
export interface RecordFailure {
  /** Position of the record in the input, from 0. */
  readonly index: number;
  readonly partitionKey: string;
  /**
   * The last error: a Kinesis error code (per entry, such as `ProvisionedThroughputExceededException`,
   * or of the whole request), {@link RECORD_TOO_LARGE} or {@link INVALID_PARTITION_KEY}.
   */
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** What a run did. */
export interface ProducerReport {
  /** Records the stream accepted (each exactly once). */
  readonly sent: number;
  /** Entry retries performed: an entry put three times counts two. */
  readonly retried: number;
  /** Records not delivered: attempts exhausted, a permanent per-entry error, or rejected up front. */
  readonly failed: number;
  /** The first failures, in the order they were given up on (at most `maxFailuresListed`). */
  readonly failures: readonly RecordFailure[];
  /** Every failure counted by error code (complete, unlike `failures`). */
  readonly failuresByCode: Readonly<Record<string, number>>;
  /** Batches formed from the input. */
  readonly batches: number;
  /** `PutRecords` requests made, retries included. */
  readonly requests: number;
  /** Wall-clock duration of the run, by the injected clock. */
  readonly durationMs: number;
}

/** Why a run stopped early. */
export type ProducerErrorCode =
  /** The stream does not exist (in this region, for these credentials). */
  | 'STREAM_NOT_FOUND'
  /** No credentials, or expired or unknown ones. */
  | 'CREDENTIALS'
  /** The credentials may not put to the stream or use its key. */
  | 'ACCESS_DENIED'
  /** No AWS region configured. */
  | 'REGION_MISSING'
  /** Kinesis rejected the request as invalid. */
  | 'INVALID_REQUEST'
  /** The response did not say which entries succeeded. */
  | 'UNEXPECTED_RESPONSE'
  /** Any other error that retrying would not fix. */
  | 'REQUEST_FAILED';

/**
 * A run stopped on an error that retrying cannot fix. `message` says what to do about it;
 * `report` says what was delivered before it stopped.
 */
export class ProducerError extends Error {
  /** What kind of error stopped the run. */
  public readonly code: ProducerErrorCode;
  /** What the run did before it stopped. */
  public readonly report: ProducerReport;

  constructor(code: ProducerErrorCode, message: string, report: ProducerReport, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProducerError';
    this.code = code;
    this.report = report;
  }
}

/** Options of {@link sendRecords}. */
export interface SendRecordsOptions {
  /** The client to send with (region and credentials are its own). */
  readonly client: KinesisClient;
  /** The stream's name or ARN (see {@link streamTarget}). */
  readonly stream: string;
  /** The records, read lazily: a generator of millions is fine. */
  readonly records: Iterable<ProducerRecord> | AsyncIterable<ProducerRecord>;
  /**
   * How many records to expect, for progress only.
   * @default - unknown
   */
  readonly total?: number;
  /**
   * At most this many records per second, a number > 0. Each entry put counts, retries
   * included (each uses shard throughput); batches then hold at most one second's worth of
   * records, so the bursts stay small.
   * @default - as fast as the stream accepts
   */
  readonly recordsPerSecond?: number;
  /**
   * Puts of one entry before it is reported failed (an integer >= 1).
   * @default 8
   */
  readonly maxAttempts?: number;
  /**
   * Backoff base: the n-th retry waits a random time in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))).
   * @default 100
   */
  readonly baseDelayMs?: number;
  /**
   * Backoff cap.
   * @default 5000
   */
  readonly maxDelayMs?: number;
  /**
   * Failures listed in the report (all are counted).
   * @default 100
   */
  readonly maxFailuresListed?: number;
  /**
   * Called after each batch (all its retries done), and once more at the end if records were
   * rejected after the last batch.
   * @default - none
   */
  readonly onProgress?: (progress: ProducerProgress) => void;
  /**
   * Waits `ms` milliseconds (injected by tests).
   * @default - a timer
   */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * A random number in [0, 1), for the backoff jitter (injected by tests).
   * @default Math.random
   */
  readonly random?: () => number;
  /**
   * The current time in milliseconds, for pacing and the duration (injected by tests).
   * @default performance.now
   */
  readonly now?: () => number;
}

/** Default number of puts of one entry. */
export const DEFAULT_MAX_ATTEMPTS = 8;
/** Default backoff base, in milliseconds. */
export const DEFAULT_BASE_DELAY_MS = 100;
/** Default backoff cap, in milliseconds. */
export const DEFAULT_MAX_DELAY_MS = 5000;

const STREAM_NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;
const STREAM_ARN_PATTERN =
  /^arn:(aws[a-z-]*):kinesis:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):stream\/([a-zA-Z0-9_.-]{1,128})$/;

/** The parts of a Kinesis stream ARN. */
export interface StreamArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly streamName: string;
}

/** The parts of a Kinesis stream ARN, or `undefined` if `arn` is not one. */
export function parseStreamArn(arn: string): StreamArn | undefined {
  const match = STREAM_ARN_PATTERN.exec(arn);
  if (match === null) {
    return undefined;
  }
  const [, partition = '', region = '', account = '', streamName = ''] = match;
  return { partition, region, account, streamName };
}

/** Whether `name` is a valid Kinesis stream name (1 to 128 of `a-zA-Z0-9_.-`). */
export function isStreamName(name: string): boolean {
  return STREAM_NAME_PATTERN.test(name);
}

/**
 * The `PutRecords` parameter that names the stream: `StreamARN` for an ARN (anything starting
 * with `arn:`), `StreamName` otherwise.
 */
export function streamTarget(stream: string): { readonly StreamARN: string } | { readonly StreamName: string } {
  return stream.startsWith('arn:') ? { StreamARN: stream } : { StreamName: stream };
}

/** Bytes a record counts against the limits: its data plus its partition key in UTF-8. */
export function recordBytes(record: ProducerRecord): number {
  return record.data.byteLength + Buffer.byteLength(record.partitionKey, 'utf8');
}

/**
 * The backoff before retry number `retry` (from 1): exponential with full jitter, a random
 * time in [0, min(maxDelayMs, baseDelayMs * 2^(retry-1))).
 */
export function backoffDelay(retry: number, random: () => number, baseDelayMs: number, maxDelayMs: number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** A record on its way, with its input position. */
interface Entry {
  readonly index: number;
  readonly record: ProducerRecord;
  /** The last error, once it failed. */
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

/** Per-entry error codes that no retry can fix: the entry is reported failed at once. */
const PERMANENT_ENTRY_ERRORS: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
]);

/**
 * Puts `records` to `stream` and reports what happened. Resolves with the report even when some
 * records failed (look at `failed`); rejects with a {@link ProducerError} when the run cannot go
 * on (missing stream, credentials, access, invalid request), after which nothing more is sent.
 */
export async function sendRecords(options: SendRecordsOptions): Promise<ProducerReport> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const maxFailuresListed = options.maxFailuresListed ?? 100;
  const rate = options.recordsPerSecond;
  checkOptions({ maxAttempts, baseDelayMs, maxDelayMs, maxFailuresListed, rate });
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => performance.now());
  const target = streamTarget(options.stream);

  const start = now();
  let sent = 0;
  let retried = 0;
  let batches = 0;
  let requests = 0;
  let put = 0; // entries put so far, retries included, for pacing
  const failures: RecordFailure[] = [];
  const failuresByCode: Record<string, number> = {};
  let failed = 0;
  let reported = { sent: -1, failed: -1 };

  const report = (): ProducerReport => ({
    sent,
    retried,
    failed,
    failures: [...failures],
    failuresByCode: { ...failuresByCode },
    batches,
    requests,
    durationMs: now() - start,
  });

  const fail = (index: number, partitionKey: string, errorCode: string, errorMessage: string): void => {
    failed += 1;
    failuresByCode[errorCode] = (failuresByCode[errorCode] ?? 0) + 1;
    if (failures.length < maxFailuresListed) {
      failures.push({ index, partitionKey, errorCode, errorMessage });
    }
  };

  const progress = (): void => {
    if (options.onProgress !== undefined && (reported.sent !== sent || reported.failed !== failed)) {
      reported = { sent, failed };
      options.onProgress({ sent, failed, ...(options.total === undefined ? {} : { total: options.total }) });
    }
  };

  /** Waits until putting `count` more entries keeps the average at or under the rate. */
  const pace = async (count: number): Promise<void> => {
    if (rate !== undefined) {
      const wait = start + (put / rate) * 1000 - now();
      if (wait > 0) {
        await sleep(wait);
      }
    }
    put += count;
  };

  const maxBatchRecords =
    rate === undefined ? PUT_RECORDS_MAX_RECORDS : Math.min(PUT_RECORDS_MAX_RECORDS, Math.max(1, Math.floor(rate)));

  for await (const batch of batchesOf(options.records, maxBatchRecords, fail)) {
    batches += 1;
    let pending: readonly Entry[] = batch;
    for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 1) {
        retried += pending.length;
        await sleep(backoffDelay(attempt - 1, random, baseDelayMs, maxDelayMs));
      }
      await pace(pending.length);
      requests += 1;
      let output: PutRecordsCommandOutput;
      try {
        output = await options.client.send(
          new PutRecordsCommand({
            ...target,
            Records: pending.map((e) => ({ PartitionKey: e.record.partitionKey, Data: e.record.data })),
          }),
        );
      } catch (error) {
        const stop = await fatalError(error, options);
        if (stop !== undefined) {
          throw new ProducerError(stop.code, stop.message, report(), { cause: error });
        }
        const { code, message } = describeError(error);
        pending = pending.map((e) => ({ ...e, errorCode: code, errorMessage: message }));
        continue;
      }
      const results = output.Records ?? [];
      if (output.FailedRecordCount === 0 && results.length !== pending.length) {
        // Everything succeeded; the per-entry results are not needed.
        sent += pending.length;
        pending = [];
        break;
      }
      if (results.length !== pending.length) {
        throw new ProducerError(
          'UNEXPECTED_RESPONSE',
          `PutRecords to stream "${options.stream}" returned ${results.length} results for ${pending.length} records ` +
            `(FailedRecordCount ${String(output.FailedRecordCount)}); cannot tell which records were written, so stopping ` +
            'rather than risking duplicates.',
          report(),
        );
      }
      const next: Entry[] = [];
      pending.forEach((entry, i) => {
        const result = results[i];
        if (result?.ErrorCode === undefined) {
          sent += 1;
          return;
        }
        const errorMessage = result.ErrorMessage ?? '';
        if (PERMANENT_ENTRY_ERRORS.has(result.ErrorCode)) {
          fail(entry.index, entry.record.partitionKey, result.ErrorCode, errorMessage);
        } else {
          next.push({ ...entry, errorCode: result.ErrorCode, errorMessage });
        }
      });
      pending = next;
    }
    for (const entry of pending) {
      fail(entry.index, entry.record.partitionKey, entry.errorCode ?? 'Unknown', entry.errorMessage ?? '');
    }
    progress();
  }
  progress();
  return report();
}

function checkOptions(o: {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxFailuresListed: number;
  rate: number | undefined;
}): void {
  if (!Number.isInteger(o.maxAttempts) || o.maxAttempts < 1) {
    throw new RangeError(`maxAttempts is ${o.maxAttempts}; expected an integer >= 1`);
  }
  if (!(o.baseDelayMs >= 0) || !(o.maxDelayMs >= 0)) {
    throw new RangeError(`baseDelayMs ${o.baseDelayMs} and maxDelayMs ${o.maxDelayMs} must be numbers >= 0`);
  }
  if (!Number.isInteger(o.maxFailuresListed) || o.maxFailuresListed < 0) {
    throw new RangeError(`maxFailuresListed is ${o.maxFailuresListed}; expected an integer >= 0`);
  }
  if (o.rate !== undefined && !(Number.isFinite(o.rate) && o.rate > 0)) {
    throw new RangeError(`recordsPerSecond is ${o.rate}; expected a number > 0`);
  }
}

/**
 * Groups records into batches of at most `maxRecords` records and {@link PUT_RECORDS_MAX_BYTES}
 * bytes, in input order. Records that can never be sent are passed to `reject` instead.
 */
async function* batchesOf(
  records: Iterable<ProducerRecord> | AsyncIterable<ProducerRecord>,
  maxRecords: number,
  reject: (index: number, partitionKey: string, errorCode: string, errorMessage: string) => void,
): AsyncGenerator<readonly Entry[]> {
  let batch: Entry[] = [];
  let bytes = 0;
  let index = 0;
  for await (const record of records) {
    const i = index++;
    const keyLength = [...record.partitionKey].length;
    if (keyLength < 1 || keyLength > PARTITION_KEY_MAX_LENGTH) {
      reject(
        i,
        record.partitionKey,
        INVALID_PARTITION_KEY,
        `partition key has ${keyLength} characters; expected 1 to ${PARTITION_KEY_MAX_LENGTH}`,
      );
      continue;
    }
    const size = recordBytes(record);
    if (size > RECORD_MAX_BYTES) {
      reject(
        i,
        record.partitionKey,
        RECORD_TOO_LARGE,
        `record is ${size} bytes (data plus partition key); Kinesis accepts at most ${RECORD_MAX_BYTES} (1 MiB)`,
      );
      continue;
    }
    if (batch.length === maxRecords || bytes + size > PUT_RECORDS_MAX_BYTES) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push({ index: i, record });
    bytes += size;
  }
  if (batch.length > 0) {
    yield batch;
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A property of an unknown thrown value, if it is an object. */
function prop(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The name (or Node error code) and message of a thrown value. */
function describeError(error: unknown): { readonly code: string; readonly message: string } {
  const name = prop(error, 'name');
  const nodeCode = prop(error, 'code');
  const message = prop(error, 'message');
  const code =
    typeof nodeCode === 'string' && /^E[A-Z_]+$/.test(nodeCode)
      ? nodeCode
      : typeof name === 'string' && name !== '' && name !== 'Error'
        ? name
        : 'Error';
  return { code, message: typeof message === 'string' ? message : String(error) };
}

const ACCESS_ERRORS: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'KMSAccessDeniedException',
]);
const INVALID_REQUEST_ERRORS: ReadonlySet<string> = new Set([
  'ValidationException',
  'InvalidArgumentException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
]);
const RETRYABLE_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'KMSThrottlingException',
  'InternalFailure',
  'InternalFailureException',
  'InternalError',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'RequestTimeTooSkewed',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/**
 * The reason to stop, for an error of a whole request that retrying cannot fix; `undefined` for
 * one worth retrying (throttling, 5xx, network).
 */
async function fatalError(
  error: unknown,
  options: SendRecordsOptions,
): Promise<{ readonly code: ProducerErrorCode; readonly message: string } | undefined> {
  const { code: name, message } = describeError(error);
  const what = `${name}: ${message}`;
  const stream = `Kinesis stream "${options.stream}"`;
  if (isCredentialError(name, message)) {
    return {
      code: 'CREDENTIALS',
      message:
        `AWS credentials are missing, expired or not recognised (${what}). ` +
        credentialsHelp('may write to the stream'),
    };
  }
  if (/region is missing|missing region/i.test(message)) {
    return {
      code: 'REGION_MISSING',
      message:
        `No AWS region is configured (${what}). Give the Kinesis client a region: set AWS_REGION, ` +
        'or use a profile (AWS_PROFILE) that has a region.',
    };
  }
  if (name === 'ResourceNotFoundException') {
    const region = await clientRegion(options.client);
    return {
      code: 'STREAM_NOT_FOUND',
      message:
        `${stream} was not found${region === undefined ? '' : ` in region ${region}`} (${what}). ` +
        'Deploy the stacks first (`cdk deploy --all`, or `npm run deploy`) and pass the StreamName output of the ' +
        'Ingestion stack (or the stream ARN); check the region and the account of your credentials too.',
    };
  }
  if (ACCESS_ERRORS.has(name)) {
    return {
      code: 'ACCESS_DENIED',
      message:
        `Access denied writing to ${stream} (${what}). The credentials in use need kinesis:PutRecords on the stream ` +
        'and, for a stream encrypted with a customer-managed key, kms:GenerateDataKey on that key.',
    };
  }
  if (INVALID_REQUEST_ERRORS.has(name)) {
    return { code: 'INVALID_REQUEST', message: `${stream} rejected the request (${what}).` };
  }
  if (isRetryable(error, name)) {
    return undefined;
  }
  return { code: 'REQUEST_FAILED', message: `PutRecords to ${stream} failed (${what}).` };
}

function isRetryable(error: unknown, name: string): boolean {
  if (RETRYABLE_ERRORS.has(name) || prop(error, '$retryable') !== undefined) {
    return true;
  }
  const status = prop(prop(error, '$metadata'), 'httpStatusCode');
  return typeof status === 'number' && (status >= 500 || status === 429);
}

/** The client's region, for messages; `undefined` if it has none. */
async function clientRegion(client: KinesisClient): Promise<string | undefined> {
  try {
    const region: unknown = await client.config.region();
    return typeof region === 'string' ? region : undefined;
  } catch {
    return undefined;
  }
}
