/** The one error the drift comparison throws on input it cannot compare (see `compare.ts`). */

/**
 * Thrown when two statistics documents cannot be compared (the current window was not binned over
 * the baseline's edges, a one-hot group's categories differ) or the thresholds are malformed. It
 * is a wiring or configuration fault, never a verdict about the data: no drift, no silence.
 */
export class DriftInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DriftInputError';
  }
}
