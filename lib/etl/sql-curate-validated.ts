/**
 * curate_validated.sql: every raw record's schema fields trimmed, canonicalised and typed by the
 * reading rules of `lib/schema/churn.ts` (the rules the Firehose cleaner applies), with the first
 * failing field as the reject reason.
 */
import { FieldRejectReason } from '../contracts/reject-reasons';
import {
  BOOLEAN_SPELLINGS,
  CHURN_FIELDS,
  EVENT_TIME_YEARS,
  type FieldSpec,
  INGEST_FIELDS,
  MISSING_VALUE_SPELLINGS,
} from '../schema/churn';
import {
  COMMON_SUBSET_LINE,
  commonPattern,
  FIELD_LIST,
  GENERATED,
  header,
  lines,
  literal,
  matches,
  RAW_FIELD_LIST,
} from './sql-text';

/** Decimal notation, as the cleaner reads a number written as text. */
const DECIMAL_PATTERN = literal('^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$');

/** ISO 8601 date and time, as the cleaner reads a timestamp (the calendar is checked later). */
const TIMESTAMP_PATTERN = literal(
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})?$',
);

/**
 * The characters JavaScript's `trim()` removes (and so the cleaner), but the line separators
 * U+2028 and U+2029, which editors offer to "fix" in a file: ASCII and Latin-1 ones by `chr`
 * (Spark's `chr` reaches 0..255 only), the others as literal characters. A value padded with a
 * line separator is rejected rather than trimmed: kept in the quarantine, not lost.
 */
const WHITESPACE_CODES = [9, 10, 11, 12, 13, 32, 160];
export const WHITESPACE_LITERAL = [
  0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x202f, 0x205f,
  0x3000, 0xfeff,
];
const WHITESPACE = `${WHITESPACE_CODES.map((c) => `chr(${c})`).join(' || ')}
      || '${String.fromCodePoint(...WHITESPACE_LITERAL)}'`;

function hex(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The field the curate job checks after the schema's own, because the de-duplication orders by it. */
const INGEST_TIME: FieldSpec = ((): FieldSpec => {
  const field = INGEST_FIELDS.find((f) => f.name === 'ingest_time');
  if (field === undefined) {
    throw new Error("the schema's INGEST_FIELDS has no ingest_time");
  }
  return field;
})();

/** Schema fields, then ingest_time: the fields curate_validated checks, in reject order. */
const CHECKED_FIELDS: readonly FieldSpec[] = [...CHURN_FIELDS, INGEST_TIME];
const TIMESTAMP_FIELDS = CHECKED_FIELDS.filter((f) => f.type === 'timestamp');
const NUMBER_FIELDS = CHECKED_FIELDS.filter((f) => f.type === 'integer' || f.type === 'double');

/** `CASE LOWER(x) WHEN 'spelling' THEN value ... END`: every spelling of a category or boolean. */
function spellingCase(text: string, spellings: readonly (readonly [string, string])[]): string {
  return `CASE LOWER(${text})\n${spellings.map(([from, to]) => `      WHEN ${literal(from)} THEN ${to}`).join('\n')}\n    END`;
}

function categorySpellings(field: FieldSpec): [string, string][] {
  const spellings = new Map<string, string>();
  for (const value of field.values ?? []) {
    spellings.set(value.toLowerCase(), value);
  }
  for (const [synonym, value] of Object.entries(field.synonyms ?? {})) {
    spellings.set(synonym.trim().toLowerCase(), value);
  }
  return [...spellings].map(([from, to]) => [from, literal(to)]);
}

const BOOLEAN_CASES: [string, string][] = Object.entries(BOOLEAN_SPELLINGS).map(([spelling, value]) => [
  spelling.trim().toLowerCase(),
  value ? 'TRUE' : 'FALSE',
]);

/** The typed value of a present (trimmed, not missing) field, NULL when it breaks the field's rule. */
function typedValue(field: FieldSpec): string {
  const f = field.name;
  switch (field.type) {
    case 'string':
      return field.pattern === undefined ? f : `CASE WHEN ${matches(f, commonPattern(field.pattern))} THEN ${f} END`;
    case 'category':
      return spellingCase(f, categorySpellings(field));
    case 'boolean':
      return spellingCase(f, BOOLEAN_CASES);
    case 'integer':
      return `CASE WHEN ${f}__number >= ${field.min ?? 0} AND ${f}__number <= ${field.max ?? 0} AND ${f}__number = floor(${f}__number) THEN CAST(${f}__number AS INT) END`;
    case 'double':
      return `CASE WHEN ${f}__number >= ${field.min ?? 0} AND ${f}__number <= ${field.max ?? 0} THEN ${f}__number END`;
    case 'timestamp':
      return `CASE WHEN ${f}__utc >= TIMESTAMP '${EVENT_TIME_YEARS.min}-01-01 00:00:00' AND ${f}__utc < TIMESTAMP '${EVENT_TIME_YEARS.max + 1}-01-01 00:00:00' THEN ${f}__utc END`;
  }
}

/** The text of curate_validated.sql. */
export function renderCurateValidated(): string {
  const missing = [...MISSING_VALUE_SPELLINGS].map((s) => literal(s.trim().toLowerCase())).join(', ');
  const names = CHECKED_FIELDS.map((f) => f.name);
  const ts = TIMESTAMP_FIELDS.map((f) => f.name);
  const daysInMonth = (f: string): string =>
    `CASE WHEN ${f}__month IN (4, 6, 9, 11) THEN 30 WHEN ${f}__month = 2 THEN CASE WHEN ${f}__year % 4 = 0 AND (${f}__year % 100 <> 0 OR ${f}__year % 400 = 0) THEN 29 ELSE 28 END ELSE 31 END`;
  const reasons = CHECKED_FIELDS.flatMap((field) => {
    const f = field.name;
    return field.required
      ? [
          `WHEN ${f} IS NULL THEN ${literal(FieldRejectReason.missingRequired(f))}`,
          `WHEN ${f}__value IS NULL THEN ${literal(FieldRejectReason.invalidValue(f))}`,
        ]
      : [`WHEN ${f} IS NOT NULL AND ${f}__value IS NULL THEN ${literal(FieldRejectReason.invalidValue(f))}`];
  });

  return `${header(`
curate_validated.sql: the second line of defence. Every raw record, from the stream (already
cleaned by the Firehose cleaner) and from batch CSV uploads (as uploaded), gets each schema field
canonicalised and typed by the reading rules of lib/schema/churn.ts, the rules the cleaner applies:
- every value is trimmed of whitespace: what JavaScript's trim() removes, as the cleaner does, but
  the line separators U+2028 and U+2029 (such a value is rejected, not trimmed); chr() for ASCII
  and Latin-1, literal characters (invisible!) for ${WHITESPACE_LITERAL.map(hex).join(' ')};
- a MISSING_VALUE_SPELLING (any case) is missing: NULL, or a rejected row for a required field;
- category: a canonical value in any case, or a synonym -> the canonical value;
- boolean: a BOOLEAN_SPELLING (any case) -> TRUE/FALSE;
- integer, double: decimal notation, within min..max; an integer must be whole (42.5 is rejected);
- string: must match its pattern;
- timestamp: ISO 8601 (T, t or a space between date and time; Z, z, +HH:MM, -HH:MM or no zone,
  read as UTC; a fraction of 1 to 9 digits, truncated to milliseconds); the calendar date and
  time must exist; converted to UTC, it must fall in ${EVENT_TIME_YEARS.min}..${EVENT_TIME_YEARS.max}.
A value that breaks its field's rule rejects the row. ingest_time is read by the timestamp rule
after the schema fields: the de-duplication orders by it, so a row without one is rejected too.

Input view:
  raw_records: ${RAW_FIELD_LIST} (all STRING), source STRING ('stream' | 'batch'), ingest_time STRING, origin STRING
Output columns:
  ${FIELD_LIST} (NULL where missing or invalid),
  reject_reason STRING: NULL when the row is valid, else the first failing field in schema order,
    'missing_required:<field>' or 'invalid_value:<field>' (the cleaner's reasons),
  source STRING, ingest_time TIMESTAMP, origin STRING,
  raw_<field> STRING for every schema field and raw_ingest_time STRING: the values as received,
    so the quarantine keeps them unchanged.
Timestamps are TIMESTAMP in UTC: the job sets spark.sql.session.timeZone to UTC.

${COMMON_SUBSET_LINE}
Avoided on purpose: regexp_like/rlike/regexp_matches (not common: regexp_replace of an anchored
pattern is, and = '' tests a full match), backslashes and doubled quotes in literals (escaped
differently), CAST without a shape check (Spark and DuckDB accept different number and date
spellings), concat() (NULL handling differs; || agrees), substr with a position < 1 or a negative
length, and strptime/to_timestamp (different format languages): dates are checked by arithmetic.
${GENERATED}
`)}WITH
trimmed AS (
  SELECT
${lines(
  [...names.map((f) => `TRIM(BOTH ws FROM ${f}) AS ${f}`), 'source', 'origin', ...names.map((f) => `${f} AS raw_${f}`)],
  '    ',
)}
  FROM raw_records
  CROSS JOIN (
    SELECT
      ${WHITESPACE} AS ws
  ) AS whitespace
),
present AS (
  -- A missing-value spelling is no value.
  SELECT
${lines(
  [
    ...names.map((f) => `CASE WHEN LOWER(${f}) IN (${missing}) THEN NULL ELSE ${f} END AS ${f}`),
    'source',
    'origin',
    ...names.map((f) => `raw_${f}`),
  ],
  '    ',
)}
  FROM trimmed
),
shaped AS (
  -- Numbers in decimal notation only, then converted; timestamps of the ISO 8601 shape only.
  SELECT
    *,
${lines(
  [
    ...NUMBER_FIELDS.map(
      (f) =>
        `CASE WHEN ${matches(f.name, DECIMAL_PATTERN)} THEN TRY_CAST(${f.name} AS DOUBLE) END AS ${f.name}__number`,
    ),
    ...ts.map((f) => `CASE WHEN ${matches(f, TIMESTAMP_PATTERN)} THEN ${f} END AS ${f}__text`),
  ],
  '    ',
)}
  FROM present
),
timestamp_parts AS (
  -- The fields of each timestamp; the zone is Z (1 character), +HH:MM / -HH:MM (6) or none (0).
  SELECT
    *,
${lines(
  ts.flatMap((f) => [
    `CAST(substr(${f}__text, 1, 4) AS INT) AS ${f}__year`,
    `CAST(substr(${f}__text, 6, 2) AS INT) AS ${f}__month`,
    `CAST(substr(${f}__text, 9, 2) AS INT) AS ${f}__day`,
    `CAST(substr(${f}__text, 12, 2) AS INT) AS ${f}__hour`,
    `CAST(substr(${f}__text, 15, 2) AS INT) AS ${f}__minute`,
    `CAST(substr(${f}__text, 18, 2) AS INT) AS ${f}__second`,
    `CASE WHEN UPPER(substr(${f}__text, length(${f}__text), 1)) = 'Z' THEN 1 WHEN substr(${f}__text, length(${f}__text) - 5, 1) IN ('+', '-') THEN 6 ELSE 0 END AS ${f}__zone_length`,
  ]),
  '    ',
)}
  FROM shaped
),
timestamp_zones AS (
  -- Milliseconds (the fraction truncated or padded to 3 digits) and the zone's offset.
  SELECT
    *,
${lines(
  ts.flatMap((f) => [
    `rpad(CASE WHEN substr(${f}__text, 20, 1) = '.' THEN substr(${f}__text, 21, length(${f}__text) - 20 - ${f}__zone_length) ELSE '' END, 3, '0') AS ${f}__millis`,
    `CASE WHEN ${f}__zone_length = 6 THEN CAST(substr(${f}__text, length(${f}__text) - 4, 2) AS INT) ELSE 0 END AS ${f}__offset_hours`,
    `CASE WHEN ${f}__zone_length = 6 THEN CAST(substr(${f}__text, length(${f}__text) - 1, 2) AS INT) ELSE 0 END AS ${f}__offset_minutes`,
    `CASE WHEN ${f}__zone_length = 6 AND substr(${f}__text, length(${f}__text) - 5, 1) = '-' THEN -1 ELSE 1 END AS ${f}__offset_sign`,
  ]),
  '    ',
)}
  FROM timestamp_parts
),
timestamp_checked AS (
  -- The minute of the day in UTC (before or after the local day by at most one day), or NULL
  -- when the date or time does not exist.
  SELECT
    *,
${lines(
  ts.map(
    (f) => `CASE
      WHEN ${f}__year BETWEEN ${EVENT_TIME_YEARS.min - 1} AND ${EVENT_TIME_YEARS.max + 1}
        AND ${f}__month BETWEEN 1 AND 12
        AND ${f}__day BETWEEN 1 AND ${daysInMonth(f)}
        AND ${f}__hour <= 23 AND ${f}__minute <= 59 AND ${f}__second <= 59
        AND ${f}__offset_hours <= 23 AND ${f}__offset_minutes <= 59
      THEN ${f}__hour * 60 + ${f}__minute - ${f}__offset_sign * (${f}__offset_hours * 60 + ${f}__offset_minutes)
    END AS ${f}__utc_minutes`,
  ),
  '    ',
)}
  FROM timestamp_zones
),
timestamp_shifted AS (
  SELECT
    *,
${lines(
  ts.map(
    (f) =>
      `CASE WHEN ${f}__utc_minutes < 0 THEN -1 WHEN ${f}__utc_minutes >= 1440 THEN 1 WHEN ${f}__utc_minutes IS NOT NULL THEN 0 END AS ${f}__day_shift`,
  ),
  '    ',
)}
  FROM timestamp_checked
),
timestamp_utc AS (
  -- 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, which both engines cast to the same TIMESTAMP.
  SELECT
    *,
${lines(
  ts.map(
    (f) => `TRY_CAST(
      CAST(date_add(TRY_CAST(substr(${f}__text, 1, 10) AS DATE), ${f}__day_shift) AS STRING)
      || ' ' || lpad(CAST(CAST(floor((${f}__utc_minutes - ${f}__day_shift * 1440) / 60) AS INT) AS STRING), 2, '0')
      || ':' || lpad(CAST((${f}__utc_minutes - ${f}__day_shift * 1440) % 60 AS STRING), 2, '0')
      || ':' || substr(${f}__text, 18, 2)
      || '.' || ${f}__millis
      AS TIMESTAMP
    ) AS ${f}__utc`,
  ),
  '    ',
)}
  FROM timestamp_shifted
),
typed AS (
  SELECT
    *,
${lines(
  CHECKED_FIELDS.map((f) => `${typedValue(f)} AS ${f.name}__value`),
  '    ',
)}
  FROM timestamp_utc
)
SELECT
${lines(
  [
    ...CHURN_FIELDS.map((f) => `${f.name}__value AS ${f.name}`),
    `CASE\n${reasons.map((r) => `      ${r}`).join('\n')}\n    END AS reject_reason`,
    'source',
    `${INGEST_TIME.name}__value AS ${INGEST_TIME.name}`,
    'origin',
    ...names.map((f) => `raw_${f}`),
  ],
  '  ',
)}
FROM typed
`;
}
