/**
 * Parsing of the evaluation's two text inputs: the test split (CSV, label first) and the batch
 * transform output (one probability per line). Inputs are checked, not trusted: anything malformed
 * throws an {@link EvaluationInputError} that says what is wrong and on which line.
 */
import { shown, type ShownOptions } from '../../lib/contracts/shown';
import { EvaluationInputError } from './input-error';
import type { Label } from './rows';

/** A number written in decimal, with an optional exponent (`0.25`, `1e-05`, `.5`, `1.`). */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** A label: 0 or 1, also written `0.0` or `1.0` as some CSV writers do. */
const LABEL = /^([01])(?:\.0*)?$/;

/** A field of the input in a message: cut short, as it may be anything. */
const FIELD: ShownOptions = { maxLength: 40 };

/**
 * `text` without the blank lines at its end, ending in one newline (or empty, if nothing else is
 * left). Batch transform with `AssembleWith: Line` may end its output with an empty line: it
 * ends each record with a newline, and a record that already ends in one leaves a blank line.
 */
export function withoutTrailingBlankLines(text: string): string {
  const trimmed = text.replace(/(\r?\n[ \t]*)+$/, '');
  return trimmed.trim() === '' ? '' : `${trimmed}\n`;
}

/**
 * The lines of `text`, split on `\n` or `\r\n`; blank lines at the end are dropped (see
 * {@link withoutTrailingBlankLines}). Throws on input with no line, a blank line before the last
 * one, or a lone `\r`.
 */
function splitLines(text: string, what: string): string[] {
  const body = withoutTrailingBlankLines(text.startsWith('\uFEFF') ? text.slice(1) : text);
  if (body === '') {
    throw new EvaluationInputError(`${what} is empty`);
  }
  const lines = body.slice(0, -1).split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') {
      throw new EvaluationInputError(`${what} line ${i + 1} is empty`, i + 1);
    }
    if (line.includes('\r')) {
      throw new EvaluationInputError(
        `${what} line ${i + 1} holds a carriage return that does not end the line (expected \\n or \\r\\n line endings)`,
        i + 1,
      );
    }
  });
  return lines;
}

/**
 * The labels of the test split, one per row.
 *
 * The split is CSV without a header, as SageMaker's built-in XGBoost reads it: the label (`0` or
 * `1`, also accepted as `0.0` or `1.0`) in the first column, the features in the others. Feature
 * fields may be empty (missing values) but every row must have the same number of columns, at
 * least two. Quoted fields are not supported (XGBoost's CSV reader does not support them either).
 *
 * @throws EvaluationInputError on empty input, an empty line, a label that is not 0 or 1, a row
 *   without features, or a row with a different number of columns than the first.
 */
export function parseLabels(testCsv: string): Label[] {
  const what = 'test split';
  const lines = splitLines(testCsv, what);
  const columns = lines[0]?.split(',').length ?? 0;
  return lines.map((line, i) => {
    const fields = line.split(',');
    const lineNo = i + 1;
    if (fields.length < 2) {
      throw new EvaluationInputError(`${what} line ${lineNo} has no feature columns, only a label`, lineNo);
    }
    if (fields.length !== columns) {
      throw new EvaluationInputError(
        `${what} line ${lineNo} has ${fields.length} columns; line 1 has ${columns}`,
        lineNo,
      );
    }
    const raw = (fields[0] ?? '').trim();
    const match = LABEL.exec(raw);
    if (match === null) {
      throw new EvaluationInputError(`${what} line ${lineNo}: label ${shown(raw, FIELD)} is not 0 or 1`, lineNo);
    }
    return match[1] === '1' ? 1 : 0;
  });
}

/**
 * The scores of SageMaker batch transform output for the built-in XGBoost with objective
 * `binary:logistic` (one probability of churn per line, in the order of the input rows). Surrounding
 * spaces, `\r\n` line endings and one trailing line ending are allowed.
 *
 * @throws EvaluationInputError on empty input, an empty line, or a line that is not one decimal
 *   number in [0, 1] (`NaN`, `Infinity`, `1.2`, `0.3,0.7` all throw).
 */
export function parseScores(transformOutput: string): number[] {
  const what = 'transform output';
  return splitLines(transformOutput, what).map((line, i) => {
    const lineNo = i + 1;
    const text = line.trim();
    if (!DECIMAL.test(text)) {
      throw new EvaluationInputError(
        `${what} line ${lineNo}: ${shown(text, FIELD)} is not a number (expected one probability per line)`,
        lineNo,
      );
    }
    const score = Number(text);
    if (!Number.isFinite(score) || score < 0 || score > 1) {
      throw new EvaluationInputError(`${what} line ${lineNo}: ${text} is not a probability in [0, 1]`, lineNo);
    }
    return score === 0 ? 0 : score; // -0 becomes 0
  });
}
