/** Showing a value received from outside in an error message: short, and never crashing. */

/** The most characters of a received value an error message shows. */
const SHOWN_MAX_LENGTH = 200;

/** How a received value is shown in an error message. */
export function shown(value: unknown): string {
  if (value === undefined) {
    return 'missing';
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return String(value); // JSON would show NaN and Infinity as null
  }
  if (typeof value === 'string' && value.length > SHOWN_MAX_LENGTH) {
    return `${JSON.stringify(value.slice(0, SHOWN_MAX_LENGTH))}… (${value.length} characters)`;
  }
  try {
    const json = JSON.stringify(value) as string | undefined; // undefined for a function or a symbol
    if (json === undefined) {
      return typeof value;
    }
    return json.length > SHOWN_MAX_LENGTH ? `${json.slice(0, SHOWN_MAX_LENGTH)}…` : json;
  } catch {
    return typeof value;
  }
}
