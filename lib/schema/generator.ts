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
 * The parts live beside this file: the customer model (`customer-model.ts`), the dirt (`dirt.ts`)
 * and the wire formats (`wire.ts`); this file ties them to a seed.
 */
import { type Customer, customerStream } from './customer-model';
import { checkDirt, type DirtOptions, dirtyWireRecords, NO_DIRT } from './dirt';
import { Random } from './random';
import type { WireRecord } from './wire';

/** What `generateWireRecords` emits. */
export interface GenerateOptions {
  /** Any safe integer. The same seed and options give byte-identical output. */
  readonly seed: number;
  /** Number of wire records emitted in total (duplicates count). */
  readonly count: number;
  /**
   * `event_time` of the first record; each later customer's is 1 to 10 seconds after the
   * previous one's.
   * @default 2026-01-01T00:00:00Z
   */
  readonly start?: Date;
  /** @default NO_DIRT */
  readonly dirt?: DirtOptions;
}

/** The first `event_time` when none is given. */
const DEFAULT_START = new Date('2026-01-01T00:00:00Z');

/** Random streams of one seed: one for the customers, one for the dirt. */
const CUSTOMER_STREAM = 0;
const DIRT_STREAM = 1;

/**
 * The first `count` customers of a seed. With the same `seed` and `start`, they are the customers
 * behind `generateWireRecords`, in order.
 */
export function generateCustomers(options: {
  readonly seed: number;
  readonly count: number;
  readonly start?: Date;
}): Customer[] {
  checkCount(options.count);
  const stream = customerStream(new Random(options.seed, CUSTOMER_STREAM), startOf(options.start));
  const customers: Customer[] = [];
  for (let i = 0; i < options.count; i++) {
    customers.push(stream.next().value);
  }
  return customers;
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
  return dirtyWireRecords(
    customerStream(new Random(options.seed, CUSTOMER_STREAM), startOf(options.start)),
    options.count,
    dirt,
    new Random(options.seed, DIRT_STREAM),
  );
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
