/** The one error the evaluation throws on malformed input (see `metrics.ts`). */

/** Thrown when the evaluation's input is malformed. The message says what is wrong and where. */
export class EvaluationInputError extends Error {
  /**
   * @param message what is wrong, and where
   * @param line the 1-based line of the input that is wrong, when one line is to blame
   */
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'EvaluationInputError';
  }
}
