import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  CAPTURE_QUERY_DUCKDB_SHIMS,
  CAPTURED_ROW_COLUMNS,
  CaptureQueryError,
  type CaptureWindow,
  captureHour,
  DATA_CAPTURE_TABLE,
  PREDICTION_COLUMNS,
  renderCapturedRowsQuery,
  renderPredictionsQuery,
} from '../../lib/contracts/data-capture';
import { FEATURE_COLUMNS } from '../../lib/contracts/feature-manifest';

/**
 * The capture queries run, as rendered, in DuckDB over capture files laid out and shaped exactly as
 * SageMaker documents them (developer guide, "Capture data from real-time endpoint"): JSON Lines
 * under `<prefix>/<EndpointName>/<VariantName>/yyyy/mm/dd/hh/`, the partition columns read from
 * that path as Athena's projection reads them.
 */

const ENDPOINT = 'ml-lifecycle-sandbox-churn';
const DATABASE = 'ml_lifecycle_sandbox_raw';
const N = FEATURE_COLUMNS.length;

/** A CSV line of `N` features: `first` then zeros, with the given overrides by position. */
function line(first: string, overrides: Readonly<Record<number, string>> = {}): string {
  return Array.from({ length: N }, (_, i) => overrides[i] ?? (i === 0 ? first : '0')).join(',');
}

interface Capture {
  readonly eventId: string;
  readonly inferenceId?: string;
  readonly inferenceTime: string;
  readonly input: string;
  readonly output: string;
  readonly inputEncoding?: 'CSV' | 'BASE64';
}

/** One line of a capture file, as SageMaker writes it (key order and all). */
function captureLine(c: Capture): string {
  const encoding = c.inputEncoding ?? 'CSV';
  return JSON.stringify({
    captureData: {
      endpointInput: {
        observedContentType: 'text/csv',
        mode: 'INPUT',
        data: encoding === 'BASE64' ? Buffer.from(c.input, 'utf8').toString('base64') : c.input,
        encoding,
      },
      endpointOutput: {
        observedContentType: 'text/csv; charset=utf-8',
        mode: 'OUTPUT',
        data: c.output,
        encoding: 'CSV',
      },
    },
    eventMetadata: {
      eventId: c.eventId,
      ...(c.inferenceId === undefined ? {} : { inferenceId: c.inferenceId }),
      inferenceTime: c.inferenceTime,
    },
    eventVersion: '0',
  });
}

/** The window every test reads: 2026-08-01 10:00 to 12:00 UTC. */
const WINDOW: CaptureWindow = {
  database: DATABASE,
  endpointName: ENDPOINT,
  windowStart: new Date('2026-08-01T10:00:00Z'),
  windowEnd: new Date('2026-08-01T12:00:00Z'),
};

/** The files, by path under the capture prefix. */
const FILES: Readonly<Record<string, readonly Capture[]>> = {
  [`${ENDPOINT}/AllTraffic/2026/08/01/10/10-00-12-345-abcd.jsonl`]: [
    // Several customers in one request, with a trailing newline; one probability per line back.
    {
      eventId: 'e-multi',
      inferenceId: 'batch-1',
      inferenceTime: '2026-08-01T10:00:12Z',
      input: `${line('1')}\n${line('2')}\n${line('3')}\n`,
      output: '0.1\n0.2\n0.3\n',
    },
    // No inference id; the body base64-encoded (a content type not in CsvContentTypes).
    {
      eventId: 'e-anonymous',
      inferenceTime: '2026-08-01T10:30:00.250Z',
      input: line('4', { 5: '' }),
      output: '0.4',
      inputEncoding: 'BASE64',
    },
  ],
  [`${ENDPOINT}/AllTraffic/2026/08/01/11/11-59-59-000-efgh.jsonl`]: [
    // Probabilities on one line separated by commas; CRLF line ends; a short and a long line.
    {
      eventId: 'e-shapes',
      inferenceId: 'c-42',
      inferenceTime: '2026-08-01T11:59:59Z',
      input: `${line('x1')}\r\n${line('5')
        .split(',')
        .slice(0, N - 2)
        .join(',')}\r\n${line('6')},9\r\n`,
      output: '0.5,0.6,0.7',
    },
    // The window's end is exclusive.
    { eventId: 'e-at-end', inferenceTime: '2026-08-01T12:00:00Z', input: line('7'), output: '0.8' },
  ],
  // Filed in the hour after its inference time (a file opened before the hour turned): still read.
  [`${ENDPOINT}/AllTraffic/2026/08/01/12/12-00-01-000-ijkl.jsonl`]: [
    { eventId: 'e-late-file', inferenceTime: '2026-08-01T11:59:59.900Z', input: line('8'), output: 'oops' },
  ],
  // Before the window.
  [`${ENDPOINT}/AllTraffic/2026/08/01/09/09-59-00-000-mnop.jsonl`]: [
    { eventId: 'e-before', inferenceTime: '2026-08-01T09:59:59Z', input: line('9'), output: '0.9' },
  ],
  // Another endpoint in the same hour.
  ['other-endpoint/AllTraffic/2026/08/01/10/10-10-10-000-qrst.jsonl']: [
    { eventId: 'e-other', inferenceTime: '2026-08-01T10:10:10Z', input: line('10'), output: '0.95' },
  ],
};

let dir: string;
let instance: DuckDBInstance;
let connection: DuckDBConnection;

type Row = Record<string, unknown>;

async function rows(sql: string): Promise<Row[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS();
}

const BODY = 'STRUCT(observedContentType VARCHAR, mode VARCHAR, data VARCHAR, encoding VARCHAR)';
const JSON_COLUMNS = `{captureData: 'STRUCT(endpointInput ${BODY}, endpointOutput ${BODY})', eventMetadata: 'STRUCT(eventId VARCHAR, inferenceId VARCHAR, inferenceTime VARCHAR)', eventVersion: 'VARCHAR'}`;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-capture-'));
  for (const [key, captures] of Object.entries(FILES)) {
    const file = path.join(dir, 'data-capture', key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, captures.map(captureLine).join('\n') + '\n');
  }
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  for (const shim of CAPTURE_QUERY_DUCKDB_SHIMS) {
    await connection.run(shim.sql);
  }
  await connection.run(`CREATE SCHEMA ${DATABASE}`);
  // The table as Athena sees it: the JSON columns, and the partition columns projected from the path.
  await connection.run(
    `CREATE TABLE ${DATABASE}.${DATA_CAPTURE_TABLE} AS
     SELECT captureData AS capturedata, eventMetadata AS eventmetadata, eventVersion AS eventversion,
            split_part(rel, '/', 1) AS endpoint_name,
            split_part(rel, '/', 2) AS variant_name,
            concat_ws('/', split_part(rel, '/', 3), split_part(rel, '/', 4), split_part(rel, '/', 5), split_part(rel, '/', 6)) AS capture_hour
     FROM (
       SELECT *, substr(filename, ${path.join(dir, 'data-capture').length + 2}) AS rel
       FROM read_json('${dir}/data-capture/**/*.jsonl', format = 'newline_delimited', filename = true, columns = ${JSON_COLUMNS})
     )`,
  );
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('renderCapturedRowsQuery', () => {
  let result: Row[];
  beforeAll(async () => {
    result = await rows(`${renderCapturedRowsQuery(WINDOW)}\nORDER BY captured_at, line_number`);
  });

  it('has the documented columns, in order', async () => {
    const reader = await connection.runAndReadAll(`SELECT * FROM (${renderCapturedRowsQuery(WINDOW)}) LIMIT 0`);
    expect(reader.columnNames()).toEqual([...CAPTURED_ROW_COLUMNS]);
  });

  it('gives one row per CSV line of the window, of this endpoint only', () => {
    expect(result.map((r) => [r.event_id, Number(r.line_number)])).toEqual([
      ['e-multi', 1],
      ['e-multi', 2],
      ['e-multi', 3],
      ['e-anonymous', 1],
      ['e-shapes', 1],
      ['e-shapes', 2],
      ['e-shapes', 3],
      ['e-late-file', 1],
    ]);
  });

  it('keeps the inference id, and NULL where the caller gave none', () => {
    expect(result.map((r) => r.inference_id)).toEqual([
      'batch-1',
      'batch-1',
      'batch-1',
      null,
      'c-42',
      'c-42',
      'c-42',
      null,
    ]);
  });

  it('reads each field as text into its feature column, decoding base64 bodies', () => {
    expect(result.map((r) => r[FEATURE_COLUMNS[0] ?? ''])).toEqual(['1', '2', '3', '4', 'x1', '5', '6', '8']);
    expect(result[0]?.[FEATURE_COLUMNS[1] ?? '']).toBe('0');
  });

  it('makes an empty field and a field past the end of a short line NULL', () => {
    expect(result[3]?.[FEATURE_COLUMNS[5] ?? '']).toBeNull();
    const short = result[5] ?? {};
    expect(short[FEATURE_COLUMNS[N - 3] ?? '']).toBe('0');
    expect(short[FEATURE_COLUMNS[N - 2] ?? '']).toBeNull();
    expect(short[FEATURE_COLUMNS[N - 1] ?? '']).toBeNull();
  });

  it('counts the fields of each line, so missing and extra columns show', () => {
    expect(result.map((r) => Number(r.field_count))).toEqual([N, N, N, N, N, N - 2, N + 1, N]);
  });

  it('strips the carriage return of CRLF lines', () => {
    expect(result[6]?.[FEATURE_COLUMNS[N - 1] ?? '']).toBe('0');
  });

  it('gives the inference time as an instant', () => {
    expect((result[3]?.captured_at as Date).toISOString()).toBe('2026-08-01T10:30:00.250Z');
  });
});

describe('renderPredictionsQuery', () => {
  let result: Row[];
  beforeAll(async () => {
    result = await rows(`${renderPredictionsQuery(WINDOW)}\nORDER BY captured_at, line_number`);
  });

  it('has the documented columns, in order', async () => {
    const reader = await connection.runAndReadAll(`SELECT * FROM (${renderPredictionsQuery(WINDOW)}) LIMIT 0`);
    expect(reader.columnNames()).toEqual([...PREDICTION_COLUMNS]);
  });

  it('gives one row per probability, lines and commas alike, numbered as the request lines', () => {
    expect(result.map((r) => [r.event_id, r.inference_id, Number(r.line_number), r.probability])).toEqual([
      ['e-multi', 'batch-1', 1, 0.1],
      ['e-multi', 'batch-1', 2, 0.2],
      ['e-multi', 'batch-1', 3, 0.3],
      ['e-anonymous', null, 1, 0.4],
      ['e-shapes', 'c-42', 1, 0.5],
      ['e-shapes', 'c-42', 2, 0.6],
      ['e-shapes', 'c-42', 3, 0.7],
      ['e-late-file', null, 1, null],
    ]);
  });
});

describe('the window', () => {
  it('reads only the hour folders around it (one hour of slack each side)', () => {
    const sql = renderCapturedRowsQuery(WINDOW);
    expect(sql).toContain("capture_hour BETWEEN '2026/08/01/09' AND '2026/08/01/13'");
    expect(sql).toContain(`endpoint_name = '${ENDPOINT}'`);
  });

  it('names the capture hour as SageMaker files it (UTC)', () => {
    expect(captureHour(new Date('2026-01-02T03:04:05Z'))).toBe('2026/01/02/03');
  });

  it.each<[string, Partial<CaptureWindow>, RegExp]>([
    ['a database that is no Glue name', { database: 'x"; DROP TABLE y; --' }, /database .* is not a Glue name/],
    ['a table that is no Glue name', { table: 'Data-Capture' }, /table .* is not a Glue name/],
    [
      'an endpoint name with a quote',
      { endpointName: "e' OR '1'='1" },
      /endpointName .* is not a SageMaker endpoint name/,
    ],
    ['an invalid date', { windowStart: new Date('nope') }, /windowStart is Invalid Date/],
    [
      'an end before the start',
      { windowEnd: new Date('2026-08-01T09:00:00Z') },
      /windowEnd .* is not after windowStart/,
    ],
  ])('refuses %s', (_what, change, message) => {
    const render = () => renderPredictionsQuery({ ...WINDOW, ...change });
    expect(render).toThrow(CaptureQueryError);
    expect(render).toThrow(message);
  });
});
