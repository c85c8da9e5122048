/**
 * One present value of a schema field, validated and put in its canonical form: a category in its
 * canonical spelling, a boolean, a number within its bounds, a timestamp in UTC.
 */
import { BOOLEANS, type CleanValue, type CompiledField, MAX_BOOLEAN_LENGTH } from './compiled-schema';
import { normaliseTimestamp } from './timestamp';

/** Decimal notation: optional sign, digits with an optional fraction (or a bare fraction), optional exponent. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A present value of a number field as a finite number, or undefined. Strings arrive trimmed. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : undefined;
  }
  if (typeof value === 'string' && DECIMAL.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * A present (not missing) value of `field` in its clean form, or undefined when it is invalid.
 * Strings arrive trimmed.
 */
export function cleanValue(field: CompiledField, value: unknown): CleanValue | undefined {
  switch (field.type) {
    case 'string':
      return typeof value === 'string' && (field.pattern === undefined || field.pattern.test(value))
        ? value
        : undefined;
    case 'category':
      if (typeof value === 'string') {
        return field.spellings.get(value) ?? field.spellings.get(value.toLowerCase());
      }
      if (field.numericCategory && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
        return field.spellings.get(String(value));
      }
      return undefined;
    case 'boolean':
      if (typeof value === 'boolean') {
        return value;
      }
      if (typeof value === 'string') {
        return value.length <= MAX_BOOLEAN_LENGTH ? BOOLEANS.get(value.toLowerCase()) : undefined;
      }
      return value === 1 ? true : value === 0 ? false : undefined;
    case 'integer':
    case 'double': {
      const n = toNumber(value);
      if (n === undefined || n < field.min || n > field.max || (field.type === 'integer' && !Number.isInteger(n))) {
        return undefined;
      }
      // JSON.stringify renders -0 as 0, and any other finite double as the shortest text that reads back as it.
      return n;
    }
    case 'timestamp':
      return typeof value === 'string' ? normaliseTimestamp(value) : undefined;
  }
}
