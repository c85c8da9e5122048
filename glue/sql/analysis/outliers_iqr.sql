-- churn-outliers-iqr
--
-- Answers: how many values of each numeric column lie outside Tukey's fences? For every integer
-- and double column of the churn schema: the quartiles q1 and q3, the interquartile range
-- iqr = q3 - q1, the fences q1 - 1.5 * iqr and q3 + 1.5 * iqr, and how many values lie strictly
-- below the lower fence and strictly above the upper one (NULLs are neither).
--
-- Dialect: Athena engine v3 (Trino) runs this text; test/etl/analysis.test.ts runs the same text
-- in DuckDB on generated customers.
-- Shared with DuckDB: count
-- Trino-only: approx_percentile
-- approx_percentile has no spelling both engines know (DuckDB has no approx_percentile; Trino has
-- neither quantile_cont nor approx_quantile). Lines the tests rewrite: none. The tests define a
-- DuckDB macro approx_percentile(x, p) AS quantile_cont(x, p) (DUCKDB_SHIMS in
-- lib/etl/analysis-queries.ts) and run this file as it is. The answers differ slightly: Athena's
-- quartiles are approximate (a sketch), DuckDB's are exact, interpolated between the two nearest
-- values, so on Athena the fences, and the counts of values close to them, can differ a little.
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
),
quartiles AS (
  SELECT
    column_name,
    approx_percentile(value, 0.25) AS q1,
    approx_percentile(value, 0.75) AS q3
  FROM numeric_values
  GROUP BY column_name
),
fences AS (
  SELECT
    column_name,
    q1,
    q3,
    q3 - q1 AS iqr,
    q1 - 1.5 * (q3 - q1) AS lower_fence,
    q3 + 1.5 * (q3 - q1) AS upper_fence
  FROM quartiles
)
SELECT
  f.column_name,
  f.q1,
  f.q3,
  f.iqr,
  f.lower_fence,
  f.upper_fence,
  count(CASE WHEN v.value < f.lower_fence THEN 1 END) AS below,
  count(CASE WHEN v.value > f.upper_fence THEN 1 END) AS above
FROM fences AS f
JOIN numeric_values AS v ON v.column_name = f.column_name
GROUP BY f.column_name, f.q1, f.q3, f.iqr, f.lower_fence, f.upper_fence
ORDER BY f.column_name
