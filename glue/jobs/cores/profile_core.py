"""The data report's profile of the curated customers: what the report draws, computed on Spark.

The features job computes it after the splits (glue/jobs/features.py in Glue, glue/local_etl.py
locally, the same function) and writes it as `profile.json` beside `statistics.json`; the data
report (lambda/data-report/report.ts) draws it. Every figure is an aggregate, exact unless said:

- per numeric column: rows, missing values, min, max, the quartiles and the median (Spark's
  `percentile_approx` with an accuracy of 10,000, approximate as Athena's `approx_percentile` is in
  the `churn-outliers-iqr` query), Tukey's fences q1 - 1.5 * IQR and q3 + 1.5 * IQR, how many
  values lie strictly outside each (the same rule as that query), up to OUTLIER_VALUES of those
  values, the whiskers (the lowest and highest values inside the fences), and a histogram of BINS
  equal bins from min to max split by churn (churned, stayed, and unlabelled customers);
- per categorical or boolean column: each value (NULL included) with its rows and, among labelled
  rows, its churn rate;
- per column: missing values;
- Pearson correlations between every pair of numeric and boolean columns, over labelled rows (the
  churn label as 0/1, as the `churn-correlation` query has it);
- a reproducible sample (SAMPLE_ROWS at most) of the three columns that correlate most with churn,
  with the label, for scatter plots;
- the quarantine (every row the curate job has quarantined, each run's under run_id=<run>/): rows
  by reason and source, and a few examples (reason, source, customer id).

The columns are read from the curated table's schema: numbers, booleans and strings, less the
identifiers and lineage columns of NOT_PROFILED.
"""

from __future__ import annotations

import math

from pyspark.sql import DataFrame, functions as F
from pyspark.sql.types import BooleanType, DoubleType, FloatType, IntegerType, LongType, ShortType, StringType

PROFILE_FILE = "profile.json"
"""The profile's name beside statistics.json."""

LABEL = "churn"
BINS = 20
OUTLIER_VALUES = 50
SAMPLE_ROWS = 1000
SCATTER_COLUMNS = 3
QUARANTINE_EXAMPLES = 10
ACCURACY = 10000
SEED = 7

NOT_PROFILED = {"customer_id", "event_time", "ingest_time", "ingest_source", "source", "origin", "unknown_fields",
                "snapshot_month"}
"""Identifiers, times and lineage (curate_core.LINEAGE): nothing to picture."""

_NUMERIC = (IntegerType, LongType, ShortType, DoubleType, FloatType)


def column_roles(frame: DataFrame) -> dict[str, list[str]]:
    """The profiled columns by role, in the table's order: numeric, boolean, categorical."""
    roles: dict[str, list[str]] = {"numeric": [], "boolean": [], "categorical": []}
    for field in frame.schema.fields:
        if field.name in NOT_PROFILED:
            continue
        if isinstance(field.dataType, _NUMERIC):
            roles["numeric"].append(field.name)
        elif isinstance(field.dataType, BooleanType):
            roles["boolean"].append(field.name)
        elif isinstance(field.dataType, StringType):
            roles["categorical"].append(field.name)
    return roles


def _class_of() -> F.Column:
    """A row's class for the split histograms: churned, stayed or unlabelled."""
    return (F.when(F.col(LABEL), F.lit("churned"))
            .when(~F.col(LABEL), F.lit("stayed"))
            .otherwise(F.lit("unlabelled")))


def _numeric_summaries(frame: DataFrame, numeric: list[str]) -> dict[str, dict]:
    """Rows, missing, min, max and the quartiles of every numeric column, in one pass."""
    aggregates = []
    for name in numeric:
        value = F.col(name).cast("double")
        aggregates += [
            F.count(value).alias(f"{name}__n"),
            F.min(value).alias(f"{name}__min"),
            F.max(value).alias(f"{name}__max"),
            F.percentile_approx(value, [0.25, 0.5, 0.75], ACCURACY).alias(f"{name}__q"),
        ]
    row = frame.agg(F.count(F.lit(1)).alias("__rows"), *aggregates).first().asDict()
    summaries = {}
    for name in numeric:
        quartiles = row[f"{name}__q"] or [None, None, None]
        q1, median, q3 = (None if q is None else float(q) for q in quartiles)
        fences = None if q1 is None else (q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1))
        summaries[name] = {
            "name": name,
            "rows": row["__rows"],
            "missing": row["__rows"] - row[f"{name}__n"],
            "min": row[f"{name}__min"],
            "max": row[f"{name}__max"],
            "q1": q1,
            "median": median,
            "q3": q3,
            "lowerFence": None if fences is None else fences[0],
            "upperFence": None if fences is None else fences[1],
        }
    return summaries


def _long_values(frame: DataFrame, columns: list[str], cast: str) -> DataFrame:
    """(column, value, class) for every cell of `columns`: one row per cell, for grouped counts."""
    pairs = F.array(*[F.struct(F.lit(c).alias("column"), F.col(c).cast(cast).alias("value")) for c in columns])
    return frame.select(F.explode(pairs).alias("cell"), _class_of().alias("class")).select(
        "cell.column", "cell.value", "class")


def _histograms_and_outliers(frame: DataFrame, summaries: dict[str, dict]) -> None:
    """Adds to each summary its histogram by class and its outliers (counts and some values)."""
    numeric = [n for n, s in summaries.items() if s["min"] is not None]
    if not numeric:
        return
    cells = _long_values(frame, numeric, "double").where(F.col("value").isNotNull())
    bounds = frame.sparkSession.createDataFrame(
        [(n, float(summaries[n]["min"]), float(summaries[n]["max"]),
          float(summaries[n]["lowerFence"]), float(summaries[n]["upperFence"])) for n in numeric],
        "column string, low double, high double, lower_fence double, upper_fence double")
    cells = cells.join(F.broadcast(bounds), "column")
    width = (F.col("high") - F.col("low")) / BINS
    binned = cells.withColumn(
        "bin", F.when(width == 0, F.lit(0)).otherwise(F.least(F.floor((F.col("value") - F.col("low")) / width),
                                                              F.lit(BINS - 1))).cast("int"))
    counts: dict[tuple[str, int, str], int] = {}
    for r in binned.groupBy("column", "bin", "class").count().collect():
        counts[(r["column"], r["bin"], r["class"])] = r["count"]
    inside = cells.where((F.col("value") >= F.col("lower_fence")) & (F.col("value") <= F.col("upper_fence")))
    whiskers = {r["column"]: (r["low"], r["high"]) for r in inside.groupBy("column").agg(
        F.min("value").alias("low"), F.max("value").alias("high")).collect()}
    outside = cells.where((F.col("value") < F.col("lower_fence")) | (F.col("value") > F.col("upper_fence")))
    outlier_counts = {(r["column"], r["side"]): r["count"] for r in outside.withColumn(
        "side", F.when(F.col("value") < F.col("lower_fence"), F.lit("below")).otherwise(F.lit("above"))
    ).groupBy("column", "side").count().collect()}
    ranked = outside.withColumn("distance", F.greatest(F.col("lower_fence") - F.col("value"),
                                                       F.col("value") - F.col("upper_fence")))
    values: dict[str, list[float]] = {n: [] for n in numeric}
    for r in ranked.orderBy(F.col("column"), F.col("distance").desc(), F.col("value")).select(
            "column", "value").collect():
        if len(values[r["column"]]) < OUTLIER_VALUES:
            values[r["column"]].append(r["value"])
    for name in numeric:
        s = summaries[name]
        step = (s["max"] - s["min"]) / BINS
        s["histogram"] = {
            "edges": [s["min"] + i * step for i in range(BINS)] + [s["max"]],
            **{cls: [counts.get((name, b, cls), 0) for b in range(BINS)]
               for cls in ("churned", "stayed", "unlabelled")},
        }
        s["whiskers"] = list(whiskers.get(name, (None, None)))
        s["outliers"] = {"below": outlier_counts.get((name, "below"), 0),
                         "above": outlier_counts.get((name, "above"), 0),
                         "values": sorted(values[name])}


def _categories(frame: DataFrame, columns: list[str]) -> list[dict]:
    """Each value of each categorical or boolean column: rows, and churn among labelled rows."""
    if not columns:
        return []
    cells = _long_values(frame, columns, "string")
    grouped = cells.groupBy("column", "value").agg(
        F.count(F.lit(1)).alias("rows"),
        F.sum(F.when(F.col("class") == "churned", 1).otherwise(0)).alias("churned"),
        F.sum(F.when(F.col("class") != "unlabelled", 1).otherwise(0)).alias("labelled"),
    ).collect()
    by_column: dict[str, list[dict]] = {c: [] for c in columns}
    for r in grouped:
        by_column[r["column"]].append({
            "value": r["value"],
            "rows": r["rows"],
            "churnRate": None if r["labelled"] == 0 else r["churned"] / r["labelled"],
        })
    return [{"name": c, "values": sorted(by_column[c], key=lambda v: (-v["rows"], v["value"] is None,
                                                                     v["value"] or ""))} for c in columns]


def _missing(frame: DataFrame) -> list[dict]:
    """Missing values of every column of the table, profiled or not, in the table's order."""
    columns = [f.name for f in frame.schema.fields]
    row = frame.agg(*[F.count(F.when(F.col(c).isNull(), 1)).alias(c) for c in columns]).first().asDict()
    return [{"name": c, "missing": row[c]} for c in columns]


def _correlations(frame: DataFrame, columns: list[str]) -> dict:
    """Pearson correlations between every pair of `columns` (booleans as 0/1), over labelled rows."""
    labelled = frame.where(F.col(LABEL).isNotNull()).select(
        *[F.col(c).cast("int").cast("double").alias(c) if c in frame.columns and isinstance(
            frame.schema[c].dataType, BooleanType) else F.col(c).cast("double").alias(c) for c in columns])
    pairs = [(a, b) for i, a in enumerate(columns) for b in columns[i + 1:]]
    row = labelled.agg(*[F.corr(a, b).alias(f"{a}__{b}") for a, b in pairs]).first().asDict() if pairs else {}
    matrix = [[1.0 if a == b else None for b in columns] for a in columns]
    for a, b in pairs:
        value = row.get(f"{a}__{b}")
        i, j = columns.index(a), columns.index(b)
        matrix[i][j] = matrix[j][i] = value
    return {"columns": columns, "values": matrix}


def _scatter_sample(frame: DataFrame, correlations: dict) -> dict:
    """A reproducible sample of the columns that correlate most with churn, with the label."""
    columns = correlations["columns"]
    row = correlations["values"][columns.index(LABEL)] if LABEL in columns else []
    ranked = sorted((c for c in columns if c != LABEL and row[columns.index(c)] is not None),
                    key=lambda c: -abs(row[columns.index(c)]))[:SCATTER_COLUMNS]
    if not ranked:
        return {"columns": [], "rows": []}
    sample = frame.where(F.col(LABEL).isNotNull()).select(
        *[F.col(c).cast("double").alias(c) for c in ranked], F.col(LABEL)
    ).orderBy(F.rand(SEED)).limit(SAMPLE_ROWS).collect()
    return {"columns": ranked, "rows": [[r[c] for c in ranked] + [bool(r[LABEL])] for r in sample]}


def _quarantine(quarantine: DataFrame | None) -> dict:
    """The quarantined rows by reason and source, and a few examples."""
    if quarantine is None:
        return {"rows": 0, "byReason": [], "examples": []}
    grouped = quarantine.groupBy("reject_reason", "source").count().collect()
    examples = quarantine.select("reject_reason", "source", "customer_id").orderBy(
        "reject_reason", "source", "customer_id").limit(QUARANTINE_EXAMPLES).collect()
    by_reason = sorted(({"reason": r["reject_reason"], "source": r["source"], "rows": r["count"]} for r in grouped),
                       key=lambda r: (-r["rows"], r["reason"] or "", r["source"] or ""))
    return {
        "rows": sum(r["rows"] for r in by_reason),
        "byReason": by_reason,
        "examples": [{"reason": r["reject_reason"], "source": r["source"], "customerId": r["customer_id"]}
                     for r in examples],
    }


def _json_ready(value):
    """`value` with every non-finite number (a correlation of a constant column is NaN) as None:
    JSON has no NaN."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return value


def data_profile(customers: DataFrame, quarantine: DataFrame | None) -> dict:
    """The data report's profile of `customers` (the curated table) and `quarantine` (the rows the
    curate job rejected, or None when there are none): plain data, ready for `json.dump`."""
    roles = column_roles(customers)
    if LABEL not in roles["boolean"]:
        raise ValueError(f"the curated customers have no boolean {LABEL} column to profile against")
    frame = customers.cache()
    try:
        summaries = _numeric_summaries(frame, roles["numeric"])
        _histograms_and_outliers(frame, summaries)
        correlations = _correlations(frame, roles["numeric"] + roles["boolean"])
        labelled = frame.where(F.col(LABEL).isNotNull()).count()
        churned = frame.where(F.col(LABEL)).count()
        return _json_ready({
            "formatVersion": 1,
            "rows": next(iter(summaries.values()))["rows"] if summaries else frame.count(),
            "labelled": labelled,
            "churned": churned,
            "numeric": [summaries[n] for n in roles["numeric"]],
            "categorical": _categories(frame, roles["categorical"] + roles["boolean"]),
            "missing": _missing(frame),
            "correlations": correlations,
            "scatter": _scatter_sample(frame, correlations),
            "quarantine": _quarantine(quarantine),
        })
    finally:
        frame.unpersist()
