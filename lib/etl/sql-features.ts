/**
 * features.sql: the training data for the built-in XGBoost algorithm, encoded by the feature
 * manifest (`lib/contracts/feature-manifest.ts`) and split by customer.
 */
import { featureManifest, LABEL_COLUMN, SPLIT_BUCKETS } from '../contracts/feature-manifest';
import { COMMON_SUBSET_LINE, GENERATED_BY, header, lines, literal } from './sql-text';

/** The text of features.sql. */
export function renderFeatures(): string {
  const manifest = featureManifest();
  const hexDigit = (i: number): string => `(instr('0123456789abcdef', substr(md5(customer_id), ${i}, 1)) - 1)`;
  const columns = manifest.columns.map((c) => {
    switch (c.encoding) {
      case 'numeric':
        return `c.${c.source} AS ${c.name}`;
      case 'boolean':
        return `CASE WHEN c.${c.source} THEN 1 WHEN NOT c.${c.source} THEN 0 END AS ${c.name}`;
      case 'one-hot':
        return `CASE WHEN c.${c.source} = ${literal(c.category ?? '')} THEN 1 ELSE 0 END AS ${c.name}`;
    }
  });
  const groups = [...new Set(manifest.columns.filter((c) => c.encoding === 'one-hot').map((c) => c.source))];
  return `${header(`
features.sql: the training data for the built-in XGBoost algorithm, from the curated customers.
Labelled customers only (${LABEL_COLUMN} NOT NULL). Output columns, in this order:
  ${LABEL_COLUMN} INT: the label, 0/1, first (XGBoost's CSV convention);
  the features (lib/contracts/feature-manifest.ts, FEATURE_COLUMNS):
  - numeric, kept as they are: ${manifest.columns
    .filter((c) => c.encoding === 'numeric')
    .map((c) => c.name)
    .join(', ')};
    a NULL stays NULL (an empty CSV field, which XGBoost reads as missing);
  - boolean, 0/1 INT (NULL when missing): ${manifest.columns
    .filter((c) => c.encoding === 'boolean')
    .map((c) => c.name)
    .join(', ')};
  - nominal categories, one-hot, one 0/1 INT column per canonical value (<field>_<value>):
    ${groups.join(', ')}; a NULL category is all zeros in its group.
  No category of this schema is ordinal (no order among states, area codes or genders), so none
  is encoded as a rank; booleans are 0/1 and counts are already numbers.
  split STRING: 'train', 'validation' or 'test', last (the job writes each split without it).
Dropped:
${manifest.dropped.map((d) => `  - ${d.name}: ${d.reason}`).join('\n')}
The split is by customer and stable. bucket = the first 3 hex digits of md5(customer_id) read as
a number, 0..${SPLIT_BUCKETS - 1}, by instr/substr arithmetic (md5 gives the same digits on both engines, unlike
hash(), which is Murmur3 on Spark only; conv() is missing from DuckDB). Then:
  train if bucket < train_fraction * ${SPLIT_BUCKETS},
  validation if bucket < (train_fraction + validation_fraction) * ${SPLIT_BUCKETS},
  test otherwise.

Input views:
  customers: the curated table (curate_customers.sql's columns)
  split_config: one row (train_fraction DOUBLE, validation_fraction DOUBLE)
Rows are ordered by customer_id, so the files are the same from run to run.

${COMMON_SUBSET_LINE}
Generated from lib/contracts/feature-manifest.ts by ${GENERATED_BY};
a test fails when this file and its rendering differ.
`)}SELECT
${lines(
  [
    `CASE WHEN c.${LABEL_COLUMN} THEN 1 ELSE 0 END AS ${LABEL_COLUMN}`,
    ...columns,
    `CASE
    WHEN c.split_bucket < s.train_fraction * ${SPLIT_BUCKETS} THEN 'train'
    WHEN c.split_bucket < (s.train_fraction + s.validation_fraction) * ${SPLIT_BUCKETS} THEN 'validation'
    ELSE 'test'
  END AS split`,
  ],
  '  ',
)}
FROM (
  SELECT
    *,
    ${hexDigit(1)} * 256 + ${hexDigit(2)} * 16 + ${hexDigit(3)} AS split_bucket
  FROM customers
  WHERE ${LABEL_COLUMN} IS NOT NULL
) AS c
CROSS JOIN split_config AS s
ORDER BY c.customer_id
`;
}
