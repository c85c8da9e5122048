-- churn-missing-counts
--
-- Answers: how complete is each column of the curated customers table? For every column (the
-- churn schema's, the lineage columns and the snapshot_month partition): how many rows it has,
-- how many of them are NULL, and the share of NULLs (0 to 1). Worst column first.
--
-- Dialect: Athena engine v3 (Trino) runs this text; test/etl/analysis.test.ts runs the same text
-- in DuckDB on generated customers.
-- Shared with DuckDB: count
-- Trino-only: none
-- Lines the tests rewrite: none. The share casts its numerator to DOUBLE because the engines
-- disagree on / between integers: Trino truncates (3 / 4 = 0), DuckDB does not (0.75).
WITH cells AS (
  SELECT 'customer_id' AS column_name, customer_id IS NULL AS is_missing FROM customers
  UNION ALL SELECT 'event_time', event_time IS NULL FROM customers
  UNION ALL SELECT 'state', state IS NULL FROM customers
  UNION ALL SELECT 'account_length', account_length IS NULL FROM customers
  UNION ALL SELECT 'area_code', area_code IS NULL FROM customers
  UNION ALL SELECT 'international_plan', international_plan IS NULL FROM customers
  UNION ALL SELECT 'voice_mail_plan', voice_mail_plan IS NULL FROM customers
  UNION ALL SELECT 'voice_mail_messages', voice_mail_messages IS NULL FROM customers
  UNION ALL SELECT 'day_minutes', day_minutes IS NULL FROM customers
  UNION ALL SELECT 'day_calls', day_calls IS NULL FROM customers
  UNION ALL SELECT 'day_charge', day_charge IS NULL FROM customers
  UNION ALL SELECT 'evening_minutes', evening_minutes IS NULL FROM customers
  UNION ALL SELECT 'evening_calls', evening_calls IS NULL FROM customers
  UNION ALL SELECT 'evening_charge', evening_charge IS NULL FROM customers
  UNION ALL SELECT 'night_minutes', night_minutes IS NULL FROM customers
  UNION ALL SELECT 'night_calls', night_calls IS NULL FROM customers
  UNION ALL SELECT 'night_charge', night_charge IS NULL FROM customers
  UNION ALL SELECT 'international_minutes', international_minutes IS NULL FROM customers
  UNION ALL SELECT 'international_calls', international_calls IS NULL FROM customers
  UNION ALL SELECT 'international_charge', international_charge IS NULL FROM customers
  UNION ALL SELECT 'customer_service_calls', customer_service_calls IS NULL FROM customers
  UNION ALL SELECT 'gender', gender IS NULL FROM customers
  UNION ALL SELECT 'age', age IS NULL FROM customers
  UNION ALL SELECT 'churn', churn IS NULL FROM customers
  UNION ALL SELECT 'source', source IS NULL FROM customers
  UNION ALL SELECT 'ingest_time', ingest_time IS NULL FROM customers
  UNION ALL SELECT 'origin', origin IS NULL FROM customers
  UNION ALL SELECT 'snapshot_month', snapshot_month IS NULL FROM customers
)
SELECT
  column_name,
  count(*) AS row_count,
  count(CASE WHEN is_missing THEN 1 END) AS missing,
  CAST(count(CASE WHEN is_missing THEN 1 END) AS DOUBLE) / count(*) AS missing_share
FROM cells
GROUP BY column_name
ORDER BY missing_share DESC, column_name
