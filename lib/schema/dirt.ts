/**
 * The dirt a real feed has, applied to canonical customer records: spellings, missing values,
 * numbers as text, stray whitespace, duplicates and records beyond cleaning.
 *
 * The schema (`lib/schema/churn.ts`) is the source of every spelling and missing-value form, so
 * all dirt but the malformed records is dirt the cleaner can undo.
 */
import { BOOLEAN_SPELLINGS, CHURN_FIELDS, type FieldSpec } from './churn';
import type { Customer } from './customer-model';
import type { Random } from './random';
import type { WireRecord } from './wire';

/** Probability (0..1) of each kind of dirt, applied independently per record or per field as stated. */
export interface DirtOptions {
  /**
   * Per category or boolean field (when not missing): a non-canonical spelling that still cleans:
   * a case variant of the canonical value or of one of its schema synonyms (gender `F`, `Female`,
   * `WOMAN`; state `ca`), or a string from `BOOLEAN_SPELLINGS` in any case (`yes`, `Y`, `1`,
   * `True`, `no`). `area_code` has no other spelling, so it is never misspelt.
   */
  readonly spelling: number;
  /**
   * Per optional field (the label included): the value is written as one of `""`, `"NA"`,
   * `"null"`, `"?"`, `"N/A"`, JSON `null`, or the key is absent.
   */
  readonly missing: number;
  /** Per numeric field (when not missing): the number written as a JSON string (`"12.5"`). */
  readonly numberAsString: number;
  /**
   * Per optional field whose value is a JSON string by now (categories, boolean and number
   * spellings, missing-value strings): stray leading and/or trailing spaces or tabs. The required
   * `customer_id` and `event_time` are left unpadded (the cleaner would trim them like any value).
   */
  readonly whitespace: number;
  /** Per record: the same wire record is emitted again right after (identical text). */
  readonly duplicate: number;
  /**
   * Per record: the record is not cleanable: truncated JSON, JSON that is not an object, a
   * required field missing or invalid (`customer_id` with a space, `event_time` `"yesterday"`),
   * a number out of its schema range (age 300), or not JSON at all.
   */
  readonly malformed: number;
}

/** No dirt: every record is canonical. */
export const NO_DIRT: DirtOptions = {
  spelling: 0,
  missing: 0,
  numberAsString: 0,
  whitespace: 0,
  duplicate: 0,
  malformed: 0,
};

/** Dirt at rates a real feed might have. */
export const DEFAULT_DIRT: DirtOptions = {
  spelling: 0.1,
  missing: 0.03,
  numberAsString: 0.05,
  whitespace: 0.05,
  duplicate: 0.01,
  malformed: 0.01,
};

/** Throws unless every kind of dirt in `dirt` is a probability. */
export function checkDirt(dirt: DirtOptions): void {
  for (const kind of Object.keys(NO_DIRT) as (keyof DirtOptions)[]) {
    const p: unknown = dirt[kind];
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(`dirt.${kind} must be a probability in [0, 1]; received ${String(p)}`);
    }
  }
}

type WireValue = string | number | boolean | null;

/** Marks a field left out of the JSON object. */
const ABSENT: unique symbol = Symbol('absent');

/** How a missing optional value is written. */
const MISSING_FORMS: readonly (WireValue | typeof ABSENT)[] = ['', 'NA', 'null', '?', 'N/A', null, ABSENT];

/** Stray whitespace: one of these before, after, or both. */
const PADDING = [' ', '  ', '\t', ' \t'] as const;

/** Values of `event_time` no cleaner can read. */
const BAD_TIMESTAMPS = ['yesterday', 'tomorrow', 'soon', 'last Tuesday'] as const;

/** Ways a record can be beyond cleaning. */
const MALFORMED_KINDS = [
  'truncated',
  'notObject',
  'requiredMissing',
  'requiredInvalid',
  'outOfRange',
  'notJson',
] as const;

/** The lower-case, upper-case and capitalised forms of `s`, without repeats. */
function caseVariants(s: string): string[] {
  const lower = s.toLowerCase();
  return [...new Set([lower, s.toUpperCase(), lower.charAt(0).toUpperCase() + lower.slice(1)])];
}

/**
 * For each category field, each canonical value's non-canonical spellings: case variants of the
 * value and of its schema synonyms.
 */
const CATEGORY_SPELLINGS: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>> = new Map(
  CHURN_FIELDS.filter((f) => f.type === 'category').map((f) => [
    f.name,
    new Map(
      (f.values ?? []).map((canonical) => {
        const synonyms = Object.entries(f.synonyms ?? {})
          .filter(([, target]) => target === canonical)
          .map(([spelling]) => spelling);
        const spellings = [...new Set([canonical, ...synonyms].flatMap(caseVariants))];
        return [canonical, spellings.filter((s) => s !== canonical)];
      }),
    ),
  ]),
);

/** For true and false, every `BOOLEAN_SPELLINGS` string that means it, in several cases. */
const BOOLEAN_STRINGS: ReadonlyMap<boolean, readonly string[]> = new Map(
  [true, false].map((b) => [
    b,
    [
      ...new Set(
        Object.entries(BOOLEAN_SPELLINGS)
          .filter(([, value]) => value === b)
          .flatMap(([spelling]) => caseVariants(spelling)),
      ),
    ],
  ]),
);

/**
 * `count` wire records of the customers, lazily: each customer's record with the requested dirt
 * (drawn from `rng`), duplicates emitted right after their original.
 */
export function* dirtyWireRecords(
  customers: Generator<Customer, never>,
  count: number,
  dirt: DirtOptions,
  rng: Random,
): Generator<WireRecord> {
  let emitted = 0;
  while (emitted < count) {
    const wire = dirtyRecord(customers.next().value.record, dirt, rng);
    yield wire;
    emitted++;
    if (emitted < count && rng.chance(dirt.duplicate)) {
      yield wire;
      emitted++;
    }
  }
}

/** The wire record of a canonical record, with dirt. */
function dirtyRecord(record: Customer['record'], dirt: DirtOptions, rng: Random): WireRecord {
  const customerId = String(record.customer_id);
  if (rng.chance(dirt.malformed)) {
    return malformedRecord(record, customerId, dirt, rng);
  }
  const fields = dirtyFields(record, dirt, rng);
  return { customerId, text: JSON.stringify(fields), fields, malformed: false };
}

/** The record's fields as written, in schema order, with cleanable dirt. */
function dirtyFields(record: Customer['record'], dirt: DirtOptions, rng: Random): Record<string, WireValue> {
  const fields: Record<string, WireValue> = {};
  for (const spec of CHURN_FIELDS) {
    const value = dirtyValue(spec, record[spec.name] ?? null, dirt, rng);
    if (value !== ABSENT) {
      fields[spec.name] = value;
    }
  }
  return fields;
}

function dirtyValue(spec: FieldSpec, value: WireValue, dirt: DirtOptions, rng: Random): WireValue | typeof ABSENT {
  if (spec.required) {
    return value;
  }
  let written: WireValue | typeof ABSENT = value;
  if (rng.chance(dirt.missing)) {
    written = rng.pick(MISSING_FORMS);
  } else if (spec.type === 'category' && typeof value === 'string') {
    const spellings = CATEGORY_SPELLINGS.get(spec.name)?.get(value) ?? [];
    if (spellings.length > 0 && rng.chance(dirt.spelling)) {
      written = rng.pick(spellings);
    }
  } else if (spec.type === 'boolean' && typeof value === 'boolean') {
    if (rng.chance(dirt.spelling)) {
      written = rng.pick(BOOLEAN_STRINGS.get(value) ?? []);
    }
  } else if ((spec.type === 'integer' || spec.type === 'double') && typeof value === 'number') {
    if (rng.chance(dirt.numberAsString)) {
      written = String(value);
    }
  }
  return typeof written === 'string' && rng.chance(dirt.whitespace) ? pad(written, rng) : written;
}

function pad(s: string, rng: Random): string {
  switch (rng.int(0, 2)) {
    case 0:
      return rng.pick(PADDING) + s;
    case 1:
      return s + rng.pick(PADDING);
    default:
      return rng.pick(PADDING) + s + rng.pick(PADDING);
  }
}

/** A record the cleaner must reject, built from the record (with its other dirt where it is still an object). */
function malformedRecord(record: Customer['record'], customerId: string, dirt: DirtOptions, rng: Random): WireRecord {
  const fields = dirtyFields(record, dirt, rng);
  const json = JSON.stringify(fields);
  const broken = (text: string): WireRecord => ({ customerId, text, malformed: true });
  const object = (changed: Record<string, unknown>): WireRecord => ({
    customerId,
    text: JSON.stringify(changed),
    fields: changed,
    malformed: true,
  });

  switch (rng.pick(MALFORMED_KINDS)) {
    case 'truncated':
      return broken(json.slice(0, rng.int(1, json.length - 1)));
    case 'notObject':
      return broken(rng.pick([`[${json}]`, JSON.stringify(json), 'null', String(rng.int(0, 999)), 'true']));
    case 'requiredMissing': {
      const spec = rng.pick(CHURN_FIELDS.filter((f) => f.required));
      const form = rng.pick(MISSING_FORMS);
      return object(withValue(fields, spec.name, form));
    }
    case 'requiredInvalid': {
      const spec = rng.pick(CHURN_FIELDS.filter((f) => f.required));
      return object(withValue(fields, spec.name, invalidValue(spec, String(record[spec.name]), rng)));
    }
    case 'outOfRange': {
      const spec = rng.pick(
        CHURN_FIELDS.filter((f) => (f.type === 'integer' || f.type === 'double') && f.max !== undefined),
      );
      const max = spec.max ?? 0;
      const value = rng.chance(0.5) ? max + rng.int(1, Math.max(1, max)) : (spec.min ?? 0) - rng.int(1, 100);
      return object(withValue(fields, spec.name, value));
    }
    case 'notJson': {
      const state = String(record.state);
      const values = CHURN_FIELDS.map((f) => String(record[f.name]));
      return broken(
        rng.pick([
          `customer_id=${customerId}&state=${state}`,
          values.join(','),
          `<record customer_id="${customerId}" state="${state}"/>`,
          `${customerId}\t${state}`,
        ]),
      );
    }
  }
}

/** A value of required field `spec` that no cleaner should accept. */
function invalidValue(spec: FieldSpec, valid: string, rng: Random): string {
  switch (spec.type) {
    case 'timestamp':
      return rng.pick(BAD_TIMESTAMPS);
    case 'string':
      // A space, a '#', or too long: none matches an id pattern.
      return rng.pick([`${valid} ${valid}`, `${valid}#`, 'x'.repeat(65)]);
    default:
      throw new Error(`no invalid value is defined for required field ${spec.name} of type ${spec.type}`);
  }
}

/** A copy of `fields`, still in schema order, with `name` set to `value` (or left out for ABSENT). */
function withValue(
  fields: Readonly<Record<string, WireValue>>,
  name: string,
  value: WireValue | typeof ABSENT,
): Record<string, WireValue> {
  const copy: Record<string, WireValue> = {};
  for (const spec of CHURN_FIELDS) {
    if (spec.name === name) {
      if (value !== ABSENT) {
        copy[name] = value;
      }
    } else if (Object.hasOwn(fields, spec.name)) {
      copy[spec.name] = fields[spec.name] ?? null;
    }
  }
  return copy;
}
