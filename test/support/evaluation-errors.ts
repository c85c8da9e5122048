import { EvaluationInputError } from '../../lambda/evaluate/input-error';

/** The EvaluationInputError `fn` throws; fails the test if it throws none or another error. */
export function inputError(fn: () => unknown): EvaluationInputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EvaluationInputError);
    return e as EvaluationInputError;
  }
  throw new Error('expected an EvaluationInputError, nothing was thrown');
}
