/**
 * The wire formats of a record: the JSON text a producer sends to Kinesis (one record each) and
 * the CSV lines of a batch upload.
 */
import { CHURN_FIELDS, type FieldSpec } from './churn';

/**
 * One record as it travels: the exact text sent to Kinesis (one JSON object, no trailing newline)
 * and, unless it is malformed beyond CSV, its field values as written.
 */
export interface WireRecord {
  /** Kinesis partition key: the customer's id, for malformed records too. */
  readonly customerId: string;
  /** What the producer sends. */
  readonly text: string;
  /**
   * The (possibly dirty) values by schema column name, in schema order, for CSV output; a key
   * is absent where the JSON lacks it. Absent when the text is not a JSON object.
   */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** True when the cleaner should reject the record. */
  readonly malformed: boolean;
}

/**
 * CSV lines, each ending with `\n`: first the header (the names of `fields`, in order), then one
 * line per record with RFC 4180 quoting (a cell is quoted when it holds a comma, a quote, a line
 * break or leading/trailing whitespace). Absent and null values are empty cells. A record without
 * `fields` becomes a single quoted cell holding its text: a line with the wrong number of columns.
 */
export function* toCsvLines(
  records: Iterable<WireRecord>,
  fields: readonly FieldSpec[] = CHURN_FIELDS,
): Generator<string> {
  yield `${fields.map((f) => csvCell(f.name)).join(',')}\n`;
  for (const record of records) {
    const values = record.fields;
    yield values === undefined
      ? `${csvCell(record.text)}\n`
      : `${fields.map((f) => csvCell(cellText(values[f.name]))).join(',')}\n`;
  }
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) {
    return '';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value);
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}
