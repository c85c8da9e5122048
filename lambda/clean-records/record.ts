/**
 * One record cleaned: its JSON parsed, its kind told (a churn record or an outcome, by the rule of
 * `lib/schema/outcome.ts`), each field of its schema read once, validated and made canonical,
 * the fields the schema does not know carried in `unknown_fields`, the ingest fields added, and one
 * JSON line serialised.
 */
import {
  CHURN_DATE_FIELD,
  CHURN_ONLY_FIELDS,
  CHURN_SCHEMA,
  type CompiledField,
  type CompiledRecordSchema,
  INGEST_SOURCE,
  INGEST_TIME,
  MAX_MISSING_LENGTH,
  MISSING_SPELLINGS,
  OUTCOME_ONLY_FIELDS,
  OUTCOME_SCHEMA,
  UNKNOWN_FIELDS_COLUMN,
} from './compiled-schema';
import { type CleanResult, FailureReason, failed } from './result';
import { cleanValue } from './value';

/** Where and when a record was ingested: the values of the schema's INGEST_FIELDS. */
export interface IngestContext {
  /** When the cleaner ran, ISO 8601 in UTC (`2024-05-01T12:00:00.000Z`). */
  readonly ingestTime: string;
  /** `kinesis:<shardId>:<sequenceNumber>`, or `firehose:<delivery stream name>` for direct puts. */
  readonly ingestSource: string;
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
 * The schema of a parsed record: an outcome when it has a field only outcomes have and none only
 * churn records have (`OUTCOME_ONLY_FIELD_NAMES`, `CHURN_ONLY_FIELD_NAMES` in
 * `lib/schema/outcome.ts`); a churn record otherwise, as every record was before outcomes existed.
 */
export function schemaOf(record: Readonly<Record<string, unknown>>): CompiledRecordSchema {
  // Every churn record worth cleaning has event_time: one lookup settles it.
  if (Object.hasOwn(record, CHURN_DATE_FIELD)) {
    return CHURN_SCHEMA;
  }
  let outcome = false;
  for (const key of Object.keys(record)) {
    if (CHURN_ONLY_FIELDS.has(key)) {
      return CHURN_SCHEMA;
    }
    outcome ||= OUTCOME_ONLY_FIELDS.has(key);
  }
  return outcome ? OUTCOME_SCHEMA : CHURN_SCHEMA;
}

/**
 * Cleans the record in `text`; `ingestTime` and `ingestSource` are the values of the ingest fields.
 * May throw only on a bug, never on content: the callers guard it.
 */
export function cleanText(text: string, ingestTime: string, ingestSource: string): CleanResult {
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
  const schema = schemaOf(record);
  const { fields, output: out, dateIndex } = schema;
  let known = 0;
  let eventDate = '';
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as CompiledField;
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
    if (i === dateIndex) {
      eventDate = (clean as string).slice(0, 10);
    }
    out[field.name] = clean;
  }
  const keys = Object.keys(record);
  if (keys.length > known) {
    const unknown = unknownFieldsJson(
      record,
      keys.filter((key) => !schema.fieldNames.has(key)),
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
  return { ok: true, output: `${JSON.stringify(out)}\n`, eventDate, kind: schema.kind };
}

/**
 * Cleans one record, a churn record or an outcome: `text` is its UTF-8 content (a leading byte
 * order mark and trailing whitespace are fine). Returns its JSON line (its schema's fields in
 * schema order, missing optional fields omitted, then `unknown_fields` if any, then the ingest
 * fields), its kind and the UTC date of its event (`event_time`, or an outcome's `observed_at`),
 * or the reason it cannot be cleaned. Never throws.
 */
export function cleanRecord(text: string, context: IngestContext): CleanResult {
  try {
    return cleanText(text, context.ingestTime, context.ingestSource);
  } catch {
    return failed(FailureReason.internalError);
  }
}
