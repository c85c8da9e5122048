/**
 * Reading churn probabilities from text: the endpoint's CSV response, and the cutoff a model
 * package's metadata records. Both are decimal numbers from 0 to 1, written as `String(number)`
 * writes them; anything else is refused rather than coerced (`Number('')` is 0, `Number('0x1')` is 1).
 */
import { readProbability } from '../contracts/probability';

export { readProbability };

/**
 * The probabilities in an endpoint's CSV response: one per line, or all on one line separated by
 * commas (the built-in XGBoost container has written both), `expected` of them, each a number
 * from 0 to 1.
 * @throws Error saying what was received: the wrong count, a value that is not a probability, or a layout that is neither
 */
export function parseProbabilities(text: string, expected: number): number[] {
  const trimmed = text.trim();
  if (trimmed === '') {
    throw new Error(`the body is empty; expected ${count(expected, 'probability', 'probabilities')}`);
  }
  const lines = trimmed.split(/\r?\n/);
  let cells: string[];
  if (lines.length === 1) {
    cells = trimmed.split(',');
  } else if (lines.every((line) => !line.includes(','))) {
    cells = lines;
  } else {
    throw new Error(
      `the body has ${lines.length} lines, some with several values; expected one probability per line, ` +
        'or all of them on one line separated by commas',
    );
  }
  if (cells.length !== expected) {
    throw new Error(
      `${count(cells.length, 'probability', 'probabilities')} for ${count(expected, 'customer', 'customers')}: ` +
        JSON.stringify(preview(trimmed)),
    );
  }
  return cells.map((cell, i) => {
    const value = readProbability(cell);
    if (value === undefined) {
      throw new Error(`the value for customer ${i + 1} is ${JSON.stringify(cell)}; expected a probability from 0 to 1`);
    }
    return value;
  });
}

/** `1 customer`, `2 customers`. */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function preview(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
