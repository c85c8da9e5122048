/**
 * Outcomes of synthetic customers: each customer's true churn (the value its training label
 * carries), observed some days after its snapshot, with the dirt an outcome feed has (late,
 * duplicate, for a customer nobody scored, beyond validation), as wire records.
 *
 * The outcome schema (`outcome.ts`) is the source of every field name.
 */
import { LABEL_FIELD } from './churn';
import type { Customer } from './customer-model';
import { OUTCOME_FIELDS, type OutcomeRecord } from './outcome';
import type { Random } from './random';
import type { WireRecord } from './wire';

/** How long after a customer's `event_time` its outcome is observed: uniform, to the second. */
export interface OutcomeDelay {
  /** At least 0. */
  readonly minDays: number;
  /** At least `minDays`, at most 3650. */
  readonly maxDays: number;
}

/** Outcomes are known a month to six weeks after the snapshot: a billing cycle and its grace. */
export const DEFAULT_OUTCOME_DELAY: OutcomeDelay = { minDays: 30, maxDays: 45 };

/** A late outcome comes up to this many days after the delay's end. */
export const LATE_SPAN_DAYS = 30;

/** Probability (0..1) of each kind of outcome dirt, per customer. */
export interface OutcomeDirtOptions {
  /** Observed after `maxDays` (by up to `LATE_SPAN_DAYS`): the join must still count it. */
  readonly late: number;
  /** A well-formed outcome is sent again right after (identical text). */
  readonly duplicate: number;
  /**
   * An extra, well-formed outcome follows for a customer no generated record has (`X0000001`,
   * `X0000002`, …: never a `C` id), which the join cannot match.
   */
  readonly unknownCustomer: number;
  /**
   * The customer's outcome is beyond validation: truncated JSON, not an object, not JSON, or a
   * field missing or invalid (`customer_id` with a space, `observed_at` `"yesterday"`,
   * `churned` `"maybe"`).
   */
  readonly malformed: number;
}

/** No dirt: one on-time, well-formed outcome per customer. */
export const NO_OUTCOME_DIRT: OutcomeDirtOptions = { late: 0, duplicate: 0, unknownCustomer: 0, malformed: 0 };

/** Dirt at rates a real outcome feed might have. */
export const DEFAULT_OUTCOME_DIRT: OutcomeDirtOptions = {
  late: 0.05,
  duplicate: 0.01,
  unknownCustomer: 0.01,
  malformed: 0.01,
};

/** An outcome as it travels, with what it is, so tests can count what a join should find. */
export interface OutcomeWireRecord extends WireRecord {
  /**
   * `outcome`: the customer's own (one per customer); `duplicate`: the one before it again;
   * `unknownCustomer`: for a customer no generated record has.
   */
  readonly kind: 'outcome' | 'duplicate' | 'unknownCustomer';
  /** Observed after the delay's end (a duplicate is as late as its original). */
  readonly late: boolean;
}

/** Throws unless the delay is a valid range of days. */
export function checkOutcomeDelay(delay: unknown): asserts delay is OutcomeDelay {
  const d = (typeof delay === 'object' && delay !== null ? delay : {}) as Record<string, unknown>;
  const { minDays, maxDays } = d;
  if (!(typeof minDays === 'number' && minDays >= 0 && minDays <= 3650)) {
    throw new RangeError(`delay.minDays must be a number of days in [0, 3650]; received ${String(minDays)}`);
  }
  if (!(typeof maxDays === 'number' && maxDays >= minDays && maxDays <= 3650)) {
    throw new RangeError(
      `delay.maxDays must be a number of days in [delay.minDays (${minDays}), 3650]; received ${String(maxDays)}`,
    );
  }
}

/** Throws unless every kind of outcome dirt is a probability. */
export function checkOutcomeDirt(dirt: unknown): asserts dirt is OutcomeDirtOptions {
  const d = (typeof dirt === 'object' && dirt !== null ? dirt : {}) as Record<string, unknown>;
  for (const kind of Object.keys(NO_OUTCOME_DIRT)) {
    const p = d[kind];
    if (!(typeof p === 'number' && p >= 0 && p <= 1)) {
      throw new RangeError(`outcomeDirt.${kind} must be a probability in [0, 1]; received ${String(p)}`);
    }
  }
}

/** The true outcome of a customer, observed at `observedAt`: its label's value, never dirtied. */
export function outcomeOf(customer: Customer, observedAt: Date): OutcomeRecord {
  const churned = customer.record[LABEL_FIELD.name];
  if (typeof churned !== 'boolean') {
    throw new Error(`customer ${String(customer.record.customer_id)} has no drawn label: ${String(churned)}`);
  }
  return {
    customer_id: String(customer.record.customer_id),
    observed_at: observedAt.toISOString(),
    churned,
  };
}

const DAY_SECONDS = 86_400;

/**
 * The outcomes of `count` customers, lazily, in the customers' order (so `observed_at` is not
 * monotone: a consumer wanting arrival order sorts). Timing comes from `timing`, dirt from
 * `dirtRng`, so the same seed gives the same on-time outcomes whatever dirt is asked for. With
 * `observedAt`, every on-time outcome is observed then, and a late one up to `LATE_SPAN_DAYS` after.
 */
export function* outcomeWireRecords(
  customers: Generator<Customer, never>,
  count: number,
  delay: OutcomeDelay,
  dirt: OutcomeDirtOptions,
  timing: Random,
  dirtRng: Random,
  observedAt?: Date,
): Generator<OutcomeWireRecord> {
  const minSeconds = Math.round(delay.minDays * DAY_SECONDS);
  const maxSeconds = Math.round(delay.maxDays * DAY_SECONDS);
  let unknown = 0;
  for (let i = 0; i < count; i++) {
    const customer = customers.next().value;
    const eventTime = Date.parse(String(customer.record.event_time));
    // Both draws every time, so the dirt asked for never moves a later outcome's timing.
    const onTime = timing.int(minSeconds, maxSeconds);
    const lateBy = timing.int(1, LATE_SPAN_DAYS * DAY_SECONDS);
    const late = dirtRng.chance(dirt.late);
    const observed =
      observedAt === undefined
        ? new Date(eventTime + (late ? maxSeconds + lateBy : onTime) * 1000)
        : new Date(observedAt.getTime() + (late ? lateBy * 1000 : 0));
    const outcome = outcomeOf(customer, observed);

    const wire = dirtRng.chance(dirt.malformed)
      ? { ...malformedOutcome(outcome, dirtRng), kind: 'outcome' as const, late }
      : { ...wellFormed(outcome), kind: 'outcome' as const, late };
    yield wire;
    if (!wire.malformed && dirtRng.chance(dirt.duplicate)) {
      yield { ...wire, kind: 'duplicate' };
    }
    if (dirtRng.chance(dirt.unknownCustomer)) {
      unknown++;
      const stranger: OutcomeRecord = {
        customer_id: `X${String(unknown).padStart(7, '0')}`,
        observed_at: (observedAt ?? new Date(eventTime + onTime * 1000)).toISOString(),
        churned: dirtRng.chance(0.5),
      };
      yield { ...wellFormed(stranger), kind: 'unknownCustomer', late: false };
    }
  }
}

function wellFormed(outcome: OutcomeRecord): WireRecord {
  const fields = inOrder(outcome);
  return { customerId: outcome.customer_id, text: JSON.stringify(fields), fields, malformed: false };
}

/** The outcome's fields in schema order. */
function inOrder(outcome: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(
    OUTCOME_FIELDS.filter((f) => Object.hasOwn(outcome, f.name)).map((f) => [f.name, outcome[f.name]]),
  );
}

const MALFORMED_KINDS = ['truncated', 'notObject', 'notJson', 'fieldMissing', 'fieldInvalid'] as const;

/**
 * Values no validator should accept, by field, in JSON and as CSV cells alike (so no number as
 * the id: its digits would make a valid id in a CSV cell).
 */
const INVALID_VALUES: Readonly<Record<string, readonly unknown[]>> = {
  customer_id: ['C 1', 'C0000001#', 'x'.repeat(65)],
  observed_at: ['yesterday', 'soon', '2026-02-30T00:00:00Z', 1767225600],
  churned: ['maybe', 'churned', 2, -1],
};

/** How a missing value is written (undefined: the key is absent). */
const MISSING_FORMS: readonly unknown[] = ['', 'NA', 'null', '?', 'N/A', null, undefined];

/** An outcome the validator must reject, built from the true one. */
function malformedOutcome(outcome: OutcomeRecord, rng: Random): WireRecord {
  const customerId = outcome.customer_id;
  const json = JSON.stringify(inOrder(outcome));
  const broken = (text: string): WireRecord => ({ customerId, text, malformed: true });
  const object = (name: string, value: unknown): WireRecord => {
    const changed: Record<string, unknown> = { ...outcome, [name]: value };
    if (value === undefined) {
      delete changed[name];
    }
    const fields = inOrder(changed);
    return { customerId, text: JSON.stringify(fields), fields, malformed: true };
  };
  switch (rng.pick(MALFORMED_KINDS)) {
    case 'truncated':
      return broken(json.slice(0, rng.int(1, json.length - 1)));
    case 'notObject':
      return broken(rng.pick([`[${json}]`, JSON.stringify(json), 'null', 'true']));
    case 'notJson':
      return broken(
        rng.pick([
          `customer_id=${customerId}&churned=${outcome.churned}`,
          `<outcome customer_id="${customerId}"/>`,
          `${customerId}\t${outcome.churned}`,
        ]),
      );
    case 'fieldMissing': {
      const field = rng.pick(OUTCOME_FIELDS);
      return object(field.name, rng.pick(MISSING_FORMS));
    }
    case 'fieldInvalid': {
      const field = rng.pick(OUTCOME_FIELDS);
      return object(field.name, rng.pick(INVALID_VALUES[field.name] ?? []));
    }
  }
}
