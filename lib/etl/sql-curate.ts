/**
 * curate_customers.sql and curate_quarantine.sql: the curated customers table (each customer's
 * latest snapshot) and the rejected rows as received, both from curate_validated.sql's output.
 */
import { CHURN_FIELDS } from '../schema/churn';
import {
  COMMON_SUBSET_LINE,
  FIELD_LIST,
  GENERATED,
  header,
  lines,
  RAW_FIELD_LIST,
  RAW_LINEAGE_COLUMNS,
} from './sql-text';

/** The text of curate_customers.sql. */
export function renderCurateCustomers(): string {
  const kept = [...CHURN_FIELDS.map((f) => f.name), ...RAW_LINEAGE_COLUMNS];
  const order = [
    'event_time',
    'ingest_time',
    'source',
    'origin',
    ...CHURN_FIELDS.map((f) => f.name).filter((f) => f !== 'event_time' && f !== 'customer_id'),
  ];
  return `${header(`
curate_customers.sql: the curated customers table, one row per customer_id. The valid rows of
this run, unioned with the table as it stands, keep each customer's latest snapshot: the latest
event_time wins; a tie goes to the latest ingest_time, then to source and origin (descending:
'stream' before 'batch'), then to the other columns, so that both engines pick the same row even
among exact duplicates. NULLS LAST is spelled out: the engines' defaults differ.

Input views:
  validated: the output of curate_validated.sql (rows with a reject_reason are left out)
  previous_customers: the curated table before this run, the columns below (possibly empty)
Output columns:
  ${FIELD_LIST}, source STRING, ingest_time TIMESTAMP, origin STRING,
  snapshot_month STRING: 'YYYY-MM' of event_time (UTC), the partition column of the curated table.

${COMMON_SUBSET_LINE}
${GENERATED}
`)}WITH
candidates AS (
  SELECT
${lines(kept, '    ')}
  FROM validated
  WHERE reject_reason IS NULL
  UNION ALL
  SELECT
${lines(kept, '    ')}
  FROM previous_customers
),
ranked AS (
  SELECT
    *,
    ROW_NUMBER() OVER (
      PARTITION BY customer_id
      ORDER BY
${lines(
  order.map((c) => `${c} DESC NULLS LAST`),
  '        ',
)}
    ) AS snapshot_rank
  FROM candidates
)
SELECT
${lines(
  [
    ...kept,
    "CAST(year(event_time) AS STRING) || '-' || lpad(CAST(month(event_time) AS STRING), 2, '0') AS snapshot_month",
  ],
  '  ',
)}
FROM ranked
WHERE snapshot_rank = 1
`;
}

/** The text of curate_quarantine.sql. */
export function renderCurateQuarantine(): string {
  return `${header(`
curate_quarantine.sql: the rows curate_validated.sql rejected, with every value as it was
received, so nothing is lost: the reason, the lineage, and each schema field as the STRING it
arrived as (not trimmed, not canonicalised).

Input view:
  validated: the output of curate_validated.sql
Output columns:
  reject_reason STRING, source STRING, origin STRING, ingest_time STRING (as received),
  ${RAW_FIELD_LIST} (all STRING, as received)

${COMMON_SUBSET_LINE}
${GENERATED}
`)}SELECT
${lines(
  [
    'reject_reason',
    'source',
    'origin',
    'raw_ingest_time AS ingest_time',
    ...CHURN_FIELDS.map((f) => `raw_${f.name} AS ${f.name}`),
  ],
  '  ',
)}
FROM validated
WHERE reject_reason IS NOT NULL
`;
}
