/**
 * Synthetic churn records: customers drawn from distributions shaped like the classic telecom churn
 * data, a churn label that really depends on their features, and the dirt a real feed has
 * (spellings, missing values, numbers as text, stray whitespace, duplicates, broken records), as
 * the JSON text a producer sends to Kinesis or as CSV lines.
 *
 * Everything is a pure function of the seed and the options: the same seed and options give
 * byte-identical output. The customers and the dirt come from separate random streams, so the
 * same seed gives the same customers whatever dirt is asked for (duplicates and broken records
 * only change how many customers fit in `count` wire records).
 *
 * The parts live beside this file: the customer model (`customer-model.ts`), the dirt (`dirt.ts`),
 * the drift (`drift.ts`), the outcomes (`outcome-model.ts`, their schema in `outcome.ts`) and the
 * wire formats (`wire.ts`); this file ties them to a seed.
 */
import { type Customer, customerStream } from './customer-model';
import { checkDirt, type DirtOptions, dirtyWireRecords, NO_DIRT } from './dirt';
import { checkDrift, type DriftOptions } from './drift';
import {
  checkOutcomeDelay,
  checkOutcomeDirt,
  DEFAULT_OUTCOME_DELAY,
  NO_OUTCOME_DIRT,
  type OutcomeDelay,
  type OutcomeDirtOptions,
  outcomeWireRecords,
  type OutcomeWireRecord,
} from './outcome-model';
import { Random } from './random';
import type { WireRecord } from './wire';

/** Which customers: the seed, how many, where their snapshots start, and any drift. */
export interface CustomerOptions {
  /** Any safe integer. The same seed and options give byte-identical output. */
  readonly seed: number;
  /** Number of customers. */
  readonly count: number;
  /**
   * `event_time` of the first record; each later customer's is 1 to 10 seconds after the
   * previous one's.
   * @default 2026-01-01T00:00:00Z
   */
  readonly start?: Date;
  /** @default - no drift: every customer drawn as without the option */
  readonly drift?: DriftOptions;
}

/** What `generateWireRecords` emits. */
export interface GenerateOptions extends CustomerOptions {
  /** Number of wire records emitted in total (duplicates count). */
  readonly count: number;
  /** @default NO_DIRT */
  readonly dirt?: DirtOptions;
}

/** What `generateOutcomes` emits. */
export interface OutcomeOptions extends CustomerOptions {
  /** Number of customers whose outcomes are emitted (dirt adds records: duplicates, unknown customers). */
  readonly count: number;
  /** @default DEFAULT_OUTCOME_DELAY (30 to 45 days) */
  readonly delay?: OutcomeDelay;
  /** @default NO_OUTCOME_DIRT */
  readonly dirt?: OutcomeDirtOptions;
  /**
   * Every on-time outcome observed at this instant instead of `delay` after its snapshot (a late
   * one up to `LATE_SPAN_DAYS` after it): for requests that were scored just now, whose outcomes
   * must come after the predictions to join them.
   * @default - each outcome `delay` after its customer's snapshot
   */
  readonly observedAt?: Date;
}

/** The first `event_time` when none is given. */
const DEFAULT_START = new Date('2026-01-01T00:00:00Z');

/**
 * Random streams of one seed: the customers, the dirt, the drift, and the outcomes' timing and
 * dirt. Each concern draws from its own, so asking for one never moves another's draws.
 */
const CUSTOMER_STREAM = 0;
const DIRT_STREAM = 1;
const DRIFT_STREAM = 2;
const OUTCOME_STREAM = 3;
const OUTCOME_DIRT_STREAM = 4;

/**
 * The first `count` customers of a seed. With the same `seed`, `start` and `drift`, they are the
 * customers behind `generateWireRecords` and `generateOutcomes`, in order.
 */
export function generateCustomers(options: CustomerOptions): Customer[] {
  const stream = customers(options);
  const list: Customer[] = [];
  for (let i = 0; i < options.count; i++) {
    list.push(stream.next().value);
  }
  return list;
}

/**
 * `count` wire records, lazily (ten million records need no memory): each customer's record with
 * the requested dirt, duplicates emitted right after their original. Options are checked at the
 * call, not at the first `next()`.
 */
export function generateWireRecords(options: GenerateOptions): Generator<WireRecord> {
  checkCount(options.count);
  const dirt = options.dirt ?? NO_DIRT;
  checkDirt(dirt);
  return dirtyWireRecords(customers(options), options.count, dirt, new Random(options.seed, DIRT_STREAM));
}

/**
 * The outcomes of the first `count` customers of the options (the customers `generateCustomers`
 * gives for the same seed, start and drift), lazily: each one's true churn, the value its
 * training label carries, observed after the delay, with the requested outcome dirt. Options are
 * checked at the call.
 */
export function generateOutcomes(options: OutcomeOptions): Generator<OutcomeWireRecord> {
  const delay = options.delay ?? DEFAULT_OUTCOME_DELAY;
  const dirt = options.dirt ?? NO_OUTCOME_DIRT;
  checkOutcomeDelay(delay);
  checkOutcomeDirt(dirt);
  if (options.observedAt !== undefined && Number.isNaN(options.observedAt.getTime())) {
    throw new RangeError('observedAt must be a valid Date; received an invalid Date');
  }
  return outcomeWireRecords(
    customers(options),
    options.count,
    delay,
    dirt,
    new Random(options.seed, OUTCOME_STREAM),
    new Random(options.seed, OUTCOME_DIRT_STREAM),
    options.observedAt,
  );
}

/** The infinite customer stream of the options, which are checked here. */
function customers(options: CustomerOptions): Generator<Customer, never> {
  checkCount(options.count);
  const start = startOf(options.start);
  const rng = new Random(options.seed, CUSTOMER_STREAM);
  if (options.drift === undefined) {
    return customerStream(rng, start);
  }
  checkDrift(options.drift);
  return customerStream(rng, start, { options: options.drift, rng: new Random(options.seed, DRIFT_STREAM) });
}

function startOf(start: Date | undefined): Date {
  const date = start ?? DEFAULT_START;
  if (Number.isNaN(date.getTime())) {
    throw new RangeError('start must be a valid Date; received an invalid Date');
  }
  return date;
}

function checkCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`count must be a non-negative integer; received ${count}`);
  }
}
