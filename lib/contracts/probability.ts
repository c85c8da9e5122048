/**
 * Reading a churn probability from text, as the endpoint answers it and as a model package's
 * metadata records the cutoff: a decimal number from 0 to 1, written as `String(number)` writes
 * it; anything else is refused rather than coerced (`Number('')` is 0, `Number('0x1')` is 1).
 * Among the contracts because the serving CLI and the monitors' functions both read cutoffs.
 */

/** A decimal number, as String(number) writes one (`0.37`, `1e-7`). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The probability `text` writes (spaces around allowed), or `undefined` if it is not a decimal from 0 to 1. */
export function readProbability(text: string): number | undefined {
  const trimmed = text.trim();
  const value = DECIMAL.test(trimmed) ? Number(trimmed) : NaN;
  return value >= 0 && value <= 1 ? value : undefined;
}
