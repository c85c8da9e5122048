/**
 * How a value received from outside (an event, a record, a CSV field, the CDK context) is shown in
 * an error message, defined once: short, unambiguous (a string is quoted, `1n` is not `1`, `NaN`
 * is not `null`), and never crashing. Every function and the CDK app report bad input in these
 * words, so the helper lives among the contracts: the one folder both lambda/ and lib/ may import
 * (a function must not bundle lib/shared).
 */

/** How {@link shown} writes a value. */
export interface ShownOptions {
  /**
   * The most characters of a string, or of another value's JSON text, that are shown. A longer
   * string is cut and says how long it was (`"abc"… (250 characters)`); other text ends in `…`.
   * `Infinity` never cuts.
   * @default 200
   */
  readonly maxLength?: number;
  /**
   * What is shown: `'value'` the value (`"40"`, `42`, `[1,2]`); `'value and type'` the value and
   * its type, for messages where the type is the mistake (`"40" (a string)`); `'string or type'`
   * a string's value but anything else by its type alone (`a number`), for a field that must be a
   * string.
   * @default 'value'
   */
  readonly form?: 'value' | 'value and type' | 'string or type';
}

/** The most characters of a received value an error message shows, unless told otherwise. */
const SHOWN_MAX_LENGTH = 200;

/** A value's type in words: `a string`, `an array`, `null`, `an object`. */
export function typeOf(value: unknown): string {
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (value === null) {
    return 'null';
  }
  const type = typeof value;
  return type === 'object' || type === 'undefined' ? `an ${type}` : `a ${type}`;
}

/**
 * `value` as text, cut after `maxLength` characters; for a value with no JSON text (a function, a
 * symbol, a cycle), its type in words, and `typed` says so.
 */
function textOf(value: unknown, maxLength: number): { text: string; typed: boolean } {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { text: String(value), typed: false }; // JSON would show NaN and Infinity as null
  }
  if (typeof value === 'bigint') {
    return { text: `${value}n`, typed: false }; // JSON cannot hold one
  }
  if (value instanceof Date) {
    // JSON would quote it like a string, and an invalid one as null.
    return { text: `a Date (${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`, typed: true };
  }
  if (typeof value === 'string') {
    // Cut before quoting, so that a string is always shown whole or with its closing quote.
    const text =
      value.length > maxLength
        ? `${JSON.stringify(value.slice(0, maxLength))}… (${value.length} characters)`
        : JSON.stringify(value);
    return { text, typed: false };
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value); // undefined for a function or a symbol (the types do not say so)
  } catch {
    json = undefined; // a cycle
  }
  if (json === undefined) {
    return { text: typeOf(value), typed: true };
  }
  return { text: json.length > maxLength ? `${json.slice(0, maxLength)}…` : json, typed: false };
}

/**
 * How a received value is shown in an error message (see {@link ShownOptions}). `undefined` is
 * `missing` whatever the form, so that a message reads `x is missing; expected …`.
 */
export function shown(value: unknown, options: ShownOptions = {}): string {
  if (value === undefined) {
    return 'missing';
  }
  const form = options.form ?? 'value';
  if (form === 'string or type' && typeof value !== 'string') {
    return typeOf(value);
  }
  const { text, typed } = textOf(value, options.maxLength ?? SHOWN_MAX_LENGTH);
  return form === 'value and type' && !typed ? `${text} (${typeOf(value)})` : text;
}
