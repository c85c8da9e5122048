/**
 * The pure logic of the Firehose data-transformation function that cleans churn records on their
 * way from Kinesis to the raw zone: one JSON object per record in, one JSON line per record out,
 * every value in its canonical form, per `lib/schema/churn.ts`.
 *
 * The function keeps Firehose's contract whatever the records hold: as many results as records,
 * same ids, same order; a record that cannot be cleaned comes back `ProcessingFailed` with its
 * original bytes, so Firehose keeps it under the error prefix; nothing is ever `Dropped`; and the
 * response stays within Lambda's 6 MB response limit.
 *
 * Everything the cleaner needs from the schema (the field list, lower-cased spellings, the output
 * object's layout) is computed once, when the module loads; per record it parses, reads each schema
 * field once, and serialises one object.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import type {
  FirehoseTransformationEvent,
  FirehoseTransformationEventRecord,
  FirehoseTransformationResult,
  FirehoseTransformationResultRecord,
} from 'aws-lambda';
import {
  BOOLEAN_SPELLINGS,
  CHURN_FIELDS,
  EVENT_DATE_PARTITION,
  EVENT_TIME_YEARS,
  type FieldSpec,
  INGEST_FIELDS,
  MISSING_VALUE_SPELLINGS,
  UNKNOWN_FIELDS,
} from '../../lib/schema/churn';
import { FieldRejectReason } from '../../lib/contracts/reject-reasons';

/** Lambda's limit on a synchronous response: 6 MB of JSON (6,291,456 bytes). */
export const RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

/** The column that carries the fields the schema does not know, as a JSON-encoded object. */
export const UNKNOWN_FIELDS_COLUMN = UNKNOWN_FIELDS.name;

/** The oldest and newest years (UTC) an `event_time` may have. */
export const EVENT_YEAR_RANGE = EVENT_TIME_YEARS;

/** Why a record could not be cleaned: short, machine-readable, never containing record content. */
export const FailureReason = {
  /** The bytes are not valid UTF-8. */
  invalidUtf8: 'invalid_utf8',
  /** The text is not JSON. */
  invalidJson: 'invalid_json',
  /** The JSON is not an object (an array, a string, a number, `null` ...). */
  notAnObject: 'not_an_object',
  /**
   * A field the schema does not know holds a value that cannot be carried through unchanged: a
   * number beyond double range (JSON.stringify would write null), or nesting too deep to serialise.
   */
  unknownFieldsUnrepresentable: 'unknown_fields_unrepresentable',
  /** Returning the record cleaned would take the response over Lambda's 6 MB limit. */
  responseBudget: 'response_budget',
  /** A bug in the cleaner; the record is kept, failed, with its original bytes. */
  internalError: 'internal_error',
  /** A required field is absent, null, or spelled as missing (the curate job's reason too). */
  missingRequired: FieldRejectReason.missingRequired,
  /** A field's value is of the wrong type, out of range, or not an allowed value (the curate job's reason too). */
  invalidValue: FieldRejectReason.invalidValue,
} as const;

/** Where and when a record was ingested: the values of the schema's INGEST_FIELDS. */
export interface IngestContext {
  /** When the cleaner ran, ISO 8601 in UTC (`2024-05-01T12:00:00.000Z`). */
  readonly ingestTime: string;
  /** `kinesis:<shardId>:<sequenceNumber>`, or `firehose:<delivery stream name>` for direct puts. */
  readonly ingestSource: string;
}

/** A record cleaned: its JSON line and the UTC date of its event, for the partition key. */
export interface CleanOk {
  readonly ok: true;
  /** One JSON object followed by `\n`. */
  readonly output: string;
  /** `YYYY-MM-DD`, the UTC date of `event_time`. */
  readonly eventDate: string;
}

/** A record that could not be cleaned, and why (one of {@link FailureReason}). */
export interface CleanFailed {
  readonly ok: false;
  readonly reason: string;
}

/** The outcome of cleaning one record. */
export type CleanResult = CleanOk | CleanFailed;

/** What one invocation did, for its single log line. Holds counts only, never record content. */
export interface TransformSummary {
  readonly invocationId: string;
  /** Records received (and returned). */
  readonly records: number;
  /** Records returned `Ok`. */
  readonly ok: number;
  /** Records returned `ProcessingFailed`. */
  readonly processingFailed: number;
  /** Failed records by reason. */
  readonly reasons: Readonly<Record<string, number>>;
  /** Size of the response as JSON, in bytes. */
  readonly responseBytes: number;
}

/** The response to return to Firehose and the summary to log. */
export interface TransformOutcome {
  readonly response: FirehoseTransformationResult;
  readonly summary: TransformSummary;
}

/** Options of {@link transformEvent}. */
export interface TransformOptions {
  /**
   * The largest response, in bytes of JSON.
   * @default RESPONSE_LIMIT_BYTES
   */
  readonly responseLimitBytes?: number;
}

// ---------------------------------------------------------------------------------------------
// Schema, compiled once.

/** A clean value, as it goes into the output record. */
type CleanValue = string | number | boolean;

/** What the cleaner needs of a field, computed once. */
interface CompiledField {
  readonly name: string;
  readonly type: FieldSpec['type'];
  readonly required: boolean;
  readonly missingReason: string;
  readonly invalidReason: string;
  /** Bounds of an integer or double field. */
  readonly min: number;
  readonly max: number;
  /** A stateless copy of the pattern of a string field. */
  readonly pattern: RegExp | undefined;
  /** Every spelling of a category (canonical values as they are and lower-cased, synonyms) → canonical value. */
  readonly spellings: ReadonlyMap<string, string>;
  /** Whether a category's values are all digits, so a JSON number may stand for one (415 → "415"). */
  readonly numericCategory: boolean;
}

const MISSING_SPELLINGS: ReadonlySet<string> = new Set([...MISSING_VALUE_SPELLINGS].map((s) => s.trim().toLowerCase()));
/** Strings longer than this cannot be a missing-value spelling: no need to lower-case them. */
const MAX_MISSING_LENGTH = Math.max(0, ...[...MISSING_SPELLINGS].map((s) => s.length));

const BOOLEANS: ReadonlyMap<string, boolean> = new Map(
  Object.entries(BOOLEAN_SPELLINGS).map(([spelling, value]) => [spelling.trim().toLowerCase(), value]),
);
const MAX_BOOLEAN_LENGTH = Math.max(0, ...[...BOOLEANS.keys()].map((s) => s.length));

/** Decimal notation: optional sign, digits with an optional fraction (or a bare fraction), optional exponent. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function categorySpellings(field: FieldSpec): ReadonlyMap<string, string> {
  const values = field.values ?? [];
  if (field.type === 'category' && values.length === 0) {
    throw new Error(`category field ${field.name} has no values`);
  }
  const spellings = new Map<string, string>();
  for (const value of values) {
    spellings.set(value.toLowerCase(), value);
  }
  for (const [synonym, canonical] of Object.entries(field.synonyms ?? {})) {
    if (!values.includes(canonical)) {
      throw new Error(`synonym "${synonym}" of ${field.name} maps to "${canonical}", which is not one of its values`);
    }
    spellings.set(synonym.trim().toLowerCase(), canonical);
  }
  // The canonical spellings as they are, so the common case is one lookup without lower-casing.
  for (const value of values) {
    spellings.set(value, value);
  }
  return spellings;
}

function compileField(field: FieldSpec): CompiledField {
  if (/^\d+$/.test(field.name)) {
    // An index-like key would be serialised first, out of schema order.
    throw new Error(`field name ${field.name} must not be a number`);
  }
  const pattern = field.pattern;
  const values = field.values ?? [];
  return {
    name: field.name,
    type: field.type,
    required: field.required,
    missingReason: FailureReason.missingRequired(field.name),
    invalidReason: FailureReason.invalidValue(field.name),
    min: field.min ?? -Number.MAX_VALUE,
    max: field.max ?? Number.MAX_VALUE,
    // A global or sticky pattern keeps state between calls; use a stateless copy.
    pattern: pattern === undefined ? undefined : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')),
    spellings: categorySpellings(field),
    numericCategory: values.length > 0 && values.every((v) => /^\d+$/.test(v)),
  };
}

const FIELDS: readonly CompiledField[] = CHURN_FIELDS.map(compileField);
const FIELD_NAMES: ReadonlySet<string> = new Set(FIELDS.map((f) => f.name));

/** The position of the field whose UTC date is the partition key. */
const EVENT_TIME_INDEX = CHURN_FIELDS.findIndex((f) => f.name === 'event_time');
if (FIELDS[EVENT_TIME_INDEX]?.type !== 'timestamp' || FIELDS[EVENT_TIME_INDEX]?.required !== true) {
  throw new Error('the schema must have a required timestamp field event_time: it gives the partition key');
}

function ingestField(name: string): string {
  if (!INGEST_FIELDS.some((f) => f.name === name)) {
    throw new Error(`the schema's INGEST_FIELDS has no ${name}`);
  }
  return name;
}
const INGEST_TIME = ingestField('ingest_time');
const INGEST_SOURCE = ingestField('ingest_source');
for (const name of [UNKNOWN_FIELDS_COLUMN, ...INGEST_FIELDS.map((f) => f.name)]) {
  if (FIELD_NAMES.has(name)) {
    throw new Error(`${name} is both a schema field and a column the cleaner adds`);
  }
}

/**
 * The one object every clean record is written into, then serialised: its keys are the output
 * columns in output order (schema fields, unknown_fields, ingest fields), set once here, so every
 * record fills the same fast object and JSON.stringify leaves out the ones set to undefined. Built
 * by JSON.parse, which gives it a fast, in-object layout. The cleaner sets every key before each
 * serialisation, and only these keys: no key from a record can reach a setter such as __proto__.
 */
const OUTPUT = JSON.parse(
  JSON.stringify(
    Object.fromEntries(
      [...FIELDS.map((f) => f.name), UNKNOWN_FIELDS_COLUMN, INGEST_TIME, INGEST_SOURCE].map((k) => [k, null]),
    ),
  ),
) as Record<string, CleanValue | undefined>;

/** A present value of a number field as a finite number, or undefined. Strings arrive trimmed. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : undefined;
  }
  if (typeof value === 'string' && DECIMAL.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * A present (not missing) value of `field` in its clean form, or undefined when it is invalid.
 * Strings arrive trimmed.
 */
function cleanValue(field: CompiledField, value: unknown): CleanValue | undefined {
  switch (field.type) {
    case 'string':
      return typeof value === 'string' && (field.pattern === undefined || field.pattern.test(value))
        ? value
        : undefined;
    case 'category':
      if (typeof value === 'string') {
        return field.spellings.get(value) ?? field.spellings.get(value.toLowerCase());
      }
      if (field.numericCategory && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
        return field.spellings.get(String(value));
      }
      return undefined;
    case 'boolean':
      if (typeof value === 'boolean') {
        return value;
      }
      if (typeof value === 'string') {
        return value.length <= MAX_BOOLEAN_LENGTH ? BOOLEANS.get(value.toLowerCase()) : undefined;
      }
      return value === 1 ? true : value === 0 ? false : undefined;
    case 'integer':
    case 'double': {
      const n = toNumber(value);
      if (n === undefined || n < field.min || n > field.max || (field.type === 'integer' && !Number.isInteger(n))) {
        return undefined;
      }
      // JSON.stringify renders -0 as 0, and any other finite double as the shortest text that reads back as it.
      return n;
    }
    case 'timestamp':
      return typeof value === 'string' ? normaliseTimestamp(value) : undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Timestamps.

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const MIN_EVENT_MS = Date.UTC(EVENT_YEAR_RANGE.min, 0, 1);
const END_EVENT_MS = Date.UTC(EVENT_YEAR_RANGE.max + 1, 0, 1);

/** The value of the `count` decimal digits of `s` at `at`, or -1 if any is not a digit. */
function digits(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - 48; // NaN past the end
    if (!(d >= 0 && d <= 9)) {
      return -1;
    }
    n = n * 10 + d;
  }
  return n;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]` (a space may stand for the T; no zone means UTC; `t` and
 * `z` as RFC 3339 allows) → `YYYY-MM-DDTHH:MM:SS.sssZ` in UTC, or undefined if the text is not
 * such a timestamp, names a day or time that does not exist, or falls outside EVENT_YEAR_RANGE
 * once in UTC. Fractions beyond milliseconds are truncated.
 */
export function normaliseTimestamp(text: string): string | undefined {
  const len = text.length;
  if (len < 19 || len > 35) {
    return undefined;
  }
  const sep = text.charCodeAt(10);
  if (
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    (sep !== 84 && sep !== 116 && sep !== 32) || // T t space
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58
  ) {
    return undefined;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) {
    return undefined;
  }
  if (minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined;
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0))) {
    return undefined;
  }
  let at = 19;
  let millis = 0;
  if (at < len && text.charCodeAt(at) === 46) {
    // .f to .fffffffff
    const start = ++at;
    while (at < len && at - start < 9) {
      const d = text.charCodeAt(at) - 48;
      if (d < 0 || d > 9) {
        break;
      }
      if (at - start < 3) {
        millis = millis * 10 + d;
      }
      at++;
    }
    const count = at - start;
    if (count === 0) {
      return undefined;
    }
    for (let i = count; i < 3; i++) {
      millis *= 10;
    }
  }
  let offsetMinutes = 0;
  const zone = at < len ? text.charCodeAt(at) : 0;
  const utc = at === len || ((zone === 90 || zone === 122) && at + 1 === len); // none, Z or z
  if (!utc) {
    // +HH:MM or -HH:MM
    if ((zone !== 43 && zone !== 45) || at + 6 !== len || text.charCodeAt(at + 3) !== 58) {
      return undefined;
    }
    const oh = digits(text, at + 1, 2);
    const om = digits(text, at + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) {
      return undefined;
    }
    offsetMinutes = (zone === 45 ? -1 : 1) * (oh * 60 + om);
  }
  // Date.UTC reads years 0-99 as 1900-1999: such years are out of range anyway.
  if (year < EVENT_YEAR_RANGE.min - 1) {
    return undefined;
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  if (ms < MIN_EVENT_MS || ms >= END_EVENT_MS) {
    return undefined;
  }
  // Already canonical (what a careful producer sends): no need to format it again.
  if (len === 24 && sep === 84 && text.charCodeAt(23) === 90 && text.charCodeAt(19) === 46) {
    return text;
  }
  return new Date(ms).toISOString();
}

// ---------------------------------------------------------------------------------------------
// One record.

function failed(reason: string): CleanFailed {
  return { ok: false, reason };
}

/** Thrown by the unknown-field replacer on a value JSON would turn into something else. */
class Unrepresentable extends Error {}

/** JSON.stringify turns non-finite numbers into null; refuse them rather than lose the value. */
function finiteOnly(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new Unrepresentable();
  }
  return value;
}

/**
 * The JSON object of the `keys` of `record` (its fields the schema does not know), or undefined
 * when a value cannot be carried (a number beyond double range, nesting too deep to serialise).
 */
function unknownFieldsJson(record: Readonly<Record<string, unknown>>, keys: readonly string[]): string | undefined {
  let json = '';
  try {
    for (const key of keys) {
      // String building, not an object: a key such as __proto__ stays a plain key.
      json += `${json === '' ? '{' : ','}${JSON.stringify(key)}:${JSON.stringify(record[key], finiteOnly)}`;
    }
  } catch (e) {
    if (e instanceof Unrepresentable || e instanceof RangeError) {
      return undefined;
    }
    throw e;
  }
  return `${json}}`;
}

/**
 * Cleans the record in `text`; `ingestTime` and `ingestSource` are the values of the ingest fields.
 * May throw only on a bug, never on content: the callers guard it.
 */
function cleanText(text: string, ingestTime: string, ingestSource: string): CleanResult {
  let parsed: unknown;
  try {
    // A UTF-8 byte order mark decodes to U+FEFF, which JSON does not allow as whitespace.
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return failed(FailureReason.invalidJson);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return failed(FailureReason.notAnObject);
  }
  const record = parsed as Readonly<Record<string, unknown>>;
  const out = OUTPUT;
  let known = 0;
  let eventDate = '';
  for (let i = 0; i < FIELDS.length; i++) {
    const field = FIELDS[i] as CompiledField;
    let value: unknown;
    if (Object.hasOwn(record, field.name)) {
      known++;
      const raw = record[field.name];
      if (typeof raw === 'string') {
        const trimmed = raw.trim();
        value = trimmed.length <= MAX_MISSING_LENGTH && MISSING_SPELLINGS.has(trimmed.toLowerCase()) ? null : trimmed;
      } else {
        value = raw;
      }
    }
    if (value === undefined || value === null) {
      if (field.required) {
        return failed(field.missingReason);
      }
      out[field.name] = undefined; // JSON.stringify leaves it out
      continue;
    }
    const clean = cleanValue(field, value);
    if (clean === undefined) {
      return failed(field.invalidReason);
    }
    if (i === EVENT_TIME_INDEX) {
      eventDate = (clean as string).slice(0, 10);
    }
    out[field.name] = clean;
  }
  const keys = Object.keys(record);
  if (keys.length > known) {
    const unknown = unknownFieldsJson(
      record,
      keys.filter((key) => !FIELD_NAMES.has(key)),
    );
    if (unknown === undefined) {
      return failed(FailureReason.unknownFieldsUnrepresentable);
    }
    out[UNKNOWN_FIELDS_COLUMN] = unknown;
  } else {
    out[UNKNOWN_FIELDS_COLUMN] = undefined;
  }
  out[INGEST_TIME] = ingestTime;
  out[INGEST_SOURCE] = ingestSource;
  return { ok: true, output: `${JSON.stringify(out)}\n`, eventDate };
}

/**
 * Cleans one record: `text` is its UTF-8 content (a leading byte order mark and trailing
 * whitespace are fine). Returns its JSON line (schema fields in schema order, missing optional
 * fields omitted, then `unknown_fields` if any, then the ingest fields) and the UTC date of its
 * event, or the reason it cannot be cleaned. Never throws.
 */
export function cleanRecord(text: string, context: IngestContext): CleanResult {
  try {
    return cleanText(text, context.ingestTime, context.ingestSource);
  } catch {
    return failed(FailureReason.internalError);
  }
}

// ---------------------------------------------------------------------------------------------
// One invocation.

/** The delivery stream's name: the part of its ARN after `deliverystream/`. */
export function deliveryStreamName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** Printable ASCII but `"` and `\`: characters JSON.stringify copies as they are. */
const JSON_PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** Bytes of `JSON.stringify(s)` in UTF-8. */
function jsonStringBytes(s: string): number {
  return JSON_PLAIN.test(s) ? s.length + 2 : Buffer.byteLength(JSON.stringify(s), 'utf8');
}

const OK_RESULT = 'Ok' as const;
const FAILED_RESULT = 'ProcessingFailed' as const;

// The fixed bytes of each result record, measured on the very shapes transformEvent returns, less
// the quotes of their empty strings (jsonStringBytes counts those with each string).
const EMPTY_STRING_BYTES = '""'.length;
const OK_RECORD_FIXED_BYTES =
  JSON.stringify({
    recordId: '',
    result: OK_RESULT,
    data: '',
    metadata: { partitionKeys: { [EVENT_DATE_PARTITION]: '' } },
  }).length -
  3 * EMPTY_STRING_BYTES;
const FAILED_RECORD_FIXED_BYTES =
  JSON.stringify({ recordId: '', result: FAILED_RESULT, data: '' }).length - 2 * EMPTY_STRING_BYTES;
const RESPONSE_FIXED_BYTES = JSON.stringify({ records: [] }).length;

/**
 * Cleans a Firehose transformation batch. Returns one result per record, in order: `Ok` with the
 * cleaned JSON line and the `event_date` partition key, or `ProcessingFailed` with the record's
 * original data. Records are failed with `response_budget` rather than let the response exceed
 * the limit: at each record, the bytes so far plus the cost of failing every record after it must
 * fit, so the response fits whenever failing everything would (and failing everything costs less
 * than the event itself). `now` is the ingest time. Never throws on record content.
 */
export function transformEvent(
  event: FirehoseTransformationEvent,
  now: Date,
  options: TransformOptions = {},
): TransformOutcome {
  const limit = options.responseLimitBytes ?? RESPONSE_LIMIT_BYTES;
  const ingestTime = now.toISOString();
  const streamSource = `firehose:${deliveryStreamName(event.deliveryStreamArn)}`;
  const records = event.records;
  const n = records.length;

  const idBytes = new Float64Array(n);
  const failBytes = new Float64Array(n);
  let pendingFailBytes = 0;
  for (let i = 0; i < n; i++) {
    const record = records[i] as FirehoseTransformationEventRecord;
    idBytes[i] = jsonStringBytes(record.recordId);
    failBytes[i] = FAILED_RECORD_FIXED_BYTES + (idBytes[i] as number) + jsonStringBytes(record.data);
    pendingFailBytes += failBytes[i] as number;
  }
  let usedBytes = RESPONSE_FIXED_BYTES + Math.max(0, n - 1); // the wrapper and the commas

  const results: FirehoseTransformationResultRecord[] = [];
  const reasons = new Map<string, number>();
  let ok = 0;
  for (let i = 0; i < n; i++) {
    const record = records[i] as FirehoseTransformationEventRecord;
    const failCost = failBytes[i] as number;
    pendingFailBytes -= failCost;
    const outcome = cleanBytes(record, ingestTime, streamSource);
    let reason: string;
    if (outcome.ok) {
      const data = Buffer.from(outcome.output, 'utf8').toString('base64');
      const okCost = OK_RECORD_FIXED_BYTES + (idBytes[i] as number) + data.length + 2 + outcome.eventDate.length + 2;
      // Ok if it fits with every later record failed, or if it costs no more than failing it would.
      if (usedBytes + okCost + pendingFailBytes <= limit || okCost <= failCost) {
        results.push({
          recordId: record.recordId,
          result: OK_RESULT,
          data,
          metadata: { partitionKeys: { [EVENT_DATE_PARTITION]: outcome.eventDate } },
        });
        usedBytes += okCost;
        ok++;
        continue;
      }
      reason = FailureReason.responseBudget;
    } else {
      reason = outcome.reason;
    }
    results.push({ recordId: record.recordId, result: FAILED_RESULT, data: record.data });
    usedBytes += failCost;
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }

  return {
    response: { records: results },
    summary: {
      invocationId: event.invocationId,
      records: n,
      ok,
      processingFailed: n - ok,
      reasons: Object.fromEntries(reasons),
      responseBytes: usedBytes,
    },
  };
}

/** Decodes and cleans one event record; never throws. */
function cleanBytes(record: FirehoseTransformationEventRecord, ingestTime: string, streamSource: string): CleanResult {
  try {
    const bytes = Buffer.from(record.data, 'base64');
    if (!isUtf8(bytes)) {
      return failed(FailureReason.invalidUtf8);
    }
    const kinesis = record.kinesisRecordMetadata;
    const source = kinesis === undefined ? streamSource : `kinesis:${kinesis.shardId}:${kinesis.sequenceNumber}`;
    return cleanText(bytes.toString('utf8'), ingestTime, source);
  } catch {
    return failed(FailureReason.internalError);
  }
}
