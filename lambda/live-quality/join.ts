/**
 * The boundary between the quality check and the outcome join: what the check asks for (the
 * outcomes of a window, each joined to the prediction made for that customer before it) and what
 * it gets back (the matched pairs, and how many outcomes were left out and why); and the join the
 * function runs, {@link athenaOutcomeJoin}: the outcome SQL of `lib/contracts/outcome-sql.ts` over
 * the raw outcome tables and the window's predictions (`renderPredictionsQuery` in
 * `lib/contracts/data-capture.ts`), on Athena.
 *
 * What the report says of each outcome (`summariseOutcomeJoin` decides, the SQL counts):
 *
 * - `matched`: scored;
 * - `late` (observed more than `OUTCOME_LATE_AFTER_DAYS` after its prediction): scored all the
 *   same, and counted in the notes (`late`), so that a slow feed shows;
 * - `duplicate` (the customer's outcome again in the window): left out, counted;
 * - `unmatched` (no prediction for the customer before it, within the predictions read): left out,
 *   counted;
 * - `rejected:<reason>`: uploaded lines the validation rejects (`malformed_line`,
 *   `missing_required:<field>`, `invalid_value:<field>`), counted by reason for the files written
 *   in the window. They stay in the raw zone under `outcomes-batch/` with their bytes.
 */
import type { AthenaClient } from '@aws-sdk/client-athena';
import {
  athenaOutcomeBatchLines,
  athenaOutcomeStream,
  OUTCOME_LATE_AFTER_DAYS,
  PREDICTION_LOOKBACK_DAYS,
  renderOutcomeJoinQuery,
  renderRejectedOutcomeLinesQuery,
  renderValidOutcomesQuery,
  summariseOutcomeJoin,
} from '../../lib/contracts/outcome-sql';
import { type AthenaResult, type AthenaRunOptions, runAthenaQuery } from '../shared/athena';
import type { ScoredOutcome } from './quality';

/** The window the check scores, and how to read the predictions the outcomes join to. */
export interface OutcomeWindow {
  /** The endpoint whose predictions are joined. */
  readonly endpointName: string;
  /** Outcomes observed from here (inclusive) … */
  readonly windowStart: Date;
  /** … to here (exclusive). */
  readonly windowEnd: Date;
  /**
   * The predictions query (Trino text, `PREDICTION_COLUMNS`) over captures made from `start`
   * (inclusive) to `end` (exclusive): the join chooses how far before the outcomes it looks.
   */
  readonly predictionsQuery: (start: Date, end: Date) => string;
  /** Milliseconds the invocation has left, for the join's own queries. */
  readonly timeLeft: () => number;
}

/** What the join found. */
export interface JoinedOutcomes {
  /** One per outcome matched to a prediction. */
  readonly scored: readonly ScoredOutcome[];
  /**
   * Outcomes of the window not in `scored`, by reason (`unmatched`, `duplicate`,
   * `rejected:<reason>` …, as the join names them): counted and reported, none lost.
   */
  readonly leftOut: Readonly<Record<string, number>>;
  /**
   * Anything the report should say about how the join was made (the late outcomes among the
   * scored, the predictions read, the queries' ids and the bytes they scanned).
   * @default - nothing
   */
  readonly notes?: Readonly<Record<string, string | number>>;
}

/** Joins the outcomes of a window to their predictions. */
export type JoinOutcomes = (window: OutcomeWindow) => Promise<JoinedOutcomes>;

// ---------------------------------------------------------------------------------------------
// The join on Athena

const DAY = 24 * 60 * 60 * 1000;

/** Where the outcomes are, and how the join judges them. */
export interface OutcomeJoinSqlOptions {
  /** The Glue database of the outcome tables (the lake's raw database, `DATABASE`). */
  readonly database: string;
  /**
   * Days after its prediction beyond which an outcome is counted late (and still scored).
   * @default OUTCOME_LATE_AFTER_DAYS (45)
   */
  readonly lateAfterDays?: number;
  /**
   * Days before the window's start from which predictions are read.
   * @default PREDICTION_LOOKBACK_DAYS (90)
   */
  readonly lookbackDays?: number;
}

/** The queries one join runs, and the span of predictions they read. */
export interface OutcomeJoinQueries {
  /** Every outcome of the window with its status (`renderOutcomeJoinQuery`'s columns). */
  readonly join: string;
  /** Rejected lines of the batch files written in the window, by reason. */
  readonly rejected: string;
  /** The predictions read: captured from here (inclusive) … */
  readonly predictionsFrom: Date;
  /** … to here (exclusive): the window's end. */
  readonly predictionsTo: Date;
}

/**
 * The window's predictions as the join reads them: only those that can be tied to one customer
 * (an inference id, which `npm run invoke` sets to the customer's id, on a request of one line: a
 * request of several customers carries one inference id for all of them), with a probability, and
 * `captured_at` as a UTC timestamp like the outcomes' `observed_at` (`AT TIME ZONE` then a cast,
 * which Trino and DuckDB read alike, rather than comparing a timestamp with time zone to one
 * without, which each engine resolves by its session's time zone:
 * https://trino.io/docs/current/functions/datetime.html#time-zone-conversion).
 */
function joinablePredictions(predictionsQuery: string): string {
  return `(
  SELECT inference_id, CAST(captured_at AT TIME ZONE 'UTC' AS TIMESTAMP) AS captured_at, probability
  FROM (
    SELECT inference_id, captured_at, probability, count(*) OVER (PARTITION BY event_id) AS answers
    FROM (
${predictionsQuery}
    ) AS captured
  ) AS counted
  WHERE inference_id IS NOT NULL AND answers = 1 AND probability IS NOT NULL
)`;
}

/**
 * The Athena queries of one window: the join reads the stream outcomes of the window's
 * `observed_date` partitions, every uploaded batch line (the batch table is not partitioned: the
 * validation gives each line its `observed_at`, and the join keeps the window's), and the
 * predictions captured from `windowStart - lookbackDays` to `windowEnd` (the capture partitions of
 * that span only, see `renderPredictionsQuery`); the rejected-lines query reads the batch files
 * written in the window.
 *
 * @throws RangeError (the outcome SQL's) or CaptureQueryError when a date, a name or the lateness is not allowed
 */
export function renderOutcomeJoinQueries(
  window: Pick<OutcomeWindow, 'windowStart' | 'windowEnd' | 'predictionsQuery'>,
  options: OutcomeJoinSqlOptions,
): OutcomeJoinQueries {
  const lookback = options.lookbackDays ?? PREDICTION_LOOKBACK_DAYS;
  if (!(Number.isFinite(lookback) && lookback >= 0)) {
    throw new RangeError(`lookbackDays must be a number of days, 0 or more; received ${String(lookback)}`);
  }
  const { windowStart, windowEnd } = window;
  const predictionsFrom = new Date(windowStart.getTime() - lookback * DAY);
  const outcomes = renderValidOutcomesQuery({
    batchLinesRelation: athenaOutcomeBatchLines(options.database),
    streamRelation: athenaOutcomeStream(options.database, { start: windowStart, end: windowEnd }),
  });
  const join = renderOutcomeJoinQuery({
    outcomesRelation: `(\n${outcomes})`,
    predictionsRelation: joinablePredictions(window.predictionsQuery(predictionsFrom, windowEnd)),
    windowStart,
    windowEnd,
    lateAfterDays: options.lateAfterDays ?? OUTCOME_LATE_AFTER_DAYS,
  });
  const rejected = renderRejectedOutcomeLinesQuery({
    linesRelation: athenaOutcomeBatchLines(options.database, { start: windowStart, end: windowEnd }),
  });
  return { join, rejected, predictionsFrom, predictionsTo: windowEnd };
}

/** One of the join's queries failed; the message names which, and Athena's (or the SDK's) reason. */
export class OutcomeJoinError extends Error {
  constructor(
    /** `join` (outcomes to predictions) or `rejected` (rejected batch lines by reason). */
    readonly query: 'join' | 'rejected',
    cause: unknown,
  ) {
    const what = query === 'join' ? 'the join of outcomes to predictions' : 'the count of rejected outcome lines';
    super(`${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'OutcomeJoinError';
  }
}

/** Where and how {@link athenaOutcomeJoin} runs its queries. */
export interface AthenaOutcomeJoinOptions extends OutcomeJoinSqlOptions {
  /** The lake's Athena workgroup (`WORK_GROUP`): its settings say where results go, encrypted how, and the scan limit. */
  readonly workGroup: string;
  /**
   * How the queries are waited for (`timeLeft` comes from the window).
   * @default - runAthenaQuery's defaults
   */
  readonly run?: Omit<AthenaRunOptions, 'timeLeft'>;
}

/** `rejected:<reason>` counts from the rejected-lines query's rows. */
function rejectedCounts(result: AthenaResult): Record<string, number> {
  const counts: Record<string, number> = {};
  result.rows.forEach((row, i) => {
    const reason = row.reject_reason;
    const lines = Number(row.lines);
    if (reason === null || reason === undefined || reason === '' || !(Number.isInteger(lines) && lines > 0)) {
      throw new Error(
        `row ${i} of the rejected outcome lines (query ${result.queryExecutionId}) is ${JSON.stringify(row)}; expected a reject_reason and a positive count of lines`,
      );
    }
    counts[`rejected:${reason}`] = lines;
  });
  return counts;
}

/**
 * The outcome join on Athena: both queries of {@link renderOutcomeJoinQueries} run at once in the
 * workgroup, each waited for while the invocation has time, then read into the scored outcomes
 * (`matched` and `late`) and the counts left out (`duplicate`, `unmatched`, `rejected:<reason>`).
 * The notes give the on-time and late counts, the lateness threshold, the span of predictions read
 * and each query's id and bytes scanned.
 *
 * @throws OutcomeJoinError naming the query that failed (Athena's failure or timeout, an SDK error)
 *   or whose rows could not be read; both queries are waited for first, so neither is left running
 */
export function athenaOutcomeJoin(client: AthenaClient, options: AthenaOutcomeJoinOptions): JoinOutcomes {
  return async (window) => {
    const queries = renderOutcomeJoinQueries(window, options);
    const run = (sql: string) =>
      runAthenaQuery(client, { sql, workGroup: options.workGroup }, { ...options.run, timeLeft: window.timeLeft });
    const [joinRun, rejectedRun] = await Promise.allSettled([run(queries.join), run(queries.rejected)]);
    if (joinRun.status === 'rejected') {
      throw new OutcomeJoinError('join', joinRun.reason);
    }
    if (rejectedRun.status === 'rejected') {
      throw new OutcomeJoinError('rejected', rejectedRun.reason);
    }
    const read = <T>(query: 'join' | 'rejected', f: () => T): T => {
      try {
        return f();
      } catch (error) {
        throw new OutcomeJoinError(query, error);
      }
    };
    const joined = joinRun.value;
    const rejected = rejectedRun.value;
    const { scored, counts } = read('join', () => summariseOutcomeJoin(joined.rows));
    const rejectedByReason = read('rejected', () => rejectedCounts(rejected));
    return {
      scored: scored.map(({ probability, churned }) => ({ probability, churned })),
      leftOut: { duplicate: counts.duplicate, unmatched: counts.unmatched, ...rejectedByReason },
      notes: {
        matched: counts.matched,
        late: counts.late,
        lateAfterDays: options.lateAfterDays ?? OUTCOME_LATE_AFTER_DAYS,
        predictionsFrom: queries.predictionsFrom.toISOString(),
        predictionsTo: queries.predictionsTo.toISOString(),
        rejectedLinesOf: 'outcome batch files written in the window (kept under outcomes-batch/ as uploaded)',
        joinQueryId: joined.queryExecutionId,
        ...(joined.scannedBytes === undefined ? {} : { joinScannedBytes: joined.scannedBytes }),
        rejectedQueryId: rejected.queryExecutionId,
        ...(rejected.scannedBytes === undefined ? {} : { rejectedScannedBytes: rejected.scannedBytes }),
      },
    };
  };
}
