-- curate_validated.sql: the second line of defence. Every raw record, from the stream (already
-- cleaned by the Firehose cleaner) and from batch CSV uploads (as uploaded), gets each schema field
-- canonicalised and typed by the reading rules of lib/schema/churn.ts, the rules the cleaner applies:
-- - every value is trimmed of whitespace: what JavaScript's trim() removes, as the cleaner does, but
--   the line separators U+2028 and U+2029 (such a value is rejected, not trimmed); chr() for ASCII
--   and Latin-1, literal characters (invisible!) for U+1680 U+2000 U+2001 U+2002 U+2003 U+2004 U+2005
--     U+2006 U+2007 U+2008 U+2009 U+200A U+202F U+205F U+3000 U+FEFF;
-- - a MISSING_VALUE_SPELLING (any case) is missing: NULL, or a rejected row for a required field;
-- - category: a canonical value in any case, or a synonym -> the canonical value;
-- - boolean: a BOOLEAN_SPELLING (any case) -> TRUE/FALSE;
-- - integer, double: decimal notation, within min..max; an integer must be whole (42.5 is rejected);
-- - string: must match its pattern;
-- - timestamp: ISO 8601 (T, t or a space between date and time; Z, z, +HH:MM, -HH:MM or no zone,
--   read as UTC; a fraction of 1 to 9 digits, truncated to milliseconds); the calendar date and
--   time must exist; converted to UTC, it must fall in 1970..2100.
-- A value that breaks its field's rule rejects the row. ingest_time is read by the timestamp rule
-- after the schema fields: the de-duplication orders by it, so a row without one is rejected too.
--
-- Input view:
--   raw_records: customer_id, event_time, state, account_length, area_code, international_plan,
--     voice_mail_plan, voice_mail_messages, day_minutes, day_calls, day_charge, evening_minutes,
--     evening_calls, evening_charge, night_minutes, night_calls, night_charge, international_minutes,
--     international_calls, international_charge, customer_service_calls, gender, age, churn (all
--     STRING), source STRING ('stream' | 'batch'), ingest_time STRING, origin STRING
-- Output columns:
--   customer_id STRING, event_time TIMESTAMP, state STRING, account_length INT, area_code STRING,
--     international_plan BOOLEAN, voice_mail_plan BOOLEAN, voice_mail_messages INT, day_minutes
--     DOUBLE, day_calls INT, day_charge DOUBLE, evening_minutes DOUBLE, evening_calls INT,
--     evening_charge DOUBLE, night_minutes DOUBLE, night_calls INT, night_charge DOUBLE,
--     international_minutes DOUBLE, international_calls INT, international_charge DOUBLE,
--     customer_service_calls INT, gender STRING, age INT, churn BOOLEAN (NULL where missing or
--     invalid),
--   reject_reason STRING: NULL when the row is valid, else the first failing field in schema order,
--     'missing_required:<field>' or 'invalid_value:<field>' (the cleaner's reasons),
--   source STRING, ingest_time TIMESTAMP, origin STRING,
--   raw_<field> STRING for every schema field and raw_ingest_time STRING: the values as received,
--     so the quarantine keeps them unchanged.
-- Timestamps are TIMESTAMP in UTC: the job sets spark.sql.session.timeZone to UTC.
--
-- Written in the common subset of Spark SQL (Glue 5.0, Spark 3.5) and DuckDB: the job runs it with spark.sql, the tests with DuckDB.
-- Avoided on purpose: regexp_like/rlike/regexp_matches (not common: regexp_replace of an anchored
-- pattern is, and = '' tests a full match), backslashes and doubled quotes in literals (escaped
-- differently), CAST without a shape check (Spark and DuckDB accept different number and date
-- spellings), concat() (NULL handling differs; || agrees), substr with a position < 1 or a negative
-- length, and strptime/to_timestamp (different format languages): dates are checked by arithmetic.
-- Generated from lib/schema/churn.ts by lib/etl/sql.ts (npm run generate);
-- a test fails when this file and its rendering differ.
WITH
trimmed AS (
  SELECT
    TRIM(BOTH ws FROM customer_id) AS customer_id,
    TRIM(BOTH ws FROM event_time) AS event_time,
    TRIM(BOTH ws FROM state) AS state,
    TRIM(BOTH ws FROM account_length) AS account_length,
    TRIM(BOTH ws FROM area_code) AS area_code,
    TRIM(BOTH ws FROM international_plan) AS international_plan,
    TRIM(BOTH ws FROM voice_mail_plan) AS voice_mail_plan,
    TRIM(BOTH ws FROM voice_mail_messages) AS voice_mail_messages,
    TRIM(BOTH ws FROM day_minutes) AS day_minutes,
    TRIM(BOTH ws FROM day_calls) AS day_calls,
    TRIM(BOTH ws FROM day_charge) AS day_charge,
    TRIM(BOTH ws FROM evening_minutes) AS evening_minutes,
    TRIM(BOTH ws FROM evening_calls) AS evening_calls,
    TRIM(BOTH ws FROM evening_charge) AS evening_charge,
    TRIM(BOTH ws FROM night_minutes) AS night_minutes,
    TRIM(BOTH ws FROM night_calls) AS night_calls,
    TRIM(BOTH ws FROM night_charge) AS night_charge,
    TRIM(BOTH ws FROM international_minutes) AS international_minutes,
    TRIM(BOTH ws FROM international_calls) AS international_calls,
    TRIM(BOTH ws FROM international_charge) AS international_charge,
    TRIM(BOTH ws FROM customer_service_calls) AS customer_service_calls,
    TRIM(BOTH ws FROM gender) AS gender,
    TRIM(BOTH ws FROM age) AS age,
    TRIM(BOTH ws FROM churn) AS churn,
    TRIM(BOTH ws FROM ingest_time) AS ingest_time,
    source,
    origin,
    customer_id AS raw_customer_id,
    event_time AS raw_event_time,
    state AS raw_state,
    account_length AS raw_account_length,
    area_code AS raw_area_code,
    international_plan AS raw_international_plan,
    voice_mail_plan AS raw_voice_mail_plan,
    voice_mail_messages AS raw_voice_mail_messages,
    day_minutes AS raw_day_minutes,
    day_calls AS raw_day_calls,
    day_charge AS raw_day_charge,
    evening_minutes AS raw_evening_minutes,
    evening_calls AS raw_evening_calls,
    evening_charge AS raw_evening_charge,
    night_minutes AS raw_night_minutes,
    night_calls AS raw_night_calls,
    night_charge AS raw_night_charge,
    international_minutes AS raw_international_minutes,
    international_calls AS raw_international_calls,
    international_charge AS raw_international_charge,
    customer_service_calls AS raw_customer_service_calls,
    gender AS raw_gender,
    age AS raw_age,
    churn AS raw_churn,
    ingest_time AS raw_ingest_time
  FROM raw_records
  CROSS JOIN (
    SELECT
      chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(32) || chr(160)
      || '              　﻿' AS ws
  ) AS whitespace
),
present AS (
  -- A missing-value spelling is no value.
  SELECT
    CASE WHEN LOWER(customer_id) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE customer_id END AS customer_id,
    CASE WHEN LOWER(event_time) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE event_time END AS event_time,
    CASE WHEN LOWER(state) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE state END AS state,
    CASE WHEN LOWER(account_length) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE account_length END AS account_length,
    CASE WHEN LOWER(area_code) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE area_code END AS area_code,
    CASE WHEN LOWER(international_plan) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE international_plan END AS international_plan,
    CASE WHEN LOWER(voice_mail_plan) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE voice_mail_plan END AS voice_mail_plan,
    CASE WHEN LOWER(voice_mail_messages) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE voice_mail_messages END AS voice_mail_messages,
    CASE WHEN LOWER(day_minutes) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE day_minutes END AS day_minutes,
    CASE WHEN LOWER(day_calls) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE day_calls END AS day_calls,
    CASE WHEN LOWER(day_charge) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE day_charge END AS day_charge,
    CASE WHEN LOWER(evening_minutes) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE evening_minutes END AS evening_minutes,
    CASE WHEN LOWER(evening_calls) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE evening_calls END AS evening_calls,
    CASE WHEN LOWER(evening_charge) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE evening_charge END AS evening_charge,
    CASE WHEN LOWER(night_minutes) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE night_minutes END AS night_minutes,
    CASE WHEN LOWER(night_calls) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE night_calls END AS night_calls,
    CASE WHEN LOWER(night_charge) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE night_charge END AS night_charge,
    CASE WHEN LOWER(international_minutes) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE international_minutes END AS international_minutes,
    CASE WHEN LOWER(international_calls) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE international_calls END AS international_calls,
    CASE WHEN LOWER(international_charge) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE international_charge END AS international_charge,
    CASE WHEN LOWER(customer_service_calls) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE customer_service_calls END AS customer_service_calls,
    CASE WHEN LOWER(gender) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE gender END AS gender,
    CASE WHEN LOWER(age) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE age END AS age,
    CASE WHEN LOWER(churn) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE churn END AS churn,
    CASE WHEN LOWER(ingest_time) IN ('', 'na', 'n/a', 'nan', 'null', 'none', 'nil', '?', '-') THEN NULL ELSE ingest_time END AS ingest_time,
    source,
    origin,
    raw_customer_id,
    raw_event_time,
    raw_state,
    raw_account_length,
    raw_area_code,
    raw_international_plan,
    raw_voice_mail_plan,
    raw_voice_mail_messages,
    raw_day_minutes,
    raw_day_calls,
    raw_day_charge,
    raw_evening_minutes,
    raw_evening_calls,
    raw_evening_charge,
    raw_night_minutes,
    raw_night_calls,
    raw_night_charge,
    raw_international_minutes,
    raw_international_calls,
    raw_international_charge,
    raw_customer_service_calls,
    raw_gender,
    raw_age,
    raw_churn,
    raw_ingest_time
  FROM trimmed
),
shaped AS (
  -- Numbers in decimal notation only, then converted; timestamps of the ISO 8601 shape only.
  SELECT
    *,
    CASE WHEN regexp_replace(account_length, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(account_length AS DOUBLE) END AS account_length__number,
    CASE WHEN regexp_replace(voice_mail_messages, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(voice_mail_messages AS DOUBLE) END AS voice_mail_messages__number,
    CASE WHEN regexp_replace(day_minutes, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(day_minutes AS DOUBLE) END AS day_minutes__number,
    CASE WHEN regexp_replace(day_calls, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(day_calls AS DOUBLE) END AS day_calls__number,
    CASE WHEN regexp_replace(day_charge, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(day_charge AS DOUBLE) END AS day_charge__number,
    CASE WHEN regexp_replace(evening_minutes, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(evening_minutes AS DOUBLE) END AS evening_minutes__number,
    CASE WHEN regexp_replace(evening_calls, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(evening_calls AS DOUBLE) END AS evening_calls__number,
    CASE WHEN regexp_replace(evening_charge, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(evening_charge AS DOUBLE) END AS evening_charge__number,
    CASE WHEN regexp_replace(night_minutes, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(night_minutes AS DOUBLE) END AS night_minutes__number,
    CASE WHEN regexp_replace(night_calls, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(night_calls AS DOUBLE) END AS night_calls__number,
    CASE WHEN regexp_replace(night_charge, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(night_charge AS DOUBLE) END AS night_charge__number,
    CASE WHEN regexp_replace(international_minutes, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(international_minutes AS DOUBLE) END AS international_minutes__number,
    CASE WHEN regexp_replace(international_calls, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(international_calls AS DOUBLE) END AS international_calls__number,
    CASE WHEN regexp_replace(international_charge, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(international_charge AS DOUBLE) END AS international_charge__number,
    CASE WHEN regexp_replace(customer_service_calls, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(customer_service_calls AS DOUBLE) END AS customer_service_calls__number,
    CASE WHEN regexp_replace(age, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$', '') = '' THEN TRY_CAST(age AS DOUBLE) END AS age__number,
    CASE WHEN regexp_replace(event_time, '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})?$', '') = '' THEN event_time END AS event_time__text,
    CASE WHEN regexp_replace(ingest_time, '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})?$', '') = '' THEN ingest_time END AS ingest_time__text
  FROM present
),
timestamp_parts AS (
  -- The fields of each timestamp; the zone is Z (1 character), +HH:MM / -HH:MM (6) or none (0).
  SELECT
    *,
    CAST(substr(event_time__text, 1, 4) AS INT) AS event_time__year,
    CAST(substr(event_time__text, 6, 2) AS INT) AS event_time__month,
    CAST(substr(event_time__text, 9, 2) AS INT) AS event_time__day,
    CAST(substr(event_time__text, 12, 2) AS INT) AS event_time__hour,
    CAST(substr(event_time__text, 15, 2) AS INT) AS event_time__minute,
    CAST(substr(event_time__text, 18, 2) AS INT) AS event_time__second,
    CASE WHEN UPPER(substr(event_time__text, length(event_time__text), 1)) = 'Z' THEN 1 WHEN substr(event_time__text, length(event_time__text) - 5, 1) IN ('+', '-') THEN 6 ELSE 0 END AS event_time__zone_length,
    CAST(substr(ingest_time__text, 1, 4) AS INT) AS ingest_time__year,
    CAST(substr(ingest_time__text, 6, 2) AS INT) AS ingest_time__month,
    CAST(substr(ingest_time__text, 9, 2) AS INT) AS ingest_time__day,
    CAST(substr(ingest_time__text, 12, 2) AS INT) AS ingest_time__hour,
    CAST(substr(ingest_time__text, 15, 2) AS INT) AS ingest_time__minute,
    CAST(substr(ingest_time__text, 18, 2) AS INT) AS ingest_time__second,
    CASE WHEN UPPER(substr(ingest_time__text, length(ingest_time__text), 1)) = 'Z' THEN 1 WHEN substr(ingest_time__text, length(ingest_time__text) - 5, 1) IN ('+', '-') THEN 6 ELSE 0 END AS ingest_time__zone_length
  FROM shaped
),
timestamp_zones AS (
  -- Milliseconds (the fraction truncated or padded to 3 digits) and the zone's offset.
  SELECT
    *,
    rpad(CASE WHEN substr(event_time__text, 20, 1) = '.' THEN substr(event_time__text, 21, length(event_time__text) - 20 - event_time__zone_length) ELSE '' END, 3, '0') AS event_time__millis,
    CASE WHEN event_time__zone_length = 6 THEN CAST(substr(event_time__text, length(event_time__text) - 4, 2) AS INT) ELSE 0 END AS event_time__offset_hours,
    CASE WHEN event_time__zone_length = 6 THEN CAST(substr(event_time__text, length(event_time__text) - 1, 2) AS INT) ELSE 0 END AS event_time__offset_minutes,
    CASE WHEN event_time__zone_length = 6 AND substr(event_time__text, length(event_time__text) - 5, 1) = '-' THEN -1 ELSE 1 END AS event_time__offset_sign,
    rpad(CASE WHEN substr(ingest_time__text, 20, 1) = '.' THEN substr(ingest_time__text, 21, length(ingest_time__text) - 20 - ingest_time__zone_length) ELSE '' END, 3, '0') AS ingest_time__millis,
    CASE WHEN ingest_time__zone_length = 6 THEN CAST(substr(ingest_time__text, length(ingest_time__text) - 4, 2) AS INT) ELSE 0 END AS ingest_time__offset_hours,
    CASE WHEN ingest_time__zone_length = 6 THEN CAST(substr(ingest_time__text, length(ingest_time__text) - 1, 2) AS INT) ELSE 0 END AS ingest_time__offset_minutes,
    CASE WHEN ingest_time__zone_length = 6 AND substr(ingest_time__text, length(ingest_time__text) - 5, 1) = '-' THEN -1 ELSE 1 END AS ingest_time__offset_sign
  FROM timestamp_parts
),
timestamp_checked AS (
  -- The minute of the day in UTC (before or after the local day by at most one day), or NULL
  -- when the date or time does not exist.
  SELECT
    *,
    CASE
      WHEN event_time__year BETWEEN 1969 AND 2101
        AND event_time__month BETWEEN 1 AND 12
        AND event_time__day BETWEEN 1 AND CASE WHEN event_time__month IN (4, 6, 9, 11) THEN 30 WHEN event_time__month = 2 THEN CASE WHEN event_time__year % 4 = 0 AND (event_time__year % 100 <> 0 OR event_time__year % 400 = 0) THEN 29 ELSE 28 END ELSE 31 END
        AND event_time__hour <= 23 AND event_time__minute <= 59 AND event_time__second <= 59
        AND event_time__offset_hours <= 23 AND event_time__offset_minutes <= 59
      THEN event_time__hour * 60 + event_time__minute - event_time__offset_sign * (event_time__offset_hours * 60 + event_time__offset_minutes)
    END AS event_time__utc_minutes,
    CASE
      WHEN ingest_time__year BETWEEN 1969 AND 2101
        AND ingest_time__month BETWEEN 1 AND 12
        AND ingest_time__day BETWEEN 1 AND CASE WHEN ingest_time__month IN (4, 6, 9, 11) THEN 30 WHEN ingest_time__month = 2 THEN CASE WHEN ingest_time__year % 4 = 0 AND (ingest_time__year % 100 <> 0 OR ingest_time__year % 400 = 0) THEN 29 ELSE 28 END ELSE 31 END
        AND ingest_time__hour <= 23 AND ingest_time__minute <= 59 AND ingest_time__second <= 59
        AND ingest_time__offset_hours <= 23 AND ingest_time__offset_minutes <= 59
      THEN ingest_time__hour * 60 + ingest_time__minute - ingest_time__offset_sign * (ingest_time__offset_hours * 60 + ingest_time__offset_minutes)
    END AS ingest_time__utc_minutes
  FROM timestamp_zones
),
timestamp_shifted AS (
  SELECT
    *,
    CASE WHEN event_time__utc_minutes < 0 THEN -1 WHEN event_time__utc_minutes >= 1440 THEN 1 WHEN event_time__utc_minutes IS NOT NULL THEN 0 END AS event_time__day_shift,
    CASE WHEN ingest_time__utc_minutes < 0 THEN -1 WHEN ingest_time__utc_minutes >= 1440 THEN 1 WHEN ingest_time__utc_minutes IS NOT NULL THEN 0 END AS ingest_time__day_shift
  FROM timestamp_checked
),
timestamp_utc AS (
  -- 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, which both engines cast to the same TIMESTAMP.
  SELECT
    *,
    TRY_CAST(
      CAST(date_add(TRY_CAST(substr(event_time__text, 1, 10) AS DATE), event_time__day_shift) AS STRING)
      || ' ' || lpad(CAST(CAST(floor((event_time__utc_minutes - event_time__day_shift * 1440) / 60) AS INT) AS STRING), 2, '0')
      || ':' || lpad(CAST((event_time__utc_minutes - event_time__day_shift * 1440) % 60 AS STRING), 2, '0')
      || ':' || substr(event_time__text, 18, 2)
      || '.' || event_time__millis
      AS TIMESTAMP
    ) AS event_time__utc,
    TRY_CAST(
      CAST(date_add(TRY_CAST(substr(ingest_time__text, 1, 10) AS DATE), ingest_time__day_shift) AS STRING)
      || ' ' || lpad(CAST(CAST(floor((ingest_time__utc_minutes - ingest_time__day_shift * 1440) / 60) AS INT) AS STRING), 2, '0')
      || ':' || lpad(CAST((ingest_time__utc_minutes - ingest_time__day_shift * 1440) % 60 AS STRING), 2, '0')
      || ':' || substr(ingest_time__text, 18, 2)
      || '.' || ingest_time__millis
      AS TIMESTAMP
    ) AS ingest_time__utc
  FROM timestamp_shifted
),
typed AS (
  SELECT
    *,
    CASE WHEN regexp_replace(customer_id, '^[A-Za-z_-]{0,32}[0-9][A-Za-z0-9_-]{0,31}$', '') = '' THEN customer_id END AS customer_id__value,
    CASE WHEN event_time__utc >= TIMESTAMP '1970-01-01 00:00:00' AND event_time__utc < TIMESTAMP '2101-01-01 00:00:00' THEN event_time__utc END AS event_time__value,
    CASE LOWER(state)
      WHEN 'ak' THEN 'AK'
      WHEN 'al' THEN 'AL'
      WHEN 'ar' THEN 'AR'
      WHEN 'az' THEN 'AZ'
      WHEN 'ca' THEN 'CA'
      WHEN 'co' THEN 'CO'
      WHEN 'ct' THEN 'CT'
      WHEN 'dc' THEN 'DC'
      WHEN 'de' THEN 'DE'
      WHEN 'fl' THEN 'FL'
      WHEN 'ga' THEN 'GA'
      WHEN 'hi' THEN 'HI'
      WHEN 'ia' THEN 'IA'
      WHEN 'id' THEN 'ID'
      WHEN 'il' THEN 'IL'
      WHEN 'in' THEN 'IN'
      WHEN 'ks' THEN 'KS'
      WHEN 'ky' THEN 'KY'
      WHEN 'la' THEN 'LA'
      WHEN 'ma' THEN 'MA'
      WHEN 'md' THEN 'MD'
      WHEN 'me' THEN 'ME'
      WHEN 'mi' THEN 'MI'
      WHEN 'mn' THEN 'MN'
      WHEN 'mo' THEN 'MO'
      WHEN 'ms' THEN 'MS'
      WHEN 'mt' THEN 'MT'
      WHEN 'nc' THEN 'NC'
      WHEN 'nd' THEN 'ND'
      WHEN 'ne' THEN 'NE'
      WHEN 'nh' THEN 'NH'
      WHEN 'nj' THEN 'NJ'
      WHEN 'nm' THEN 'NM'
      WHEN 'nv' THEN 'NV'
      WHEN 'ny' THEN 'NY'
      WHEN 'oh' THEN 'OH'
      WHEN 'ok' THEN 'OK'
      WHEN 'or' THEN 'OR'
      WHEN 'pa' THEN 'PA'
      WHEN 'ri' THEN 'RI'
      WHEN 'sc' THEN 'SC'
      WHEN 'sd' THEN 'SD'
      WHEN 'tn' THEN 'TN'
      WHEN 'tx' THEN 'TX'
      WHEN 'ut' THEN 'UT'
      WHEN 'va' THEN 'VA'
      WHEN 'vt' THEN 'VT'
      WHEN 'wa' THEN 'WA'
      WHEN 'wi' THEN 'WI'
      WHEN 'wv' THEN 'WV'
      WHEN 'wy' THEN 'WY'
    END AS state__value,
    CASE WHEN account_length__number >= 0 AND account_length__number <= 3650 AND account_length__number = floor(account_length__number) THEN CAST(account_length__number AS INT) END AS account_length__value,
    CASE LOWER(area_code)
      WHEN '408' THEN '408'
      WHEN '415' THEN '415'
      WHEN '510' THEN '510'
    END AS area_code__value,
    CASE LOWER(international_plan)
      WHEN '0' THEN FALSE
      WHEN '1' THEN TRUE
      WHEN 'true' THEN TRUE
      WHEN 't' THEN TRUE
      WHEN 'yes' THEN TRUE
      WHEN 'y' THEN TRUE
      WHEN 'false' THEN FALSE
      WHEN 'f' THEN FALSE
      WHEN 'no' THEN FALSE
      WHEN 'n' THEN FALSE
    END AS international_plan__value,
    CASE LOWER(voice_mail_plan)
      WHEN '0' THEN FALSE
      WHEN '1' THEN TRUE
      WHEN 'true' THEN TRUE
      WHEN 't' THEN TRUE
      WHEN 'yes' THEN TRUE
      WHEN 'y' THEN TRUE
      WHEN 'false' THEN FALSE
      WHEN 'f' THEN FALSE
      WHEN 'no' THEN FALSE
      WHEN 'n' THEN FALSE
    END AS voice_mail_plan__value,
    CASE WHEN voice_mail_messages__number >= 0 AND voice_mail_messages__number <= 100 AND voice_mail_messages__number = floor(voice_mail_messages__number) THEN CAST(voice_mail_messages__number AS INT) END AS voice_mail_messages__value,
    CASE WHEN day_minutes__number >= 0 AND day_minutes__number <= 1000 THEN day_minutes__number END AS day_minutes__value,
    CASE WHEN day_calls__number >= 0 AND day_calls__number <= 1000 AND day_calls__number = floor(day_calls__number) THEN CAST(day_calls__number AS INT) END AS day_calls__value,
    CASE WHEN day_charge__number >= 0 AND day_charge__number <= 1000 THEN day_charge__number END AS day_charge__value,
    CASE WHEN evening_minutes__number >= 0 AND evening_minutes__number <= 1000 THEN evening_minutes__number END AS evening_minutes__value,
    CASE WHEN evening_calls__number >= 0 AND evening_calls__number <= 1000 AND evening_calls__number = floor(evening_calls__number) THEN CAST(evening_calls__number AS INT) END AS evening_calls__value,
    CASE WHEN evening_charge__number >= 0 AND evening_charge__number <= 1000 THEN evening_charge__number END AS evening_charge__value,
    CASE WHEN night_minutes__number >= 0 AND night_minutes__number <= 1000 THEN night_minutes__number END AS night_minutes__value,
    CASE WHEN night_calls__number >= 0 AND night_calls__number <= 1000 AND night_calls__number = floor(night_calls__number) THEN CAST(night_calls__number AS INT) END AS night_calls__value,
    CASE WHEN night_charge__number >= 0 AND night_charge__number <= 1000 THEN night_charge__number END AS night_charge__value,
    CASE WHEN international_minutes__number >= 0 AND international_minutes__number <= 1000 THEN international_minutes__number END AS international_minutes__value,
    CASE WHEN international_calls__number >= 0 AND international_calls__number <= 1000 AND international_calls__number = floor(international_calls__number) THEN CAST(international_calls__number AS INT) END AS international_calls__value,
    CASE WHEN international_charge__number >= 0 AND international_charge__number <= 1000 THEN international_charge__number END AS international_charge__value,
    CASE WHEN customer_service_calls__number >= 0 AND customer_service_calls__number <= 50 AND customer_service_calls__number = floor(customer_service_calls__number) THEN CAST(customer_service_calls__number AS INT) END AS customer_service_calls__value,
    CASE LOWER(gender)
      WHEN 'female' THEN 'female'
      WHEN 'male' THEN 'male'
      WHEN 'other' THEN 'other'
      WHEN 'f' THEN 'female'
      WHEN 'w' THEN 'female'
      WHEN 'woman' THEN 'female'
      WHEN 'm' THEN 'male'
      WHEN 'man' THEN 'male'
      WHEN 'x' THEN 'other'
      WHEN 'diverse' THEN 'other'
    END AS gender__value,
    CASE WHEN age__number >= 18 AND age__number <= 120 AND age__number = floor(age__number) THEN CAST(age__number AS INT) END AS age__value,
    CASE LOWER(churn)
      WHEN '0' THEN FALSE
      WHEN '1' THEN TRUE
      WHEN 'true' THEN TRUE
      WHEN 't' THEN TRUE
      WHEN 'yes' THEN TRUE
      WHEN 'y' THEN TRUE
      WHEN 'false' THEN FALSE
      WHEN 'f' THEN FALSE
      WHEN 'no' THEN FALSE
      WHEN 'n' THEN FALSE
    END AS churn__value,
    CASE WHEN ingest_time__utc >= TIMESTAMP '1970-01-01 00:00:00' AND ingest_time__utc < TIMESTAMP '2101-01-01 00:00:00' THEN ingest_time__utc END AS ingest_time__value
  FROM timestamp_utc
)
SELECT
  customer_id__value AS customer_id,
  event_time__value AS event_time,
  state__value AS state,
  account_length__value AS account_length,
  area_code__value AS area_code,
  international_plan__value AS international_plan,
  voice_mail_plan__value AS voice_mail_plan,
  voice_mail_messages__value AS voice_mail_messages,
  day_minutes__value AS day_minutes,
  day_calls__value AS day_calls,
  day_charge__value AS day_charge,
  evening_minutes__value AS evening_minutes,
  evening_calls__value AS evening_calls,
  evening_charge__value AS evening_charge,
  night_minutes__value AS night_minutes,
  night_calls__value AS night_calls,
  night_charge__value AS night_charge,
  international_minutes__value AS international_minutes,
  international_calls__value AS international_calls,
  international_charge__value AS international_charge,
  customer_service_calls__value AS customer_service_calls,
  gender__value AS gender,
  age__value AS age,
  churn__value AS churn,
  CASE
      WHEN customer_id IS NULL THEN 'missing_required:customer_id'
      WHEN customer_id__value IS NULL THEN 'invalid_value:customer_id'
      WHEN event_time IS NULL THEN 'missing_required:event_time'
      WHEN event_time__value IS NULL THEN 'invalid_value:event_time'
      WHEN state IS NOT NULL AND state__value IS NULL THEN 'invalid_value:state'
      WHEN account_length IS NOT NULL AND account_length__value IS NULL THEN 'invalid_value:account_length'
      WHEN area_code IS NOT NULL AND area_code__value IS NULL THEN 'invalid_value:area_code'
      WHEN international_plan IS NOT NULL AND international_plan__value IS NULL THEN 'invalid_value:international_plan'
      WHEN voice_mail_plan IS NOT NULL AND voice_mail_plan__value IS NULL THEN 'invalid_value:voice_mail_plan'
      WHEN voice_mail_messages IS NOT NULL AND voice_mail_messages__value IS NULL THEN 'invalid_value:voice_mail_messages'
      WHEN day_minutes IS NOT NULL AND day_minutes__value IS NULL THEN 'invalid_value:day_minutes'
      WHEN day_calls IS NOT NULL AND day_calls__value IS NULL THEN 'invalid_value:day_calls'
      WHEN day_charge IS NOT NULL AND day_charge__value IS NULL THEN 'invalid_value:day_charge'
      WHEN evening_minutes IS NOT NULL AND evening_minutes__value IS NULL THEN 'invalid_value:evening_minutes'
      WHEN evening_calls IS NOT NULL AND evening_calls__value IS NULL THEN 'invalid_value:evening_calls'
      WHEN evening_charge IS NOT NULL AND evening_charge__value IS NULL THEN 'invalid_value:evening_charge'
      WHEN night_minutes IS NOT NULL AND night_minutes__value IS NULL THEN 'invalid_value:night_minutes'
      WHEN night_calls IS NOT NULL AND night_calls__value IS NULL THEN 'invalid_value:night_calls'
      WHEN night_charge IS NOT NULL AND night_charge__value IS NULL THEN 'invalid_value:night_charge'
      WHEN international_minutes IS NOT NULL AND international_minutes__value IS NULL THEN 'invalid_value:international_minutes'
      WHEN international_calls IS NOT NULL AND international_calls__value IS NULL THEN 'invalid_value:international_calls'
      WHEN international_charge IS NOT NULL AND international_charge__value IS NULL THEN 'invalid_value:international_charge'
      WHEN customer_service_calls IS NOT NULL AND customer_service_calls__value IS NULL THEN 'invalid_value:customer_service_calls'
      WHEN gender IS NOT NULL AND gender__value IS NULL THEN 'invalid_value:gender'
      WHEN age IS NOT NULL AND age__value IS NULL THEN 'invalid_value:age'
      WHEN churn IS NOT NULL AND churn__value IS NULL THEN 'invalid_value:churn'
      WHEN ingest_time IS NULL THEN 'missing_required:ingest_time'
      WHEN ingest_time__value IS NULL THEN 'invalid_value:ingest_time'
    END AS reject_reason,
  source,
  ingest_time__value AS ingest_time,
  origin,
  raw_customer_id,
  raw_event_time,
  raw_state,
  raw_account_length,
  raw_area_code,
  raw_international_plan,
  raw_voice_mail_plan,
  raw_voice_mail_messages,
  raw_day_minutes,
  raw_day_calls,
  raw_day_charge,
  raw_evening_minutes,
  raw_evening_calls,
  raw_evening_charge,
  raw_night_minutes,
  raw_night_calls,
  raw_night_charge,
  raw_international_minutes,
  raw_international_calls,
  raw_international_charge,
  raw_customer_service_calls,
  raw_gender,
  raw_age,
  raw_churn,
  raw_ingest_time
FROM typed
