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
 * The schema (`lib/schema/churn.ts`) is the source of every field name, type, range, canonical
 * value and spelling used here.
 */
import { BOOLEAN_SPELLINGS, CHURN_FIELDS, type FieldSpec, FIELDS_BY_NAME, LABEL_FIELD, US_STATES } from './churn';
import { Random } from './random';

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

/**
 * One record as it travels: the exact text sent to Kinesis (one JSON object, no trailing newline)
 * and, unless it is malformed beyond CSV, its field values as written.
 */
export interface WireRecord {
  /** Kinesis partition key: the customer's id, for malformed records too. */
  readonly customerId: string;
  /** What the producer sends. */
  readonly text: string;
  /**
   * The (possibly dirty) values by schema column name, in schema order, for CSV output; a key
   * is absent where the JSON lacks it. Absent when the text is not a JSON object.
   */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** True when the cleaner should reject the record. */
  readonly malformed: boolean;
}

/**
 * A customer snapshot in canonical form (every `CHURN_FIELDS` name in schema order, null where
 * absent) and the true churn probability its label was drawn from.
 */
export interface Customer {
  readonly record: Readonly<Record<string, string | number | boolean | null>>;
  /**
   * The probability the label was drawn with: a logistic function of the features (steeply up
   * from four customer-service calls, up with the international plan and the total charge, down
   * with the voice-mail plan) plus a per-customer noise term for what the features do not show.
   */
  readonly churnProbability: number;
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
  const stream = customerStream(options.seed, startOf(options.start));
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
  for (const kind of Object.keys(NO_DIRT) as (keyof DirtOptions)[]) {
    const p: unknown = dirt[kind];
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new RangeError(`dirt.${kind} must be a probability in [0, 1]; received ${String(p)}`);
    }
  }
  return wireRecords(
    customerStream(options.seed, startOf(options.start)),
    options.count,
    dirt,
    new Random(options.seed, DIRT_STREAM),
  );
}

/**
 * CSV lines, each ending with `\n`: first the header (the `CHURN_FIELDS` names in order), then one
 * line per record with RFC 4180 quoting (a cell is quoted when it holds a comma, a quote, a line
 * break or leading/trailing whitespace). Absent and null values are empty cells. A record without
 * `fields` becomes a single quoted cell holding its text: a line with the wrong number of columns.
 */
export function* toCsvLines(records: Iterable<WireRecord>): Generator<string> {
  yield `${CHURN_FIELDS.map((f) => csvCell(f.name)).join(',')}\n`;
  for (const record of records) {
    const fields = record.fields;
    yield fields === undefined
      ? `${csvCell(record.text)}\n`
      : `${CHURN_FIELDS.map((f) => csvCell(cellText(fields[f.name]))).join(',')}\n`;
  }
}

// ---------------------------------------------------------------------------------------------
// Customers

/**
 * Coefficients of the churn model. The logit rises steeply once a customer has called customer
 * service four times or more, with the international plan and with the total charge (mostly day
 * minutes), and falls with the voice-mail plan, as in the classic data. `INTERCEPT` sets the base
 * rate near 14%; `NOISE_SD` is the spread of what the features do not explain.
 */
const CHURN_MODEL = {
  INTERCEPT: -3.2,
  SERVICE_CALLS_4_PLUS: 2.8,
  PER_SERVICE_CALL: 0.15,
  INTERNATIONAL_PLAN: 2.2,
  VOICE_MAIL_PLAN: -1.1,
  /** Per USD of total charge above the typical 59 USD. */
  PER_CHARGE_USD: 0.14,
  NOISE_SD: 0.5,
} as const;

/** Customer-service calls 0..9, weighted as in the classic data (3,333 customers). */
const SERVICE_CALL_WEIGHTS = [697, 1181, 759, 429, 166, 66, 22, 9, 2, 2] as const;

/** Gender weights by canonical value. */
const GENDER_WEIGHTS: Readonly<Record<string, number>> = { female: 49, male: 49, other: 2 };

/** Area codes as in the classic data: 415 about half, the others a quarter each. */
const AREA_CODE_WEIGHTS: Readonly<Record<string, number>> = { '408': 25, '415': 50, '510': 25 };

/** Per-minute tariffs, in USD, by usage prefix. */
const RATES = { day: 0.17, evening: 0.085, night: 0.045, international: 0.27 } as const;

/** The infinite, deterministic sequence of customers of a seed. */
function* customerStream(seed: number, start: Date): Generator<Customer, never> {
  const rng = new Random(seed, CUSTOMER_STREAM);
  let time = start.getTime();
  for (let n = 1; ; n++) {
    yield drawCustomer(rng, n, new Date(time));
    time += rng.int(1, 10) * 1000;
  }
}

/** Customer number `n`, its snapshot taken at `time`. */
function drawCustomer(rng: Random, n: number, time: Date): Customer {
  const state = rng.pick(US_STATES);
  const accountLength = integerIn('account_length', rng.normal(101, 40), 1);
  const areaCode = pickWeighted(rng, 'area_code', AREA_CODE_WEIGHTS);
  const internationalPlan = rng.chance(0.097);
  const voiceMailPlan = rng.chance(0.277);
  const voiceMailMessages = voiceMailPlan ? integerIn('voice_mail_messages', rng.normal(29, 8), 1) : 0;
  const day = drawUsage(rng, 'day', 180, 54, () => rng.normal(100, 20));
  const evening = drawUsage(rng, 'evening', 200, 50, () => rng.normal(100, 20));
  const night = drawUsage(rng, 'night', 200, 50, () => rng.normal(100, 20));
  const international = drawUsage(rng, 'international', 10, 2.8, () => rng.poisson(4.5));
  const serviceCalls = rng.weighted(SERVICE_CALL_WEIGHTS);
  const gender = pickWeighted(rng, 'gender', GENDER_WEIGHTS);
  const age = integerIn('age', 18 + rng.erlang(3, 9), 18, 90);

  const totalCharge = day.charge + evening.charge + night.charge + international.charge;
  const logit =
    churnLogit({ serviceCalls, internationalPlan, voiceMailPlan, totalCharge }) + rng.normal(0, CHURN_MODEL.NOISE_SD);
  const churnProbability = 1 / (1 + Math.exp(-logit));
  const churn = rng.chance(churnProbability);

  const values: Record<string, string | number | boolean> = {
    customer_id: `C${String(n).padStart(7, '0')}`,
    event_time: time.toISOString(),
    state,
    account_length: accountLength,
    area_code: areaCode,
    international_plan: internationalPlan,
    voice_mail_plan: voiceMailPlan,
    voice_mail_messages: voiceMailMessages,
    ...usageFields('day', day),
    ...usageFields('evening', evening),
    ...usageFields('night', night),
    ...usageFields('international', international),
    customer_service_calls: serviceCalls,
    gender,
    age,
    [LABEL_FIELD.name]: churn,
  };
  return { record: inSchemaOrder(values), churnProbability };
}

/** The churn model's logit without its noise term. */
function churnLogit(c: {
  readonly serviceCalls: number;
  readonly internationalPlan: boolean;
  readonly voiceMailPlan: boolean;
  readonly totalCharge: number;
}): number {
  const m = CHURN_MODEL;
  return (
    m.INTERCEPT +
    (c.serviceCalls >= 4 ? m.SERVICE_CALLS_4_PLUS : 0) +
    m.PER_SERVICE_CALL * c.serviceCalls +
    (c.internationalPlan ? m.INTERNATIONAL_PLAN : 0) +
    (c.voiceMailPlan ? m.VOICE_MAIL_PLAN : 0) +
    m.PER_CHARGE_USD * (c.totalCharge - 59)
  );
}

interface Usage {
  readonly minutes: number;
  readonly calls: number;
  readonly charge: number;
}

/** Minutes (normal, to 0.1), calls and charge (minutes × tariff, to the cent) of one time of day. */
function drawUsage(rng: Random, prefix: keyof typeof RATES, mean: number, sd: number, calls: () => number): Usage {
  const minutes = Math.round(clampTo(`${prefix}_minutes`, rng.normal(mean, sd)) * 10) / 10;
  return {
    minutes,
    calls: integerIn(`${prefix}_calls`, calls()),
    charge: Math.round(clampTo(`${prefix}_charge`, minutes * RATES[prefix]) * 100) / 100,
  };
}

function usageFields(prefix: string, usage: Usage): Record<string, number> {
  return {
    [`${prefix}_minutes`]: usage.minutes,
    [`${prefix}_calls`]: usage.calls,
    [`${prefix}_charge`]: usage.charge,
  };
}

/** `x` clamped to the schema range of field `name`, and to [lo, hi] when given. */
function clampTo(name: string, x: number, lo = -Infinity, hi = Infinity): number {
  const spec = fieldSpec(name);
  return Math.min(spec.max ?? Infinity, hi, Math.max(spec.min ?? -Infinity, lo, x));
}

/** `x` rounded and clamped to the schema range of integer field `name` (and to [lo, hi]). */
function integerIn(name: string, x: number, lo = -Infinity, hi = Infinity): number {
  return clampTo(name, Math.round(x), lo, hi);
}

/** A canonical value of category field `name`, drawn with the given weights (0 when unlisted). */
function pickWeighted(rng: Random, name: string, weights: Readonly<Record<string, number>>): string {
  const values = fieldSpec(name).values ?? [];
  const value = values[rng.weighted(values.map((v) => weights[v] ?? 0))];
  if (value === undefined) {
    throw new Error(`the schema gives field ${name} no values`);
  }
  return value;
}

function fieldSpec(name: string): FieldSpec {
  const spec = FIELDS_BY_NAME.get(name);
  if (spec === undefined) {
    throw new Error(`the churn schema has no field ${name}`);
  }
  return spec;
}

/** The values keyed in schema order; fails loudly if the schema and the generator disagree on the fields. */
function inSchemaOrder(
  values: Readonly<Record<string, string | number | boolean>>,
): Record<string, string | number | boolean> {
  const extra = Object.keys(values).filter((name) => !FIELDS_BY_NAME.has(name));
  const lacking = CHURN_FIELDS.filter((f) => values[f.name] === undefined).map((f) => f.name);
  if (extra.length > 0 || lacking.length > 0) {
    throw new Error(
      `the generator and the churn schema disagree: not in the schema: [${extra.join(', ')}]; not generated: [${lacking.join(', ')}]`,
    );
  }
  return Object.fromEntries(CHURN_FIELDS.map((f) => [f.name, values[f.name] as string | number | boolean]));
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

// ---------------------------------------------------------------------------------------------
// Dirt

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

function* wireRecords(
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

function cellText(value: unknown): string {
  if (value === undefined || value === null) {
    return '';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value);
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}
