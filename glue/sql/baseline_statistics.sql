-- baseline_statistics.sql: the training split's statistics document, as rows.
-- The document is lib/contracts/baseline-statistics.ts's; the features job assembles it from these
-- rows into features/statistics.json (statistics_from_rows in glue/jobs/cores/features_core.py, as
-- statisticsFromRows in lib/contracts/statistics-sql.ts does in TypeScript).
--
-- Input view:
--   baseline_rows: the training rows' feature columns (features.sql's output where split = 'train',
--     without the label and the split), typed: a number, or NULL when missing.
-- Output columns (long: one row per statistic; see lib/contracts/statistics-sql.ts for the table):
--   section, name, statistic, position, category, column_name, value
--   section STRING: table, numeric or one-hot; name STRING: a column, a feature or a one-hot source;
--   statistic STRING; position INT: a column's index, a quantile's percent, a bin's index or a
--   category's index in its group; category, column_name STRING: a one-hot category's value and
--   column; value DOUBLE: the count or statistic (NULL when undefined).
-- Quantiles are type 1 (the value at rank max(1, ceil(p * n / 100))), by ROW_NUMBER and integer
-- comparisons rather than percentile_disc, so that they are exact on every engine. Histograms count
-- each value over the edges its feature's own quantiles give (binEdgesFromQuantiles in
-- lib/contracts/baseline-statistics.ts: 0 and 1 for a 0/1 feature, else the distinct deciles, and
-- the maximum too when the deciles are one value below it; left-closed bins, open outer bins); a
-- value's bin is the number of edges at or below it. Rows come in no set order.
--
-- Written in the common subset of Spark SQL (Glue 5.0, Spark 3.5) and DuckDB: the job runs it with spark.sql, the tests with DuckDB.
-- Generated from lib/contracts/feature-manifest.ts by lib/etl/sql.ts (npm run generate);
-- a test fails when this file and its rendering differ.
WITH parsed AS (
  SELECT
    CAST(state_ak AS DOUBLE) AS v_0,
    CASE WHEN state_ak IS NULL THEN 1 ELSE 0 END AS k_0,
    CAST(state_al AS DOUBLE) AS v_1,
    CASE WHEN state_al IS NULL THEN 1 ELSE 0 END AS k_1,
    CAST(state_ar AS DOUBLE) AS v_2,
    CASE WHEN state_ar IS NULL THEN 1 ELSE 0 END AS k_2,
    CAST(state_az AS DOUBLE) AS v_3,
    CASE WHEN state_az IS NULL THEN 1 ELSE 0 END AS k_3,
    CAST(state_ca AS DOUBLE) AS v_4,
    CASE WHEN state_ca IS NULL THEN 1 ELSE 0 END AS k_4,
    CAST(state_co AS DOUBLE) AS v_5,
    CASE WHEN state_co IS NULL THEN 1 ELSE 0 END AS k_5,
    CAST(state_ct AS DOUBLE) AS v_6,
    CASE WHEN state_ct IS NULL THEN 1 ELSE 0 END AS k_6,
    CAST(state_dc AS DOUBLE) AS v_7,
    CASE WHEN state_dc IS NULL THEN 1 ELSE 0 END AS k_7,
    CAST(state_de AS DOUBLE) AS v_8,
    CASE WHEN state_de IS NULL THEN 1 ELSE 0 END AS k_8,
    CAST(state_fl AS DOUBLE) AS v_9,
    CASE WHEN state_fl IS NULL THEN 1 ELSE 0 END AS k_9,
    CAST(state_ga AS DOUBLE) AS v_10,
    CASE WHEN state_ga IS NULL THEN 1 ELSE 0 END AS k_10,
    CAST(state_hi AS DOUBLE) AS v_11,
    CASE WHEN state_hi IS NULL THEN 1 ELSE 0 END AS k_11,
    CAST(state_ia AS DOUBLE) AS v_12,
    CASE WHEN state_ia IS NULL THEN 1 ELSE 0 END AS k_12,
    CAST(state_id AS DOUBLE) AS v_13,
    CASE WHEN state_id IS NULL THEN 1 ELSE 0 END AS k_13,
    CAST(state_il AS DOUBLE) AS v_14,
    CASE WHEN state_il IS NULL THEN 1 ELSE 0 END AS k_14,
    CAST(state_in AS DOUBLE) AS v_15,
    CASE WHEN state_in IS NULL THEN 1 ELSE 0 END AS k_15,
    CAST(state_ks AS DOUBLE) AS v_16,
    CASE WHEN state_ks IS NULL THEN 1 ELSE 0 END AS k_16,
    CAST(state_ky AS DOUBLE) AS v_17,
    CASE WHEN state_ky IS NULL THEN 1 ELSE 0 END AS k_17,
    CAST(state_la AS DOUBLE) AS v_18,
    CASE WHEN state_la IS NULL THEN 1 ELSE 0 END AS k_18,
    CAST(state_ma AS DOUBLE) AS v_19,
    CASE WHEN state_ma IS NULL THEN 1 ELSE 0 END AS k_19,
    CAST(state_md AS DOUBLE) AS v_20,
    CASE WHEN state_md IS NULL THEN 1 ELSE 0 END AS k_20,
    CAST(state_me AS DOUBLE) AS v_21,
    CASE WHEN state_me IS NULL THEN 1 ELSE 0 END AS k_21,
    CAST(state_mi AS DOUBLE) AS v_22,
    CASE WHEN state_mi IS NULL THEN 1 ELSE 0 END AS k_22,
    CAST(state_mn AS DOUBLE) AS v_23,
    CASE WHEN state_mn IS NULL THEN 1 ELSE 0 END AS k_23,
    CAST(state_mo AS DOUBLE) AS v_24,
    CASE WHEN state_mo IS NULL THEN 1 ELSE 0 END AS k_24,
    CAST(state_ms AS DOUBLE) AS v_25,
    CASE WHEN state_ms IS NULL THEN 1 ELSE 0 END AS k_25,
    CAST(state_mt AS DOUBLE) AS v_26,
    CASE WHEN state_mt IS NULL THEN 1 ELSE 0 END AS k_26,
    CAST(state_nc AS DOUBLE) AS v_27,
    CASE WHEN state_nc IS NULL THEN 1 ELSE 0 END AS k_27,
    CAST(state_nd AS DOUBLE) AS v_28,
    CASE WHEN state_nd IS NULL THEN 1 ELSE 0 END AS k_28,
    CAST(state_ne AS DOUBLE) AS v_29,
    CASE WHEN state_ne IS NULL THEN 1 ELSE 0 END AS k_29,
    CAST(state_nh AS DOUBLE) AS v_30,
    CASE WHEN state_nh IS NULL THEN 1 ELSE 0 END AS k_30,
    CAST(state_nj AS DOUBLE) AS v_31,
    CASE WHEN state_nj IS NULL THEN 1 ELSE 0 END AS k_31,
    CAST(state_nm AS DOUBLE) AS v_32,
    CASE WHEN state_nm IS NULL THEN 1 ELSE 0 END AS k_32,
    CAST(state_nv AS DOUBLE) AS v_33,
    CASE WHEN state_nv IS NULL THEN 1 ELSE 0 END AS k_33,
    CAST(state_ny AS DOUBLE) AS v_34,
    CASE WHEN state_ny IS NULL THEN 1 ELSE 0 END AS k_34,
    CAST(state_oh AS DOUBLE) AS v_35,
    CASE WHEN state_oh IS NULL THEN 1 ELSE 0 END AS k_35,
    CAST(state_ok AS DOUBLE) AS v_36,
    CASE WHEN state_ok IS NULL THEN 1 ELSE 0 END AS k_36,
    CAST(state_or AS DOUBLE) AS v_37,
    CASE WHEN state_or IS NULL THEN 1 ELSE 0 END AS k_37,
    CAST(state_pa AS DOUBLE) AS v_38,
    CASE WHEN state_pa IS NULL THEN 1 ELSE 0 END AS k_38,
    CAST(state_ri AS DOUBLE) AS v_39,
    CASE WHEN state_ri IS NULL THEN 1 ELSE 0 END AS k_39,
    CAST(state_sc AS DOUBLE) AS v_40,
    CASE WHEN state_sc IS NULL THEN 1 ELSE 0 END AS k_40,
    CAST(state_sd AS DOUBLE) AS v_41,
    CASE WHEN state_sd IS NULL THEN 1 ELSE 0 END AS k_41,
    CAST(state_tn AS DOUBLE) AS v_42,
    CASE WHEN state_tn IS NULL THEN 1 ELSE 0 END AS k_42,
    CAST(state_tx AS DOUBLE) AS v_43,
    CASE WHEN state_tx IS NULL THEN 1 ELSE 0 END AS k_43,
    CAST(state_ut AS DOUBLE) AS v_44,
    CASE WHEN state_ut IS NULL THEN 1 ELSE 0 END AS k_44,
    CAST(state_va AS DOUBLE) AS v_45,
    CASE WHEN state_va IS NULL THEN 1 ELSE 0 END AS k_45,
    CAST(state_vt AS DOUBLE) AS v_46,
    CASE WHEN state_vt IS NULL THEN 1 ELSE 0 END AS k_46,
    CAST(state_wa AS DOUBLE) AS v_47,
    CASE WHEN state_wa IS NULL THEN 1 ELSE 0 END AS k_47,
    CAST(state_wi AS DOUBLE) AS v_48,
    CASE WHEN state_wi IS NULL THEN 1 ELSE 0 END AS k_48,
    CAST(state_wv AS DOUBLE) AS v_49,
    CASE WHEN state_wv IS NULL THEN 1 ELSE 0 END AS k_49,
    CAST(state_wy AS DOUBLE) AS v_50,
    CASE WHEN state_wy IS NULL THEN 1 ELSE 0 END AS k_50,
    CAST(account_length AS DOUBLE) AS v_51,
    CASE WHEN account_length IS NULL THEN 1 ELSE 0 END AS k_51,
    CAST(area_code_408 AS DOUBLE) AS v_52,
    CASE WHEN area_code_408 IS NULL THEN 1 ELSE 0 END AS k_52,
    CAST(area_code_415 AS DOUBLE) AS v_53,
    CASE WHEN area_code_415 IS NULL THEN 1 ELSE 0 END AS k_53,
    CAST(area_code_510 AS DOUBLE) AS v_54,
    CASE WHEN area_code_510 IS NULL THEN 1 ELSE 0 END AS k_54,
    CAST(international_plan AS DOUBLE) AS v_55,
    CASE WHEN international_plan IS NULL THEN 1 ELSE 0 END AS k_55,
    CAST(voice_mail_plan AS DOUBLE) AS v_56,
    CASE WHEN voice_mail_plan IS NULL THEN 1 ELSE 0 END AS k_56,
    CAST(voice_mail_messages AS DOUBLE) AS v_57,
    CASE WHEN voice_mail_messages IS NULL THEN 1 ELSE 0 END AS k_57,
    CAST(day_minutes AS DOUBLE) AS v_58,
    CASE WHEN day_minutes IS NULL THEN 1 ELSE 0 END AS k_58,
    CAST(day_calls AS DOUBLE) AS v_59,
    CASE WHEN day_calls IS NULL THEN 1 ELSE 0 END AS k_59,
    CAST(evening_minutes AS DOUBLE) AS v_60,
    CASE WHEN evening_minutes IS NULL THEN 1 ELSE 0 END AS k_60,
    CAST(evening_calls AS DOUBLE) AS v_61,
    CASE WHEN evening_calls IS NULL THEN 1 ELSE 0 END AS k_61,
    CAST(night_minutes AS DOUBLE) AS v_62,
    CASE WHEN night_minutes IS NULL THEN 1 ELSE 0 END AS k_62,
    CAST(night_calls AS DOUBLE) AS v_63,
    CASE WHEN night_calls IS NULL THEN 1 ELSE 0 END AS k_63,
    CAST(international_minutes AS DOUBLE) AS v_64,
    CASE WHEN international_minutes IS NULL THEN 1 ELSE 0 END AS k_64,
    CAST(international_calls AS DOUBLE) AS v_65,
    CASE WHEN international_calls IS NULL THEN 1 ELSE 0 END AS k_65,
    CAST(customer_service_calls AS DOUBLE) AS v_66,
    CASE WHEN customer_service_calls IS NULL THEN 1 ELSE 0 END AS k_66,
    CAST(gender_female AS DOUBLE) AS v_67,
    CASE WHEN gender_female IS NULL THEN 1 ELSE 0 END AS k_67,
    CAST(gender_male AS DOUBLE) AS v_68,
    CASE WHEN gender_male IS NULL THEN 1 ELSE 0 END AS k_68,
    CAST(gender_other AS DOUBLE) AS v_69,
    CASE WHEN gender_other IS NULL THEN 1 ELSE 0 END AS k_69,
    CAST(age AS DOUBLE) AS v_70,
    CASE WHEN age IS NULL THEN 1 ELSE 0 END AS k_70
  FROM baseline_rows
),
cells AS (
  SELECT 'account_length' AS name, v_51 AS value, k_51 AS kind FROM parsed
  UNION ALL
  SELECT 'international_plan' AS name, v_55 AS value, k_55 AS kind FROM parsed
  UNION ALL
  SELECT 'voice_mail_plan' AS name, v_56 AS value, k_56 AS kind FROM parsed
  UNION ALL
  SELECT 'voice_mail_messages' AS name, v_57 AS value, k_57 AS kind FROM parsed
  UNION ALL
  SELECT 'day_minutes' AS name, v_58 AS value, k_58 AS kind FROM parsed
  UNION ALL
  SELECT 'day_calls' AS name, v_59 AS value, k_59 AS kind FROM parsed
  UNION ALL
  SELECT 'evening_minutes' AS name, v_60 AS value, k_60 AS kind FROM parsed
  UNION ALL
  SELECT 'evening_calls' AS name, v_61 AS value, k_61 AS kind FROM parsed
  UNION ALL
  SELECT 'night_minutes' AS name, v_62 AS value, k_62 AS kind FROM parsed
  UNION ALL
  SELECT 'night_calls' AS name, v_63 AS value, k_63 AS kind FROM parsed
  UNION ALL
  SELECT 'international_minutes' AS name, v_64 AS value, k_64 AS kind FROM parsed
  UNION ALL
  SELECT 'international_calls' AS name, v_65 AS value, k_65 AS kind FROM parsed
  UNION ALL
  SELECT 'customer_service_calls' AS name, v_66 AS value, k_66 AS kind FROM parsed
  UNION ALL
  SELECT 'age' AS name, v_70 AS value, k_70 AS kind FROM parsed
),
feature_summary AS (
  SELECT
    name,
    SUM(CASE WHEN kind = 0 THEN 1 ELSE 0 END) AS n,
    SUM(CASE WHEN kind = 1 THEN 1 ELSE 0 END) AS missing,
    SUM(CASE WHEN kind = 2 THEN 1 ELSE 0 END) AS invalid,
    AVG(value) AS mean,
    STDDEV_SAMP(value) AS deviation
  FROM cells
  GROUP BY name
),
feature_quantiles AS (
  SELECT
    name,
    MIN(CASE WHEN 100 * rank_of_value >= 0 * n THEN value END) AS q0,
    MIN(CASE WHEN 100 * rank_of_value >= 10 * n THEN value END) AS q10,
    MIN(CASE WHEN 100 * rank_of_value >= 20 * n THEN value END) AS q20,
    MIN(CASE WHEN 100 * rank_of_value >= 30 * n THEN value END) AS q30,
    MIN(CASE WHEN 100 * rank_of_value >= 40 * n THEN value END) AS q40,
    MIN(CASE WHEN 100 * rank_of_value >= 50 * n THEN value END) AS q50,
    MIN(CASE WHEN 100 * rank_of_value >= 60 * n THEN value END) AS q60,
    MIN(CASE WHEN 100 * rank_of_value >= 70 * n THEN value END) AS q70,
    MIN(CASE WHEN 100 * rank_of_value >= 80 * n THEN value END) AS q80,
    MIN(CASE WHEN 100 * rank_of_value >= 90 * n THEN value END) AS q90,
    MIN(CASE WHEN 100 * rank_of_value >= 100 * n THEN value END) AS q100
  FROM (
    SELECT
      name,
      value,
      CAST(ROW_NUMBER() OVER (PARTITION BY name ORDER BY value) AS BIGINT) AS rank_of_value,
      COUNT(*) OVER (PARTITION BY name) AS n
    FROM cells
    WHERE kind = 0
  ) AS ranked
  GROUP BY name
),
binned AS (
  SELECT
    c.name,
    CASE
      WHEN q.q0 IN (0, 1)
        AND q.q10 IN (0, 1)
        AND q.q20 IN (0, 1)
        AND q.q30 IN (0, 1)
        AND q.q40 IN (0, 1)
        AND q.q50 IN (0, 1)
        AND q.q60 IN (0, 1)
        AND q.q70 IN (0, 1)
        AND q.q80 IN (0, 1)
        AND q.q90 IN (0, 1)
        AND q.q100 IN (0, 1)
        THEN CASE WHEN c.value >= 1 THEN 2 WHEN c.value >= 0 THEN 1 ELSE 0 END
      ELSE CASE WHEN c.value >= q.q10 THEN 1 ELSE 0 END
        + CASE WHEN q.q20 > q.q10 AND c.value >= q.q20 THEN 1 ELSE 0 END
        + CASE WHEN q.q30 > q.q20 AND c.value >= q.q30 THEN 1 ELSE 0 END
        + CASE WHEN q.q40 > q.q30 AND c.value >= q.q40 THEN 1 ELSE 0 END
        + CASE WHEN q.q50 > q.q40 AND c.value >= q.q50 THEN 1 ELSE 0 END
        + CASE WHEN q.q60 > q.q50 AND c.value >= q.q60 THEN 1 ELSE 0 END
        + CASE WHEN q.q70 > q.q60 AND c.value >= q.q70 THEN 1 ELSE 0 END
        + CASE WHEN q.q80 > q.q70 AND c.value >= q.q80 THEN 1 ELSE 0 END
        + CASE WHEN q.q90 > q.q80 AND c.value >= q.q90 THEN 1 ELSE 0 END
        + CASE WHEN q.q10 = q.q90 AND q.q100 > q.q90 AND c.value >= q.q100 THEN 1 ELSE 0 END
    END AS bin
  FROM cells AS c
  JOIN feature_quantiles AS q ON q.name = c.name
  WHERE c.kind = 0
),
bins AS (
  SELECT name, bin, COUNT(*) AS n FROM binned GROUP BY name, bin
),
outcomes AS (
  SELECT 'state' AS source, CASE
    WHEN NOT ((k_0 = 1 OR (k_0 = 0 AND v_0 IN (0, 1)))
      AND (k_1 = 1 OR (k_1 = 0 AND v_1 IN (0, 1)))
      AND (k_2 = 1 OR (k_2 = 0 AND v_2 IN (0, 1)))
      AND (k_3 = 1 OR (k_3 = 0 AND v_3 IN (0, 1)))
      AND (k_4 = 1 OR (k_4 = 0 AND v_4 IN (0, 1)))
      AND (k_5 = 1 OR (k_5 = 0 AND v_5 IN (0, 1)))
      AND (k_6 = 1 OR (k_6 = 0 AND v_6 IN (0, 1)))
      AND (k_7 = 1 OR (k_7 = 0 AND v_7 IN (0, 1)))
      AND (k_8 = 1 OR (k_8 = 0 AND v_8 IN (0, 1)))
      AND (k_9 = 1 OR (k_9 = 0 AND v_9 IN (0, 1)))
      AND (k_10 = 1 OR (k_10 = 0 AND v_10 IN (0, 1)))
      AND (k_11 = 1 OR (k_11 = 0 AND v_11 IN (0, 1)))
      AND (k_12 = 1 OR (k_12 = 0 AND v_12 IN (0, 1)))
      AND (k_13 = 1 OR (k_13 = 0 AND v_13 IN (0, 1)))
      AND (k_14 = 1 OR (k_14 = 0 AND v_14 IN (0, 1)))
      AND (k_15 = 1 OR (k_15 = 0 AND v_15 IN (0, 1)))
      AND (k_16 = 1 OR (k_16 = 0 AND v_16 IN (0, 1)))
      AND (k_17 = 1 OR (k_17 = 0 AND v_17 IN (0, 1)))
      AND (k_18 = 1 OR (k_18 = 0 AND v_18 IN (0, 1)))
      AND (k_19 = 1 OR (k_19 = 0 AND v_19 IN (0, 1)))
      AND (k_20 = 1 OR (k_20 = 0 AND v_20 IN (0, 1)))
      AND (k_21 = 1 OR (k_21 = 0 AND v_21 IN (0, 1)))
      AND (k_22 = 1 OR (k_22 = 0 AND v_22 IN (0, 1)))
      AND (k_23 = 1 OR (k_23 = 0 AND v_23 IN (0, 1)))
      AND (k_24 = 1 OR (k_24 = 0 AND v_24 IN (0, 1)))
      AND (k_25 = 1 OR (k_25 = 0 AND v_25 IN (0, 1)))
      AND (k_26 = 1 OR (k_26 = 0 AND v_26 IN (0, 1)))
      AND (k_27 = 1 OR (k_27 = 0 AND v_27 IN (0, 1)))
      AND (k_28 = 1 OR (k_28 = 0 AND v_28 IN (0, 1)))
      AND (k_29 = 1 OR (k_29 = 0 AND v_29 IN (0, 1)))
      AND (k_30 = 1 OR (k_30 = 0 AND v_30 IN (0, 1)))
      AND (k_31 = 1 OR (k_31 = 0 AND v_31 IN (0, 1)))
      AND (k_32 = 1 OR (k_32 = 0 AND v_32 IN (0, 1)))
      AND (k_33 = 1 OR (k_33 = 0 AND v_33 IN (0, 1)))
      AND (k_34 = 1 OR (k_34 = 0 AND v_34 IN (0, 1)))
      AND (k_35 = 1 OR (k_35 = 0 AND v_35 IN (0, 1)))
      AND (k_36 = 1 OR (k_36 = 0 AND v_36 IN (0, 1)))
      AND (k_37 = 1 OR (k_37 = 0 AND v_37 IN (0, 1)))
      AND (k_38 = 1 OR (k_38 = 0 AND v_38 IN (0, 1)))
      AND (k_39 = 1 OR (k_39 = 0 AND v_39 IN (0, 1)))
      AND (k_40 = 1 OR (k_40 = 0 AND v_40 IN (0, 1)))
      AND (k_41 = 1 OR (k_41 = 0 AND v_41 IN (0, 1)))
      AND (k_42 = 1 OR (k_42 = 0 AND v_42 IN (0, 1)))
      AND (k_43 = 1 OR (k_43 = 0 AND v_43 IN (0, 1)))
      AND (k_44 = 1 OR (k_44 = 0 AND v_44 IN (0, 1)))
      AND (k_45 = 1 OR (k_45 = 0 AND v_45 IN (0, 1)))
      AND (k_46 = 1 OR (k_46 = 0 AND v_46 IN (0, 1)))
      AND (k_47 = 1 OR (k_47 = 0 AND v_47 IN (0, 1)))
      AND (k_48 = 1 OR (k_48 = 0 AND v_48 IN (0, 1)))
      AND (k_49 = 1 OR (k_49 = 0 AND v_49 IN (0, 1)))
      AND (k_50 = 1 OR (k_50 = 0 AND v_50 IN (0, 1)))) THEN -2
    WHEN CASE WHEN v_0 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_1 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_2 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_3 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_4 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_5 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_6 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_7 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_8 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_9 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_10 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_11 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_12 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_13 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_14 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_15 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_16 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_17 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_18 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_19 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_20 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_21 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_22 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_23 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_24 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_25 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_26 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_27 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_28 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_29 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_30 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_31 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_32 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_33 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_34 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_35 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_36 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_37 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_38 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_39 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_40 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_41 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_42 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_43 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_44 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_45 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_46 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_47 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_48 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_49 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_50 = 1 THEN 1 ELSE 0 END > 1 THEN -2
    WHEN v_0 = 1 THEN 0
    WHEN v_1 = 1 THEN 1
    WHEN v_2 = 1 THEN 2
    WHEN v_3 = 1 THEN 3
    WHEN v_4 = 1 THEN 4
    WHEN v_5 = 1 THEN 5
    WHEN v_6 = 1 THEN 6
    WHEN v_7 = 1 THEN 7
    WHEN v_8 = 1 THEN 8
    WHEN v_9 = 1 THEN 9
    WHEN v_10 = 1 THEN 10
    WHEN v_11 = 1 THEN 11
    WHEN v_12 = 1 THEN 12
    WHEN v_13 = 1 THEN 13
    WHEN v_14 = 1 THEN 14
    WHEN v_15 = 1 THEN 15
    WHEN v_16 = 1 THEN 16
    WHEN v_17 = 1 THEN 17
    WHEN v_18 = 1 THEN 18
    WHEN v_19 = 1 THEN 19
    WHEN v_20 = 1 THEN 20
    WHEN v_21 = 1 THEN 21
    WHEN v_22 = 1 THEN 22
    WHEN v_23 = 1 THEN 23
    WHEN v_24 = 1 THEN 24
    WHEN v_25 = 1 THEN 25
    WHEN v_26 = 1 THEN 26
    WHEN v_27 = 1 THEN 27
    WHEN v_28 = 1 THEN 28
    WHEN v_29 = 1 THEN 29
    WHEN v_30 = 1 THEN 30
    WHEN v_31 = 1 THEN 31
    WHEN v_32 = 1 THEN 32
    WHEN v_33 = 1 THEN 33
    WHEN v_34 = 1 THEN 34
    WHEN v_35 = 1 THEN 35
    WHEN v_36 = 1 THEN 36
    WHEN v_37 = 1 THEN 37
    WHEN v_38 = 1 THEN 38
    WHEN v_39 = 1 THEN 39
    WHEN v_40 = 1 THEN 40
    WHEN v_41 = 1 THEN 41
    WHEN v_42 = 1 THEN 42
    WHEN v_43 = 1 THEN 43
    WHEN v_44 = 1 THEN 44
    WHEN v_45 = 1 THEN 45
    WHEN v_46 = 1 THEN 46
    WHEN v_47 = 1 THEN 47
    WHEN v_48 = 1 THEN 48
    WHEN v_49 = 1 THEN 49
    WHEN v_50 = 1 THEN 50
    ELSE -1
  END AS outcome FROM parsed
  UNION ALL
  SELECT 'area_code' AS source, CASE
    WHEN NOT ((k_52 = 1 OR (k_52 = 0 AND v_52 IN (0, 1)))
      AND (k_53 = 1 OR (k_53 = 0 AND v_53 IN (0, 1)))
      AND (k_54 = 1 OR (k_54 = 0 AND v_54 IN (0, 1)))) THEN -2
    WHEN CASE WHEN v_52 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_53 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_54 = 1 THEN 1 ELSE 0 END > 1 THEN -2
    WHEN v_52 = 1 THEN 0
    WHEN v_53 = 1 THEN 1
    WHEN v_54 = 1 THEN 2
    ELSE -1
  END AS outcome FROM parsed
  UNION ALL
  SELECT 'gender' AS source, CASE
    WHEN NOT ((k_67 = 1 OR (k_67 = 0 AND v_67 IN (0, 1)))
      AND (k_68 = 1 OR (k_68 = 0 AND v_68 IN (0, 1)))
      AND (k_69 = 1 OR (k_69 = 0 AND v_69 IN (0, 1)))) THEN -2
    WHEN CASE WHEN v_67 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_68 = 1 THEN 1 ELSE 0 END
      + CASE WHEN v_69 = 1 THEN 1 ELSE 0 END > 1 THEN -2
    WHEN v_67 = 1 THEN 0
    WHEN v_68 = 1 THEN 1
    WHEN v_69 = 1 THEN 2
    ELSE -1
  END AS outcome FROM parsed
),
outcome_counts AS (
  SELECT source, outcome, COUNT(*) AS n FROM outcomes GROUP BY source, outcome
),
column_list AS (
  SELECT * FROM (
    VALUES
      ('state_ak', 0),
      ('state_al', 1),
      ('state_ar', 2),
      ('state_az', 3),
      ('state_ca', 4),
      ('state_co', 5),
      ('state_ct', 6),
      ('state_dc', 7),
      ('state_de', 8),
      ('state_fl', 9),
      ('state_ga', 10),
      ('state_hi', 11),
      ('state_ia', 12),
      ('state_id', 13),
      ('state_il', 14),
      ('state_in', 15),
      ('state_ks', 16),
      ('state_ky', 17),
      ('state_la', 18),
      ('state_ma', 19),
      ('state_md', 20),
      ('state_me', 21),
      ('state_mi', 22),
      ('state_mn', 23),
      ('state_mo', 24),
      ('state_ms', 25),
      ('state_mt', 26),
      ('state_nc', 27),
      ('state_nd', 28),
      ('state_ne', 29),
      ('state_nh', 30),
      ('state_nj', 31),
      ('state_nm', 32),
      ('state_nv', 33),
      ('state_ny', 34),
      ('state_oh', 35),
      ('state_ok', 36),
      ('state_or', 37),
      ('state_pa', 38),
      ('state_ri', 39),
      ('state_sc', 40),
      ('state_sd', 41),
      ('state_tn', 42),
      ('state_tx', 43),
      ('state_ut', 44),
      ('state_va', 45),
      ('state_vt', 46),
      ('state_wa', 47),
      ('state_wi', 48),
      ('state_wv', 49),
      ('state_wy', 50),
      ('account_length', 51),
      ('area_code_408', 52),
      ('area_code_415', 53),
      ('area_code_510', 54),
      ('international_plan', 55),
      ('voice_mail_plan', 56),
      ('voice_mail_messages', 57),
      ('day_minutes', 58),
      ('day_calls', 59),
      ('evening_minutes', 60),
      ('evening_calls', 61),
      ('night_minutes', 62),
      ('night_calls', 63),
      ('international_minutes', 64),
      ('international_calls', 65),
      ('customer_service_calls', 66),
      ('gender_female', 67),
      ('gender_male', 68),
      ('gender_other', 69),
      ('age', 70)
  ) AS c(name, position)
),
numeric_features AS (
  SELECT * FROM (
    VALUES
      ('account_length'),
      ('international_plan'),
      ('voice_mail_plan'),
      ('voice_mail_messages'),
      ('day_minutes'),
      ('day_calls'),
      ('evening_minutes'),
      ('evening_calls'),
      ('night_minutes'),
      ('night_calls'),
      ('international_minutes'),
      ('international_calls'),
      ('customer_service_calls'),
      ('age')
  ) AS f(name)
),
numeric_statistics AS (
  SELECT * FROM (
    VALUES
      ('count', 0),
      ('missing', 0),
      ('invalid', 0),
      ('mean', 0),
      ('stddev', 0),
      ('quantile', 0),
      ('quantile', 10),
      ('quantile', 20),
      ('quantile', 30),
      ('quantile', 40),
      ('quantile', 50),
      ('quantile', 60),
      ('quantile', 70),
      ('quantile', 80),
      ('quantile', 90),
      ('quantile', 100)
  ) AS k(statistic, position)
),
one_hot_rows AS (
  SELECT * FROM (
    VALUES
      ('state', 'category', 0, 'AK', 'state_ak', 0),
      ('state', 'category', 1, 'AL', 'state_al', 1),
      ('state', 'category', 2, 'AR', 'state_ar', 2),
      ('state', 'category', 3, 'AZ', 'state_az', 3),
      ('state', 'category', 4, 'CA', 'state_ca', 4),
      ('state', 'category', 5, 'CO', 'state_co', 5),
      ('state', 'category', 6, 'CT', 'state_ct', 6),
      ('state', 'category', 7, 'DC', 'state_dc', 7),
      ('state', 'category', 8, 'DE', 'state_de', 8),
      ('state', 'category', 9, 'FL', 'state_fl', 9),
      ('state', 'category', 10, 'GA', 'state_ga', 10),
      ('state', 'category', 11, 'HI', 'state_hi', 11),
      ('state', 'category', 12, 'IA', 'state_ia', 12),
      ('state', 'category', 13, 'ID', 'state_id', 13),
      ('state', 'category', 14, 'IL', 'state_il', 14),
      ('state', 'category', 15, 'IN', 'state_in', 15),
      ('state', 'category', 16, 'KS', 'state_ks', 16),
      ('state', 'category', 17, 'KY', 'state_ky', 17),
      ('state', 'category', 18, 'LA', 'state_la', 18),
      ('state', 'category', 19, 'MA', 'state_ma', 19),
      ('state', 'category', 20, 'MD', 'state_md', 20),
      ('state', 'category', 21, 'ME', 'state_me', 21),
      ('state', 'category', 22, 'MI', 'state_mi', 22),
      ('state', 'category', 23, 'MN', 'state_mn', 23),
      ('state', 'category', 24, 'MO', 'state_mo', 24),
      ('state', 'category', 25, 'MS', 'state_ms', 25),
      ('state', 'category', 26, 'MT', 'state_mt', 26),
      ('state', 'category', 27, 'NC', 'state_nc', 27),
      ('state', 'category', 28, 'ND', 'state_nd', 28),
      ('state', 'category', 29, 'NE', 'state_ne', 29),
      ('state', 'category', 30, 'NH', 'state_nh', 30),
      ('state', 'category', 31, 'NJ', 'state_nj', 31),
      ('state', 'category', 32, 'NM', 'state_nm', 32),
      ('state', 'category', 33, 'NV', 'state_nv', 33),
      ('state', 'category', 34, 'NY', 'state_ny', 34),
      ('state', 'category', 35, 'OH', 'state_oh', 35),
      ('state', 'category', 36, 'OK', 'state_ok', 36),
      ('state', 'category', 37, 'OR', 'state_or', 37),
      ('state', 'category', 38, 'PA', 'state_pa', 38),
      ('state', 'category', 39, 'RI', 'state_ri', 39),
      ('state', 'category', 40, 'SC', 'state_sc', 40),
      ('state', 'category', 41, 'SD', 'state_sd', 41),
      ('state', 'category', 42, 'TN', 'state_tn', 42),
      ('state', 'category', 43, 'TX', 'state_tx', 43),
      ('state', 'category', 44, 'UT', 'state_ut', 44),
      ('state', 'category', 45, 'VA', 'state_va', 45),
      ('state', 'category', 46, 'VT', 'state_vt', 46),
      ('state', 'category', 47, 'WA', 'state_wa', 47),
      ('state', 'category', 48, 'WI', 'state_wi', 48),
      ('state', 'category', 49, 'WV', 'state_wv', 49),
      ('state', 'category', 50, 'WY', 'state_wy', 50),
      ('state', 'missing', 0, '', '', -1),
      ('state', 'invalid', 0, '', '', -2),
      ('area_code', 'category', 0, '408', 'area_code_408', 0),
      ('area_code', 'category', 1, '415', 'area_code_415', 1),
      ('area_code', 'category', 2, '510', 'area_code_510', 2),
      ('area_code', 'missing', 0, '', '', -1),
      ('area_code', 'invalid', 0, '', '', -2),
      ('gender', 'category', 0, 'female', 'gender_female', 0),
      ('gender', 'category', 1, 'male', 'gender_male', 1),
      ('gender', 'category', 2, 'other', 'gender_other', 2),
      ('gender', 'missing', 0, '', '', -1),
      ('gender', 'invalid', 0, '', '', -2)
  ) AS r(source, statistic, position, category, column_name, outcome)
),
numeric_rows AS (
  SELECT
    f.name,
    k.statistic,
    k.position,
    CASE
      WHEN k.statistic = 'count' THEN CAST(COALESCE(s.n, 0) AS DOUBLE)
      WHEN k.statistic = 'missing' THEN CAST(COALESCE(s.missing, 0) AS DOUBLE)
      WHEN k.statistic = 'invalid' THEN CAST(COALESCE(s.invalid, 0) AS DOUBLE)
      WHEN k.statistic = 'mean' THEN s.mean
      WHEN k.statistic = 'stddev' THEN s.deviation
      WHEN k.position = 0 THEN q.q0
      WHEN k.position = 10 THEN q.q10
      WHEN k.position = 20 THEN q.q20
      WHEN k.position = 30 THEN q.q30
      WHEN k.position = 40 THEN q.q40
      WHEN k.position = 50 THEN q.q50
      WHEN k.position = 60 THEN q.q60
      WHEN k.position = 70 THEN q.q70
      WHEN k.position = 80 THEN q.q80
      WHEN k.position = 90 THEN q.q90
      WHEN k.position = 100 THEN q.q100
    END AS value
  FROM numeric_features AS f
  CROSS JOIN numeric_statistics AS k
  LEFT JOIN feature_summary AS s ON s.name = f.name
  LEFT JOIN feature_quantiles AS q ON q.name = f.name
)
SELECT 'table' AS section, '' AS name, 'rows' AS statistic, 0 AS position, '' AS category, '' AS column_name, CAST(COUNT(*) AS DOUBLE) AS value FROM baseline_rows
UNION ALL
SELECT 'table', '', 'too_few_columns', 0, '', '', CAST(0 AS DOUBLE)
UNION ALL
SELECT 'table', '', 'too_many_columns', 0, '', '', CAST(0 AS DOUBLE)
UNION ALL
SELECT 'table', name, 'column', position, '', '', CAST(NULL AS DOUBLE) FROM column_list
UNION ALL
SELECT 'numeric', name, statistic, position, '', '', value FROM numeric_rows WHERE statistic <> 'quantile' OR value IS NOT NULL
UNION ALL
SELECT 'numeric', name, 'bin', CAST(bin AS INTEGER), '', '', CAST(n AS DOUBLE) FROM bins
UNION ALL
SELECT 'one-hot', r.source, r.statistic, r.position, r.category, r.column_name, CAST(COALESCE(o.n, 0) AS DOUBLE) FROM one_hot_rows AS r LEFT JOIN outcome_counts AS o ON o.source = r.source AND o.outcome = r.outcome
