/**
 * When to put: the average rate a run keeps to, the batch size that keeps its bursts small, and the
 * backoff before a retry. Time is injected, so all of it is tested without waiting.
 */
import { PUT_RECORDS_MAX_RECORDS } from './record-batches';

/**
 * The backoff before retry number `retry` (from 1): exponential with full jitter, a random
 * time in [0, min(maxDelayMs, baseDelayMs * 2^(retry-1))).
 */
export function backoffDelay(retry: number, random: () => number, baseDelayMs: number, maxDelayMs: number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Most records in one batch: the service limit, and at a rate no more than one second's worth
 * (at least one), so a batch is never a burst far above the rate.
 */
export function maxBatchRecords(recordsPerSecond: number | undefined): number {
  return recordsPerSecond === undefined
    ? PUT_RECORDS_MAX_RECORDS
    : Math.min(PUT_RECORDS_MAX_RECORDS, Math.max(1, Math.floor(recordsPerSecond)));
}

/** Options of {@link createPacer}. */
export interface PacerOptions {
  /**
   * At most this many entries per second on average since `start`.
   * @default - no limit: the pacer never waits
   */
  readonly recordsPerSecond?: number;
  /** When the run started, by `now`, in milliseconds. */
  readonly start: number;
  /** The current time in milliseconds. */
  readonly now: () => number;
  /** Waits `ms` milliseconds. */
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * A pacer: each call waits until putting `count` more entries keeps the average since `start` at
 * or under the rate (counting the entries of earlier calls), then counts them.
 */
export function createPacer(options: PacerOptions): (count: number) => Promise<void> {
  const { recordsPerSecond: rate, start, now, sleep } = options;
  let put = 0;
  return async (count: number): Promise<void> => {
    if (rate !== undefined) {
      const wait = start + (put / rate) * 1000 - now();
      if (wait > 0) {
        await sleep(wait);
      }
    }
    put += count;
  };
}
