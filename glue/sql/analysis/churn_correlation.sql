-- churn-correlation
--
-- Answers: which features move with churn? For every numeric and boolean feature of the churn
-- schema: the Pearson correlation between the feature and the label (churn as 1, staying as 0;
-- booleans as 1 and 0, which makes it the point-biserial or phi coefficient), over labelled
-- customers only, and n, the number of them that have the feature. Strongest correlation first,
-- either sign. A correlation only ranks linear association; it says nothing of cause.
--
-- Dialect: Athena engine v3 (Trino) runs this text; test/etl/analysis.test.ts runs the same text
-- in DuckDB on generated customers.
-- Shared with DuckDB: count, corr, abs
-- Trino-only: none
-- Lines the tests rewrite: none. Booleans become numbers through CAST(b AS INTEGER), which gives
-- 1 and 0 on both engines; every value is made DOUBLE explicitly rather than left to each
-- engine's implicit coercion.
WITH labelled AS (
  SELECT *, CAST(CAST(churn AS INTEGER) AS DOUBLE) AS churned
  FROM customers
  WHERE churn IS NOT NULL
),
features AS (
  SELECT 'account_length' AS feature, CAST(account_length AS DOUBLE) AS value, churned FROM labelled
  UNION ALL SELECT 'international_plan', CAST(CAST(international_plan AS INTEGER) AS DOUBLE), churned FROM labelled
  UNION ALL SELECT 'voice_mail_plan', CAST(CAST(voice_mail_plan AS INTEGER) AS DOUBLE), churned FROM labelled
  UNION ALL SELECT 'voice_mail_messages', CAST(voice_mail_messages AS DOUBLE), churned FROM labelled
  UNION ALL SELECT 'day_minutes', day_minutes, churned FROM labelled
  UNION ALL SELECT 'day_calls', CAST(day_calls AS DOUBLE), churned FROM labelled
  UNION ALL SELECT 'day_charge', day_charge, churned FROM labelled
  UNION ALL SELECT 'evening_minutes', evening_minutes, churned FROM labelled
  UNION ALL SELECT 'evening_calls', CAST(evening_calls AS DOUBLE), churned FROM labelled
  UNION ALL SELECT 'evening_charge', evening_charge, churned FROM labelled
  UNION ALL SELECT 'night_minutes', night_minutes, churned FROM labelled
  UNION ALL SELECT 'night_calls', CAST(night_calls AS DOUBLE), churned FROM labelled
  UNION ALL SELECT 'night_charge', night_charge, churned FROM labelled
  UNION ALL SELECT 'international_minutes', international_minutes, churned FROM labelled
  UNION ALL SELECT 'international_calls', CAST(international_calls AS DOUBLE), churned FROM labelled
  UNION ALL SELECT 'international_charge', international_charge, churned FROM labelled
  UNION ALL SELECT 'customer_service_calls', CAST(customer_service_calls AS DOUBLE), churned FROM labelled
  UNION ALL SELECT 'age', CAST(age AS DOUBLE), churned FROM labelled
)
SELECT
  feature,
  count(value) AS n,
  corr(value, churned) AS correlation
FROM features
GROUP BY feature
ORDER BY abs(corr(value, churned)) DESC NULLS LAST, feature
