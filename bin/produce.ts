#!/usr/bin/env node
/**
 * The producer CLI: synthetic churn records (dirty on purpose), or with `--outcomes` the outcomes
 * of those customers (who really churned), sent to the Kinesis data stream with PutRecords, or
 * written as CSV for the batch path.
 *
 * ```
 * npm run produce -- --stream NAME_OR_ARN [--count 1000] [--seed 1] [--rate R] [--dirt default] [--outcomes]
 *                    [--region REGION] [--profile NAME]
 * npm run produce -- --out churn.csv [--count 1000] [--seed 1] [--dirt default] [--outcomes]
 * ```
 *
 * On a terminal, stderr shows the progress (sending or writing) on one line, cleared at the end.
 * Exit codes: 0 success, 1 failure (including any record that could not be sent), 2 bad usage.
 * `main` is importable with injected dependencies; the file runs it only when executed directly,
 * and never calls AWS at import time.
 */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DEFAULT_DIRT, NO_DIRT } from '../lib/schema/dirt';
import type { DirtOptions } from '../lib/schema/dirt';
import { generateOutcomes, generateWireRecords } from '../lib/schema/generator';
import { OUTCOME_FIELDS } from '../lib/schema/outcome';
import { DEFAULT_OUTCOME_DIRT, NO_OUTCOME_DIRT, type OutcomeDirtOptions } from '../lib/schema/outcome-model';
import type { FieldSpec } from '../lib/schema/churn';
import { toCsvLines } from '../lib/schema/wire';
import type { WireRecord } from '../lib/schema/wire';
import { sendRecords } from '../lib/ingestion/kinesis-producer';
import type { SendRecordsOptions } from '../lib/ingestion/kinesis-producer';
import type { ProducerReport } from '../lib/ingestion/producer-report';
import { ProducerError } from '../lib/ingestion/put-errors';
import type { ProducerRecord } from '../lib/ingestion/record-batches';
import { isStreamName, parseStreamArn } from '../lib/ingestion/stream-target';
import { renderProgressBar } from '../lib/ingestion/progress';
import { integerOption, parseOptionArgs, readArguments, UsageError } from '../lib/shared/cli/args';
import {
  AWS_OPTION_NAMES,
  awsClientConfig,
  awsOptionsHelp,
  type AwsTarget,
  awsTargetOptions,
} from '../lib/shared/cli/aws-options';
import { countText, createProgress } from '../lib/shared/cli/progress';
import { DRIFT_OPTION_HELP, type DriftChoice, driftOption } from '../lib/shared/cli/drift-option';
import { runMain } from '../lib/shared/cli/run-main';

export { UsageError };

/** The help text. */
export const USAGE = `Usage: npm run produce -- [options]

Sends synthetic churn records (dirty on purpose) to the Kinesis data stream, or writes them as
CSV for the batch path. With --outcomes, sends (or writes) instead the outcomes of the same
customers: who really churned, observed 30 to 45 days after their snapshot.

Options:
  --stream NAME_OR_ARN  the Kinesis data stream, by name or ARN (required unless --out)
  --count N             records to generate, an integer > 0 (default 1000)
  --seed S              random seed, an integer (default 1); the same seed gives the same records
  --rate R              at most R records per second, a number > 0 (default: as fast as the stream takes)
  --dirt LEVEL          none or default: how dirty the records are (default: default); for
                        outcomes: late, duplicated, for unknown customers, malformed
  --outcomes            the outcomes of the first --count customers of --seed (the customers
                        --dirt none sends), with their own dirt; as CSV (--out), the header is
                        customer_id,observed_at,churned, for the raw zone's outcomes-batch/
  --drift SCENARIO      the customers drift as the scenario says (the same as npm run invoke's
                        --drift, so the outcomes of invoked customers match them):
${DRIFT_OPTION_HELP.replace(/^ {19}/gm, '                        ')}
  --observed-at TIME    with --outcomes: every outcome observed at TIME (ISO 8601, or "now"),
                        instead of 30 to 45 days after its snapshot, so that outcomes of customers
                        scored just now come after their predictions and join them
  --out FILE            write the records as CSV to FILE (a header, then one line per record)
                        instead of sending them; needs no AWS account or credentials
${awsOptionsHelp(24, "the stream's AWS region (default: the ARN's, else AWS_REGION or the profile's)")}
  --help                show this help

Exit codes: 0 success, 1 failure (including records that could not be sent), 2 bad usage.
`;

/** The dirt levels `--dirt` accepts. */
export const DIRT_LEVELS: Readonly<Record<string, DirtOptions>> = { none: NO_DIRT, default: DEFAULT_DIRT };

/** The same levels for `--outcomes`. */
export const OUTCOME_DIRT_LEVELS: Readonly<Record<keyof typeof DIRT_LEVELS, OutcomeDirtOptions>> = {
  none: NO_OUTCOME_DIRT,
  default: DEFAULT_OUTCOME_DIRT,
};

/** Failures listed one by one after the summary. */
const FAILURES_SHOWN = 5;

/** The validated options. */
export interface ProduceOptions {
  /** The stream's name or ARN; absent with `out`. */
  readonly stream?: string;
  readonly count: number;
  readonly seed: number;
  /** Records per second; absent for as fast as possible. */
  readonly rate?: number;
  readonly dirt: string;
  /** The CSV file to write instead of sending. */
  readonly out?: string;
  /** The region to send to: `--region`, else the stream ARN's. */
  readonly region?: string;
  /** The AWS profile to send as (`--profile`). */
  readonly profile?: string;
  /** Outcomes of the `count` customers instead of their churn records. */
  readonly outcomes: boolean;
  /** The scenario of `--drift`, absent without it. */
  readonly drift?: DriftChoice;
  /** With `outcomes`: when every outcome is observed (`--observed-at`). */
  readonly observedAt?: Date;
  readonly help: boolean;
}

/** A text sink such as `process.stdout` or `process.stderr`. */
export interface TextOutput {
  /** Whether it is a terminal (progress is drawn only then). */
  readonly isTTY?: boolean;
  write(chunk: string): unknown;
}

/** What `main` talks to; tests inject them. */
export interface ProduceDeps {
  /**
   * Makes the Kinesis client (called only when sending).
   * @default - a `KinesisClient` with the SDK defaults, in the target's region and profile if given
   */
  readonly createKinesisClient?: (target: AwsTarget) => KinesisClient;
  /** @default process.stdout */
  readonly stdout?: TextOutput;
  /** @default process.stderr */
  readonly stderr?: TextOutput;
  /**
   * Opens the `--out` file for writing.
   * @default fs.createWriteStream
   */
  readonly createWriteStream?: (path: string) => Writable;
  /**
   * Timing and randomness of the producer (tests make them instant and deterministic).
   * @default - real timers, Math.random, performance.now
   */
  readonly producer?: Pick<SendRecordsOptions, 'sleep' | 'random' | 'now'>;
}

/**
 * Parses and validates the arguments; throws a {@link UsageError} naming the option, the value and
 * what is allowed. `now` is the clock `--observed-at now` reads.
 */
export function parseOptions(argv: readonly string[], now: () => Date = () => new Date()): ProduceOptions {
  const { text, flag, help } = parseOptionArgs(
    argv,
    ['stream', 'count', 'seed', 'rate', 'dirt', 'out', 'drift', 'observed-at', ...AWS_OPTION_NAMES],
    ['outcomes'],
  );
  if (help) {
    return { count: 0, seed: 0, dirt: 'default', outcomes: false, help: true };
  }
  const outcomes = flag('outcomes');

  const count = integerOption('count', text('count'), { min: 1 }) ?? 1000;
  const seed = integerOption('seed', text('seed')) ?? 1;
  const dirt = text('dirt') ?? 'default';
  if (!Object.hasOwn(DIRT_LEVELS, dirt)) {
    throw new UsageError(`--dirt is "${dirt}"; expected one of: ${Object.keys(DIRT_LEVELS).join(', ')}`);
  }
  const rateText = text('rate');
  const rate = rateText === undefined ? undefined : Number(rateText);
  if (rateText !== undefined && !(rateText.trim() !== '' && rate !== undefined && Number.isFinite(rate) && rate > 0)) {
    throw new UsageError(`--rate is "${rateText}"; expected a number of records per second > 0, such as 50 or 0.5`);
  }
  const { region, profile } = awsTargetOptions(text);
  const drift = driftOption(text('drift'));
  const observedAt = observedAtOption(text('observed-at'), outcomes, now);
  const generated = {
    outcomes,
    ...(drift === undefined ? {} : { drift }),
    ...(observedAt === undefined ? {} : { observedAt }),
  };

  const out = text('out');
  const stream = text('stream');
  if (out !== undefined) {
    if (out === '') {
      throw new UsageError('--out is ""; expected a file path');
    }
    for (const [name, value] of [
      ['stream', stream],
      ['rate', rateText],
      ['region', region],
      ['profile', profile],
    ] as const) {
      if (value !== undefined) {
        throw new UsageError(
          `--${name} is "${value}", but --out writes a file and sends nothing; use one or the other`,
        );
      }
    }
    return { count, seed, dirt, out, ...generated, help: false };
  }

  if (stream === undefined) {
    throw new UsageError(
      '--stream is missing; pass the StreamName output of the Ingestion stack (or the stream ARN), or --out FILE',
    );
  }
  let streamRegion: string | undefined;
  if (stream.startsWith('arn:')) {
    const arn = parseStreamArn(stream);
    if (arn === undefined) {
      throw new UsageError(
        `--stream is "${stream}", which is not a Kinesis stream ARN; expected arn:PARTITION:kinesis:REGION:ACCOUNT:stream/NAME`,
      );
    }
    if (region !== undefined && region !== arn.region) {
      throw new UsageError(
        `--region is "${region}" but the --stream ARN is in ${arn.region}; leave --region out or make them agree`,
      );
    }
    streamRegion = arn.region;
  } else if (!isStreamName(stream)) {
    throw new UsageError(
      `--stream is "${stream}"; expected a stream ARN or a stream name of 1 to 128 letters, digits, '_', '-' or '.'`,
    );
  }
  const sendRegion = region ?? streamRegion;
  return {
    stream,
    count,
    seed,
    ...(rate === undefined ? {} : { rate }),
    dirt,
    ...(sendRegion === undefined ? {} : { region: sendRegion }),
    ...(profile === undefined ? {} : { profile }),
    ...generated,
    help: false,
  };
}

/** `--observed-at`: an ISO 8601 time with its zone, or `now`; only with `--outcomes`. */
function observedAtOption(value: string | undefined, outcomes: boolean, now: () => Date): Date | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!outcomes) {
    throw new UsageError(`--observed-at is "${value}", but only outcomes are observed; add --outcomes or leave it out`);
  }
  if (value === 'now') {
    return now();
  }
  const time = ISO_TIME.test(value) && calendarDate(value) ? new Date(value) : undefined;
  if (time === undefined || Number.isNaN(time.getTime())) {
    throw new UsageError(
      `--observed-at is "${value}"; expected "now" or an ISO 8601 time with its zone, such as 2026-12-07T09:30:00Z`,
    );
  }
  return time;
}

/** Whether the date part of `YYYY-MM-DD…` is a day of the calendar (`Date` turns 02-30 into 03-02). */
function calendarDate(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/** An ISO 8601 date and time with seconds optional and a zone (Z or an offset). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Runs the CLI with `argv` (without the node and script paths) and resolves with the exit code:
 * 0 success, 1 failure (including failed records), 2 bad usage.
 */
export async function main(argv: readonly string[], deps: ProduceDeps = {}): Promise<number> {
  const stdout = deps.stdout ?? process.stdout;
  const stderr = deps.stderr ?? process.stderr;
  const options = readArguments(argv, parseOptions, { stdout, stderr }, USAGE);
  if (typeof options === 'number') {
    return options;
  }
  // Outcomes are few (about one per customer, plus their dirt) and their number is known only once
  // drawn: they are drawn up front, so the report and the progress bar count them exactly.
  const outcomes = options.outcomes
    ? [
        ...generateOutcomes({
          seed: options.seed,
          count: options.count,
          dirt: OUTCOME_DIRT_LEVELS[options.dirt] ?? DEFAULT_OUTCOME_DIRT,
          ...(options.drift === undefined ? {} : { drift: options.drift.drift }),
          ...(options.observedAt === undefined ? {} : { observedAt: options.observedAt }),
        }),
      ]
    : undefined;
  const wire =
    outcomes ??
    generateWireRecords({
      seed: options.seed,
      count: options.count,
      dirt: DIRT_LEVELS[options.dirt] ?? DEFAULT_DIRT,
      ...(options.drift === undefined ? {} : { drift: options.drift.drift }),
    });
  const total = outcomes?.length ?? options.count;
  const what = outcomes === undefined ? 'records' : 'outcomes';
  try {
    if (options.out !== undefined) {
      const fields = outcomes === undefined ? undefined : OUTCOME_FIELDS;
      return await writeCsv(options.out, wire, { total, what, fields }, stderr, deps);
    }
    return await send({ ...options, count: total }, options.stream ?? '', wire, stderr, deps);
  } catch (error) {
    stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof ProducerError && error.code === 'REGION_MISSING') {
      stderr.write('Pass the region with --region, or the stream as an ARN (its region is used).\n');
    }
    if (error instanceof ProducerError && error.report.sent + error.report.failed > 0) {
      stderr.write(`stopped after ${summary(error.report)}\n`);
    }
    return 1;
  }
}

async function writeCsv(
  path: string,
  records: Iterable<WireRecord>,
  file: { readonly total: number; readonly what: string; readonly fields: readonly FieldSpec[] | undefined },
  stderr: TextOutput,
  deps: ProduceDeps,
): Promise<number> {
  const now = deps.producer?.now ?? (() => performance.now());
  const start = now();
  const open = deps.createWriteStream ?? ((p: string) => fs.createWriteStream(p));
  const progress = createProgress(stderr, { now });
  const counted = progress.active
    ? counting(records, (n) => progress.update(() => countText(`writing ${file.what}`, n, file.total)))
    : records;
  try {
    await pipeline(Readable.from(toCsvLines(counted, file.fields)), open(path));
  } catch (error) {
    throw new Error(`cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  } finally {
    progress.end();
  }
  stderr.write(`wrote ${file.total} ${file.what} (and a header line) to ${path} in ${seconds(now() - start)} s\n`);
  return 0;
}

/**
 * The Kinesis client `main` sends with: in the target's region and profile, and with no SDK
 * retries (the producer retries failed entries and throttled requests itself, with jittered
 * backoff and a bounded number of attempts; SDK retries on top would multiply them and hide them
 * from the report).
 */
export function defaultKinesisClient(target: AwsTarget): KinesisClient {
  return new KinesisClient({ maxAttempts: 1, ...awsClientConfig(target) });
}

async function send(
  options: ProduceOptions,
  stream: string,
  wire: Iterable<WireRecord>,
  stderr: TextOutput,
  deps: ProduceDeps,
): Promise<number> {
  const createClient = deps.createKinesisClient ?? defaultKinesisClient;
  const client = createClient({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  });
  const progress = createProgress(stderr, deps.producer?.now === undefined ? {} : { now: deps.producer.now });
  try {
    const report = await sendRecords({
      client,
      stream,
      records: toProducerRecords(wire),
      total: options.count,
      ...(options.rate === undefined ? {} : { recordsPerSecond: options.rate }),
      onProgress: (p) =>
        progress.update(() => renderProgressBar({ done: p.sent + p.failed, failed: p.failed, total: options.count })),
      ...deps.producer,
    });
    progress.end();
    stderr.write(`${summary(report)}\n`);
    if (report.failed > 0) {
      stderr.write(failureSummary(report));
      return 1;
    }
    return 0;
  } finally {
    progress.end();
    client.destroy();
  }
}

const encoder = new TextEncoder();

/** The records, telling `onCount` how many have been taken so far. */
function* counting<T>(records: Iterable<T>, onCount: (n: number) => void): Generator<T> {
  let n = 0;
  for (const record of records) {
    yield record;
    onCount(++n);
  }
}

/** Each wire record as the producer sends it: keyed by customer id, its text in UTF-8. */
function* toProducerRecords(records: Iterable<WireRecord>): Generator<ProducerRecord> {
  for (const record of records) {
    yield { partitionKey: record.customerId, data: encoder.encode(record.text) };
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

/** `sent N, retried N, failed N in X s`. */
function summary(report: ProducerReport): string {
  return `sent ${report.sent}, retried ${report.retried}, failed ${report.failed} in ${seconds(report.durationMs)} s`;
}

/** The failures by error code, then the first few one by one. */
function failureSummary(report: ProducerReport): string {
  const byCode = Object.entries(report.failuresByCode)
    .sort(([, a], [, b]) => b - a)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  const examples = report.failures
    .slice(0, FAILURES_SHOWN)
    .map((f) => `  record ${f.index} (${f.partitionKey}): ${f.errorCode}: ${f.errorMessage}\n`)
    .join('');
  const more = report.failed > FAILURES_SHOWN ? `  ... and ${report.failed - FAILURES_SHOWN} more\n` : '';
  return `failed by error code: ${byCode}\n${examples}${more}`;
}

runMain(module, (argv) => main(argv));
