/**
 * The model's features, derived from the churn schema (`lib/schema/churn.ts`): the columns the
 * "features" Glue job writes after the label, how each is encoded, which columns of the curated
 * table are left out and why, and how customers are split into train, validation and test.
 *
 * `glue/sql/features.sql` is rendered from this module (`lib/etl/sql-features.ts`, written by
 * `npm run generate`) and a test checks that its output columns are
 * `[LABEL_COLUMN, ...FEATURE_COLUMNS, 'split']`, so the SQL, this manifest and the schema cannot
 * drift apart.
 *
 * Encodings:
 * - integer and double fields stay numeric; a missing value stays NULL (an empty CSV field, which
 *   XGBoost reads as missing);
 * - boolean fields become 0/1 (NULL when missing);
 * - category fields are nominal: one 0/1 column per canonical value (`state_ca`,
 *   `area_code_415`, `gender_female`); a missing category is all zeros in its group.
 * No field of this schema is ordinal: its categories have no order, its booleans are 0/1 and its
 * counts are already numbers, so no ordinal encoding is needed.
 */
import { createHash } from 'node:crypto';
import { CHURN_FIELDS, type FieldSpec, FIELDS_BY_NAME, LABEL_FIELD } from '../schema/churn';

/** How a feature column encodes its source field. */
export type FeatureEncoding = 'numeric' | 'boolean' | 'one-hot';

/** One feature column, in output order. */
export interface FeatureColumn {
  /** Column name in the features CSV (and the baseline's header). */
  readonly name: string;
  /** The curated column it is computed from. */
  readonly source: string;
  readonly encoding: FeatureEncoding;
  /** For a one-hot column: the canonical category value it flags. */
  readonly category?: string;
}

/** A column of the curated table that is not a feature. */
export interface DroppedColumn {
  readonly name: string;
  readonly reason: string;
}

/** The features as a JSON-able object, for tests, the docs and the training pipeline. */
export interface FeatureManifest {
  /** The label column: first in every split's CSV, 0/1. */
  readonly label: string;
  /** The feature columns after the label, in order. */
  readonly columns: readonly FeatureColumn[];
  /** Columns of the curated table that are not features, and why. */
  readonly dropped: readonly DroppedColumn[];
  readonly split: {
    /** How a customer's split is chosen. */
    readonly method: string;
    /** Number of hash buckets the fractions are applied to. */
    readonly buckets: number;
  };
}

/** The label column (the schema's label field). */
export const LABEL_COLUMN: string = LABEL_FIELD.name;

/**
 * Columns the curate job adds to the schema's fields in the curated table: lineage and the
 * partition key. None is a feature.
 */
export const CURATED_LINEAGE_COLUMNS: readonly DroppedColumn[] = [
  { name: 'source', reason: 'lineage: which path (stream or batch) delivered the row, not a property of the customer' },
  { name: 'ingest_time', reason: 'lineage: when the row was ingested, not a property of the customer' },
  { name: 'origin', reason: 'lineage: the S3 object the row came from' },
  { name: 'snapshot_month', reason: 'partition key of the curated table: the month of event_time' },
];

/** Hash buckets of the split: the first three hex digits of md5(customer_id), 0..4095. */
export const SPLIT_BUCKETS = 4096;

/** Why a schema field is not a feature, or undefined when it is one. */
function dropReason(field: FieldSpec): string | undefined {
  if (field.label === true) {
    return undefined; // the label: written first, not dropped
  }
  if (field.type === 'string') {
    return 'identifier: unique per customer, so it carries nothing that generalises (it only chooses the split)';
  }
  if (field.type === 'timestamp') {
    return 'snapshot time: when a record was taken says nothing about a future customer';
  }
  const minutes = field.name.endsWith('_charge') ? field.name.replace(/_charge$/, '_minutes') : undefined;
  if (minutes !== undefined && FIELDS_BY_NAME.has(minutes)) {
    return `redundant: a fixed multiple of ${minutes} (the per-minute tariff), so it adds nothing but collinearity`;
  }
  return undefined;
}

/** The column-name form of a category value: lower case, anything but letters and digits as `_`. */
function columnSuffix(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

function featureColumns(field: FieldSpec): FeatureColumn[] {
  switch (field.type) {
    case 'integer':
    case 'double':
      return [{ name: field.name, source: field.name, encoding: 'numeric' }];
    case 'boolean':
      return [{ name: field.name, source: field.name, encoding: 'boolean' }];
    case 'category':
      return (field.values ?? []).map((value) => ({
        name: `${field.name}_${columnSuffix(value)}`,
        source: field.name,
        encoding: 'one-hot',
        category: value,
      }));
    case 'string':
    case 'timestamp':
      throw new Error(`field ${field.name} (${field.type}) has no feature encoding; give it a drop reason`);
  }
}

const COLUMNS: readonly FeatureColumn[] = CHURN_FIELDS.filter(
  (f) => f.label !== true && dropReason(f) === undefined,
).flatMap(featureColumns);

const DROPPED: readonly DroppedColumn[] = [
  ...CHURN_FIELDS.flatMap((f) => {
    const reason = dropReason(f);
    return reason === undefined ? [] : [{ name: f.name, reason }];
  }),
  ...CURATED_LINEAGE_COLUMNS,
];

/** The feature columns after the label, in output order (schema order, one-hot groups in value order). */
export const FEATURE_COLUMNS: readonly string[] = COLUMNS.map((c) => c.name);

{
  const names = [LABEL_COLUMN, ...FEATURE_COLUMNS, 'split', ...DROPPED.map((d) => d.name)];
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (repeated.length > 0) {
    throw new Error(`feature, label and dropped column names must be unique; repeated: ${repeated.join(', ')}`);
  }
}

/** The split bucket of a customer id, 0..SPLIT_BUCKETS-1: what features.sql computes, in TypeScript. */
export function splitBucket(customerId: string): number {
  return Number.parseInt(createHash('md5').update(customerId, 'utf8').digest('hex').slice(0, 3), 16);
}

/** The split of a customer id for the given fractions, as features.sql assigns it. */
export function splitOf(
  customerId: string,
  fractions: { readonly train: number; readonly validation: number },
): 'train' | 'validation' | 'test' {
  const bucket = splitBucket(customerId);
  if (bucket < fractions.train * SPLIT_BUCKETS) {
    return 'train';
  }
  return bucket < (fractions.train + fractions.validation) * SPLIT_BUCKETS ? 'validation' : 'test';
}

/** The manifest as a plain JSON-able object (a fresh copy on every call). */
export function featureManifest(): FeatureManifest {
  return {
    label: LABEL_COLUMN,
    columns: COLUMNS.map((c) => ({ ...c })),
    dropped: DROPPED.map((d) => ({ ...d })),
    split: {
      method:
        'by customer: bucket = first 3 hex digits of md5(customer_id) as a number (0..4095); train if ' +
        'bucket < train_fraction * 4096, validation if bucket < (train_fraction + validation_fraction) * 4096, ' +
        'else test. The same customer always lands in the same split, on Spark and DuckDB alike.',
      buckets: SPLIT_BUCKETS,
    },
  };
}
