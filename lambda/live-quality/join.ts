/**
 * The boundary between the quality check and the outcome join: what the check asks for (the
 * outcomes of a window, each joined to the prediction made for that customer before it) and what
 * it gets back (the matched pairs, and how many outcomes were left out and why).
 *
 * The join itself (outcome validation and the SQL over the outcomes and the predictions relation,
 * `renderPredictionsQuery` in `lib/contracts/data-capture.ts`) plugs in here as a
 * {@link JoinOutcomes}; {@link outcomeJoinNotWired} stands in until it does.
 */
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
   * Outcomes of the window not in `scored`, by reason (`unmatched`, `duplicate`, `late`,
   * `invalid` …, as the join names them): counted and reported, none lost.
   */
  readonly leftOut: Readonly<Record<string, number>>;
  /**
   * Anything the report should say about how the join was made (the queries' ids, the bytes they
   * scanned).
   * @default - nothing
   */
  readonly notes?: Readonly<Record<string, string | number>>;
}

/** Joins the outcomes of a window to their predictions. */
export type JoinOutcomes = (window: OutcomeWindow) => Promise<JoinedOutcomes>;

/** Why {@link outcomeJoinNotWired} joined nothing. */
export const JOIN_NOT_WIRED = 'the outcome join is not wired into the quality function yet';

/**
 * The join until the outcome join is plugged in: no outcomes, so every check is "not enough
 * data", which publishes no quality metric and so raises no alarm.
 */
export const outcomeJoinNotWired: JoinOutcomes = () =>
  Promise.resolve({ scored: [], leftOut: {}, notes: { join: JOIN_NOT_WIRED } });
