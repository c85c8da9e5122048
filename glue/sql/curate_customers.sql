-- curate_customers.sql: the curated customers table, one row per customer_id. The valid rows of
-- this run, unioned with the table as it stands, keep each customer's latest snapshot: the latest
-- event_time wins; a tie goes to the latest ingest_time, then to source and origin (descending:
-- 'stream' before 'batch'), then to the other columns, so that both engines pick the same row even
-- among exact duplicates. NULLS LAST is spelled out: the engines' defaults differ.
--
-- Input views:
--   validated: the output of curate_validated.sql (rows with a reject_reason are left out)
--   previous_customers: the curated table before this run, the columns below (possibly empty)
-- Output columns:
--   customer_id STRING, event_time TIMESTAMP, state STRING, account_length INT, area_code STRING,
--     international_plan BOOLEAN, voice_mail_plan BOOLEAN, voice_mail_messages INT, day_minutes
--     DOUBLE, day_calls INT, day_charge DOUBLE, evening_minutes DOUBLE, evening_calls INT,
--     evening_charge DOUBLE, night_minutes DOUBLE, night_calls INT, night_charge DOUBLE,
--     international_minutes DOUBLE, international_calls INT, international_charge DOUBLE,
--     customer_service_calls INT, gender STRING, age INT, churn BOOLEAN, source STRING, ingest_time
--     TIMESTAMP, origin STRING,
--   snapshot_month STRING: 'YYYY-MM' of event_time (UTC), the partition column of the curated table.
--
-- Written in the common subset of Spark SQL (Glue 5.0, Spark 3.5) and DuckDB: the job runs it with spark.sql, the tests with DuckDB.
-- Generated from lib/schema/churn.ts by lib/etl/sql.ts (npm run generate);
-- a test fails when this file and its rendering differ.
WITH
candidates AS (
  SELECT
    customer_id,
    event_time,
    state,
    account_length,
    area_code,
    international_plan,
    voice_mail_plan,
    voice_mail_messages,
    day_minutes,
    day_calls,
    day_charge,
    evening_minutes,
    evening_calls,
    evening_charge,
    night_minutes,
    night_calls,
    night_charge,
    international_minutes,
    international_calls,
    international_charge,
    customer_service_calls,
    gender,
    age,
    churn,
    source,
    ingest_time,
    origin
  FROM validated
  WHERE reject_reason IS NULL
  UNION ALL
  SELECT
    customer_id,
    event_time,
    state,
    account_length,
    area_code,
    international_plan,
    voice_mail_plan,
    voice_mail_messages,
    day_minutes,
    day_calls,
    day_charge,
    evening_minutes,
    evening_calls,
    evening_charge,
    night_minutes,
    night_calls,
    night_charge,
    international_minutes,
    international_calls,
    international_charge,
    customer_service_calls,
    gender,
    age,
    churn,
    source,
    ingest_time,
    origin
  FROM previous_customers
),
ranked AS (
  SELECT
    *,
    ROW_NUMBER() OVER (
      PARTITION BY customer_id
      ORDER BY
        event_time DESC NULLS LAST,
        ingest_time DESC NULLS LAST,
        source DESC NULLS LAST,
        origin DESC NULLS LAST,
        state DESC NULLS LAST,
        account_length DESC NULLS LAST,
        area_code DESC NULLS LAST,
        international_plan DESC NULLS LAST,
        voice_mail_plan DESC NULLS LAST,
        voice_mail_messages DESC NULLS LAST,
        day_minutes DESC NULLS LAST,
        day_calls DESC NULLS LAST,
        day_charge DESC NULLS LAST,
        evening_minutes DESC NULLS LAST,
        evening_calls DESC NULLS LAST,
        evening_charge DESC NULLS LAST,
        night_minutes DESC NULLS LAST,
        night_calls DESC NULLS LAST,
        night_charge DESC NULLS LAST,
        international_minutes DESC NULLS LAST,
        international_calls DESC NULLS LAST,
        international_charge DESC NULLS LAST,
        customer_service_calls DESC NULLS LAST,
        gender DESC NULLS LAST,
        age DESC NULLS LAST,
        churn DESC NULLS LAST
    ) AS snapshot_rank
  FROM candidates
)
SELECT
  customer_id,
  event_time,
  state,
  account_length,
  area_code,
  international_plan,
  voice_mail_plan,
  voice_mail_messages,
  day_minutes,
  day_calls,
  day_charge,
  evening_minutes,
  evening_calls,
  evening_charge,
  night_minutes,
  night_calls,
  night_charge,
  international_minutes,
  international_calls,
  international_charge,
  customer_service_calls,
  gender,
  age,
  churn,
  source,
  ingest_time,
  origin,
  CAST(year(event_time) AS STRING) || '-' || lpad(CAST(month(event_time) AS STRING), 2, '0') AS snapshot_month
FROM ranked
WHERE snapshot_rank = 1
