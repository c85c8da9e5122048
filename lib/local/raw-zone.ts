/**
 * The first two stages of the local lifecycle: records as producers send them, and the raw zone as
 * Firehose and the record cleaner leave it, written to a local folder in the lake's layout
 * (`lib/contracts/lake-layout.ts`).
 *
 * - Most records go the stream's way: batched into Firehose transformation events and cleaned by
 *   the record cleaner's own `transformEvent` (what the Lambda handler runs), then written as
 *   Firehose writes them: GZIP JSON Lines under `stream/event_date=YYYY-MM-DD/` (the partition key
 *   the cleaner returns), and every record the cleaner refused under `stream-errors/` with its
 *   original bytes, in the shape of Firehose's processing-failed records.
 * - The rest is a batch upload: one CSV file with a header under `batch/`, as `npm run produce --
 *   --out` writes it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { transformEvent } from '../../lambda/clean-records/clean';
import { RAW_PREFIXES } from '../contracts/lake-layout';
import { evaluateDeliveryPrefix, STREAM_DELIVERY_PREFIX } from '../contracts/stream-routing';
import { type DirtOptions } from '../schema/dirt';
import type { DriftOptions } from '../schema/drift';
import { generateWireRecords } from '../schema/generator';
import { toCsvLines, type WireRecord } from '../schema/wire';

/** How many records one Firehose transformation event carries (Firehose's buffer, in records). */
export const RECORDS_PER_EVENT = 500;
/** Every n-th record is uploaded as CSV instead of sent to the stream. */
export const BATCH_EVERY = 5;
/** The delivery stream the local events name (the cleaner reads its name from the ARN). */
const DELIVERY_STREAM = 'ml-lifecycle-local-raw';

/** What the cleaning stage wrote. */
export interface RawZoneSummary {
  /** Records generated (duplicates and broken ones included). */
  readonly records: number;
  /** Records sent through the stream and cleaned. */
  readonly streamed: number;
  /** Of those, the ones the cleaner refused, kept under `stream-errors/`. */
  readonly refused: number;
  /** Records uploaded as CSV. */
  readonly uploaded: number;
  /** Files written by the stream (under `stream/`, by event date; outcomes under theirs). */
  readonly streamFiles: number;
}

/** A Firehose transformation event carrying `records` (their bytes base64, as Firehose sends them). */
function firehoseEvent(records: readonly WireRecord[], first: number): FirehoseTransformationEvent {
  return {
    invocationId: `local-${first}`,
    deliveryStreamArn: `arn:local:firehose:local:000000000000:deliverystream/${DELIVERY_STREAM}`,
    region: 'local',
    records: records.map((record, i) => ({
      recordId: String(first + i),
      approximateArrivalTimestamp: 0,
      data: Buffer.from(record.text, 'utf8').toString('base64'),
    })),
  };
}

/** Generated records, split as they reach the lake: most through the stream, some as an upload. */
export interface GeneratedRecords {
  readonly stream: readonly WireRecord[];
  readonly batch: readonly WireRecord[];
}

/**
 * Generates `count` records of `seed` with `dirt` (from `start`, with `drift`, when given: the
 * retraining's new customers); every {@link BATCH_EVERY}-th is uploaded as CSV.
 */
export function generateRecords(options: {
  readonly seed: number;
  readonly count: number;
  readonly dirt: DirtOptions;
  /** @default - the generator's default start */
  readonly start?: Date;
  /** @default - no drift */
  readonly drift?: DriftOptions;
}): GeneratedRecords {
  const stream: WireRecord[] = [];
  const batch: WireRecord[] = [];
  let i = 0;
  for (const record of generateWireRecords(options)) {
    (i % BATCH_EVERY === BATCH_EVERY - 1 ? batch : stream).push(record);
    i++;
  }
  return { stream, batch };
}

/**
 * Cleans the stream's records as Firehose would invoke the cleaner at `now`, and writes the raw
 * zone under `rawDir`: the cleaned stream, the refused records, and the upload.
 */
export function writeRawZone(rawDir: string, records: GeneratedRecords, now: Date): RawZoneSummary {
  const { stream, batch } = records;
  const streamDir = path.join(rawDir, RAW_PREFIXES.stream);
  const errorsDir = path.join(rawDir, RAW_PREFIXES.streamErrors, 'processing-failed');
  const batchDir = path.join(rawDir, RAW_PREFIXES.batch);
  for (const dir of [streamDir, errorsDir, batchDir]) {
    fs.mkdirSync(dir, { recursive: true });
  }

  const byDate = new Map<string, string[]>();
  const refused: string[] = [];
  for (let first = 0; first < stream.length; first += RECORDS_PER_EVENT) {
    const event = firehoseEvent(stream.slice(first, first + RECORDS_PER_EVENT), first);
    const { response } = transformEvent(event, now);
    for (const [i, result] of response.records.entries()) {
      if (result.result === 'Ok') {
        // Where Firehose would write it: the delivery prefix filled with the cleaner's keys.
        const prefix = evaluateDeliveryPrefix(STREAM_DELIVERY_PREFIX, result.metadata?.partitionKeys ?? {});
        const lines = byDate.get(prefix) ?? [];
        lines.push(
          Buffer.from(result.data ?? '', 'base64')
            .toString('utf8')
            .replace(/\n?$/, '\n'),
        );
        byDate.set(prefix, lines);
      } else if (result.result === 'ProcessingFailed') {
        // Firehose keeps a refused record with its original bytes (rawData) and why.
        refused.push(
          `${JSON.stringify({
            attemptsMade: 1,
            arrivalTimestamp: now.getTime(),
            errorCode: 'Lambda.ProcessingFailed',
            errorMessage: 'The record cleaner refused the record.',
            rawData: event.records[i]?.data,
          })}\n`,
        );
      }
    }
  }
  for (const [prefix, lines] of byDate) {
    const dir = path.join(rawDir, prefix);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${DELIVERY_STREAM}-1.gz`), gzipSync(lines.join('')));
  }
  if (refused.length > 0) {
    fs.writeFileSync(path.join(errorsDir, `${DELIVERY_STREAM}-1`), refused.join(''));
  }
  fs.writeFileSync(path.join(batchDir, 'upload.csv'), [...toCsvLines(batch)].join(''));

  return {
    records: stream.length + batch.length,
    streamed: stream.length,
    refused: refused.length,
    uploaded: batch.length,
    streamFiles: byDate.size,
  };
}
