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

Each directory holds one CSV file (coalesced: the data is small) and nothing else: no _SUCCESS
marker and no checksum files, since SageMaker and XGBoost read every object under a channel's
prefix as data. The manifest (`manifest`) is a dict; where it is stored is the caller's business.
"""

from typing import NamedTuple

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
