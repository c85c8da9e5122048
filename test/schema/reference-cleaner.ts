/**
 * A reference cleaner, written from the schema's rules alone (`lib/schema/churn.ts`), to judge
 * what the generator emits: churn records and outcome records alike. It is not the cleaning
 * Lambda: an independent reading of the same rules.
 */
import { BOOLEAN_SPELLINGS, CHURN_FIELDS, type FieldSpec, MISSING_VALUE_SPELLINGS } from '../../lib/schema/churn';

export type Clean = string | number | boolean | null;
export type Cleaned =
  { readonly ok: true; readonly record: Record<string, Clean> } | { readonly ok: false; readonly reason: string };

export const INVALID = Symbol('invalid');
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether the calendar date of an ISO 8601 text exists (Date.parse takes 30 February). */
function dateExists(iso: string): boolean {
  const [y = 0, m = 0, d = 0] = iso.slice(0, 10).split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
}

export function isMissing(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && MISSING_VALUE_SPELLINGS.has(norm(raw)));
}

function norm(s: string): string {
  return s.trim().toLowerCase();
}

/** The clean value of one field, null when missing, INVALID when it breaks a schema rule. */
export function cleanValue(spec: FieldSpec, raw: unknown): Clean | typeof INVALID {
  if (isMissing(raw)) {
    return null;
  }
  switch (spec.type) {
    case 'string':
      return typeof raw === 'string' && (spec.pattern?.test(raw) ?? true) ? raw : INVALID;
    case 'timestamp':
      return typeof raw === 'string' && ISO_8601.test(raw) && !Number.isNaN(Date.parse(raw)) && dateExists(raw)
        ? new Date(raw).toISOString()
        : INVALID;
    case 'category': {
      if (typeof raw !== 'string') {
        return INVALID;
      }
      const key = norm(raw);
      const synonyms = spec.synonyms ?? {};
      return (
        (spec.values ?? []).find((v) => v.toLowerCase() === key) ??
        (Object.hasOwn(synonyms, key) ? synonyms[key] : undefined) ??
        INVALID
      );
    }
    case 'boolean':
      if (typeof raw === 'boolean') {
        return raw;
      }
      return typeof raw === 'string' && Object.hasOwn(BOOLEAN_SPELLINGS, norm(raw))
        ? (BOOLEAN_SPELLINGS[norm(raw)] ?? INVALID)
        : INVALID;
    case 'integer':
    case 'double': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
      const ok =
        Number.isFinite(n) &&
        (spec.type === 'double' || Number.isInteger(n)) &&
        n >= (spec.min ?? -Infinity) &&
        n <= (spec.max ?? Infinity);
      return ok ? n : INVALID;
    }
  }
}

export function cleanObject(
  obj: Readonly<Record<string, unknown>>,
  fields: readonly FieldSpec[] = CHURN_FIELDS,
): Cleaned {
  const record: Record<string, Clean> = {};
  for (const spec of fields) {
    const value = cleanValue(spec, obj[spec.name]);
    if (value === INVALID) {
      return { ok: false, reason: `invalid ${spec.name}` };
    }
    if (value === null && spec.required) {
      return { ok: false, reason: `missing ${spec.name}` };
    }
    record[spec.name] = value;
  }
  return { ok: true, record };
}

export function cleanJson(text: string, fields: readonly FieldSpec[] = CHURN_FIELDS): Cleaned {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'not an object' };
  }
  return cleanObject(parsed as Record<string, unknown>, fields);
}

export function cleanCsvLine(line: string, fields: readonly FieldSpec[] = CHURN_FIELDS): Cleaned {
  const cells = parseCsvLine(line);
  if (cells.length !== fields.length) {
    return { ok: false, reason: `${cells.length} columns` };
  }
  return cleanObject(Object.fromEntries(fields.map((f, i) => [f.name, cells[i]])), fields);
}

/** One CSV record (ending with '\n') as its cells, RFC 4180; throws on broken quoting. */
export function parseCsvLine(line: string): string[] {
  if (!line.endsWith('\n')) {
    throw new Error(`no trailing newline: ${JSON.stringify(line)}`);
  }
  const body = line.slice(0, -1);
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (body[i] === '"') {
      i++;
      for (;;) {
        if (i >= body.length) {
          throw new Error(`unterminated quote: ${JSON.stringify(line)}`);
        }
        if (body[i] === '"' && body[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (body[i] === '"') {
          i++;
          break;
        } else {
          cell += body[i];
          i++;
        }
      }
      if (i < body.length && body[i] !== ',') {
        throw new Error(`text after a closing quote: ${JSON.stringify(line)}`);
      }
    } else {
      const end = body.indexOf(',', i);
      cell = body.slice(i, end < 0 ? body.length : end);
      if (/["\r\n]/.test(cell)) {
        throw new Error(`quote or line break in an unquoted cell: ${JSON.stringify(line)}`);
      }
      i += cell.length;
    }
    cells.push(cell);
    if (i >= body.length) {
      return cells;
    }
    i++; // the comma
  }
}

/** How a field value is written in a CSV cell. */
export function cellOf(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}
