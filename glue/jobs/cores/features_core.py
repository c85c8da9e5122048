"""The features job's logic in plain PySpark: curated customers -> training data for the built-in
XGBoost algorithm. No Glue and no AWS here, so the same functions run in the Glue job
(glue/jobs/features.py, which ships this folder with --extra-py-files), in pytest on a local
SparkSession and in the local ETL runner (glue/local_etl.py).

The transformation itself is glue/sql/features.sql (generated from the feature contract,
lib/contracts/feature-manifest.ts, and also run by DuckDB in test/etl); this module gives it its
input views, checks its output, counts the splits, describes the columns for the manifest and
writes the files. Paths are strings (s3://bucket/prefix in Glue, a local directory elsewhere).

Under the features location `base` it writes:

  train/ validation/ test/  CSV without header, the label first, the split column dropped: the
                            built-in XGBoost algorithm's CSV format (an empty field is missing)
  baseline/                 the training rows with a header, without label or split: the data
                            the Model Monitor data-quality baseline is computed on

and computes the training split's statistics document (lib/contracts/baseline-statistics.ts) with
glue/sql/baseline_statistics.sql, which the caller stores as statistics.json beside the splits.

Each directory holds one CSV file (coalesced: the data is small) and nothing else: no _SUCCESS
marker and no checksum files, since SageMaker and XGBoost read every object under a channel's
prefix as data. The manifest (`manifest`) and the statistics document are dicts; where they are stored is the
caller's business.
"""

import math
from typing import Iterable, NamedTuple

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

LABEL = "churn"
SPLIT = "split"
SPLITS = ("train", "validation", "test")
SPLIT_BUCKETS = 4096  # as in features.sql: the first 3 hex digits of md5(customer_id)
SPLIT_METHOD = (
    "bucket = first 3 hex digits of md5(customer_id); train if bucket < train_fraction * 4096, "
    "validation if bucket < (train_fraction + validation_fraction) * 4096, else test"
)


class Features(NamedTuple):
    """What `build_features` returns: the rows (label first, split last, persisted), the labelled
    rows per split and the manifest (without the caller's provenance fields)."""

    frame: DataFrame
    counts: dict[str, int]
    manifest: dict


def check_fractions(train_fraction: float, validation_fraction: float) -> tuple[float, float]:
    """The split fractions as floats, or a ValueError that names both values: each must lie in
    (0, 1) and together they must leave a test share, else a split is empty by construction."""
    train, validation = float(train_fraction), float(validation_fraction)
    if not (0 < train < 1 and 0 < validation < 1 and train + validation < 1):
        raise ValueError(
            "train_fraction and validation_fraction must each lie in (0, 1) and leave a test share "
            f"(sum < 1); received {train} and {validation}"
        )
    return train, validation


def describe(column: str, curated_types: dict[str, str]) -> dict[str, str]:
    """A feature column as the manifest lists it: its source column in the curated table and its
    encoding (a curated boolean becomes 0/1, a curated number stays numeric, anything else is a
    one-hot column named <category column>_<value>). Read from the data rather than restated, so
    the manifest cannot drift from what the SQL produced."""
    kind = curated_types.get(column)
    if kind is not None:
        return {"name": column, "source": column, "encoding": "boolean" if kind == "boolean" else "numeric"}
    sources = [name for name, t in curated_types.items() if t == "string" and column.startswith(f"{name}_")]
    if not sources:
        raise ValueError(f"feature column {column} is neither a curated column nor <category>_<value>")
    return {"name": column, "source": max(sources, key=len), "encoding": "one-hot"}


def split_counts(features: DataFrame) -> dict[str, int]:
    """Labelled rows per split, every split present (0 when it has none)."""
    found = {row[SPLIT]: row["count"] for row in features.groupBy(SPLIT).count().collect()}
    return {split: found.get(split, 0) for split in SPLITS}


def build_features(
    spark: SparkSession,
    customers: DataFrame,
    train_fraction: float,
    validation_fraction: float,
    sql: str,
) -> Features:
    """Runs features.sql over `customers` (the curated table) with the split fractions, and checks
    what it returns: the label first and the split last (the writer relies on both), and no empty
    split (SageMaker fails a channel without data, so fail here, where the counts explain why).

    Registers the temporary views `customers` and `split_config`, the SQL's inputs."""
    train, validation = check_fractions(train_fraction, validation_fraction)
    customers.createOrReplaceTempView("customers")
    spark.createDataFrame([(train, validation)], "train_fraction DOUBLE, validation_fraction DOUBLE") \
        .createOrReplaceTempView("split_config")

    features = spark.sql(sql)
    columns = features.columns
    if columns[0] != LABEL or columns[-1] != SPLIT:
        raise ValueError(f"features.sql must return {LABEL} first and {SPLIT} last; it returns {columns}")
    features = features.persist()
    counts = split_counts(features)
    empty = [split for split in SPLITS if counts[split] == 0]
    if empty:
        raise ValueError(f"empty split(s) {empty}: {counts}; need more labelled customers or other fractions")

    curated_types = {field.name: field.dataType.typeName() for field in customers.schema.fields}
    manifest = {
        "label": LABEL,
        "columns": [describe(column, curated_types) for column in columns[1:-1]],
        "split": {
            "method": SPLIT_METHOD,
            "buckets": SPLIT_BUCKETS,
            "train_fraction": train,
            "validation_fraction": validation,
        },
        "rows": counts,
    }
    return Features(features, counts, manifest)


def _csv(frame: DataFrame, path: str, header: bool) -> None:
    """One CSV file under `path` (replacing what was there), with no _SUCCESS marker. An empty
    field is a NULL (Spark's default nullValue), which XGBoost reads as missing; coalesce(1) keeps
    the SQL's ORDER BY, so the file is the same from run to run."""
    (frame.coalesce(1).write.mode("overwrite")
        .option("header", "true" if header else "false")
        .option("mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
        .csv(path))


def _without_checksum_files(spark: SparkSession, path: str) -> None:
    """Hadoop's local file system writes a hidden .<file>.crc beside every file; S3 never does,
    and XGBoost's CSV reader would read a checksum file under a channel's directory as data. A
    no-op on file systems that write no checksum files (S3 in Glue)."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    jvm.org.apache.hadoop.fs.Path(path).getFileSystem(conf).setWriteChecksum(False)


def write_features(spark: SparkSession, features: DataFrame, base: str) -> dict[str, str]:
    """Writes the splits and the baseline under `base` (no trailing slash needed); returns each
    directory's path by name (train, validation, test, baseline)."""
    base = base.rstrip("/")
    _without_checksum_files(spark, base)
    paths = {name: f"{base}/{name}/" for name in (*SPLITS, "baseline")}
    for split in SPLITS:
        _csv(features.where(F.col(SPLIT) == split).drop(SPLIT), paths[split], header=False)
    _csv(features.where(F.col(SPLIT) == "train").drop(LABEL, SPLIT), paths["baseline"], header=True)
    return paths


# --- the baseline statistics -------------------------------------------------------------------
# As lib/contracts/baseline-statistics.ts defines them; baseline_statistics.sql answers one row per
# statistic (lib/contracts/statistics-sql.ts documents the rows), assembled here as
# statisticsFromRows assembles them in TypeScript. A test compares the two.

STATISTICS_VIEW = "baseline_rows"  # the SQL's input view: the training rows' feature columns
STATISTICS_FILE = "statistics.json"  # beside the splits, under the features location
STATISTICS_VERSION = 1
QUANTILE_PERCENTS = (0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100)
BIN_EDGE_PERCENTS = (10, 20, 30, 40, 50, 60, 70, 80, 90)


def baseline_statistics(spark: SparkSession, features: DataFrame, sql: str) -> dict:
    """The training split's statistics document: baseline_statistics.sql over the training rows'
    feature columns (registered as the temporary view `baseline_rows`), assembled by
    `statistics_from_rows`."""
    features.where(F.col(SPLIT) == "train").drop(LABEL, SPLIT).createOrReplaceTempView(STATISTICS_VIEW)
    return statistics_from_rows(row.asDict() for row in spark.sql(sql).collect())


def _bin_edges(quantiles: list[dict]) -> list[float]:
    """A feature's bin edges from its quantiles, by binEdgesFromQuantiles' rule
    (lib/contracts/baseline-statistics.ts, where the why is written): none without values; [0, 1]
    when every quantile is 0 or 1; else the distinct values of the BIN_EDGE_PERCENTS quantiles, in
    order, and the maximum after them when they are one value below it."""
    if not quantiles:
        return []
    if all(q["value"] in (0, 1) for q in quantiles):
        return [0.0, 1.0]
    by_percent = {q["percent"]: q["value"] for q in quantiles}
    edges: list[float] = []
    for percent in BIN_EDGE_PERCENTS:
        value = by_percent.get(percent)
        if value is not None and (not edges or edges[-1] != value):
            edges.append(value)
    maximum = by_percent.get(100)
    if len(edges) == 1 and maximum is not None and maximum > edges[0]:
        edges.append(maximum)
    return edges


def _number(value, where: str):
    """A finite number (an int when whole, as JSON writes counts), or None for NULL."""
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{where} is {value!r}; expected a finite number or NULL")
    return 0.0 if number == 0 else number


def _count(value, where: str) -> int:
    number = _number(value, where)
    if number is None or number < 0 or number != int(number):
        raise ValueError(f"{where} is {value!r}; expected a count (a whole number, 0 or more)")
    return int(number)


def statistics_from_rows(rows: Iterable[dict]) -> dict:
    """The baseline document from baseline_statistics.sql's rows (dicts with keys section, name,
    statistic, position, category, column_name, value). Raises ValueError naming the row or the
    statistic that is wrong, and when the counts do not add up."""
    table: dict[str, int] = {}
    columns: dict[int, str] = {}
    numeric: dict[str, dict] = {}
    groups: dict[str, dict] = {}
    for r, row in enumerate(rows):
        section, name, statistic = row["section"], row["name"], row["statistic"]
        position = int(row["position"])
        where = f"statistics row {r} ({section} {name!r} {statistic} {position})"
        if section == "table" and statistic == "column":
            slot, key, value = columns, position, name
        elif section == "table" and statistic in ("rows", "too_few_columns", "too_many_columns"):
            slot, key, value = table, statistic, _count(row["value"], where)
        elif section == "numeric":
            feature = numeric.setdefault(name, {"quantiles": {}, "bins": {}})
            if statistic in ("count", "missing", "invalid"):
                slot, key, value = feature, statistic, _count(row["value"], where)
            elif statistic in ("mean", "stddev"):
                slot, key, value = feature, statistic, _number(row["value"], where)
            elif statistic == "quantile":
                slot, key, value = feature["quantiles"], position, _number(row["value"], where)
            elif statistic == "bin":
                slot, key, value = feature["bins"], position, _count(row["value"], where)
            else:
                raise ValueError(f"{where} is not a statistic of the document")
        elif section == "one-hot":
            group = groups.setdefault(name, {"categories": {}})
            if statistic == "category":
                slot, key = group["categories"], position
                value = {"category": row["category"], "column": row["column_name"],
                         "count": _count(row["value"], where)}
            elif statistic in ("missing", "invalid"):
                slot, key, value = group, statistic, _count(row["value"], where)
            else:
                raise ValueError(f"{where} is not a statistic of the document")
        else:
            raise ValueError(f"{where} is not a statistic of the document")
        if key in slot:
            raise ValueError(f"{where} repeats a statistic already read; expected each once")
        slot[key] = value

    for statistic in ("rows", "too_few_columns", "too_many_columns"):
        if statistic not in table:
            raise ValueError(f"the statistics rows lack the table's {statistic} row")
    well_formed = table["rows"] - table["too_few_columns"] - table["too_many_columns"]
    order = [columns[i] for i in sorted(columns)]
    index = {column: i for i, column in enumerate(order)}

    def fraction(part: int) -> float:
        return part / well_formed if well_formed > 0 else 0

    def numeric_feature(name: str, f: dict) -> dict:
        for statistic in ("count", "missing", "invalid"):
            if statistic not in f:
                raise ValueError(f"the statistics rows lack {name}'s {statistic}")
        count = f["count"]
        if count + f["missing"] + f["invalid"] != well_formed:
            raise ValueError(f"{name}: count + missing + invalid is not the {well_formed} well-formed rows")
        if count > 0 and set(f["quantiles"]) != set(QUANTILE_PERCENTS):
            raise ValueError(f"{name} has quantiles at {sorted(f['quantiles'])}; expected {list(QUANTILE_PERCENTS)}")
        quantiles = [] if count == 0 else [{"percent": p, "value": f["quantiles"][p]} for p in QUANTILE_PERCENTS]
        edges = _bin_edges(quantiles)
        counts = [0] * (len(edges) + 1)
        for bin_index, n in f["bins"].items():
            if bin_index >= len(counts):
                raise ValueError(f"{name}'s bin {bin_index} has {n} values; expected bins 0 to {len(counts) - 1}")
            counts[bin_index] = n
        if sum(counts) != count:
            raise ValueError(f"{name}'s histogram counts sum to {sum(counts)}; expected its count, {count}")
        return {
            "name": name,
            "count": count,
            "missing": f["missing"],
            "missingFraction": fraction(f["missing"]),
            "invalid": f["invalid"],
            "mean": f.get("mean"),
            "standardDeviation": f.get("stddev"),
            "quantiles": quantiles,
            "histogram": {"edges": edges, "counts": counts},
        }

    def one_hot_group(source: str, g: dict) -> dict:
        categories = [g["categories"][p] for p in sorted(g["categories"])]
        for statistic in ("missing", "invalid"):
            if statistic not in g:
                raise ValueError(f"the statistics rows lack {source}'s {statistic}")
        if sum(c["count"] for c in categories) + g["missing"] + g["invalid"] != well_formed:
            raise ValueError(f"{source}: the categories + missing + invalid are not the {well_formed} well-formed rows")
        return {
            "source": source,
            "categories": [{**c, "frequency": fraction(c["count"])} for c in categories],
            "missing": g["missing"],
            "missingFraction": fraction(g["missing"]),
            "invalid": g["invalid"],
        }

    far = len(order)
    return {
        "version": STATISTICS_VERSION,
        "kind": "baseline",
        "columns": order,
        "rows": table["rows"],
        "malformedRows": {"tooFewColumns": table["too_few_columns"], "tooManyColumns": table["too_many_columns"]},
        "numeric": [numeric_feature(name, f) for name, f in sorted(numeric.items(), key=lambda i: index.get(i[0], far))],
        "oneHot": sorted((one_hot_group(source, g) for source, g in groups.items()),
                         key=lambda g: index.get(g["categories"][0]["column"] if g["categories"] else "", far)),
    }
