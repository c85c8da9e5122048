-- churn-category-frequencies
--
-- Answers: how are the customers spread over the values of each nominal and boolean column of
-- the churn schema (state, area code, plans, gender, and the churn label itself)? For every
-- column and value: how many customers have it and their share of all rows (0 to 1). NULL is
-- counted as a value of its own (a row whose value is NULL), so a column's counts add up to the
-- number of rows and its shares to 1. Booleans are shown as 'true' and 'false'.
--
-- Dialect: Athena engine v3 (Trino) runs this text; test/etl/analysis.test.ts runs the same text
-- in DuckDB on generated customers.
-- Shared with DuckDB: count, sum
-- Trino-only: none
-- Lines the tests rewrite: none. CAST(boolean AS VARCHAR) gives 'true'/'false' on both engines.
-- The share casts its numerator to DOUBLE because the engines disagree on / between integers:
-- Trino truncates (3 / 4 = 0), DuckDB does not (0.75).
WITH category_values AS (
  SELECT 'state' AS column_name, state AS value FROM customers
  UNION ALL SELECT 'area_code', area_code FROM customers
  UNION ALL SELECT 'international_plan', CAST(international_plan AS VARCHAR) FROM customers
  UNION ALL SELECT 'voice_mail_plan', CAST(voice_mail_plan AS VARCHAR) FROM customers
  UNION ALL SELECT 'gender', gender FROM customers
  UNION ALL SELECT 'churn', CAST(churn AS VARCHAR) FROM customers
)
SELECT
  column_name,
  value,
  count(*) AS count,
  CAST(count(*) AS DOUBLE) / sum(count(*)) OVER (PARTITION BY column_name) AS share
FROM category_values
GROUP BY column_name, value
ORDER BY column_name, count DESC, value NULLS LAST
