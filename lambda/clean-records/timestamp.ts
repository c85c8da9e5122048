/**
 * The cleaner's timestamps: RFC 3339 and its common variants in, one canonical UTC form out, within
 * the schema's years.
 */
import { EVENT_TIME_YEARS } from '../../lib/schema/churn';

/** The oldest and newest years (UTC) an `event_time` may have. */
export const EVENT_YEAR_RANGE = EVENT_TIME_YEARS;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const MIN_EVENT_MS = Date.UTC(EVENT_YEAR_RANGE.min, 0, 1);
const END_EVENT_MS = Date.UTC(EVENT_YEAR_RANGE.max + 1, 0, 1);

/** The value of the `count` decimal digits of `s` at `at`, or -1 if any is not a digit. */
function digits(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - 48; // NaN past the end
    if (!(d >= 0 && d <= 9)) {
      return -1;
    }
    n = n * 10 + d;
  }
  return n;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]` (a space may stand for the T; no zone means UTC; `t` and
 * `z` as RFC 3339 allows) → `YYYY-MM-DDTHH:MM:SS.sssZ` in UTC, or undefined if the text is not
 * such a timestamp, names a day or time that does not exist, or falls outside EVENT_YEAR_RANGE
 * once in UTC. Fractions beyond milliseconds are truncated.
 */
export function normaliseTimestamp(text: string): string | undefined {
  const len = text.length;
  if (len < 19 || len > 35) {
    return undefined;
  }
  const sep = text.charCodeAt(10);
  if (
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    (sep !== 84 && sep !== 116 && sep !== 32) || // T t space
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58
  ) {
    return undefined;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) {
    return undefined;
  }
  if (minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined;
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0))) {
    return undefined;
  }
  let at = 19;
  let millis = 0;
  if (at < len && text.charCodeAt(at) === 46) {
    // .f to .fffffffff
    const start = ++at;
    while (at < len && at - start < 9) {
      const d = text.charCodeAt(at) - 48;
      if (d < 0 || d > 9) {
        break;
      }
      if (at - start < 3) {
        millis = millis * 10 + d;
      }
      at++;
    }
    const count = at - start;
    if (count === 0) {
      return undefined;
    }
    for (let i = count; i < 3; i++) {
      millis *= 10;
    }
  }
  let offsetMinutes = 0;
  const zone = at < len ? text.charCodeAt(at) : 0;
  const utc = at === len || ((zone === 90 || zone === 122) && at + 1 === len); // none, Z or z
  if (!utc) {
    // +HH:MM or -HH:MM
    if ((zone !== 43 && zone !== 45) || at + 6 !== len || text.charCodeAt(at + 3) !== 58) {
      return undefined;
    }
    const oh = digits(text, at + 1, 2);
    const om = digits(text, at + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) {
      return undefined;
    }
    offsetMinutes = (zone === 45 ? -1 : 1) * (oh * 60 + om);
  }
  // Date.UTC reads years 0-99 as 1900-1999: such years are out of range anyway.
  if (year < EVENT_YEAR_RANGE.min - 1) {
    return undefined;
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  if (ms < MIN_EVENT_MS || ms >= END_EVENT_MS) {
    return undefined;
  }
  // Already canonical (what a careful producer sends): no need to format it again.
  if (len === 24 && sep === 84 && text.charCodeAt(23) === 90 && text.charCodeAt(19) === 46) {
    return text;
  }
  return new Date(ms).toISOString();
}
