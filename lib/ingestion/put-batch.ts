/**
 * Putting one batch, with per-entry retries of partial failures: only the entries a `PutRecords`
 * response reports as failed are put again, in their original order, so an entry the stream
 * accepted is never put twice. An entry still failing after `maxAttempts` puts, or failing with an
 * error no retry fixes, is given up on with its last error.
 *
 * A whole request that fails without a response (a network error or timeout) is retried as a
 * whole: some of its records may already be written, and Kinesis has no idempotency key, so this
 * is at-least-once delivery (the curate job's de-duplication absorbs it).
 */
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisClient, PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { backoffDelay } from './pacing';
import type { ProducerReport, ReportTally } from './producer-report';
import { describeError } from '../shared/cli/aws-errors';
import { fatalError, isPermanentEntryError, ProducerError } from './put-errors';
import type { Entry } from './record-batches';
import { streamTarget } from './stream-target';

/** What putting a batch needs: where to, how often, when, and where to count. */
export interface PutBatchContext {
  /** The client to send with. */
  readonly client: KinesisClient;
  /** The stream's name or ARN. */
  readonly stream: string;
  /** Puts of one entry before it is given up on (an integer >= 1). */
  readonly maxAttempts: number;
  /** Backoff base, in milliseconds (see `backoffDelay`). */
  readonly baseDelayMs: number;
  /** Backoff cap, in milliseconds. */
  readonly maxDelayMs: number;
  /** A random number in [0, 1), for the backoff jitter. */
  readonly random: () => number;
  /** Waits `ms` milliseconds. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Waits until `count` more entries may be put at the run's rate. */
  readonly pace: (count: number) => Promise<void>;
  /** Counts what is sent, retried and given up on. */
  readonly tally: ReportTally;
  /** The run's report so far, for a {@link ProducerError}. */
  readonly report: () => ProducerReport;
}

/**
 * Puts `batch` until every entry is accepted or given up on.
 * @throws ProducerError when a request fails in a way retrying cannot fix, or its response cannot say which entries were written
 */
export async function putBatch(batch: readonly Entry[], ctx: PutBatchContext): Promise<void> {
  const { tally } = ctx;
  const target = streamTarget(ctx.stream);
  let pending: readonly Entry[] = batch;
  for (let attempt = 1; attempt <= ctx.maxAttempts && pending.length > 0; attempt++) {
    if (attempt > 1) {
      tally.retrying(pending.length);
      await ctx.sleep(backoffDelay(attempt - 1, ctx.random, ctx.baseDelayMs, ctx.maxDelayMs));
    }
    await ctx.pace(pending.length);
    tally.request();
    let output: PutRecordsCommandOutput;
    try {
      output = await ctx.client.send(
        new PutRecordsCommand({
          ...target,
          Records: pending.map((e) => ({ PartitionKey: e.record.partitionKey, Data: e.record.data })),
        }),
      );
    } catch (error) {
      const stop = await fatalError(error, ctx.stream, ctx.client);
      if (stop !== undefined) {
        throw new ProducerError(stop.code, stop.message, ctx.report(), { cause: error });
      }
      const { name, message } = describeError(error);
      pending = pending.map((e) => ({ ...e, errorCode: name, errorMessage: message }));
      continue;
    }
    const results = output.Records ?? [];
    if (output.FailedRecordCount === 0 && results.length !== pending.length) {
      // Everything succeeded; the per-entry results are not needed.
      tally.accepted(pending.length);
      pending = [];
      break;
    }
    if (results.length !== pending.length) {
      throw new ProducerError(
        'UNEXPECTED_RESPONSE',
        `PutRecords to stream "${ctx.stream}" returned ${results.length} results for ${pending.length} records ` +
          `(FailedRecordCount ${String(output.FailedRecordCount)}); cannot tell which records were written, so stopping ` +
          'rather than risking duplicates.',
        ctx.report(),
      );
    }
    const next: Entry[] = [];
    pending.forEach((entry, i) => {
      const result = results[i];
      if (result?.ErrorCode === undefined) {
        tally.accepted(1);
        return;
      }
      const errorMessage = result.ErrorMessage ?? '';
      if (isPermanentEntryError(result.ErrorCode)) {
        tally.fail(entry.index, entry.record.partitionKey, result.ErrorCode, errorMessage);
      } else {
        next.push({ ...entry, errorCode: result.ErrorCode, errorMessage });
      }
    });
    pending = next;
  }
  for (const entry of pending) {
    tally.fail(entry.index, entry.record.partitionKey, entry.errorCode ?? 'Unknown', entry.errorMessage ?? '');
  }
}
