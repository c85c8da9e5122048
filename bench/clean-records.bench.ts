/**
 * Benchmark of the Firehose record cleaner against its floor.
 *
 * Builds a Firehose transformation event of about 6 MB from realistic, somewhat dirty churn
 * records, then times, on that same event:
 * - the floor: base64 decode + JSON.parse + JSON.stringify + base64 encode of every record, the
 *   least any cleaner must do;
 * - `transformEvent`, the cleaner.
 * The goal is cleaner/floor <= 2. Both are warmed up, then timed in alternation; the medians count.
 * The same is done again with the records' keys sorted by name, as some producers send them.
 *
 * `measureCleaner` returns the figures (bench/run.ts, `npm run bench`, puts them in one table with
 * the other benchmarks); `npx tsx bench/clean-records.bench.ts` runs this one alone and prints them.
 */
import { Buffer } from 'node:buffer';
import type { FirehoseTransformationEvent, FirehoseTransformationEventRecord } from 'aws-lambda';
import { RESPONSE_LIMIT_BYTES, transformEvent } from '../lambda/clean-records/clean';
import { CHURN_FIELDS, type FieldSpec, US_STATES } from '../lib/schema/churn';
import { median } from './median';

/** The ratio cleaner/floor the cleaner must stay within. */
const GOAL_RATIO = 2;
const WARMUP_RUNS = 5;
const TIMED_RUNS = 20;
const SEED = 4242;
/** Room left under the 6 MB request limit for the event's own JSON. */
const EVENT_BUDGET_BYTES = RESPONSE_LIMIT_BYTES - 16 * 1024;

/** mulberry32: a small, seeded PRNG, enough for benchmark data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds churn records as producers send them: mostly clean, with the usual dirt. */
function ownWireRecords(seed: number, count: number): string[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chance = (p: number): boolean => random() < p;
  const dirtyString = (s: string): string => (chance(0.1) ? ` ${s.toLowerCase()} ` : s);
  const eventBase = Date.UTC(2024, 0, 1);
  const texts: string[] = [];
  for (let n = 0; n < count; n++) {
    const record: Record<string, unknown> = {};
    for (const field of CHURN_FIELDS) {
      if (!field.required && chance(0.03)) {
        record[field.name] = pick(['', 'NA', 'null', null, ' ? ']);
        continue;
      }
      record[field.name] = valueOf(field, n);
    }
    if (chance(0.05)) {
      record.campaign = { id: `c-${n % 17}`, tags: ['spring', 'retention'] };
    }
    texts.push(JSON.stringify(record));
  }
  return texts;

  function valueOf(field: FieldSpec, n: number): unknown {
    const min = field.min ?? 0;
    const max = field.max ?? 100;
    switch (field.type) {
      case 'string':
        return `cust-${String(100000 + n)}`;
      case 'timestamp': {
        const iso = new Date(eventBase + Math.floor(random() * 365 * 86_400_000)).toISOString();
        return chance(0.2) ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}+02:00` : iso;
      }
      case 'category': {
        if (field.name === 'state') {
          return dirtyString(pick(US_STATES));
        }
        const synonyms = Object.keys(field.synonyms ?? {});
        const value = chance(0.3) && synonyms.length > 0 ? pick(synonyms) : pick(field.values ?? []);
        return /^\d+$/.test(value) && chance(0.5) ? Number(value) : dirtyString(value);
      }
      case 'boolean':
        return chance(0.7) ? chance(0.2) : pick(['yes', 'no', 'True', 'FALSE', 'y', 'n', 1, 0]);
      case 'integer': {
        const v = Math.floor(min + random() * Math.min(max - min, 300));
        return chance(0.1) ? ` ${String(v)} ` : v;
      }
      case 'double': {
        const v = Math.round((min + random() * Math.min(max - min, 350)) * 100) / 100;
        return chance(0.1) ? String(v) : v;
      }
    }
  }
}

/**
 * The records of lib/schema/generator.ts (seeded, with DEFAULT_DIRT of lib/schema/dirt.ts) when both
 * are there with the expected shape, else the ones above. Imported at run time, so this script runs either way.
 */
async function wireRecords(count: number): Promise<{ texts: readonly string[]; source: string }> {
  const generatorSpecifier = '../lib/schema/generator';
  const dirtSpecifier = '../lib/schema/dirt';
  try {
    const generator = (await import(generatorSpecifier)) as {
      generateWireRecords?: (options: { seed: number; count: number; dirt: unknown }) => unknown;
    };
    const { DEFAULT_DIRT } = (await import(dirtSpecifier)) as { DEFAULT_DIRT?: unknown };
    if (typeof generator.generateWireRecords === 'function' && DEFAULT_DIRT !== undefined) {
      const records = generator.generateWireRecords({ seed: SEED, count, dirt: DEFAULT_DIRT });
      const texts = isIterable(records) ? Array.from(records, (r) => (r as { text?: unknown }).text) : [];
      if (texts.length === count && texts.every((t): t is string => typeof t === 'string')) {
        return { texts, source: 'lib/schema/generator.ts with DEFAULT_DIRT' };
      }
    }
  } catch {
    // No generator (yet): use our own.
  }
  return { texts: ownWireRecords(SEED, count), source: 'this script (the generator is missing)' };
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value;
}

/** A Firehose event from a Kinesis source, as close to 6 MB as the records allow. */
function buildEvent(texts: readonly string[]): FirehoseTransformationEvent {
  const partition = 'aws';
  const event: FirehoseTransformationEvent = {
    invocationId: '6c8d3b8e-2a5f-4c1e-9a0e-3f1b2c4d5e6f',
    deliveryStreamArn: `arn:${partition}:firehose:eu-west-1:123456789012:deliverystream/churn-raw`,
    sourceKinesisStreamArn: `arn:${partition}:kinesis:eu-west-1:123456789012:stream/churn`,
    region: 'eu-west-1',
    records: [],
  };
  let bytes = Buffer.byteLength(JSON.stringify(event));
  for (let i = 0; ; i++) {
    const text = texts[i % texts.length] as string;
    const sequenceNumber = `4964${String(1e15 + i).padStart(52, '0')}`;
    const record: FirehoseTransformationEventRecord = {
      recordId: `${sequenceNumber}000000000000`,
      approximateArrivalTimestamp: 1714550400000 + i,
      data: Buffer.from(text, 'utf8').toString('base64'),
      kinesisRecordMetadata: {
        shardId: `shardId-${String(i % 4).padStart(12, '0')}`,
        partitionKey: `cust-${String(i)}`,
        approximateArrivalTimestamp: 1714550400000 + i,
        sequenceNumber,
        subsequenceNumber: '0',
      },
    };
    const recordBytes = Buffer.byteLength(JSON.stringify(record)) + 1;
    if (bytes + recordBytes > EVENT_BUDGET_BYTES) {
      return event;
    }
    event.records.push(record);
    bytes += recordBytes;
  }
}

/** The floor: what any cleaner must do to every record (a record that is not JSON stops at the parse). */
function floor(event: FirehoseTransformationEvent): number {
  let out = 0;
  for (const record of event.records) {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(record.data, 'base64').toString('utf8'));
      out += Buffer.from(JSON.stringify(parsed), 'utf8').toString('base64').length;
    } catch {
      out += record.data.length;
    }
  }
  return out;
}

/** Milliseconds one call of `fn` takes. */
function timeOnce(fn: () => unknown): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Times `a` and `b` in alternation (so that whatever else the machine does weighs on both alike),
 * after `WARMUP_RUNS` untimed rounds; returns the median milliseconds of each.
 */
function timePair(a: () => unknown, b: () => unknown): { a: number; b: number } {
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < WARMUP_RUNS + TIMED_RUNS; i++) {
    const ta = timeOnce(a);
    const tb = timeOnce(b);
    if (i >= WARMUP_RUNS) {
      as.push(ta);
      bs.push(tb);
    }
  }
  return { a: median(as), b: median(bs) };
}

/** What one event measured: the cleaner against the floor, both timed on that event. */
export interface CleanerCase {
  /** What the event's records are, e.g. `Records as generated (keys in schema order)`. */
  readonly title: string;
  /** The same, short, for a table row. */
  readonly label: string;
  readonly records: number;
  /** Size of the event as JSON. */
  readonly eventBytes: number;
  /** Records the cleaner returned `Ok` and `ProcessingFailed`, and the size of its response. */
  readonly ok: number;
  readonly processingFailed: number;
  readonly responseBytes: number;
  /** Failed records by reason, most frequent first, as `reason count`. */
  readonly reasons: readonly string[];
  /** Median milliseconds of the floor and of the cleaner. */
  readonly floorMs: number;
  readonly cleanerMs: number;
  /** MB (MiB) of event per second, of the floor and of the cleaner. */
  readonly floorMBps: number;
  readonly cleanerMBps: number;
  /** cleaner/floor, in time. */
  readonly ratio: number;
  /** Whether `ratio` is within {@link CleanerFigures.goalRatio}. */
  readonly meets: boolean;
}

/** Everything `measureCleaner` measured. */
export interface CleanerFigures {
  /** Where the records come from. */
  readonly source: string;
  readonly warmupRuns: number;
  readonly timedRuns: number;
  /** The ratio cleaner/floor the cleaner must stay within. */
  readonly goalRatio: number;
  /** Keys in schema order, then keys sorted by name. */
  readonly cases: readonly CleanerCase[];
}

/** Times the floor and the cleaner on `event`. */
function measureCase(title: string, label: string, event: FirehoseTransformationEvent): CleanerCase {
  const eventBytes = Buffer.byteLength(JSON.stringify(event));
  const now = new Date();
  const { summary } = transformEvent(event, now);
  const timed = timePair(
    () => floor(event),
    () => transformEvent(event, now),
  );
  const mb = eventBytes / (1024 * 1024);
  const ratio = timed.b / timed.a;
  const reasons = Object.entries(summary.reasons)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, count]) => `${reason} ${String(count)}`);
  return {
    title,
    label,
    records: event.records.length,
    eventBytes,
    ok: summary.ok,
    processingFailed: summary.processingFailed,
    responseBytes: summary.responseBytes,
    reasons,
    floorMs: timed.a,
    cleanerMs: timed.b,
    floorMBps: mb / (timed.a / 1000),
    cleanerMBps: mb / (timed.b / 1000),
    ratio,
    meets: ratio <= GOAL_RATIO,
  };
}

/** Prints one case, line by line, and whether it meets the goal. */
function printCase(c: CleanerCase, log: (line: string) => void): void {
  const mb = c.eventBytes / (1024 * 1024);
  log(`\n${c.title}`);
  log(`  event:   ${String(c.records)} records, ${String(c.eventBytes)} bytes of JSON (${mb.toFixed(2)} MB)`);
  log(
    `  result:  ${String(c.ok)} Ok, ${String(c.processingFailed)} ProcessingFailed; response ${String(c.responseBytes)} bytes`,
  );
  log(`  reasons: ${c.reasons.join(', ') || 'none'}`);
  log(`  floor:   ${c.floorMs.toFixed(1)} ms median, ${c.floorMBps.toFixed(1)} MB/s of event`);
  log(`  cleaner: ${c.cleanerMs.toFixed(1)} ms median, ${c.cleanerMBps.toFixed(1)} MB/s of event`);
  log(
    `  ratio:   ${c.ratio.toFixed(2)} cleaner/floor (goal <= ${String(GOAL_RATIO)}): ${c.meets ? 'meets' : 'MISSES'} the goal`,
  );
}

/** The same records with their keys sorted, as a producer serialising with sorted keys sends them. */
function withSortedKeys(texts: readonly string[]): string[] {
  return texts.map((text) => {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return text;
      }
      return JSON.stringify(Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
    } catch {
      return text;
    }
  });
}

/**
 * Times the floor and the cleaner on a 6 MB event, with the keys of its records in schema order,
 * then sorted by name; `log` receives each line of the figures as they come.
 */
export async function measureCleaner(log: (line: string) => void = () => undefined): Promise<CleanerFigures> {
  const { texts, source } = await wireRecords(10_000);
  log(
    `Firehose record cleaner vs floor; records from ${source}; ${String(TIMED_RUNS)} timed rounds after ${String(WARMUP_RUNS)} warm-up`,
  );
  const asGenerated = measureCase(
    'Records as generated (keys in schema order)',
    'keys in schema order',
    buildEvent(texts),
  );
  printCase(asGenerated, log);
  const sorted = measureCase(
    'Same records, keys sorted by name (e.g. a producer with sort_keys)',
    'keys sorted by name',
    buildEvent(withSortedKeys(texts)),
  );
  printCase(sorted, log);
  const cases = [asGenerated, sorted];
  return { source, warmupRuns: WARMUP_RUNS, timedRuns: TIMED_RUNS, goalRatio: GOAL_RATIO, cases };
}

if (require.main === module) {
  measureCleaner((line) => console.log(line))
    .then((figures) => {
      if (!figures.cases.every((c) => c.meets)) {
        process.exitCode = 1;
      }
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    });
}
