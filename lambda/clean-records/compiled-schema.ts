/**
 * Everything the cleaner needs from the schema (`lib/schema/churn.ts`), computed once when the
 * module loads: the fields with their bounds, patterns and spellings, the missing-value and boolean
 * spellings, and the one output object every clean record is written into. A schema the cleaner
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

/** The schema fields, compiled, in schema (and output) order. */
export const FIELDS: readonly CompiledField[] = CHURN_FIELDS.map(compileField);
/** The names of the schema fields. */
export const FIELD_NAMES: ReadonlySet<string> = new Set(FIELDS.map((f) => f.name));

/** The position of the field whose UTC date is the partition key. */
export const EVENT_TIME_INDEX = CHURN_FIELDS.findIndex((f) => f.name === 'event_time');
if (FIELDS[EVENT_TIME_INDEX]?.type !== 'timestamp' || FIELDS[EVENT_TIME_INDEX]?.required !== true) {
  throw new Error('the schema must have a required timestamp field event_time: it gives the partition key');
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
export const OUTPUT = JSON.parse(
  JSON.stringify(
    Object.fromEntries(
      [...FIELDS.map((f) => f.name), UNKNOWN_FIELDS_COLUMN, INGEST_TIME, INGEST_SOURCE].map((k) => [k, null]),
    ),
  ),
) as Record<string, CleanValue | undefined>;
