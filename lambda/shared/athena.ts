/**
 * Running one Athena query from a function and reading its rows: start it in the lake's workgroup
 * (whose settings, enforced, say where results go and how they are encrypted), poll its state with
 * back-off for as long as the invocation's time allows, and page through its results.
 *
 * Athena's result set of a SELECT starts with a header row (the column names as a data row): a first
 * row whose values are exactly the column names is dropped, and each other row becomes a record of
 * the column names (from the result set's metadata) to their text, `null` for SQL NULL. Everything
 * arrives as text: the caller parses what it needs.
 *
 * Failures are named: {@link AthenaQueryFailedError} (the query ended FAILED or CANCELLED: its state
 * and Athena's reason) and {@link AthenaQueryTimeoutError} (still running when the time ran out: it
 * is stopped, so it scans nothing more). SDK errors (access, throttling) are thrown as they come.
 *
 * API: StartQueryExecution, GetQueryExecution, GetQueryResults (at most 1,000 rows a page; the
 * caller also needs s3:GetObject on the workgroup's results location, Athena API reference,
 * https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html) and
 * StopQueryExecution.
 */
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';

/** A row of a result: column name to text, `null` for SQL NULL. */
export type AthenaRow = Readonly<Record<string, string | null>>;

/** What a query returned. */
export interface AthenaResult {
  readonly queryExecutionId: string;
  /** The result's columns, in order. */
  readonly columns: readonly string[];
  readonly rows: readonly AthenaRow[];
  /** Bytes Athena scanned (what the query costs), when it says. */
  readonly scannedBytes?: number;
}

/** One query to run. */
export interface AthenaQuery {
  /** One SQL statement. */
  readonly sql: string;
  /** The workgroup to run it in (the lake's: results, encryption and scan limit are its settings). */
  readonly workGroup: string;
  /**
   * The database unqualified table names resolve in.
   * @default - none: the SQL qualifies its tables
   */
  readonly database?: string;
}

/** How long to wait, and how. */
export interface AthenaRunOptions {
  /** Milliseconds the invocation has left (a Lambda context's `getRemainingTimeInMillis`). */
  readonly timeLeft: () => number;
  /**
   * Milliseconds kept back for what the caller does after the query (publishing, writing the
   * report): polling gives up when no more than this is left.
   * @default 15000
   */
  readonly reserveMs?: number;
  /**
   * The first pause between two polls; each following pause is twice the last, up to `maxDelayMs`.
   * @default 500
   */
  readonly firstDelayMs?: number;
  /** @default 5000 */
  readonly maxDelayMs?: number;
  /**
   * Waits (for tests).
   * @default - a timer
   */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The query ended FAILED or CANCELLED. */
export class AthenaQueryFailedError extends Error {
  constructor(
    readonly queryExecutionId: string,
    readonly state: string,
    readonly reason: string,
  ) {
    super(`Athena query ${queryExecutionId} ended ${state}: ${reason}`);
    this.name = 'AthenaQueryFailedError';
  }
}

/** The query was still running when the invocation's time ran out; it has been stopped. */
export class AthenaQueryTimeoutError extends Error {
  constructor(
    readonly queryExecutionId: string,
    readonly state: string,
    waitedMs: number,
  ) {
    super(
      `Athena query ${queryExecutionId} was still ${state} after ${waitedMs} ms, when the function had to stop waiting; it was stopped`,
    );
    this.name = 'AthenaQueryTimeoutError';
  }
}

const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Why a query failed, in Athena's words. */
function failureReason(execution: QueryExecution | undefined): string {
  const status = execution?.Status;
  const parts = [status?.StateChangeReason, status?.AthenaError?.ErrorMessage].filter(
    (p): p is string => p !== undefined && p !== '',
  );
  const unique = [...new Set(parts)];
  return unique.length > 0 ? unique.join('; ') : 'Athena gave no reason';
}

/**
 * Runs `query` and returns all its rows.
 *
 * @throws AthenaQueryFailedError when the query fails or is cancelled
 * @throws AthenaQueryTimeoutError when it is still queued or running with `reserveMs` left
 */
export async function runAthenaQuery(
  client: AthenaClient,
  query: AthenaQuery,
  options: AthenaRunOptions,
): Promise<AthenaResult> {
  const sleep = options.sleep ?? timer;
  const reserve = options.reserveMs ?? 15_000;
  const maxDelay = options.maxDelayMs ?? 5_000;
  const started = await client.send(
    new StartQueryExecutionCommand({
      QueryString: query.sql,
      WorkGroup: query.workGroup,
      ...(query.database === undefined ? {} : { QueryExecutionContext: { Database: query.database } }),
    }),
  );
  const id = started.QueryExecutionId;
  if (id === undefined) {
    throw new Error('Athena StartQueryExecution returned no QueryExecutionId');
  }

  let delay = options.firstDelayMs ?? 500;
  let waited = 0;
  for (;;) {
    const { QueryExecution: execution } = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const state = execution?.Status?.State ?? 'UNKNOWN';
    if (state === 'SUCCEEDED') {
      const scanned = execution?.Statistics?.DataScannedInBytes;
      return {
        queryExecutionId: id,
        ...(await readResults(client, id)),
        ...(scanned === undefined ? {} : { scannedBytes: scanned }),
      };
    }
    if (state === 'FAILED' || state === 'CANCELLED') {
      throw new AthenaQueryFailedError(id, state, failureReason(execution));
    }
    const left = options.timeLeft() - reserve;
    if (left <= 0) {
      // Stopped so that it does not go on scanning (and costing) for nobody.
      await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
      throw new AthenaQueryTimeoutError(id, state, waited);
    }
    const pause = Math.min(delay, left);
    await sleep(pause);
    waited += pause;
    delay = Math.min(delay * 2, maxDelay);
  }
}

/** Every page of a succeeded query's results, as records. */
async function readResults(
  client: AthenaClient,
  id: string,
): Promise<{ readonly columns: readonly string[]; readonly rows: readonly AthenaRow[] }> {
  let columns: string[] | undefined;
  const rows: AthenaRow[] = [];
  let token: string | undefined;
  let first = true;
  do {
    const page = await client.send(
      new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1000, NextToken: token }),
    );
    columns ??= (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c, i) => c.Name ?? `_col${i}`);
    const data = page.ResultSet?.Rows ?? [];
    // The header row (the column names as data) leads the first page of a SELECT's results.
    const header = first && data[0]?.Data?.every((cell, i) => cell.VarCharValue === columns?.[i]) === true;
    for (const row of header ? data.slice(1) : data) {
      const record: Record<string, string | null> = {};
      columns.forEach((name, i) => {
        record[name] = row.Data?.[i]?.VarCharValue ?? null;
      });
      rows.push(record);
    }
    first = false;
    token = page.NextToken;
  } while (token !== undefined);
  return { columns: columns ?? [], rows };
}
