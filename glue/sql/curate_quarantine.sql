-- curate_quarantine.sql: the rows curate_validated.sql rejected, with every value as it was
-- received, so nothing is lost: the reason, the lineage, and each schema field as the STRING it
-- arrived as (not trimmed, not canonicalised).
--
-- Input view:
--   validated: the output of curate_validated.sql
-- Output columns:
--   reject_reason STRING, source STRING, origin STRING, ingest_time STRING (as received),
--   customer_id, event_time, state, account_length, area_code, international_plan, voice_mail_plan,
--     voice_mail_messages, day_minutes, day_calls, day_charge, evening_minutes, evening_calls,
--     evening_charge, night_minutes, night_calls, night_charge, international_minutes,
--     international_calls, international_charge, customer_service_calls, gender, age, churn (all
--     STRING, as received)
--
-- Written in the common subset of Spark SQL (Glue 5.0, Spark 3.5) and DuckDB: the job runs it with spark.sql, the tests with DuckDB.
-- Generated from lib/schema/churn.ts by lib/etl/sql.ts (npm run generate);
-- a test fails when this file and its rendering differ.
SELECT
  reject_reason,
  source,
  origin,
  raw_ingest_time AS ingest_time,
  raw_customer_id AS customer_id,
  raw_event_time AS event_time,
  raw_state AS state,
  raw_account_length AS account_length,
  raw_area_code AS area_code,
  raw_international_plan AS international_plan,
  raw_voice_mail_plan AS voice_mail_plan,
  raw_voice_mail_messages AS voice_mail_messages,
  raw_day_minutes AS day_minutes,
  raw_day_calls AS day_calls,
  raw_day_charge AS day_charge,
  raw_evening_minutes AS evening_minutes,
  raw_evening_calls AS evening_calls,
  raw_evening_charge AS evening_charge,
  raw_night_minutes AS night_minutes,
  raw_night_calls AS night_calls,
  raw_night_charge AS night_charge,
  raw_international_minutes AS international_minutes,
  raw_international_calls AS international_calls,
  raw_international_charge AS international_charge,
  raw_customer_service_calls AS customer_service_calls,
  raw_gender AS gender,
  raw_age AS age,
  raw_churn AS churn
FROM validated
WHERE reject_reason IS NOT NULL
