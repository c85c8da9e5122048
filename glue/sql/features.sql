-- features.sql: the training data for the built-in XGBoost algorithm, from the curated customers.
-- Labelled customers only (churn NOT NULL). Output columns, in this order:
--   churn INT: the label, 0/1, first (XGBoost's CSV convention);
--   the features (lib/contracts/feature-manifest.ts, FEATURE_COLUMNS):
--   - numeric, kept as they are: account_length, voice_mail_messages, day_minutes, day_calls,
--     evening_minutes, evening_calls, night_minutes, night_calls, international_minutes,
--     international_calls, customer_service_calls, age;
--     a NULL stays NULL (an empty CSV field, which XGBoost reads as missing);
--   - boolean, 0/1 INT (NULL when missing): international_plan, voice_mail_plan;
--   - nominal categories, one-hot, one 0/1 INT column per canonical value (<field>_<value>):
--     state, area_code, gender; a NULL category is all zeros in its group.
--   No category of this schema is ordinal (no order among states, area codes or genders), so none
--   is encoded as a rank; booleans are 0/1 and counts are already numbers.
--   split STRING: 'train', 'validation' or 'test', last (the job writes each split without it).
-- Dropped:
--   - customer_id: identifier: unique per customer, so it carries nothing that generalises (it only
--     chooses the split)
--   - event_time: snapshot time: when a record was taken says nothing about a future customer
--   - day_charge: redundant: a fixed multiple of day_minutes (the per-minute tariff), so it adds
--     nothing but collinearity
--   - evening_charge: redundant: a fixed multiple of evening_minutes (the per-minute tariff), so it
--     adds nothing but collinearity
--   - night_charge: redundant: a fixed multiple of night_minutes (the per-minute tariff), so it adds
--     nothing but collinearity
--   - international_charge: redundant: a fixed multiple of international_minutes (the per-minute
--     tariff), so it adds nothing but collinearity
--   - source: lineage: which path (stream or batch) delivered the row, not a property of the customer
--   - ingest_time: lineage: when the row was ingested, not a property of the customer
--   - origin: lineage: the S3 object the row came from
--   - snapshot_month: partition key of the curated table: the month of event_time
-- The split is by customer and stable. bucket = the first 3 hex digits of md5(customer_id) read as
-- a number, 0..4095, by instr/substr arithmetic (md5 gives the same digits on both engines, unlike
-- hash(), which is Murmur3 on Spark only; conv() is missing from DuckDB). Then:
--   train if bucket < train_fraction * 4096,
--   validation if bucket < (train_fraction + validation_fraction) * 4096,
--   test otherwise.
--
-- Input views:
--   customers: the curated table (curate_customers.sql's columns)
--   split_config: one row (train_fraction DOUBLE, validation_fraction DOUBLE)
-- Rows are ordered by customer_id, so the files are the same from run to run.
--
-- Written in the common subset of Spark SQL (Glue 5.0, Spark 3.5) and DuckDB: the job runs it with spark.sql, the tests with DuckDB.
-- Generated from lib/contracts/feature-manifest.ts by lib/etl/sql.ts (npm run generate);
-- a test fails when this file and its rendering differ.
SELECT
  CASE WHEN c.churn THEN 1 ELSE 0 END AS churn,
  CASE WHEN c.state = 'AK' THEN 1 ELSE 0 END AS state_ak,
  CASE WHEN c.state = 'AL' THEN 1 ELSE 0 END AS state_al,
  CASE WHEN c.state = 'AR' THEN 1 ELSE 0 END AS state_ar,
  CASE WHEN c.state = 'AZ' THEN 1 ELSE 0 END AS state_az,
  CASE WHEN c.state = 'CA' THEN 1 ELSE 0 END AS state_ca,
  CASE WHEN c.state = 'CO' THEN 1 ELSE 0 END AS state_co,
  CASE WHEN c.state = 'CT' THEN 1 ELSE 0 END AS state_ct,
  CASE WHEN c.state = 'DC' THEN 1 ELSE 0 END AS state_dc,
  CASE WHEN c.state = 'DE' THEN 1 ELSE 0 END AS state_de,
  CASE WHEN c.state = 'FL' THEN 1 ELSE 0 END AS state_fl,
  CASE WHEN c.state = 'GA' THEN 1 ELSE 0 END AS state_ga,
  CASE WHEN c.state = 'HI' THEN 1 ELSE 0 END AS state_hi,
  CASE WHEN c.state = 'IA' THEN 1 ELSE 0 END AS state_ia,
  CASE WHEN c.state = 'ID' THEN 1 ELSE 0 END AS state_id,
  CASE WHEN c.state = 'IL' THEN 1 ELSE 0 END AS state_il,
  CASE WHEN c.state = 'IN' THEN 1 ELSE 0 END AS state_in,
  CASE WHEN c.state = 'KS' THEN 1 ELSE 0 END AS state_ks,
  CASE WHEN c.state = 'KY' THEN 1 ELSE 0 END AS state_ky,
  CASE WHEN c.state = 'LA' THEN 1 ELSE 0 END AS state_la,
  CASE WHEN c.state = 'MA' THEN 1 ELSE 0 END AS state_ma,
  CASE WHEN c.state = 'MD' THEN 1 ELSE 0 END AS state_md,
  CASE WHEN c.state = 'ME' THEN 1 ELSE 0 END AS state_me,
  CASE WHEN c.state = 'MI' THEN 1 ELSE 0 END AS state_mi,
  CASE WHEN c.state = 'MN' THEN 1 ELSE 0 END AS state_mn,
  CASE WHEN c.state = 'MO' THEN 1 ELSE 0 END AS state_mo,
  CASE WHEN c.state = 'MS' THEN 1 ELSE 0 END AS state_ms,
  CASE WHEN c.state = 'MT' THEN 1 ELSE 0 END AS state_mt,
  CASE WHEN c.state = 'NC' THEN 1 ELSE 0 END AS state_nc,
  CASE WHEN c.state = 'ND' THEN 1 ELSE 0 END AS state_nd,
  CASE WHEN c.state = 'NE' THEN 1 ELSE 0 END AS state_ne,
  CASE WHEN c.state = 'NH' THEN 1 ELSE 0 END AS state_nh,
  CASE WHEN c.state = 'NJ' THEN 1 ELSE 0 END AS state_nj,
  CASE WHEN c.state = 'NM' THEN 1 ELSE 0 END AS state_nm,
  CASE WHEN c.state = 'NV' THEN 1 ELSE 0 END AS state_nv,
  CASE WHEN c.state = 'NY' THEN 1 ELSE 0 END AS state_ny,
  CASE WHEN c.state = 'OH' THEN 1 ELSE 0 END AS state_oh,
  CASE WHEN c.state = 'OK' THEN 1 ELSE 0 END AS state_ok,
  CASE WHEN c.state = 'OR' THEN 1 ELSE 0 END AS state_or,
  CASE WHEN c.state = 'PA' THEN 1 ELSE 0 END AS state_pa,
  CASE WHEN c.state = 'RI' THEN 1 ELSE 0 END AS state_ri,
  CASE WHEN c.state = 'SC' THEN 1 ELSE 0 END AS state_sc,
  CASE WHEN c.state = 'SD' THEN 1 ELSE 0 END AS state_sd,
  CASE WHEN c.state = 'TN' THEN 1 ELSE 0 END AS state_tn,
  CASE WHEN c.state = 'TX' THEN 1 ELSE 0 END AS state_tx,
  CASE WHEN c.state = 'UT' THEN 1 ELSE 0 END AS state_ut,
  CASE WHEN c.state = 'VA' THEN 1 ELSE 0 END AS state_va,
  CASE WHEN c.state = 'VT' THEN 1 ELSE 0 END AS state_vt,
  CASE WHEN c.state = 'WA' THEN 1 ELSE 0 END AS state_wa,
  CASE WHEN c.state = 'WI' THEN 1 ELSE 0 END AS state_wi,
  CASE WHEN c.state = 'WV' THEN 1 ELSE 0 END AS state_wv,
  CASE WHEN c.state = 'WY' THEN 1 ELSE 0 END AS state_wy,
  c.account_length AS account_length,
  CASE WHEN c.area_code = '408' THEN 1 ELSE 0 END AS area_code_408,
  CASE WHEN c.area_code = '415' THEN 1 ELSE 0 END AS area_code_415,
  CASE WHEN c.area_code = '510' THEN 1 ELSE 0 END AS area_code_510,
  CASE WHEN c.international_plan THEN 1 WHEN NOT c.international_plan THEN 0 END AS international_plan,
  CASE WHEN c.voice_mail_plan THEN 1 WHEN NOT c.voice_mail_plan THEN 0 END AS voice_mail_plan,
  c.voice_mail_messages AS voice_mail_messages,
  c.day_minutes AS day_minutes,
  c.day_calls AS day_calls,
  c.evening_minutes AS evening_minutes,
  c.evening_calls AS evening_calls,
  c.night_minutes AS night_minutes,
  c.night_calls AS night_calls,
  c.international_minutes AS international_minutes,
  c.international_calls AS international_calls,
  c.customer_service_calls AS customer_service_calls,
  CASE WHEN c.gender = 'female' THEN 1 ELSE 0 END AS gender_female,
  CASE WHEN c.gender = 'male' THEN 1 ELSE 0 END AS gender_male,
  CASE WHEN c.gender = 'other' THEN 1 ELSE 0 END AS gender_other,
  c.age AS age,
  CASE
    WHEN c.split_bucket < s.train_fraction * 4096 THEN 'train'
    WHEN c.split_bucket < (s.train_fraction + s.validation_fraction) * 4096 THEN 'validation'
    ELSE 'test'
  END AS split
FROM (
  SELECT
    *,
    (instr('0123456789abcdef', substr(md5(customer_id), 1, 1)) - 1) * 256 + (instr('0123456789abcdef', substr(md5(customer_id), 2, 1)) - 1) * 16 + (instr('0123456789abcdef', substr(md5(customer_id), 3, 1)) - 1) AS split_bucket
  FROM customers
  WHERE churn IS NOT NULL
) AS c
CROSS JOIN split_config AS s
ORDER BY c.customer_id
