/**
 * The endpoint's captured requests and responses as a table, and the two queries the monitors run
 * over it: what the Serving stage's capture table (`lib/serving/data-capture-table.ts`), the drift
 * and quality functions, and the SQL that reads their output (window statistics, outcome join)
 * agree on.
 *
 * WHAT SAGEMAKER WRITES (Amazon SageMaker developer guide, "Capture data from real-time endpoint",
 * https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture-endpoint.html): JSON
 * Lines files under `<DestinationS3Uri>/<EndpointName>/<VariantName>/yyyy/mm/dd/hh/<file>.jsonl`,
 * one folder per hour of invocation, one line per captured request:
 *
 * ```json
 * {"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"69,0,153.7\n","encoding":"CSV"},
 *   "endpointOutput":{"observedContentType":"text/csv; charset=utf-8","mode":"OUTPUT","data":"0.0254","encoding":"CSV"}},
 *  "eventMetadata":{"eventId":"aaaaaaaa-…","inferenceId":"…","inferenceTime":"2022-02-14T17:25:49Z"},"eventVersion":"0"}
 * ```
 *
 * - `data` is the body as text (`encoding` `CSV`) when the request's content type is one of the
 *   endpoint config's `CaptureContentTypeHeader.CsvContentTypes` (ours lists `text/csv`, the type
 *   `npm run invoke` sends), and base64 (`BASE64`) otherwise: "If no headers are specified SageMaker
 *   AI will by default base64 encode" (API reference, DataCaptureConfig,
 *   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DataCaptureConfig.html). The
 *   queries decode `BASE64`, so a caller that sends `text/csv; charset=utf-8` is read all the same.
 * - one request may carry several CSV lines (several customers); the response then has one
 *   probability per line (or, as the built-in XGBoost container has also written, all of them on
 *   one line separated by commas: `lib/serving/probability.ts`).
 * - `inferenceId` is present only when the caller passed `InferenceId` to InvokeEndpoint ("If you
 *   provide a value, it is added to the captured data when you enable data capture on the
 *   endpoint", API reference, InvokeEndpoint); it is how an outcome finds its prediction.
 *
 * THE TABLE: the OpenX JSON SerDe, which lower-cases every key, nested ones included (its
 * `case.insensitive` default, https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html),
 * so `captureData.endpointInput.data` is the column `capturedata.endpointinput.data`. Its three
 * partition columns are projected, not crawled
 * (https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html):
 * `endpoint_name` is `injected` (every query names the endpoint, so the table serves whichever
 * endpoint the stack has, with no list to keep), `variant_name` an `enum` of the one variant, and
 * `capture_hour` a `date` in SageMaker's `yyyy/MM/dd/HH` folder layout (the layout of Athena's own
 * Firehose example, https://docs.aws.amazon.com/athena/latest/ug/partition-projection-kinesis-firehose-example.html).
 *
 * THE QUERIES are Trino (Athena engine version 3) SELECT statements, rendered with the window and
 * the endpoint in them (Athena's injected projection needs the endpoint as a literal). Trino
 * functions used: `split`, `split_part`, `replace`, `length`, `trim`, `rtrim(string, chars)`,
 * `chr`, `nullif`, `try_cast`, `from_base64`, `from_utf8`, `from_iso8601_timestamp`, and
 * `CROSS JOIN UNNEST … WITH ORDINALITY`. DuckDB runs the very same text in the tests with
 * {@link CAPTURE_QUERY_DUCKDB_SHIMS}, two macros of the Trino names it lacks; every other function
 * has the same meaning in both for the arguments used here (`split_part` past the last field is
 * NULL in Trino and '' in DuckDB: the queries wrap it in `nullif(trim(…), '')`, which makes both
 * NULL).
 */
import { FEATURE_COLUMNS } from './feature-manifest';
import { VARIANT_NAME } from './serving';

/** The capture table's name, in the database the Serving stack is given. */
export const DATA_CAPTURE_TABLE = 'data_capture';

/** The capture table's partition columns, in S3 path order. */
export const CAPTURE_PARTITIONS = {
  /** The endpoint's name (injected: every query names it). */
  endpoint: 'endpoint_name',
  /** The production variant (an enum of {@link VARIANT_NAME}). */
  variant: 'variant_name',
  /** The hour folder, `yyyy/MM/dd/HH` in UTC. */
  hour: 'capture_hour',
} as const;

/** The `capture_hour` format, in Java date notation (what the projection and SageMaker's folders use). */
export const CAPTURE_HOUR_FORMAT = 'yyyy/MM/dd/HH';

/** The variants the `variant_name` projection enumerates. */
export const CAPTURE_VARIANTS: readonly string[] = [VARIANT_NAME];

/** One body of a capture record (the request's or the response's), as Glue types it. */
const CAPTURED_BODY = 'struct<observedcontenttype:string,mode:string,data:string,encoding:string>';

/** The capture table's data columns (lower case, as the SerDe reads the keys), with their Glue types. */
export const CAPTURE_COLUMNS: readonly { readonly name: string; readonly type: string; readonly comment: string }[] = [
  {
    name: 'capturedata',
    type: `struct<endpointinput:${CAPTURED_BODY},endpointoutput:${CAPTURED_BODY}>`,
    comment: 'The request (endpointinput) and the response (endpointoutput): content type, mode, data, encoding',
  },
  {
    name: 'eventmetadata',
    type: 'struct<eventid:string,inferenceid:string,inferencetime:string>',
    comment: 'eventid (one per request), inferenceid (given by the caller, or absent), inferencetime (ISO 8601, UTC)',
  },
  { name: 'eventversion', type: 'string', comment: 'The capture format version SageMaker wrote ("0")' },
];

/**
 * The columns of {@link renderCapturedRowsQuery}'s result, in order: where each line came from,
 * its field count, then one VARCHAR per feature column of the manifest (`FEATURE_COLUMNS`).
 */
export const CAPTURED_ROW_COLUMNS: readonly string[] = [
  'event_id',
  'inference_id',
  'line_number',
  'captured_at',
  'field_count',
  ...FEATURE_COLUMNS,
];

/** The columns of {@link renderPredictionsQuery}'s result, in order. */
export const PREDICTION_COLUMNS: readonly string[] = [
  'event_id',
  'inference_id',
  'line_number',
  'captured_at',
  'probability',
];

{
  const repeated = CAPTURED_ROW_COLUMNS.filter((c, i) => CAPTURED_ROW_COLUMNS.indexOf(c) !== i);
  if (repeated.length > 0) {
    throw new Error(`a feature column has the name of a captured-row column: ${repeated.join(', ')}`);
  }
}

/** Where a capture query reads, and which window. */
export interface CaptureWindow {
  /** The Glue database of the capture table: lower-case letters, digits and underscores. */
  readonly database: string;
  /**
   * The capture table.
   * @default DATA_CAPTURE_TABLE
   */
  readonly table?: string;
  /** The endpoint whose captures are read (SageMaker's endpoint name rules). */
  readonly endpointName: string;
  /** The window's start, inclusive (by `inferenceTime`). */
  readonly windowStart: Date;
  /** The window's end, exclusive; after the start. */
  readonly windowEnd: Date;
}

/** Thrown when a capture query cannot be rendered from what it was given; the message names the value. */
export class CaptureQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureQueryError';
  }
}

/** Glue names: what `LakeCatalog` allows for databases, and what Athena reads unquoted. */
const GLUE_NAME = /^[a-z][a-z0-9_]{0,254}$/;
/** SageMaker's endpoint name pattern (CreateEndpoint API reference). */
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** An ISO 8601 UTC instant with milliseconds, as `Date.toISOString` writes it. */
function instant(date: Date, what: string): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new CaptureQueryError(`${what} is ${String(date)}; expected a valid Date`);
  }
  return date.toISOString();
}

/** The `capture_hour` folder of an instant (UTC). */
export function captureHour(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}`;
}

/** The checked pieces of a window: quoted names, literals and the partitions to read. */
function checkedWindow(w: CaptureWindow): {
  readonly from: string;
  readonly where: string;
} {
  const table = w.table ?? DATA_CAPTURE_TABLE;
  for (const [what, name] of [
    ['database', w.database],
    ['table', table],
  ] as const) {
    if (!GLUE_NAME.test(name)) {
      throw new CaptureQueryError(
        `${what} ${JSON.stringify(name)} is not a Glue name; expected lower-case letters, digits and underscores, starting with a letter`,
      );
    }
  }
  if (!ENDPOINT_NAME.test(w.endpointName)) {
    throw new CaptureQueryError(
      `endpointName ${JSON.stringify(w.endpointName)} is not a SageMaker endpoint name; expected up to 63 letters, digits and hyphens, starting and ending with a letter or digit`,
    );
  }
  const start = instant(w.windowStart, 'windowStart');
  const end = instant(w.windowEnd, 'windowEnd');
  if (w.windowEnd.getTime() <= w.windowStart.getTime()) {
    throw new CaptureQueryError(`windowEnd ${end} is not after windowStart ${start}`);
  }
  // SageMaker files a request under the hour it was invoked; an hour of slack on either side keeps
  // a request written into a neighbouring folder (a file opened just before the hour turned) in
  // view. The exact window is then applied to inferenceTime.
  const hour = 60 * 60 * 1000;
  const firstHour = captureHour(new Date(w.windowStart.getTime() - hour));
  const lastHour = captureHour(new Date(w.windowEnd.getTime() + hour));
  const p = CAPTURE_PARTITIONS;
  return {
    from: `"${w.database}"."${table}"`,
    where: [
      `${p.endpoint} = '${w.endpointName}'`,
      `${p.hour} BETWEEN '${firstHour}' AND '${lastHour}'`,
      `from_iso8601_timestamp(eventmetadata.inferencetime) >= from_iso8601_timestamp('${start}')`,
      `from_iso8601_timestamp(eventmetadata.inferencetime) < from_iso8601_timestamp('${end}')`,
    ].join('\n    AND '),
  };
}

/** The text of a captured body: base64 decoded when SageMaker encoded it (see the module comment). */
function bodyText(body: 'endpointinput' | 'endpointoutput'): string {
  const b = `capturedata.${body}`;
  return `CASE WHEN ${b}.encoding = 'BASE64' THEN from_utf8(from_base64(${b}.data)) ELSE ${b}.data END`;
}

/**
 * The captured requests of a window, one row per CSV line: `event_id`, `inference_id` (NULL when
 * the caller gave none), `line_number` (the line's position in the request body, from 1),
 * `captured_at` (the request's `inferenceTime`, a timestamp with time zone), `field_count` (the
 * line's comma-separated fields: a feature missing or extra shows here), and one VARCHAR column
 * per feature column of the manifest, in manifest order: the field's text trimmed of spaces, NULL
 * when the field is empty or the line has too few fields. No value is parsed: a field that is not
 * a number stays as it came, for the statistics to count as invalid. Blank lines (the body's
 * trailing newline) are not rows. The relation the window statistics read.
 *
 * @throws CaptureQueryError when a name or the window is not allowed
 */
export function renderCapturedRowsQuery(window: CaptureWindow): string {
  const { from, where } = checkedWindow(window);
  const features = FEATURE_COLUMNS.map(
    (name, i) => `  nullif(trim(split_part(line, ',', ${i + 1})), '') AS ${name}`,
  ).join(',\n');
  return `-- Captured requests of endpoint ${window.endpointName}, one row per CSV line, from ${window.windowStart.toISOString()} to ${window.windowEnd.toISOString()} (exclusive)
WITH requests AS (
  SELECT
    eventmetadata.eventid AS event_id,
    eventmetadata.inferenceid AS inference_id,
    from_iso8601_timestamp(eventmetadata.inferencetime) AS captured_at,
    ${bodyText('endpointinput')} AS body
  FROM ${from}
  WHERE ${where}
),
lines AS (
  SELECT r.event_id, r.inference_id, r.captured_at, rtrim(l.raw_line, chr(13)) AS line, l.line_number
  FROM requests AS r
  CROSS JOIN UNNEST(split(r.body, chr(10))) WITH ORDINALITY AS l(raw_line, line_number)
)
SELECT
  event_id,
  inference_id,
  line_number,
  captured_at,
  length(line) - length(replace(line, ',', '')) + 1 AS field_count,
${features}
FROM lines
WHERE trim(line) <> ''`;
}

/**
 * The predictions of a window, one row per probability in the responses: `event_id`,
 * `inference_id` (NULL when the caller gave none), `line_number` (the position of the probability
 * in the response, from 1: the request line it answers), `captured_at` (the request's
 * `inferenceTime`, a timestamp with time zone) and `probability` (DOUBLE; NULL when the value is
 * not a number). Responses with one probability per line and with all of them on one line
 * separated by commas give the same rows. The relation the outcome join reads.
 *
 * @throws CaptureQueryError when a name or the window is not allowed
 */
export function renderPredictionsQuery(window: CaptureWindow): string {
  const { from, where } = checkedWindow(window);
  return `-- Predictions of endpoint ${window.endpointName}, one row per probability, from ${window.windowStart.toISOString()} to ${window.windowEnd.toISOString()} (exclusive)
WITH responses AS (
  SELECT
    eventmetadata.eventid AS event_id,
    eventmetadata.inferenceid AS inference_id,
    from_iso8601_timestamp(eventmetadata.inferencetime) AS captured_at,
    replace(${bodyText('endpointoutput')}, ',', chr(10)) AS body
  FROM ${from}
  WHERE ${where}
)
SELECT
  r.event_id,
  r.inference_id,
  v.line_number,
  r.captured_at,
  try_cast(trim(rtrim(v.value, chr(13))) AS DOUBLE) AS probability
FROM responses AS r
CROSS JOIN UNNEST(split(r.body, chr(10))) WITH ORDINALITY AS v(value, line_number)
WHERE trim(rtrim(v.value, chr(13))) <> ''`;
}

/** A DuckDB macro of a Trino function DuckDB does not have. */
export interface CaptureQueryShim {
  readonly trinoFunction: string;
  readonly sql: string;
  /** How the two differ, if at all, for the arguments the queries pass. */
  readonly difference: string;
}

/**
 * What DuckDB needs to run the capture queries unchanged (the tests' only concession to the
 * dialects): no SQL text is rewritten.
 */
export const CAPTURE_QUERY_DUCKDB_SHIMS: readonly CaptureQueryShim[] = [
  {
    trinoFunction: 'from_iso8601_timestamp',
    sql: 'CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)',
    difference:
      "None for SageMaker's inferenceTime (UTC with a Z, whole or fractional seconds): both give the instant, Trino as timestamp(3) with time zone, DuckDB as TIMESTAMPTZ.",
  },
  {
    trinoFunction: 'from_utf8',
    sql: 'CREATE OR REPLACE MACRO from_utf8(b) AS decode(b)',
    difference:
      "Trino replaces invalid UTF-8 with U+FFFD; DuckDB's decode fails on it. SageMaker's base64 bodies here are UTF-8 CSV text.",
  },
];
