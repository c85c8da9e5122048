-- churn-describe-numeric
--
-- Answers: what does each numeric column of the curated customers table look like? For every
-- integer and double column of the churn schema: how many values it has (NULLs left out), their
-- mean, sample standard deviation, minimum, quartiles (p25, p50 = median, p75) and maximum.
-- One row per column, integers widened to DOUBLE so that every column fits one result shape.
--
-- Dialect: Athena engine v3 (Trino) runs this text; test/etl/analysis.test.ts runs the same text
-- in DuckDB on generated customers.
-- Shared with DuckDB: count, avg, stddev_samp, min, max
-- Trino-only: approx_percentile
-- approx_percentile has no spelling both engines know (DuckDB has no approx_percentile; Trino has
-- neither quantile_cont nor approx_quantile). Lines the tests rewrite: none. The tests define a
-- DuckDB macro approx_percentile(x, p) AS quantile_cont(x, p) (DUCKDB_SHIMS in
-- lib/etl/analysis-queries.ts) and run this file as it is. The answers differ slightly: Athena's
-- quartiles are approximate (a sketch), DuckDB's are exact, interpolated between the two nearest
-- values; count, mean, stddev, min and max are the same on both.
WITH numeric_values AS (
  SELECT 'account_length' AS column_name, CAST(account_length AS DOUBLE) AS value FROM customers
  UNION ALL SELECT 'voice_mail_messages', CAST(voice_mail_messages AS DOUBLE) FROM customers
  UNION ALL SELECT 'day_minutes', day_minutes FROM customers
  UNION ALL SELECT 'day_calls', CAST(day_calls AS DOUBLE) FROM customers
  UNION ALL SELECT 'day_charge', day_charge FROM customers
  UNION ALL SELECT 'evening_minutes', evening_minutes FROM customers
  UNION ALL SELECT 'evening_calls', CAST(evening_calls AS DOUBLE) FROM customers
  UNION ALL SELECT 'evening_charge', evening_charge FROM customers
  UNION ALL SELECT 'night_minutes', night_minutes FROM customers
  UNION ALL SELECT 'night_calls', CAST(night_calls AS DOUBLE) FROM customers
  UNION ALL SELECT 'night_charge', night_charge FROM customers
  UNION ALL SELECT 'international_minutes', international_minutes FROM customers
  UNION ALL SELECT 'international_calls', CAST(international_calls AS DOUBLE) FROM customers
  UNION ALL SELECT 'international_charge', international_charge FROM customers
  UNION ALL SELECT 'customer_service_calls', CAST(customer_service_calls AS DOUBLE) FROM customers
  UNION ALL SELECT 'age', CAST(age AS DOUBLE) FROM customers
)
SELECT
  column_name,
  count(value) AS count,
  avg(value) AS mean,
  stddev_samp(value) AS stddev,
  min(value) AS min,
  approx_percentile(value, 0.25) AS p25,
  approx_percentile(value, 0.5) AS p50,
  approx_percentile(value, 0.75) AS p75,
  max(value) AS max
FROM numeric_values
GROUP BY column_name
ORDER BY column_name
