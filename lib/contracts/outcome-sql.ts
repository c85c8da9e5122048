/**
 * The SQL of outcomes (who really churned), for Athena to run where the quality monitor reads them:
 * the validation of batch uploads, the union of valid stream and batch outcomes, and the join of
 * each outcome to the prediction made for that customer. A Lambda renders these (so they live in
 * contracts, which functions may bundle), and the tests run the very text on DuckDB.
 *
 * Engines: Athena engine version 3 (Trino) in AWS, DuckDB in the tests, so the text keeps to what
 * both read alike (Athena's functions are Trino's:
 * https://docs.aws.amazon.com/athena/latest/ug/functions-env3.html):
 * - full matches as `regexp_replace(x, '^…$', '') = ''`: Trino has `regexp_like`, DuckDB
 *   `regexp_matches`/`regexp_full_match`; `regexp_replace` is in both, and with an anchored pattern
 *   Trino's "replace every match" and DuckDB's "replace the first" agree
 *   (https://trino.io/docs/current/functions/regexp.html);
 * - `regexp_extract(x, p, group)` only on a line the whole pattern matched: on no match Trino
 *   returns NULL and DuckDB an empty string;
 * - trimming by two anchored `regexp_replace` calls over a class of `chr(n)` characters, not
 *   `TRIM(BOTH … FROM …)` with a set (not documented alike; https://trino.io/docs/current/functions/string.html);
 * - timestamps checked by arithmetic on their digits (no `date_parse`/`strptime`: different format
 *   languages), cast from `'YYYY-MM-DD HH:MM:SS.mmm'` with `TRY_CAST`
 *   (https://trino.io/docs/current/functions/conversion.html), and moved to UTC with
 *   `INTERVAL '1' MINUTE * n`; the join's lateness is `INTERVAL '1' DAY * n`
 *   (https://trino.io/docs/current/functions/datetime.html);
 * - `VARCHAR`, not Spark's `STRING`; `NULLS LAST` written out in every window order
 *   (https://trino.io/docs/current/functions/window.html);
 * - no quote or backslash inside a string literal (escaped differently).
 *
 * The reading rules are the Firehose cleaner's (`lib/schema/churn.ts`), generated from
 * `OUTCOME_FIELDS`, so a bad outcome is rejected with the same reason on both paths.
 */
import { FieldRejectReason } from './reject-reasons';
import { BOOLEAN_SPELLINGS, EVENT_TIME_YEARS, type FieldSpec, MISSING_VALUE_SPELLINGS } from '../schema/churn';
import { OBSERVED_DATE_PARTITION, OUTCOME_FIELDS } from '../schema/outcome';
import { DEFAULT_OUTCOME_DELAY } from '../schema/outcome-model';

/** The Glue tables of the raw outcomes (database: the lake's raw database). */
export const OUTCOME_TABLES = {
  /** Outcome CSV uploads under `outcomes-batch/`, one row per line exactly as uploaded: column `line`. */
  batch: 'outcome_batch',
  /** Cleaned stream outcomes under `outcomes-stream/`, JSON Lines, partitioned by `observed_date`. */
  stream: 'outcome_stream',
} as const;

/** The one column of the batch table: a line of an uploaded file, as uploaded. */
export const OUTCOME_BATCH_LINE_COLUMN = 'line';

/**
 * The Hive RegexSerDe pattern that makes each line one column: everything, line separators such
 * as U+2028 included (`(?s)`), so no line is ever read as NULL.
 */
export const OUTCOME_BATCH_LINE_REGEX = '(?s)^(.*)$';

/** Reasons of a rejected batch line beyond the field reasons the cleaner shares. */
export const OutcomeRejectReason = {
  /**
   * The line is not three CSV cells (RFC 4180 quoting, `,` separated): a wrong number of
   * columns, a stray quote, or a record cut in two by a line break inside a quoted cell (Athena
   * reads files line by line, so each part is kept, and rejected, on its own).
   */
  malformedLine: 'malformed_line',
  ...FieldRejectReason,
} as const;

/** The header every outcome CSV starts with: the outcome fields' names. */
export const OUTCOME_CSV_HEADER = OUTCOME_FIELDS.map((f) => f.name).join(',');

/**
 * The characters JavaScript's `trim()` removes, and so the cleaner: every value is trimmed of
 * them. Named by code point, so the SQL holds no invisible character.
 */
export const TRIMMED_CODE_POINTS: readonly number[] = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
  0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
];

// ---------------------------------------------------------------------------------------------
// Text helpers (lib/etl has its own for the Spark subset; contracts may not import a stage).

function literal(value: string): string {
  if (/['\\]/.test(value)) {
    throw new Error(
      `${JSON.stringify(value)} holds a quote or backslash: no literal form is common to Athena and DuckDB`,
    );
  }
  return `'${value}'`;
}

function matches(text: string, pattern: string): string {
  return `regexp_replace(${text}, ${pattern}, '') = ''`;
}

/** A schema pattern in the subset Trino's (Joni, Java syntax) and DuckDB's (RE2) engines read alike. */
function commonPattern(pattern: RegExp): string {
  const source = pattern.source.replace(/\\d/g, '[0-9]');
  if (pattern.flags.replace(/[gy]/g, '') !== '' || source.includes('\\') || !/^\^.*\$$/.test(source)) {
    throw new Error(`pattern /${pattern.source}/${pattern.flags} must be anchored, flagless and use no escape but \\d`);
  }
  return literal(source);
}

/** `x` trimmed as JavaScript trims. */
function trimmed(x: string): string {
  const set = TRIMMED_CODE_POINTS.map((c) => `chr(${c})`).join(' || ');
  return `regexp_replace(regexp_replace(${x}, '^[' || ${set} || ']+', ''), '[' || ${set} || ']+$', '')`;
}

function lines(items: readonly string[], indent: string): string {
  return items.map((item, i) => `${indent}${item}${i < items.length - 1 ? ',' : ''}`).join('\n');
}

/** A relation as it goes after FROM: a (qualified, maybe quoted) name or a parenthesised query. */
function relation(text: string, what: string): string {
  const t = text.trim();
  if (!(/^\(.*\)$/s.test(t) || /^("[^"]+"|[A-Za-z_][A-Za-z0-9_]*)(\.("[^"]+"|[A-Za-z_][A-Za-z0-9_]*))*$/.test(t))) {
    throw new Error(`${what} must be a table name or a parenthesised query; received ${JSON.stringify(text)}`);
  }
  return t;
}

/** `TIMESTAMP 'YYYY-MM-DD HH:MM:SS.mmm'` of a valid date, in UTC. */
function timestampLiteral(date: Date, what: string): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new RangeError(`${what} must be a valid Date; received ${String(date)}`);
  }
  const iso = date.toISOString();
  return `TIMESTAMP '${iso.slice(0, 10)} ${iso.slice(11, 23)}'`;
}

// ---------------------------------------------------------------------------------------------
// Batch validation

/** One CSV cell: quoted (a quote inside doubled) or plain (no comma, no quote). */
const CSV_CELL = '("(?:[^"]|"")*"|[^,"]*)';
const CSV_LINE = literal(`^${OUTCOME_FIELDS.map(() => CSV_CELL).join(',')}$`);
const TIMESTAMP_SHAPE = literal(
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})?$',
);

const BOOLEAN_CASES = Object.entries(BOOLEAN_SPELLINGS).map(
  ([spelling, value]) => `WHEN ${literal(spelling.trim().toLowerCase())} THEN ${value ? 'TRUE' : 'FALSE'}`,
);

/** The typed value of a present (trimmed, not missing) value `f` of `field`; NULL when it breaks the rule. */
function typedValue(field: FieldSpec): string {
  const f = field.name;
  switch (field.type) {
    case 'string':
      return field.pattern === undefined ? f : `CASE WHEN ${matches(f, commonPattern(field.pattern))} THEN ${f} END`;
    case 'boolean':
      return `CASE lower(${f}) ${BOOLEAN_CASES.join(' ')} END`;
    case 'timestamp':
      return `CASE WHEN ${f}__utc >= TIMESTAMP '${EVENT_TIME_YEARS.min}-01-01 00:00:00' AND ${f}__utc < TIMESTAMP '${EVENT_TIME_YEARS.max + 1}-01-01 00:00:00' THEN ${f}__utc END`;
    default:
      throw new Error(
        `outcome field ${f} is of type ${field.type}; the outcome SQL reads string, boolean and timestamp`,
      );
  }
}

/** Options of {@link renderOutcomeBatchValidationQuery}. */
export interface OutcomeBatchValidationOptions {
  /**
   * The uploaded lines: a relation with columns `line VARCHAR` (one line of a file, as uploaded)
   * and `origin VARCHAR` (the file; on Athena `"$path"`, see {@link athenaOutcomeBatchLines}).
   */
  readonly linesRelation: string;
}

/**
 * The query that validates uploaded outcome lines by the cleaner's rules, generated from
 * `OUTCOME_FIELDS`. One row per line but the header lines (`customer_id,observed_at,churned`, in
 * any case, trimmed); none is dropped:
 *
 * | column | type | |
 * |---|---|---|
 * | customer_id | VARCHAR | trimmed; NULL when the line is rejected |
 * | observed_at | TIMESTAMP | in UTC, milliseconds; NULL when rejected |
 * | churned | BOOLEAN | NULL when rejected |
 * | reject_reason | VARCHAR | NULL when valid; else `malformed_line`, or the first failing field in schema order: `missing_required:<field>`, `invalid_value:<field>` (the cleaner's reasons) |
 * | line | VARCHAR | the line exactly as uploaded |
 * | origin | VARCHAR | the file it came from |
 */
export function renderOutcomeBatchValidationQuery(options: OutcomeBatchValidationOptions): string {
  const from = relation(options.linesRelation, 'linesRelation');
  const names = OUTCOME_FIELDS.map((f) => f.name);
  const ts = OUTCOME_FIELDS.filter((f) => f.type === 'timestamp').map((f) => f.name);
  const missing = [...MISSING_VALUE_SPELLINGS].map((s) => literal(s.trim().toLowerCase())).join(', ');
  const daysInMonth = (f: string): string =>
    `CASE WHEN ${f}__month IN (4, 6, 9, 11) THEN 30 WHEN ${f}__month = 2 THEN CASE WHEN ${f}__year % 4 = 0 AND (${f}__year % 100 <> 0 OR ${f}__year % 400 = 0) THEN 29 ELSE 28 END ELSE 31 END`;
  const reasons = [
    `WHEN NOT well_formed THEN ${literal(OutcomeRejectReason.malformedLine)}`,
    ...OUTCOME_FIELDS.flatMap((field) => {
      const f = field.name;
      return field.required
        ? [
            `WHEN ${f} IS NULL THEN ${literal(FieldRejectReason.missingRequired(f))}`,
            `WHEN ${f}__value IS NULL THEN ${literal(FieldRejectReason.invalidValue(f))}`,
          ]
        : [`WHEN ${f} IS NOT NULL AND ${f}__value IS NULL THEN ${literal(FieldRejectReason.invalidValue(f))}`];
    }),
  ];
  const unquoted = (cell: string): string =>
    `CASE WHEN substr(${cell}, 1, 1) = '"' THEN replace(substr(${cell}, 2, length(${cell}) - 2), '""', '"') ELSE ${cell} END`;

  return `-- Outcome batch lines validated by the cleaner's rules (generated from lib/schema/outcome.ts
-- by lib/contracts/outcome-sql.ts); runs on Athena (Trino) and DuckDB.
WITH
uploaded AS (
  SELECT line, origin, ${matches("coalesce(line, '')", CSV_LINE)} AS well_formed
  FROM ${from} AS lines
  WHERE line IS NULL OR lower(${trimmed('line')}) <> ${literal(OUTCOME_CSV_HEADER.toLowerCase())}
),
cells AS (
  SELECT
    line,
    origin,
    well_formed,
${lines(
  names.map(
    (f, i) => `CASE WHEN well_formed THEN ${unquoted(`regexp_extract(line, ${CSV_LINE}, ${i + 1})`)} END AS ${f}__cell`,
  ),
  '    ',
)}
  FROM uploaded
),
present AS (
  -- Trimmed as the cleaner trims; a missing-value spelling is no value.
  SELECT
    line,
    origin,
    well_formed,
${lines(
  names.map(
    (f) =>
      `CASE WHEN lower(${trimmed(`${f}__cell`)}) IN (${missing}) THEN NULL ELSE ${trimmed(`${f}__cell`)} END AS ${f}`,
  ),
  '    ',
)}
  FROM cells
),
timestamp_parts AS (
  -- The digits of each timestamp of the ISO 8601 shape; the zone is Z (1), +HH:MM / -HH:MM (6) or none (0).
  SELECT
    *,
${lines(
  ts.flatMap((f) => {
    const t = `CASE WHEN ${matches(f, TIMESTAMP_SHAPE)} THEN ${f} END`;
    return [
      `${t} AS ${f}__text`,
      `CAST(substr(${t}, 1, 4) AS INTEGER) AS ${f}__year`,
      `CAST(substr(${t}, 6, 2) AS INTEGER) AS ${f}__month`,
      `CAST(substr(${t}, 9, 2) AS INTEGER) AS ${f}__day`,
      `CAST(substr(${t}, 12, 2) AS INTEGER) AS ${f}__hour`,
      `CAST(substr(${t}, 15, 2) AS INTEGER) AS ${f}__minute`,
      `CAST(substr(${t}, 18, 2) AS INTEGER) AS ${f}__second`,
      `CASE WHEN upper(substr(${t}, length(${t}), 1)) = 'Z' THEN 1 WHEN substr(${t}, length(${t}) - 5, 1) IN ('+', '-') THEN 6 ELSE 0 END AS ${f}__zone_length`,
    ];
  }),
  '    ',
)}
  FROM present
),
timestamp_zones AS (
  -- Milliseconds (the fraction truncated or padded to 3 digits) and the zone's offset in minutes.
  SELECT
    *,
${lines(
  ts.flatMap((f) => [
    `rpad(CASE WHEN substr(${f}__text, 20, 1) = '.' THEN substr(${f}__text, 21, length(${f}__text) - 20 - ${f}__zone_length) ELSE '' END, 3, '0') AS ${f}__millis`,
    `CASE WHEN ${f}__zone_length = 6 THEN CAST(substr(${f}__text, length(${f}__text) - 4, 2) AS INTEGER) ELSE 0 END AS ${f}__offset_hours`,
    `CASE WHEN ${f}__zone_length = 6 THEN CAST(substr(${f}__text, length(${f}__text) - 1, 2) AS INTEGER) ELSE 0 END AS ${f}__offset_minutes`,
    `CASE WHEN ${f}__zone_length = 6 AND substr(${f}__text, length(${f}__text) - 5, 1) = '-' THEN -1 ELSE 1 END AS ${f}__offset_sign`,
  ]),
  '    ',
)}
  FROM timestamp_parts
),
timestamp_utc AS (
  -- The local time when the date and time exist, moved to UTC by the zone's offset.
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
      THEN TRY_CAST(substr(${f}__text, 1, 10) || ' ' || substr(${f}__text, 12, 8) || '.' || ${f}__millis AS TIMESTAMP)
        - INTERVAL '1' MINUTE * (${f}__offset_sign * (${f}__offset_hours * 60 + ${f}__offset_minutes))
    END AS ${f}__utc`,
  ),
  '    ',
)}
  FROM timestamp_zones
),
typed AS (
  SELECT
    *,
${lines(
  OUTCOME_FIELDS.map((f) => `${typedValue(f)} AS ${f.name}__value`),
  '    ',
)}
  FROM timestamp_utc
),
judged AS (
  SELECT
    *,
    CASE
${reasons.map((r) => `      ${r}`).join('\n')}
    END AS reject_reason
  FROM typed
)
SELECT
${lines(
  [
    ...names.map((f) => `CASE WHEN reject_reason IS NULL THEN ${f}__value END AS ${f}`),
    'reject_reason',
    'line',
    'origin',
  ],
  '  ',
)}
FROM judged
`;
}

// ---------------------------------------------------------------------------------------------
// Valid outcomes of both paths

/** Options of {@link renderValidOutcomesQuery}. */
export interface ValidOutcomesOptions {
  /** The uploaded lines, as {@link OutcomeBatchValidationOptions.linesRelation}. */
  readonly batchLinesRelation: string;
  /**
   * The cleaned stream outcomes: a relation with `customer_id VARCHAR`, `observed_at VARCHAR` and
   * `ingest_time VARCHAR` (the cleaner's canonical `YYYY-MM-DDTHH:MM:SS.sssZ`) and `churned
   * BOOLEAN`: the `outcome_stream` table (see {@link athenaOutcomeStream}).
   */
  readonly streamRelation: string;
}

/**
 * The valid outcomes of both paths, each with its source: `customer_id VARCHAR`, `observed_at
 * TIMESTAMP` (UTC), `churned BOOLEAN`, `source VARCHAR` (`stream` | `batch`), `arrived_at
 * TIMESTAMP` (when the cleaner took a stream outcome in; NULL for a batch line, whose file time
 * the table does not carry). The relation {@link renderOutcomeJoinQuery} reads.
 */
export function renderValidOutcomesQuery(options: ValidOutcomesOptions): string {
  const stream = relation(options.streamRelation, 'streamRelation');
  const canonical = (x: string): string => `CAST(substr(${x}, 1, 10) || ' ' || substr(${x}, 12, 12) AS TIMESTAMP)`;
  return `SELECT customer_id, observed_at, churned, 'batch' AS source, CAST(NULL AS TIMESTAMP) AS arrived_at
FROM (
${renderOutcomeBatchValidationQuery({ linesRelation: options.batchLinesRelation })}) AS batch_outcomes
WHERE reject_reason IS NULL
UNION ALL
SELECT customer_id, ${canonical('observed_at')} AS observed_at, churned, 'stream' AS source, ${canonical('ingest_time')} AS arrived_at
FROM ${stream} AS stream_outcomes
`;
}

/**
 * The batch lines as the validation reads them on Athena: the table's one column and each row's
 * file (`"$path"`). Given `uploaded`, only the lines of files last written from its start
 * (inclusive) to its end (exclusive), by the file's `"$file_modified_time"` (Athena, "Get the file
 * locations for source data in Amazon S3", https://docs.aws.amazon.com/athena/latest/ug/select.html):
 * how the quality monitor counts the rejected lines of a window's uploads, since a rejected line
 * has no `observed_at` to place it in a window.
 */
export function athenaOutcomeBatchLines(
  database: string,
  uploaded?: { readonly start: Date; readonly end: Date },
): string {
  const from = `SELECT ${OUTCOME_BATCH_LINE_COLUMN} AS line, "$path" AS origin FROM "${database}"."${OUTCOME_TABLES.batch}"`;
  if (uploaded === undefined) {
    return `(${from})`;
  }
  const instant = (date: Date, what: string): string => {
    timestampLiteral(date, what);
    return `from_iso8601_timestamp('${date.toISOString()}')`;
  };
  return `(${from} WHERE "$file_modified_time" >= ${instant(uploaded.start, 'uploaded.start')} AND "$file_modified_time" < ${instant(uploaded.end, 'uploaded.end')})`;
}

/** Options of {@link renderRejectedOutcomeLinesQuery}. */
export type RejectedOutcomeLinesOptions = OutcomeBatchValidationOptions;

/**
 * How many uploaded lines the validation rejects, by reason: `reject_reason VARCHAR`, `lines
 * BIGINT` (one row per reason found, ordered by reason; none when every line is valid). The lines
 * themselves stay in the raw zone with their bytes; {@link renderOutcomeBatchValidationQuery}
 * lists them, each with its file.
 */
export function renderRejectedOutcomeLinesQuery(options: RejectedOutcomeLinesOptions): string {
  return `-- Rejected outcome batch lines by reason (lib/contracts/outcome-sql.ts); runs on Athena (Trino) and DuckDB.
SELECT reject_reason, count(*) AS lines
FROM (
${renderOutcomeBatchValidationQuery(options)}) AS validated
WHERE reject_reason IS NOT NULL
GROUP BY reject_reason
ORDER BY reject_reason
`;
}

/**
 * The stream outcomes as {@link renderValidOutcomesQuery} reads them on Athena. Given a window,
 * only its `observed_date` partitions are read (partition projection prunes the rest, so a
 * query of a week does not scan every day since the first).
 */
export function athenaOutcomeStream(database: string, window?: { readonly start: Date; readonly end: Date }): string {
  const from = `SELECT customer_id, observed_at, churned, ingest_time FROM "${database}"."${OUTCOME_TABLES.stream}"`;
  if (window === undefined) {
    return `(${from})`;
  }
  const day = (date: Date, what: string): string =>
    timestampLiteral(date, what).slice("TIMESTAMP '".length, -1).slice(0, 10);
  return `(${from} WHERE ${OBSERVED_DATE_PARTITION} >= '${day(window.start, 'window.start')}' AND ${OBSERVED_DATE_PARTITION} <= '${day(window.end, 'window.end')}')`;
}

// ---------------------------------------------------------------------------------------------
// The join

/**
 * Days after its prediction beyond which an outcome is `late` (still scored, counted apart): 45,
 * the end of the delay the project assumes between a customer's snapshot and its outcome (a
 * billing cycle and its grace, 30 to 45 days: `DEFAULT_OUTCOME_DELAY` in
 * `lib/schema/outcome-model.ts`, which the generator draws from). A constant rather than a config
 * key: it describes the outcome feed, which is the same in every stage.
 */
export const OUTCOME_LATE_AFTER_DAYS: number = DEFAULT_OUTCOME_DELAY.maxDays;

/**
 * How many days before a window's first outcome the quality monitor reads predictions: twice
 * {@link OUTCOME_LATE_AFTER_DAYS} (90). Outcomes arrive weeks after the prediction they are about,
 * so the predictions read run from `windowStart - PREDICTION_LOOKBACK_DAYS` to `windowEnd`: every
 * outcome of the window sees at least 90 days of predictions before it (one observed later in the
 * window, up to 90 days plus its distance from the window's start), so an outcome up to twice as
 * slow as the usual delay is still found, and counted `late`; a slower one is counted `unmatched`.
 * The capture partitions read are bounded by that span, never the whole capture history.
 */
export const PREDICTION_LOOKBACK_DAYS: number = 2 * OUTCOME_LATE_AFTER_DAYS;

/** What became of one outcome of the window. */
export type OutcomeStatus = 'matched' | 'late' | 'duplicate' | 'unmatched';

/** Options of {@link renderOutcomeJoinQuery}. */
export interface OutcomeJoinOptions {
  /**
   * Valid outcomes: `customer_id VARCHAR`, `observed_at TIMESTAMP`, `churned BOOLEAN`, `source
   * VARCHAR`, `arrived_at TIMESTAMP` (may be NULL): {@link renderValidOutcomesQuery}, parenthesised.
   */
  readonly outcomesRelation: string;
  /**
   * Predictions: `inference_id VARCHAR` (the customer id the request was sent with),
   * `captured_at TIMESTAMP`, `probability DOUBLE`. A capture without an inference id cannot be
   * joined and should be left out (it still counts for drift).
   */
  readonly predictionsRelation: string;
  /** The window's first instant (included), by `observed_at`. */
  readonly windowStart: Date;
  /** The window's end (excluded). */
  readonly windowEnd: Date;
  /**
   * An outcome observed more than this many days after its prediction is `late`. A positive
   * number of days; fractions allowed.
   */
  readonly lateAfterDays: number;
}

/**
 * The join of each outcome observed in the window to the latest prediction for that customer made
 * before it (`inference_id = customer_id AND captured_at < observed_at`). Every outcome of the
 * window is one row with exactly one status:
 *
 * - `duplicate`: the customer's outcome seen again in the window (the first by `observed_at`, then
 *   `arrived_at`, is the one scored; the others are counted, not scored);
 * - `unmatched`: no prediction for the customer before it (an unknown customer, or one never scored);
 * - `late`: observed more than `lateAfterDays` after its prediction. Still scored: the outcome is
 *   the true answer for the customer the prediction was about; lateness says the feed was slow,
 *   and leaving late outcomes out would bias quality towards the customers whose outcome is known
 *   quickly. It is counted apart so that a slow feed shows;
 * - `matched`: on time, scored.
 *
 * Columns: `customer_id`, `observed_at`, `churned`, `source`, `captured_at`, `probability` (NULL
 * for `unmatched`; the duplicate's own match, for information), `status`. Ordered by customer,
 * `observed_at`.
 */
export function renderOutcomeJoinQuery(options: OutcomeJoinOptions): string {
  const outcomes = relation(options.outcomesRelation, 'outcomesRelation');
  const predictions = relation(options.predictionsRelation, 'predictionsRelation');
  const start = timestampLiteral(options.windowStart, 'windowStart');
  const end = timestampLiteral(options.windowEnd, 'windowEnd');
  if (options.windowEnd.getTime() <= options.windowStart.getTime()) {
    throw new RangeError(
      `windowEnd (${options.windowEnd.toISOString()}) must be after windowStart (${options.windowStart.toISOString()})`,
    );
  }
  const late = options.lateAfterDays;
  if (!(typeof late === 'number' && Number.isFinite(late) && late > 0)) {
    throw new RangeError(`lateAfterDays must be a positive number of days; received ${String(late)}`);
  }
  // Whole seconds keep the multiplier an integer, which both engines multiply an interval by.
  const lateSeconds = Math.round(late * 86_400);
  return `-- Outcomes of a window joined to the latest earlier prediction for the customer
-- (lib/contracts/outcome-sql.ts); runs on Athena (Trino) and DuckDB.
WITH
windowed AS (
  SELECT customer_id, observed_at, churned, source, arrived_at
  FROM ${outcomes} AS outcomes
  WHERE observed_at >= ${start} AND observed_at < ${end}
),
seen AS (
  SELECT
    *,
    row_number() OVER (
      PARTITION BY customer_id
      ORDER BY observed_at ASC, arrived_at ASC NULLS LAST, source ASC, churned ASC
    ) AS seen
  FROM windowed
),
candidates AS (
  SELECT
    o.customer_id,
    o.observed_at,
    o.churned,
    o.source,
    o.seen,
    p.captured_at,
    p.probability,
    row_number() OVER (
      PARTITION BY o.customer_id, o.seen
      ORDER BY p.captured_at DESC NULLS LAST, p.probability DESC NULLS LAST
    ) AS latest
  FROM seen AS o
  LEFT JOIN ${predictions} AS p
    ON p.inference_id = o.customer_id AND p.captured_at < o.observed_at
)
SELECT
  customer_id,
  observed_at,
  churned,
  source,
  captured_at,
  probability,
  CASE
    WHEN seen > 1 THEN 'duplicate'
    WHEN captured_at IS NULL THEN 'unmatched'
    WHEN observed_at > captured_at + INTERVAL '1' SECOND * ${lateSeconds} THEN 'late'
    ELSE 'matched'
  END AS status
FROM candidates
WHERE latest = 1
ORDER BY customer_id, observed_at, seen
`;
}

/** One scored outcome: the prediction's probability and what really happened. */
export interface ScoredOutcome {
  readonly customer_id: string;
  readonly probability: number;
  readonly churned: boolean;
}

/** What the join found in a window. */
export interface OutcomeJoinSummary {
  /** The outcomes scored (`matched` and `late`), one per customer. */
  readonly scored: readonly ScoredOutcome[];
  /** Every outcome of the window, by status: they add up to the outcomes in the window. */
  readonly counts: Readonly<Record<OutcomeStatus, number>>;
}

/** A result row as Athena returns it: every value a string, NULL as absent (or null). */
export type OutcomeJoinRow = Readonly<Record<string, string | null | undefined>>;

const STATUSES: readonly OutcomeStatus[] = ['matched', 'late', 'duplicate', 'unmatched'];

/**
 * The summary of the join's result rows, whose values are strings as Athena returns them
 * (`'true'`, `'0.42'`). Throws on a row it cannot read, naming the row and the value: a monitor
 * must not report quality from rows it misread.
 */
export function summariseOutcomeJoin(rows: readonly OutcomeJoinRow[]): OutcomeJoinSummary {
  const counts: Record<OutcomeStatus, number> = { matched: 0, late: 0, duplicate: 0, unmatched: 0 };
  const scored: ScoredOutcome[] = [];
  rows.forEach((row, i) => {
    const status = row.status as OutcomeStatus;
    if (!STATUSES.includes(status)) {
      throw new Error(`row ${i}: status must be one of ${STATUSES.join(', ')}; received ${String(row.status)}`);
    }
    counts[status]++;
    if (status !== 'matched' && status !== 'late') {
      return;
    }
    const customerId = row.customer_id;
    const probability = Number(row.probability);
    const churned = row.churned === 'true' ? true : row.churned === 'false' ? false : undefined;
    if (typeof customerId !== 'string' || customerId === '') {
      throw new Error(`row ${i}: customer_id is missing`);
    }
    if (row.probability === null || row.probability === undefined || !(probability >= 0 && probability <= 1)) {
      throw new Error(
        `row ${i} (${customerId}): probability must be a number in [0, 1]; received ${String(row.probability)}`,
      );
    }
    if (churned === undefined) {
      throw new Error(`row ${i} (${customerId}): churned must be 'true' or 'false'; received ${String(row.churned)}`);
    }
    scored.push({ customer_id: customerId, probability, churned });
  });
  return { scored, counts };
}
