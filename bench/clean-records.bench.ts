/**
 * Benchmark of the Firehose record cleaner against its floor.
 *
 * Run with `npx tsx bench/clean-records.bench.ts`. Builds a Firehose transformation event of about
 * 6 MB from realistic, somewhat dirty churn records, then times, on that same event:
 * - the floor: base64 decode + JSON.parse + JSON.stringify + base64 encode of every record, the
 *   least any cleaner must do;
 * - `transformEvent`, the cleaner.
 * The goal is cleaner/floor <= 2. Both are warmed up, then timed in alternation; the medians count.
 */
import { Buffer } from 'node:buffer';
import type { FirehoseTransformationEvent, FirehoseTransformationEventRecord } from 'aws-lambda';
import { RESPONSE_LIMIT_BYTES, transformEvent } from '../lambda/clean-records/clean';
import { CHURN_FIELDS, type FieldSpec, US_STATES } from '../lib/schema/churn';

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
 * The records of lib/data/generator.ts (seeded, DEFAULT_DIRT) when it is there with the expected
 * shape, else the ones above. Imported at run time, so this script runs either way.
 */
async function wireRecords(count: number): Promise<{ texts: readonly string[]; source: string }> {
  const specifier = '../lib/data/generator';
  try {
    const generator = (await import(specifier)) as {
      generateWireRecords?: (options: { seed: number; count: number; dirt: unknown }) => unknown;
      DEFAULT_DIRT?: unknown;
    };
    if (typeof generator.generateWireRecords === 'function' && generator.DEFAULT_DIRT !== undefined) {
      const records = generator.generateWireRecords({ seed: SEED, count, dirt: generator.DEFAULT_DIRT });
      const texts = isIterable(records) ? Array.from(records, (r) => (r as { text?: unknown }).text) : [];
      if (texts.length === count && texts.every((t): t is string => typeof t === 'string')) {
        return { texts, source: 'lib/data/generator.ts with DEFAULT_DIRT' };
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

/** The median of `samples`. */
function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
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

/** Times the floor and the cleaner on `event`, prints them, and says whether the goal is met. */
function run(title: string, event: FirehoseTransformationEvent): boolean {
  const eventBytes = Buffer.byteLength(JSON.stringify(event));
  const now = new Date();
  const { summary } = transformEvent(event, now);
  const timed = timePair(
    () => floor(event),
    () => transformEvent(event, now),
  );
  const mb = eventBytes / (1024 * 1024);
  const ratio = timed.b / timed.a;
  const meets = ratio <= GOAL_RATIO;
  const reasons = Object.entries(summary.reasons)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, count]) => `${reason} ${String(count)}`);
  console.log(`\n${title}`);
  console.log(
    `  event:   ${String(event.records.length)} records, ${String(eventBytes)} bytes of JSON (${mb.toFixed(2)} MB)`,
  );
  console.log(
    `  result:  ${String(summary.ok)} Ok, ${String(summary.processingFailed)} ProcessingFailed; response ${String(summary.responseBytes)} bytes`,
  );
  console.log(`  reasons: ${reasons.join(', ') || 'none'}`);
  console.log(`  floor:   ${timed.a.toFixed(1)} ms median, ${(mb / (timed.a / 1000)).toFixed(1)} MB/s of event`);
  console.log(`  cleaner: ${timed.b.toFixed(1)} ms median, ${(mb / (timed.b / 1000)).toFixed(1)} MB/s of event`);
  console.log(
    `  ratio:   ${ratio.toFixed(2)} cleaner/floor (goal <= ${String(GOAL_RATIO)}): ${meets ? 'meets' : 'MISSES'} the goal`,
  );
  return meets;
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

async function main(): Promise<void> {
  const { texts, source } = await wireRecords(10_000);
  console.log(
    `Firehose record cleaner vs floor; records from ${source}; ${String(TIMED_RUNS)} timed rounds after ${String(WARMUP_RUNS)} warm-up`,
  );
  const meets = [
    run('Records as generated (keys in schema order)', buildEvent(texts)),
    run('Same records, keys sorted by name (e.g. a producer with sort_keys)', buildEvent(withSortedKeys(texts))),
  ];
  if (!meets.every(Boolean)) {
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
