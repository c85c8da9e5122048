import {
  AthenaClient,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  type Row,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  AthenaQueryFailedError,
  AthenaQueryTimeoutError,
  type AthenaRunOptions,
  runAthenaQuery,
} from '../../../lambda/shared/athena';

const athena = mockClient(AthenaClient);
const client = new AthenaClient({});
const QUERY = { sql: 'SELECT 1', workGroup: 'ml-lifecycle-sandbox', database: 'ml_lifecycle_sandbox_raw' };

/** The pauses the runner asked for, and a clock that never runs out unless told. */
let pauses: number[];
function options(timeLeft: () => number = () => 600_000): AthenaRunOptions {
  return {
    timeLeft,
    sleep: (ms) => {
      pauses.push(ms);
      return Promise.resolve();
    },
  };
}

function state(State: string, extra: Record<string, unknown> = {}): GetQueryExecutionCommandOutput {
  return {
    $metadata: {},
    QueryExecution: { QueryExecutionId: 'q-1', Status: { State, ...extra }, Statistics: { DataScannedInBytes: 4096 } },
  } as GetQueryExecutionCommandOutput;
}

const row = (...cells: (string | undefined)[]): Row => ({
  Data: cells.map((c) => (c === undefined ? {} : { VarCharValue: c })),
});
const META = {
  ColumnInfo: [
    { Name: 'event_id', Type: 'varchar' },
    { Name: 'probability', Type: 'double' },
  ],
};

beforeEach(() => {
  athena.reset();
  pauses = [];
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
});

describe('runAthenaQuery', () => {
  it('starts the query in the workgroup and database it is given', async () => {
    athena.on(GetQueryExecutionCommand).resolves(state('SUCCEEDED'));
    athena
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { ResultSetMetadata: META, Rows: [row('event_id', 'probability')] } });
    await runAthenaQuery(client, QUERY, options());
    expect(athena).toHaveReceivedCommandWith(StartQueryExecutionCommand, {
      QueryString: 'SELECT 1',
      WorkGroup: 'ml-lifecycle-sandbox',
      QueryExecutionContext: { Database: 'ml_lifecycle_sandbox_raw' },
    });
  });

  it('polls with back-off until the query succeeds', async () => {
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(state('QUEUED'))
      .resolvesOnce(state('RUNNING'))
      .resolvesOnce(state('RUNNING'))
      .resolvesOnce(state('RUNNING'))
      .resolvesOnce(state('RUNNING'))
      .resolves(state('SUCCEEDED'));
    athena
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { ResultSetMetadata: META, Rows: [row('event_id', 'probability')] } });
    const result = await runAthenaQuery(client, QUERY, options());
    expect(pauses).toEqual([500, 1000, 2000, 4000, 5000]);
    expect(result).toEqual({
      queryExecutionId: 'q-1',
      columns: ['event_id', 'probability'],
      rows: [],
      scannedBytes: 4096,
    });
  });

  it('pages through the results, dropping the header row, NULL as null', async () => {
    athena.on(GetQueryExecutionCommand).resolves(state('SUCCEEDED'));
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: { ResultSetMetadata: META, Rows: [row('event_id', 'probability'), row('e1', '0.25')] },
        NextToken: 'page-2',
      })
      .resolvesOnce({ ResultSet: { ResultSetMetadata: META, Rows: [row('e2', undefined), row('e3', '1.0')] } });
    const result = await runAthenaQuery(client, QUERY, options());
    expect(result.rows).toEqual([
      { event_id: 'e1', probability: '0.25' },
      { event_id: 'e2', probability: null },
      { event_id: 'e3', probability: '1.0' },
    ]);
    expect(athena).toHaveReceivedCommandWith(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: 'page-2' });
  });

  it('keeps a first row that is not the header', async () => {
    athena.on(GetQueryExecutionCommand).resolves(state('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: META, Rows: [row('e1', '0.25')] } });
    expect((await runAthenaQuery(client, QUERY, options())).rows).toEqual([{ event_id: 'e1', probability: '0.25' }]);
  });

  it.each(['FAILED', 'CANCELLED'])('names a query that ended %s, with Athena’s reason', async (ended) => {
    athena.on(GetQueryExecutionCommand).resolves(
      state(ended, {
        StateChangeReason: 'TABLE_NOT_FOUND: line 3:8: Table does not exist',
        AthenaError: { ErrorMessage: 'TABLE_NOT_FOUND: line 3:8: Table does not exist' },
      }),
    );
    const run = runAthenaQuery(client, QUERY, options());
    await expect(run).rejects.toThrow(AthenaQueryFailedError);
    await expect(runAthenaQuery(client, QUERY, options())).rejects.toThrow(
      `Athena query q-1 ended ${ended}: TABLE_NOT_FOUND: line 3:8: Table does not exist`,
    );
  });

  it('stops a query still running when the time is up, and says so', async () => {
    athena.on(GetQueryExecutionCommand).resolves(state('RUNNING'));
    let left = 18_000;
    const run = runAthenaQuery(
      client,
      QUERY,
      options(() => {
        left -= 1000;
        return left;
      }),
    );
    await expect(run).rejects.toThrow(AthenaQueryTimeoutError);
    expect(athena).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: 'q-1' });
    // Never sleeps past the reserve: 17 s left - 15 s reserved = 2 s at most, then 1 s, then 0.
    expect(pauses).toEqual([500, 1000]);
    expect(athena).not.toHaveReceivedCommand(GetQueryResultsCommand);
  });
});
