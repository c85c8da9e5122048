/**
 * The outcome join on Athena: the queries it renders (the window's partitions, the predictions'
 * look-back), how it reads Athena's rows and names a failure (aws-sdk-client-mock), and the whole
 * function run end to end against an Athena stand-in that runs the very SQL it is sent on DuckDB,
 * over the generator's dirty outcomes (half streamed, half uploaded) and captures laid out as
 * SageMaker writes them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecutionState,
  type Row as AthenaRow,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { cleanRecord } from '../../../lambda/clean-records/record';
import {
  athenaOutcomeJoin,
  type JoinedOutcomes,
  type OutcomeWindow,
  OutcomeJoinError,
  renderOutcomeJoinQueries,
} from '../../../lambda/live-quality/join';
import {
  CAPTURE_QUERY_DUCKDB_SHIMS,
  DATA_CAPTURE_TABLE,
  renderPredictionsQuery,
} from '../../../lib/contracts/data-capture';
import { OUTCOME_LATE_AFTER_DAYS, OUTCOME_TABLES, PREDICTION_LOOKBACK_DAYS } from '../../../lib/contracts/outcome-sql';
import { generateCustomers, generateOutcomes } from '../../../lib/schema/generator';
import { OUTCOME_FIELDS } from '../../../lib/schema/outcome';
import type { OutcomeWireRecord } from '../../../lib/schema/outcome-model';
import { toCsvLines } from '../../../lib/schema/wire';
import { Db } from '../../support/duckdb-etl';

const athena = mockClient(AthenaClient);
const client = new AthenaClient({});

const DATABASE = 'ml_lifecycle_sandbox_raw';
const ENDPOINT = 'ml-lifecycle-sandbox-churn';
const WORK_GROUP = 'ml-lifecycle-sandbox';
const DAY = 86_400_000;

/** A window as the check gives it, over the sandbox's capture table. */
function outcomeWindow(windowStart: Date, windowEnd: Date): OutcomeWindow {
  return {
    endpointName: ENDPOINT,
    windowStart,
    windowEnd,
    predictionsQuery: (start, end) =>
      renderPredictionsQuery({ database: DATABASE, endpointName: ENDPOINT, windowStart: start, windowEnd: end }),
    timeLeft: () => 600_000,
  };
}

const WINDOW = outcomeWindow(new Date('2026-03-01T00:00:00Z'), new Date('2026-03-31T00:00:00Z'));
const NO_WAIT = { sleep: () => Promise.resolve() };

beforeEach(() => athena.reset());

describe('renderOutcomeJoinQueries', () => {
  const queries = renderOutcomeJoinQueries(WINDOW, { database: DATABASE });

  it('reads the stream outcomes of the window’s observed_date partitions only', () => {
    expect(queries.join).toContain(
      `FROM "${DATABASE}"."${OUTCOME_TABLES.stream}" WHERE observed_date >= '2026-03-01' AND observed_date <= '2026-03-31'`,
    );
    expect(queries.join).toContain(
      "WHERE observed_at >= TIMESTAMP '2026-03-01 00:00:00.000' AND observed_at < TIMESTAMP '2026-03-31 00:00:00.000'",
    );
  });

  it('reads predictions from PREDICTION_LOOKBACK_DAYS (90) before the window to its end, and only those capture hours', () => {
    expect(PREDICTION_LOOKBACK_DAYS).toBe(2 * OUTCOME_LATE_AFTER_DAYS);
    expect(queries.predictionsFrom).toEqual(new Date('2025-12-01T00:00:00Z'));
    expect(queries.predictionsTo).toEqual(WINDOW.windowEnd);
    // An hour of slack each side: renderPredictionsQuery's.
    expect(queries.join).toContain("capture_hour BETWEEN '2025/11/30/23' AND '2026/03/31/01'");
    expect(queries.join).toContain(`endpoint_name = '${ENDPOINT}'`);
  });

  it('calls an outcome late after OUTCOME_LATE_AFTER_DAYS (45), or the days it is given', () => {
    expect(queries.join).toContain(`INTERVAL '1' SECOND * ${45 * 86_400}`);
    const strict = renderOutcomeJoinQueries(WINDOW, { database: DATABASE, lateAfterDays: 30, lookbackDays: 60 });
    expect(strict.join).toContain(`INTERVAL '1' SECOND * ${30 * 86_400}`);
    expect(strict.predictionsFrom).toEqual(new Date('2025-12-31T00:00:00Z'));
  });

  it('counts the rejected lines of the batch files written in the window', () => {
    expect(queries.rejected).toContain(
      `FROM "${DATABASE}"."${OUTCOME_TABLES.batch}" WHERE "$file_modified_time" >= from_iso8601_timestamp('2026-03-01T00:00:00.000Z') AND "$file_modified_time" < from_iso8601_timestamp('2026-03-31T00:00:00.000Z')`,
    );
    expect(queries.rejected).toContain('GROUP BY reject_reason');
  });

  it('refuses a look-back that is not a number of days', () => {
    expect(() => renderOutcomeJoinQueries(WINDOW, { database: DATABASE, lookbackDays: -1 })).toThrow(
      'lookbackDays must be a number of days, 0 or more; received -1',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Athena answers given by hand

/** A result page as Athena gives it: the header row, then the rows. */
function page(columns: readonly string[], rows: readonly (readonly (string | null)[])[]) {
  const cells = (values: readonly (string | null)[]): AthenaRow => ({
    Data: values.map((v) => (v === null ? {} : { VarCharValue: v })),
  });
  return {
    ResultSet: {
      ResultSetMetadata: { ColumnInfo: columns.map((Name) => ({ Name, Type: 'varchar' })) },
      Rows: [cells(columns), ...rows.map(cells)],
    },
  };
}

const JOIN_COLUMNS = ['customer_id', 'observed_at', 'churned', 'source', 'captured_at', 'probability', 'status'];

/** Athena answering the join with `joinRows` and the rejected lines with `rejectedRows`. */
function answers(
  joinRows: readonly (readonly (string | null)[])[],
  rejectedRows: readonly (readonly (string | null)[])[],
  joinState: QueryExecutionState = 'SUCCEEDED',
): void {
  athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString?: string }) =>
    Promise.resolve({
      QueryExecutionId: input.QueryString?.includes('GROUP BY reject_reason') ? 'q-rejected' : 'q-join',
    }),
  );
  athena.on(GetQueryExecutionCommand, { QueryExecutionId: 'q-join' }).resolves({
    QueryExecution: {
      QueryExecutionId: 'q-join',
      Status: {
        State: joinState,
        StateChangeReason: joinState === 'FAILED' ? 'Query exhausted resources at this scale factor' : undefined,
      },
      Statistics: { DataScannedInBytes: 2048 },
    },
  });
  athena.on(GetQueryExecutionCommand, { QueryExecutionId: 'q-rejected' }).resolves({
    QueryExecution: {
      QueryExecutionId: 'q-rejected',
      Status: { State: 'SUCCEEDED' },
      Statistics: { DataScannedInBytes: 512 },
    },
  });
  athena.on(GetQueryResultsCommand, { QueryExecutionId: 'q-join' }).resolves(page(JOIN_COLUMNS, joinRows));
  athena
    .on(GetQueryResultsCommand, { QueryExecutionId: 'q-rejected' })
    .resolves(page(['reject_reason', 'lines'], rejectedRows));
}

const row = (customer: string, churned: string, probability: string | null, status: string) => [
  customer,
  '2026-03-10 00:00:00.000',
  churned,
  'stream',
  probability === null ? null : '2026-01-25 00:00:00.000',
  probability,
  status,
];

describe('athenaOutcomeJoin', () => {
  const join = athenaOutcomeJoin(client, { workGroup: WORK_GROUP, database: DATABASE, run: NO_WAIT });

  it('runs both queries in the lake’s workgroup, with the tables named in full', async () => {
    answers([], []);
    await join(WINDOW);
    expect(athena).toHaveReceivedCommandTimes(StartQueryExecutionCommand, 2);
    for (const call of athena.commandCalls(StartQueryExecutionCommand)) {
      expect(call.args[0].input).toMatchObject({ WorkGroup: WORK_GROUP });
      expect(call.args[0].input.QueryExecutionContext).toBeUndefined();
    }
  });

  it('scores matched and late outcomes, and counts duplicate, unmatched and rejected ones', async () => {
    answers(
      [
        row('C1', 'true', '0.9', 'matched'),
        row('C1', 'true', '0.9', 'duplicate'),
        row('C2', 'false', '0.2', 'late'),
        row('X1', 'false', null, 'unmatched'),
      ],
      [
        ['invalid_value:churned', '2'],
        ['malformed_line', '3'],
      ],
    );
    const joined = await join(WINDOW);
    expect(joined).toEqual<JoinedOutcomes>({
      scored: [
        { probability: 0.9, churned: true },
        { probability: 0.2, churned: false },
      ],
      leftOut: { duplicate: 1, unmatched: 1, 'rejected:invalid_value:churned': 2, 'rejected:malformed_line': 3 },
      notes: {
        matched: 1,
        late: 1,
        lateAfterDays: 45,
        predictionsFrom: '2025-12-01T00:00:00.000Z',
        predictionsTo: '2026-03-31T00:00:00.000Z',
        rejectedLinesOf: 'outcome batch files written in the window (kept under outcomes-batch/ as uploaded)',
        joinQueryId: 'q-join',
        joinScannedBytes: 2048,
        rejectedQueryId: 'q-rejected',
        rejectedScannedBytes: 512,
      },
    });
  });

  it('reports zero duplicates and unmatched, and no rejected reason, when there are none', async () => {
    answers([row('C1', 'false', '0.1', 'matched')], []);
    const joined = await join(WINDOW);
    expect(joined.leftOut).toEqual({ duplicate: 0, unmatched: 0 });
  });

  it('names the query that failed and Athena’s reason, after waiting for the other', async () => {
    answers([], [], 'FAILED');
    const failure = join(WINDOW);
    await expect(failure).rejects.toThrow(OutcomeJoinError);
    await expect(failure).rejects.toThrow(
      'the join of outcomes to predictions failed: Athena query q-join ended FAILED: Query exhausted resources at this scale factor',
    );
    expect(athena).toHaveReceivedCommandWith(GetQueryResultsCommand, { QueryExecutionId: 'q-rejected' });
  });

  it('names a result row it cannot read', async () => {
    answers([row('C1', 'maybe', '0.5', 'matched')], []);
    await expect(join(WINDOW)).rejects.toThrow(
      "the join of outcomes to predictions failed: row 0 (C1): churned must be 'true' or 'false'; received maybe",
    );
    answers([], [['malformed_line', 'many']]);
    await expect(join(WINDOW)).rejects.toThrow(
      'the count of rejected outcome lines failed: row 0 of the rejected outcome lines (query q-rejected) is {"reject_reason":"malformed_line","lines":"many"}',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// End to end: the function's SQL on DuckDB, standing in for Athena

describe('athenaOutcomeJoin end to end on DuckDB', () => {
  const SEED = 15;
  const CUSTOMERS = 2000;
  const DIRT = { late: 0.1, duplicate: 0.05, unknownCustomer: 0.05, malformed: 0.05 } as const;
  const INGEST = { ingestTime: '2026-03-20T00:00:00.000Z', ingestSource: 'kinesis:shardId-000000000000:1' };
  /** Every outcome the generator makes is observed in this window (customers are scored on 2026-01-01). */
  const WIDE = outcomeWindow(new Date('2026-01-20T00:00:00Z'), new Date('2026-04-01T00:00:00Z'));
  const UPLOADED_AT = '2026-03-25T00:00:00Z';

  const outcomes = [...generateOutcomes({ seed: SEED, count: CUSTOMERS, dirt: DIRT })];
  const customers = generateCustomers({ seed: SEED, count: CUSTOMERS });
  const streamed = outcomes.filter((_, i) => i % 2 === 0);
  const uploaded = outcomes.filter((_, i) => i % 2 === 1);
  const probabilityOf = (i: number) => (i % 100) / 100;

  let db: Db;
  let dir: string;

  /** Athena, as far as the function uses it: each query run on DuckDB, its rows as text in pages of 1,000. */
  function athenaOnDuckDb(): void {
    const results = new Map<string, { columns: string[]; rows: (string | null)[][] }>();
    athena.on(StartQueryExecutionCommand).callsFake(async (input: { QueryString: string }) => {
      const reader = await db.connection.runAndReadAll(input.QueryString);
      // The join's and the count's values are text, booleans, numbers and timestamps.
      const text = (v: unknown): string | null => {
        if (v === null || v === undefined) return null;
        if (v instanceof Date) return v.toISOString();
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
          return String(v);
        }
        throw new Error(`no text for ${JSON.stringify(v)}`);
      };
      const id = `q-${results.size + 1}`;
      results.set(id, {
        columns: reader.columnNames(),
        rows: reader.getRowObjectsJS().map((r) => reader.columnNames().map((c) => text(r[c]))),
      });
      return { QueryExecutionId: id };
    });
    athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) =>
      Promise.resolve({
        QueryExecution: { QueryExecutionId: input.QueryExecutionId, Status: { State: 'SUCCEEDED' } },
      }),
    );
    athena.on(GetQueryResultsCommand).callsFake((input: { QueryExecutionId: string; NextToken?: string }) => {
      const result = results.get(input.QueryExecutionId);
      if (result === undefined) throw new Error(`no query ${input.QueryExecutionId}`);
      const from = Number(input.NextToken ?? '0');
      const rows = result.rows.slice(from, from + 1000);
      const answer = page(result.columns, rows);
      // The header row leads the first page only.
      if (from > 0) answer.ResultSet.Rows.shift();
      return Promise.resolve({
        ...answer,
        NextToken: from + 1000 < result.rows.length ? String(from + 1000) : undefined,
      });
    });
  }

  /** One capture line as SageMaker writes it. */
  function capture(eventId: string, inferenceId: string, at: string, output: string, lines = 1): string {
    return JSON.stringify({
      captureData: {
        endpointInput: {
          observedContentType: 'text/csv',
          mode: 'INPUT',
          data: '1,2,3\n'.repeat(lines),
          encoding: 'CSV',
        },
        endpointOutput: {
          observedContentType: 'text/csv; charset=utf-8',
          mode: 'OUTPUT',
          data: output,
          encoding: 'CSV',
        },
      },
      eventMetadata: { eventId, inferenceId, inferenceTime: at },
      eventVersion: '0',
    });
  }

  beforeAll(async () => {
    db = await Db.open();
    // Not UTC, so a comparison that leaned on the session's time zone would show.
    await db.run("SET TimeZone = 'America/Los_Angeles'");
    for (const shim of CAPTURE_QUERY_DUCKDB_SHIMS) await db.run(shim.sql);
    await db.run(`CREATE SCHEMA ${DATABASE}`);

    // Captures: one request per customer at its snapshot, each with the customer's id; and two
    // the join must not use: a request of two customers under one id, and an answer that is no number.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outcome-join-'));
    const files = new Map<string, string[]>();
    const file = (at: string) => {
      const key = `${ENDPOINT}/AllTraffic/${at.slice(0, 4)}/${at.slice(5, 7)}/${at.slice(8, 10)}/${at.slice(11, 13)}/captures.jsonl`;
      const list = files.get(key) ?? [];
      files.set(key, list);
      return list;
    };
    customers.forEach((c, i) => {
      const at = String(c.record.event_time);
      file(at).push(capture(`e-${i}`, String(c.record.customer_id), at, String(probabilityOf(i))));
    });
    file('2026-01-02T00:00:00.000Z').push(
      capture('e-pair', 'C0000001', '2026-01-02T00:00:00.000Z', '0.999\n0.998\n', 2),
    );
    file('2026-01-02T00:00:00.000Z').push(capture('e-oops', 'C0000002', '2026-01-02T00:00:00.000Z', 'oops'));
    for (const [key, lines] of files) {
      const target = path.join(dir, key);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, `${lines.join('\n')}\n`);
    }
    const body = 'STRUCT(observedContentType VARCHAR, mode VARCHAR, data VARCHAR, encoding VARCHAR)';
    const columns = `{captureData: 'STRUCT(endpointInput ${body}, endpointOutput ${body})', eventMetadata: 'STRUCT(eventId VARCHAR, inferenceId VARCHAR, inferenceTime VARCHAR)', eventVersion: 'VARCHAR'}`;
    await db.run(
      `CREATE TABLE ${DATABASE}.${DATA_CAPTURE_TABLE} AS
       SELECT captureData AS capturedata, eventMetadata AS eventmetadata, eventVersion AS eventversion,
              split_part(rel, '/', 1) AS endpoint_name, split_part(rel, '/', 2) AS variant_name,
              concat_ws('/', split_part(rel, '/', 3), split_part(rel, '/', 4), split_part(rel, '/', 5), split_part(rel, '/', 6)) AS capture_hour
       FROM (SELECT *, substr(filename, ${dir.length + 2}) AS rel
             FROM read_json('${dir}/**/*.jsonl', format = 'newline_delimited', filename = true, columns = ${columns}))`,
    );

    // Stream outcomes, as the cleaner writes them, with their observed_date partition.
    await db.run(
      `CREATE TABLE ${DATABASE}.${OUTCOME_TABLES.stream} (customer_id VARCHAR, observed_at VARCHAR, churned BOOLEAN, ingest_time VARCHAR, observed_date VARCHAR)`,
    );
    const stream = await db.connection.createAppender(OUTCOME_TABLES.stream, DATABASE);
    for (const outcome of streamed) {
      const result = cleanRecord(outcome.text, INGEST);
      if (!result.ok) continue; // The Firehose path keeps it under stream-errors/.
      const line = JSON.parse(result.output) as Record<string, string | boolean>;
      stream.appendVarchar(line.customer_id as string);
      stream.appendVarchar(line.observed_at as string);
      stream.appendBoolean(line.churned as boolean);
      stream.appendVarchar(line.ingest_time as string);
      stream.appendVarchar((line.observed_at as string).slice(0, 10));
      stream.endRow();
    }
    stream.closeSync();

    // Batch lines with the file they came from and when it was written: this window's upload, and
    // an older file whose bad line belongs to an earlier window's report.
    await db.run(
      `CREATE TABLE ${DATABASE}.${OUTCOME_TABLES.batch} (line VARCHAR, "$path" VARCHAR, "$file_modified_time" TIMESTAMPTZ)`,
    );
    const csv = (records: Iterable<OutcomeWireRecord>) =>
      [...toCsvLines(records, OUTCOME_FIELDS)].map((l) => l.replace(/\n$/, ''));
    const batch = [
      ...csv(uploaded).map((line) => [line, 's3://raw/outcomes-batch/2026-03-25/upload.csv', UPLOADED_AT]),
      ['customer_id,observed_at,churned', 's3://raw/outcomes-batch/2026-01-05/old.csv', '2026-01-05T00:00:00Z'],
      ['not,an,outcome,at all', 's3://raw/outcomes-batch/2026-01-05/old.csv', '2026-01-05T00:00:00Z'],
    ];
    await db.run(
      `INSERT INTO ${DATABASE}.${OUTCOME_TABLES.batch} SELECT * FROM (VALUES ${batch
        .map(([line, origin, at]) => `('${String(line).replace(/'/g, "''")}', '${origin}', TIMESTAMPTZ '${at}')`)
        .join(', ')})`,
    );
  });

  afterAll(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // The outer beforeEach resets the mock: the stand-in is installed again for each test.
  beforeEach(athenaOnDuckDb);

  let joined: JoinedOutcomes;
  beforeAll(async () => {
    athenaOnDuckDb();
    joined = await athenaOutcomeJoin(client, { workGroup: WORK_GROUP, database: DATABASE, run: NO_WAIT })(WIDE);
  });

  it('counts as many late, duplicate and unmatched outcomes as the generator made, and scores the on-time and late ones', () => {
    const valid = outcomes.filter((o) => !o.malformed);
    const made = {
      matched: valid.filter((o) => o.kind === 'outcome' && !o.late).length,
      late: valid.filter((o) => o.kind === 'outcome' && o.late).length,
      duplicate: valid.filter((o) => o.kind === 'duplicate').length,
      unmatched: valid.filter((o) => o.kind === 'unknownCustomer').length,
    };
    expect(made.late).toBeGreaterThan(50);
    expect(made.duplicate).toBeGreaterThan(20);
    expect(made.unmatched).toBeGreaterThan(20);
    expect({
      matched: joined.notes?.matched,
      late: joined.notes?.late,
      duplicate: joined.leftOut.duplicate,
      unmatched: joined.leftOut.unmatched,
    }).toEqual(made);
    expect(joined.scored).toHaveLength(made.matched + made.late);
  });

  it('scores each customer with its own prediction and true churn, never a request of several customers nor a non-number', () => {
    const expected = new Map(
      customers.map((c, i) => [String(c.record.customer_id), [probabilityOf(i), c.record.churn]]),
    );
    const scoredIds = outcomes
      .filter((o) => !o.malformed && o.kind === 'outcome')
      .map((o) => expected.get(o.customerId));
    expect([...joined.scored].map((s) => [s.probability, s.churned]).sort()).toEqual(
      scoredIds.map((e) => [e?.[0], e?.[1]]).sort(),
    );
    // C0000001's and C0000002's later captures (a pair under one id; "oops") are not theirs to score.
    expect(joined.scored.some((s) => s.probability === 0.999 || s.probability === 0.998)).toBe(false);
  });

  it('counts the rejected lines of the window’s upload by reason, as the cleaner would reject them, and not an older file’s', () => {
    const expected: Record<string, number> = {};
    for (const outcome of uploaded.filter((o) => o.malformed)) {
      const cleaner = cleanRecord(outcome.text, INGEST);
      const reason = outcome.fields === undefined ? 'malformed_line' : cleaner.ok ? 'none' : cleaner.reason;
      expected[`rejected:${reason}`] = (expected[`rejected:${reason}`] ?? 0) + 1;
    }
    expect(Object.keys(expected).length).toBeGreaterThan(1);
    const rejected = Object.fromEntries(Object.entries(joined.leftOut).filter(([k]) => k.startsWith('rejected:')));
    expect(rejected).toEqual(expected);
  });

  it('finds no prediction older than the look-back: every outcome is then unmatched', async () => {
    const short = await athenaOutcomeJoin(client, {
      workGroup: WORK_GROUP,
      database: DATABASE,
      lookbackDays: 10,
      run: NO_WAIT,
    })(WIDE);
    expect(short.scored).toHaveLength(0);
    expect(short.leftOut.unmatched).toBe(joined.scored.length + (joined.leftOut.unmatched ?? 0));
    expect(short.notes?.predictionsFrom).toBe('2026-01-10T00:00:00.000Z');
  });

  it('keeps to the window by observed_at: a later window holds only the outcomes observed in it', async () => {
    const from = new Date(Date.parse('2026-01-01T00:00:00Z') + 40 * DAY);
    const later = await athenaOutcomeJoin(client, { workGroup: WORK_GROUP, database: DATABASE, run: NO_WAIT })(
      outcomeWindow(from, WIDE.windowEnd),
    );
    const observed = outcomes.filter(
      (o) => !o.malformed && o.kind === 'outcome' && Date.parse(String(o.fields?.observed_at)) >= from.getTime(),
    );
    expect(later.scored.length).toBeGreaterThan(0);
    expect(later.scored.length).toBeLessThan(joined.scored.length);
    // Duplicates are counted where their first sighting is; a customer's first outcome in the window is scored.
    expect(later.scored.length).toBe(new Set(observed.map((o) => o.customerId)).size);
  });
});
