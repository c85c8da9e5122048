/**
 * Everything the cleaner needs from the schemas (`lib/schema/churn.ts`, `lib/schema/outcome.ts`),
 * computed once when the module loads: the fields with their bounds, patterns and spellings, the
 * missing-value and boolean spellings, and the one output object every clean record of a kind is
 * written into. A schema the cleaner
 * cannot honour fails here, at load, not on a record.
 */
import {
  BOOLEAN_SPELLINGS,
  CHURN_FIELDS,
  type FieldSpec,
  INGEST_FIELDS,
  MISSING_VALUE_SPELLINGS,
  UNKNOWN_FIELDS,
} from '../../lib/schema/churn';
import { CHURN_ONLY_FIELD_NAMES, OUTCOME_FIELDS, OUTCOME_ONLY_FIELD_NAMES } from '../../lib/schema/outcome';
import type { StreamRecordKind } from '../../lib/contracts/stream-routing';
import { FailureReason } from './result';

/** The column that carries the fields the schema does not know, as a JSON-encoded object. */
export const UNKNOWN_FIELDS_COLUMN = UNKNOWN_FIELDS.name;

/** A clean value, as it goes into the output record. */
export type CleanValue = string | number | boolean;

/** What the cleaner needs of a field, computed once. */
export interface CompiledField {
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

/** The missing-value spellings, trimmed and lower-cased. */
export const MISSING_SPELLINGS: ReadonlySet<string> = new Set(
  [...MISSING_VALUE_SPELLINGS].map((s) => s.trim().toLowerCase()),
);
/** Strings longer than this cannot be a missing-value spelling: no need to lower-case them. */
export const MAX_MISSING_LENGTH = Math.max(0, ...[...MISSING_SPELLINGS].map((s) => s.length));

/** The boolean spellings, trimmed and lower-cased → value. */
export const BOOLEANS: ReadonlyMap<string, boolean> = new Map(
  Object.entries(BOOLEAN_SPELLINGS).map(([spelling, value]) => [spelling.trim().toLowerCase(), value]),
);
/** Strings longer than this cannot be a boolean spelling: no need to lower-case them. */
export const MAX_BOOLEAN_LENGTH = Math.max(0, ...[...BOOLEANS.keys()].map((s) => s.length));

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

function ingestField(name: string): string {
  if (!INGEST_FIELDS.some((f) => f.name === name)) {
    throw new Error(`the schema's INGEST_FIELDS has no ${name}`);
  }
  return name;
}

/** The names of the ingest fields the cleaner fills. */
export const INGEST_TIME = ingestField('ingest_time');
export const INGEST_SOURCE = ingestField('ingest_source');

/** One kind of record the cleaner cleans, compiled: its fields, its partition date and its output object. */
export interface CompiledRecordSchema {
  /** Which route its clean lines take (`lib/contracts/stream-routing.ts`). */
  readonly kind: StreamRecordKind;
  /** The schema fields, compiled, in schema (and output) order. */
  readonly fields: readonly CompiledField[];
  /** The names of the schema fields. */
  readonly fieldNames: ReadonlySet<string>;
  /** The position of the required timestamp field whose UTC date is the partition date. */
  readonly dateIndex: number;
  /**
   * The one object every clean record of this kind is written into, then serialised: its keys are
   * the output columns in output order (schema fields, unknown_fields, ingest fields), set once
   * here, so every record fills the same fast object and JSON.stringify leaves out the ones set to
   * undefined. Built by JSON.parse, which gives it a fast, in-object layout. The cleaner sets every
   * key before each serialisation, and only these keys: no key from a record can reach a setter
   * such as __proto__.
   */
  readonly output: Record<string, CleanValue | undefined>;
}

function compileRecordSchema(
  kind: StreamRecordKind,
  specs: readonly FieldSpec[],
  dateField: string,
): CompiledRecordSchema {
  const fields = specs.map(compileField);
  const fieldNames = new Set(fields.map((f) => f.name));
  const dateIndex = specs.findIndex((f) => f.name === dateField);
  if (fields[dateIndex]?.type !== 'timestamp' || fields[dateIndex]?.required !== true) {
    throw new Error(`the ${kind} schema must have a required timestamp field ${dateField}: it gives the partition key`);
  }
  for (const name of [UNKNOWN_FIELDS_COLUMN, ...INGEST_FIELDS.map((f) => f.name)]) {
    if (fieldNames.has(name)) {
      throw new Error(`${name} is both a ${kind} schema field and a column the cleaner adds`);
    }
  }
  const output = JSON.parse(
    JSON.stringify(
      Object.fromEntries(
        [...fields.map((f) => f.name), UNKNOWN_FIELDS_COLUMN, INGEST_TIME, INGEST_SOURCE].map((k) => [k, null]),
      ),
    ),
  ) as Record<string, CleanValue | undefined>;
  return { kind, fields, fieldNames, dateIndex, output };
}

/** The churn record (`lib/schema/churn.ts`), partitioned by the date of `event_time`. */
export const CHURN_SCHEMA = compileRecordSchema('churn', CHURN_FIELDS, 'event_time');

/** The outcome record (`lib/schema/outcome.ts`), partitioned by the date of `observed_at`. */
export const OUTCOME_SCHEMA = compileRecordSchema('outcome', OUTCOME_FIELDS, 'observed_at');

/** The field every churn record has and no outcome has: its presence settles the kind at once. */
export const CHURN_DATE_FIELD = (CHURN_SCHEMA.fields[CHURN_SCHEMA.dateIndex] as CompiledField).name;
/** Fields only a churn record has (`lib/schema/outcome.ts`). */
export const CHURN_ONLY_FIELDS: ReadonlySet<string> = new Set(CHURN_ONLY_FIELD_NAMES);
/** Fields only an outcome has. */
export const OUTCOME_ONLY_FIELDS: ReadonlySet<string> = new Set(OUTCOME_ONLY_FIELD_NAMES);
if (!CHURN_ONLY_FIELDS.has(CHURN_DATE_FIELD) || OUTCOME_ONLY_FIELDS.size === 0) {
  throw new Error(`${CHURN_DATE_FIELD} must be a churn-only field, and an outcome must have a field of its own`);
}
