/**
 * One clean customer record as the model's input: a CSV line of the feature columns, in
 * `FEATURE_COLUMNS` order, without the label, exactly as `glue/sql/features.sql` encodes the
 * curated table for training:
 * - numeric columns (integer and double fields) as they are; a missing value is an empty field,
 *   which XGBoost reads as missing;
 * - boolean columns as 1 or 0; a missing value is an empty field;
 * - one-hot columns as 1 for the canonical category value they flag and 0 otherwise; a missing
 *   category is all zeros in its group.
 *
 * The columns and their encodings come from the feature manifest (`lib/contracts/feature-manifest.ts`),
 * which features.sql is rendered from, so the model is served the same features it was trained on.
 *
 * A record is a curated-style row: canonical values only (`CA`, not `ca`; `true`, not `yes`), null
 * or absent where a value is missing (what `generateCustomers` returns, or a row of the curated
 * table). Anything else throws a {@link FeatureEncodingError} naming the field and the value:
 * in particular an unknown category value is refused, never encoded as a silent row of zeros.
 */
import { featureManifest, type FeatureColumn } from '../contracts/feature-manifest';
import { shown, type ShownOptions } from '../contracts/shown';
import { FIELDS_BY_NAME, type FieldType } from '../schema/churn';

/** A value of a record that cannot be encoded. The message names the field and the value. */
export class FeatureEncodingError extends Error {
  constructor(
    /** The record's field (the curated column). */
    readonly field: string,
    /** The value received. */
    readonly value: unknown,
    message: string,
  ) {
    super(message);
    this.name = 'FeatureEncodingError';
  }
}

/** A record's value in a message, cut at 100 characters: the message goes on to list the field's canonical values. */
const RECORD_VALUE: ShownOptions = { maxLength: 100 };

/** One manifest column with the schema type of its source field. */
interface CompiledColumn {
  readonly column: FeatureColumn;
  readonly type: FieldType;
  /** For a one-hot column: every canonical value of its field, for the unknown-value check. */
  readonly categories: ReadonlySet<string>;
}

const COLUMNS: readonly CompiledColumn[] = featureManifest().columns.map((column) => {
  const field = FIELDS_BY_NAME.get(column.source);
  if (field === undefined) {
    throw new Error(`feature column ${column.name} reads field ${column.source}, which the churn schema lacks`);
  }
  return { column, type: field.type, categories: new Set(field.values ?? []) };
});

/**
 * The feature cells of a clean record, one per `FEATURE_COLUMNS` entry, in order: decimal numbers,
 * `1`/`0`, or `''` for a missing value.
 * @throws FeatureEncodingError naming the field and the value, for a value that is not canonical
 */
export function encodeFeatureCells(record: Readonly<Record<string, unknown>>): string[] {
  return COLUMNS.map((c) => encodeCell(c, record[c.column.source]));
}

/**
 * The model input of a clean record: its feature cells joined by commas, without a line break.
 * No cell holds a comma or a quote, so no quoting is ever needed.
 * @throws FeatureEncodingError naming the field and the value, for a value that is not canonical
 */
export function encodeFeatureLine(record: Readonly<Record<string, unknown>>): string {
  return encodeFeatureCells(record).join(',');
}

function encodeCell({ column, type, categories }: CompiledColumn, value: unknown): string {
  const field = column.source;
  const missing = value === null || value === undefined;
  switch (column.encoding) {
    case 'numeric':
      if (missing) {
        return '';
      }
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new FeatureEncodingError(
          field,
          value,
          `${field} is ${shown(value, RECORD_VALUE)}; expected a finite number or null`,
        );
      }
      if (type === 'integer' && !Number.isInteger(value)) {
        throw new FeatureEncodingError(
          field,
          value,
          `${field} is ${shown(value, RECORD_VALUE)}; expected a whole number or null`,
        );
      }
      // Shortest round-trip decimal text; -0 (which String shows as 0) is the same feature value.
      return String(value);
    case 'boolean':
      if (missing) {
        return '';
      }
      if (typeof value !== 'boolean') {
        throw new FeatureEncodingError(
          field,
          value,
          `${field} is ${shown(value, RECORD_VALUE)}; expected true, false or null`,
        );
      }
      return value ? '1' : '0';
    case 'one-hot':
      if (missing) {
        return '0';
      }
      if (typeof value !== 'string' || !categories.has(value)) {
        throw new FeatureEncodingError(
          field,
          value,
          `${field} is ${shown(value, RECORD_VALUE)}, which is not one of its canonical values (${[...categories].join(', ')}); ` +
            'a clean record holds canonical values or null',
        );
      }
      return value === column.category ? '1' : '0';
  }
}
