/**
 * Sends records to a Kinesis data stream with `PutRecords`: batched within the service limits
 * (`record-batches.ts`), paced to an optional rate (`pacing.ts`), with per-entry retries of the
 * entries that failed (`put-batch.ts`), counted in a report (`producer-report.ts`).
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
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createPacer, maxBatchRecords } from './pacing';
import { type ProducerProgress, type ProducerReport, ReportTally } from './producer-report';
import { putBatch } from './put-batch';
import { batchesOf, type ProducerRecord } from './record-batches';

/** Options of {@link sendRecords}. */
export interface SendRecordsOptions {
  /** The client to send with (region and credentials are its own). */
  readonly client: KinesisClient;
  /** The stream's name or ARN (see `streamTarget`). */
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

/**
 * Puts `records` to `stream` and reports what happened. Resolves with the report even when some
 * records failed (look at `failed`); rejects with a `ProducerError` (`put-errors.ts`) when the run
 * cannot go on (missing stream, credentials, region, access, invalid request, a host name that does not
 * resolve), after which nothing more is sent.
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

  const start = now();
  const tally = new ReportTally(maxFailuresListed);
  const report = (): ProducerReport => tally.report(now() - start);
  const pace = createPacer({ ...(rate === undefined ? {} : { recordsPerSecond: rate }), start, now, sleep });

  let reported = { sent: -1, failed: -1 };
  const progress = (): void => {
    const { sent, failed } = tally;
    if (options.onProgress !== undefined && (reported.sent !== sent || reported.failed !== failed)) {
      reported = { sent, failed };
      options.onProgress({ sent, failed, ...(options.total === undefined ? {} : { total: options.total }) });
    }
  };

  const context = { client: options.client, stream: options.stream, maxAttempts, baseDelayMs, maxDelayMs };
  for await (const batch of batchesOf(options.records, maxBatchRecords(rate), (...f) => tally.fail(...f))) {
    tally.batch();
    await putBatch(batch, { ...context, random, sleep, pace, tally, report });
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

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
