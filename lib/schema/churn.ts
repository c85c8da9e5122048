/**
 * The churn record: the one definition of every field, its type, its allowed values and their
 * spellings, and which fields are required. The Firehose cleaner, the synthetic generator, the
 * Glue tables and (later) the features and the Model Monitor baseline all read it from here.
 *
 * The usage fields follow the classic telecom churn data set (one row per customer: plans,
 * minutes, calls and charges by time of day, customer-service calls, and whether the customer
 * left). A few customer attributes are added where real feeds are messy (gender written five
 * ways, ages as text).
 *
 * How a value is read (the cleaner's rules, which the generator's dirt stays within):
 * - Every value is trimmed first. A value that is absent, JSON null, or one of
 *   MISSING_VALUE_SPELLINGS is missing: null for an optional field, a rejected record for a
 *   required one.
 * - category: a canonical value in any letter case, or one of its `synonyms`; a JSON number is
 *   read as its digits (area code 415).
 * - boolean: JSON true/false, the numbers 1/0, or BOOLEAN_SPELLINGS.
 * - integer, double: a JSON number or a decimal string; integers must be whole (42.5 is
 *   rejected, not rounded); both must lie within min..max.
 * - timestamp: ISO 8601 date and time (a space may replace the T), with Z, an offset, or no
 *   zone (read as UTC); the calendar date must exist; stored as UTC with milliseconds.
 * - A value that breaks its field's rule rejects the whole record, even for an optional field:
 *   the record is kept with its original bytes under the raw zone's error prefix, never guessed at.
 *
 * This module is pure data and small functions: it is bundled into the cleaning Lambda, so it
 * imports nothing.
 */

/** How a field's value is stored once clean. */
export type FieldType = 'string' | 'integer' | 'double' | 'boolean' | 'category' | 'timestamp';

/** The definition of one field. */
export interface FieldSpec {
  /** Column name, snake_case, as in the clean record, the Glue table and the CSV header. */
  readonly name: string;
  readonly type: FieldType;
  /** A record without it cannot be cleaned. */
  readonly required: boolean;
  /** What the field means, for the Glue column comment and docs/data.md. */
  readonly description: string;
  /** Smallest allowed value (integer and double). */
  readonly min?: number;
  /** Largest allowed value (integer and double). */
  readonly max?: number;
  /** Canonical values (category), in their canonical spelling. */
  readonly values?: readonly string[];
  /**
   * Other spellings of the canonical values (category), keyed by their lower-cased, trimmed form.
   * A canonical value matches itself case-insensitively without being listed here.
   */
  readonly synonyms?: Readonly<Record<string, string>>;
  /** A pattern a clean string must match (string). */
  readonly pattern?: RegExp;
  /** Whether the field is the label the model learns. */
  readonly label?: boolean;
}

/** US states and DC, as the classic data set has them. */
export const US_STATES = [
  'AK', 'AL', 'AR', 'AZ', 'CA', 'CO', 'CT', 'DC', 'DE', 'FL', 'GA', 'HI', 'IA', 'ID', 'IL', 'IN', 'KS',
  'KY', 'LA', 'MA', 'MD', 'ME', 'MI', 'MN', 'MO', 'MS', 'MT', 'NC', 'ND', 'NE', 'NH', 'NJ', 'NM', 'NV',
  'NY', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VA', 'VT', 'WA', 'WI', 'WV', 'WY',
] as const; // prettier-ignore

/** Every field of a churn record, in CSV column order. */
export const CHURN_FIELDS: readonly FieldSpec[] = [
  {
    name: 'customer_id',
    type: 'string',
    required: true,
    // Up to 64 letters, digits, _ and -, with a digit among the first 33 characters, so that no id
    // reads as a missing-value spelling (NA, none, null, nil).
    pattern: /^[A-Za-z_-]{0,32}\d[A-Za-z0-9_-]{0,31}$/,
    description: 'Stable customer identifier',
  },
  {
    name: 'event_time',
    type: 'timestamp',
    required: true,
    description: 'When the snapshot of the customer was taken (ISO 8601, stored in UTC)',
  },
  { name: 'state', type: 'category', required: false, values: US_STATES, description: 'US state of the account' },
  {
    name: 'account_length',
    type: 'integer',
    required: false,
    min: 0,
    max: 3650,
    description: 'Days since the account was opened',
  },
  {
    name: 'area_code',
    type: 'category',
    required: false,
    values: ['408', '415', '510'],
    description: 'Telephone area code',
  },
  {
    name: 'international_plan',
    type: 'boolean',
    required: false,
    description: 'Whether the customer has the international calling plan',
  },
  {
    name: 'voice_mail_plan',
    type: 'boolean',
    required: false,
    description: 'Whether the customer has the voice-mail plan',
  },
  {
    name: 'voice_mail_messages',
    type: 'integer',
    required: false,
    min: 0,
    max: 100,
    description: 'Voice-mail messages in the month',
  },
  ...usage('day', 'daytime'),
  ...usage('evening', 'evening'),
  ...usage('night', 'night-time'),
  ...usage('international', 'international'),
  {
    name: 'customer_service_calls',
    type: 'integer',
    required: false,
    min: 0,
    max: 50,
    description: 'Calls to customer service in the month',
  },
  {
    name: 'gender',
    type: 'category',
    required: false,
    values: ['female', 'male', 'other'],
    synonyms: { f: 'female', w: 'female', woman: 'female', m: 'male', man: 'male', x: 'other', diverse: 'other' },
    description: 'Gender as the customer gave it',
  },
  { name: 'age', type: 'integer', required: false, min: 18, max: 120, description: 'Age in years' },
  {
    name: 'churn',
    type: 'boolean',
    required: false,
    label: true,
    description: 'Whether the customer left (the label); absent on records not yet labelled',
  },
];

function usage(prefix: string, when: string): FieldSpec[] {
  return [
    {
      name: `${prefix}_minutes`,
      type: 'double',
      required: false,
      min: 0,
      max: 1000,
      description: `Minutes of ${when} calls in the month`,
    },
    {
      name: `${prefix}_calls`,
      type: 'integer',
      required: false,
      min: 0,
      max: 1000,
      description: `Number of ${when} calls in the month`,
    },
    {
      name: `${prefix}_charge`,
      type: 'double',
      required: false,
      min: 0,
      max: 1000,
      description: `Charge for ${when} calls in the month, in USD`,
    },
  ];
}

/** Fields the cleaner adds to every record it cleans, after the schema's own. */
export const INGEST_FIELDS: readonly FieldSpec[] = [
  {
    name: 'ingest_time',
    type: 'timestamp',
    required: true,
    description: 'When the cleaner processed the record',
  },
  {
    name: 'ingest_source',
    type: 'string',
    required: true,
    description: 'Where the record came from: the Firehose delivery stream and Kinesis sequence',
  },
];

/**
 * Where the cleaner keeps fields a record carried that the schema does not know: a JSON object
 * of them, encoded as a string. Absent when there were none, so nothing sent is ever lost.
 */
export const UNKNOWN_FIELDS: FieldSpec = {
  name: 'unknown_fields',
  type: 'string',
  required: false,
  description: 'Fields the record carried that the schema does not define, as a JSON object in a string',
};

/**
 * The partition key of the raw stream table (Firehose dynamic partitioning): the UTC date of the
 * record's `event_time`, not of its arrival, so a late or replayed event lands with its own day.
 */
export const EVENT_DATE_PARTITION = 'event_date';

/**
 * Spellings that mean "no value", compared after trimming and lower-casing. A missing
 * optional field is stored as null; a missing required field fails the record.
 */
export const MISSING_VALUE_SPELLINGS: ReadonlySet<string> = new Set([
  '',
  'na',
  'n/a',
  'nan',
  'null',
  'none',
  'nil',
  '?',
  '-',
]);

/** The years (UTC) an `event_time` may fall in; anything else is a broken clock or a typo. */
export const EVENT_TIME_YEARS = { min: 1970, max: 2100 } as const;

/** Spellings of true and false, compared after trimming and lower-casing. */
export const BOOLEAN_SPELLINGS: Readonly<Record<string, boolean>> = {
  true: true,
  t: true,
  yes: true,
  y: true,
  '1': true,
  false: false,
  f: false,
  no: false,
  n: false,
  '0': false,
};

/** The label field (checked when the module loads: exactly one field is the label). */
export const LABEL_FIELD: FieldSpec = ((): FieldSpec => {
  const labels = CHURN_FIELDS.filter((f) => f.label === true);
  const [label] = labels;
  if (label === undefined || labels.length > 1) {
    throw new Error(`the churn schema must mark exactly one field as the label; it marks ${labels.length}`);
  }
  return label;
})();

/** The fields by name. */
export const FIELDS_BY_NAME: ReadonlyMap<string, FieldSpec> = new Map(CHURN_FIELDS.map((f) => [f.name, f]));

/**
 * The Glue / Hive type of a field, for catalog tables. Timestamps are `string` where they are
 * stored as ISO 8601 text (the raw zone's JSON Lines and CSV; Athena parses them with
 * from_iso8601_timestamp) and `timestamp` where the writer stores a real timestamp (Parquet).
 */
export function glueType(field: FieldSpec, timestamps: 'string' | 'timestamp' = 'string'): string {
  switch (field.type) {
    case 'string':
    case 'category':
      return 'string';
    case 'integer':
      return 'int';
    case 'double':
      return 'double';
    case 'boolean':
      return 'boolean';
    case 'timestamp':
      return timestamps;
  }
}

/** A churn record in canonical form, by field name (null where a value is missing). */
export type CleanRecord = Record<string, string | number | boolean | null>;
