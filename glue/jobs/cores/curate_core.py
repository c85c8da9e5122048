"""The curate job's work, in plain PySpark: raw churn records -> the curated customers table and a
quarantine. No Glue API here: the Glue entry (glue/jobs/curate.py) reads the job arguments, the
bookmarked DynamicFrames, the catalog and S3, and calls these functions; the tests
(glue/tests/test_curate_core.py) call them on a local SparkSession with local directories. Every
location is a URL string (s3://... in Glue, a local path or file:// URL in tests), so the same
code writes to both.

The transformations are the SQL files in glue/sql (rendered from the schema, tested in DuckDB by
test/etl); this module registers their input views, runs them with spark.sql and writes:

1. raw_records: every schema field as STRING (NULL where the data has no such column), plus
   source ('stream' | 'batch'), ingest_time and origin (the file's key). The stream is the cleaned
   JSON Lines Firehose writes (GZIP, under event_date=YYYY-MM-DD/; ingest_time is the record's
   own); the batch is the CSV files uploaded with a header (ingest_time is the start of the run:
   an upload carries none of its own).
2. validated = curate_validated.sql, with counts by source and reject reason.
3. quarantine = curate_quarantine.sql: the rejected rows, values as received, as JSON Lines with
   nulls written, so a reader sees every column of every row.
4. customers = curate_customers.sql over validated and previous_customers (the table as it
   stands): one row per customer, the latest event. Written as Parquet (Snappy) partitioned by
   snapshot_month with dynamic partition overwrite: a month in the result is replaced, any other
   is left as it is. A month the table had but the result has not (its customers all moved to a
   later month) must be emptied by the caller: months_to_empty names them.

The curated table is both an input (previous_customers) and the output: see write_customers for
how that is made safe.
"""

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Optional

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

PARTITION = "snapshot_month"
SOURCE_FILE = "_source_file"  # the column Glue's attachFilename option fills; read_* fill it too
LINEAGE = ["source", "ingest_time", "origin"]
STAGING_DIR = "_staging"  # under the table's location: see write_customers


def read_stream(spark: SparkSession, location: str) -> DataFrame:
    """The cleaned stream records under `location` (event_date=YYYY-MM-DD/ folders of GZIP JSON
    Lines, as Firehose writes them), typed as JSON gives them, with the file of each row in
    SOURCE_FILE: what Glue's from_options(format="json", recurse, attachFilename) gives the entry.
    Spark reads .gz files by their extension."""
    return spark.read.json(location).withColumn(SOURCE_FILE, F.input_file_name())


def read_batch(spark: SparkSession, location: str) -> DataFrame:
    """The CSV uploads under `location` (a header line, RFC 4180 quoting), every column a string,
    with the file of each row in SOURCE_FILE: what the entry reads from the batch table. A quoted
    empty cell stays '' (as received); Spark's CSV reader makes an unquoted empty cell NULL, and a
    short line's missing cells NULL."""
    return (
        spark.read.option("header", "true")
        .option("escape", '"')  # RFC 4180: a quote inside a quoted cell is doubled
        .option("multiLine", "true")  # a quoted cell may hold a line break
        .option("nullValue", "\u0000")  # not "": keep a quoted empty cell as received
        .csv(location)
        .withColumn(SOURCE_FILE, F.input_file_name())
    )


def raw_records(
    df: DataFrame,
    fields: Iterable[str],
    source: str,
    ingest_time: Optional[str] = None,
    root: Optional[str] = None,
) -> DataFrame:
    """Rows (from read_stream, read_batch, or a DynamicFrame's toDF) as raw_records: every schema
    field cast to STRING (NULL where the data has no such column), source, ingest_time (the data's
    own column when `ingest_time` is None, else that literal) and origin: the row's file with
    `root` taken off the front, or by default with the scheme and bucket (s3://bucket/) taken off,
    so origin is the object's key."""
    present = set(df.columns)

    def text(name: str):
        return F.col(name).cast("string") if name in present else F.lit(None).cast("string")

    file = text(SOURCE_FILE)
    if root is None:
        origin = F.regexp_replace(file, "^[a-z0-9]+:/*[^/]*/", "")
    else:
        origin = F.when(file.startswith(root), F.substring(file, len(root) + 1, 1 << 30)).otherwise(file)
    return df.select(
        *[text(name).alias(name) for name in fields],
        F.lit(source).alias("source"),
        (text("ingest_time") if ingest_time is None else F.lit(ingest_time)).alias("ingest_time"),
        origin.alias("origin"),
    )


@dataclass(frozen=True)
class ReadCounts:
    """What one run read: rows by source, rejected rows by reason."""

    read_by_source: Counter
    rejected_by_reason: Counter

    @property
    def read(self) -> int:
        return sum(self.read_by_source.values())

    @property
    def rejected(self) -> int:
        return sum(self.rejected_by_reason.values())


def validate(spark: SparkSession, raw: DataFrame, sql_validated: str) -> tuple[DataFrame, ReadCounts]:
    """Runs curate_validated.sql over `raw` (as view raw_records) and registers the result as view
    validated, persisted: the counts, the quarantine and the customers all read it."""
    raw.createOrReplaceTempView("raw_records")
    validated = spark.sql(sql_validated).persist()
    validated.createOrReplaceTempView("validated")
    read_by_source: Counter = Counter()
    rejected_by_reason: Counter = Counter()
    for row in validated.groupBy("source", "reject_reason").count().collect():
        read_by_source[row["source"]] += row["count"]
        if row["reject_reason"] is not None:
            rejected_by_reason[row["reject_reason"]] += row["count"]
    return validated, ReadCounts(read_by_source, rejected_by_reason)


def quarantine(spark: SparkSession, sql_quarantine: str) -> DataFrame:
    """curate_quarantine.sql over view validated (registered by validate)."""
    return spark.sql(sql_quarantine)


def write_quarantine(rows: DataFrame, location: str) -> None:
    """The quarantined rows as one JSON Lines file at `location` (a folder, replaced), nulls
    written: a missing value shows as null rather than as an absent key."""
    rows.coalesce(1).write.mode("overwrite").option("ignoreNullFields", "false").json(location)


def customer_columns(validated: DataFrame) -> list[str]:
    """The curated table's columns, in order: the schema fields, the lineage, the partition."""
    fields = [c for c in validated.columns if c not in LINEAGE and c != "reject_reason" and not c.startswith("raw_")]
    return [*fields, *LINEAGE, PARTITION]


def empty_customers(validated: DataFrame) -> DataFrame:
    """An empty curated table with the columns and types curate_customers.sql reads from
    previous_customers: for the first run, when the table has no data yet."""
    columns = [F.col(c) for c in customer_columns(validated)[:-1]]
    return validated.where(F.lit(False)).select(*columns, F.lit("").alias(PARTITION))


def read_customers(spark: SparkSession, location: str, schema: StructType) -> DataFrame:
    """The curated table under `location` as Parquet with `schema` (snapshot_month comes from the
    folder names, as a string); empty when the location does not exist yet. The Glue entry reads
    the catalog table instead."""
    if not path_exists(spark, location):
        return spark.createDataFrame([], schema)
    return spark.read.schema(schema).parquet(location)


def merge_customers(spark: SparkSession, previous: DataFrame, sql_customers: str) -> DataFrame:
    """curate_customers.sql over view validated and `previous` (as view previous_customers): one
    row per customer, the latest event winning. Lazy: nothing is read until it is written."""
    previous.createOrReplaceTempView("previous_customers")
    return spark.sql(sql_customers)


def months_of(df: DataFrame) -> list[str]:
    """The snapshot months `df` holds, sorted."""
    return sorted(row[PARTITION] for row in df.select(PARTITION).distinct().collect())


def months_to_empty(previous_months: Iterable[str], written_months: Iterable[str]) -> list[str]:
    """The months the table had and the new result has not: every customer in them has a later
    snapshot now. Dynamic partition overwrite leaves them as they were, so the caller empties
    them, or those customers would be in two months."""
    return sorted(set(previous_months) - set(written_months))


@dataclass(frozen=True)
class Written:
    """What write_customers wrote: rows and the months replaced."""

    rows: int
    months: list[str]


def write_customers(spark: SparkSession, customers: DataFrame, location: str) -> Written:
    """Writes `customers` into the curated table at `location`: Parquet (Snappy), one file per
    snapshot_month, dynamic partition overwrite (only the months in `customers` are replaced).

    `customers` is computed from the table itself (previous_customers), so writing it straight
    over the table would read what the write deletes: with static overwrite Spark deletes the
    table's folders before the tasks read them (FileNotFoundException, or, with
    spark.sql.files.ignoreMissingFiles, customers silently lost), and even a cached result is
    recomputed from the table's files when a cached block is evicted or an executor is lost.
    Dynamic partition overwrite (set on the write below, whatever the session says) defers the
    deletes to the job commit in Spark's own commit protocol; but when the deletes happen is the
    commit protocol's business, and Glue writes to S3 through its own, which no local test runs.

    So the result is first materialised in full in a staging folder, <location>/_staging/, and the
    table is then written from that copy, whose lineage no longer reaches the table: whatever the
    write deletes, and whenever, nothing reads it any more. A staging write
    (rather than checkpoint() or localCheckpoint()) because it works the same on S3 in Glue and on
    a local disk, needs no checkpoint directory or executor that must stay alive, and stays inside
    the table's prefix, which the job's S3 access already covers; Spark, Athena and the catalog
    skip a folder whose name starts with '_'. One run at a time (the job's maxConcurrentRuns is 1),
    so one staging folder: each run replaces it, and deletes it once the table is written.
    """
    staging = f"{location.rstrip('/')}/{STAGING_DIR}/"
    customers.write.mode("overwrite").parquet(staging)
    staged = spark.read.schema(customers.schema).parquet(staging)
    written = Written(rows=staged.count(), months=months_of(staged))
    # One file per month: the table is small. The mode is set on the write, not only in the
    # session, so no session setting can turn this into a wipe of the whole table.
    (
        staged.repartition(PARTITION)
        .write.mode("overwrite")
        .option("partitionOverwriteMode", "dynamic")
        .option("compression", "snappy")
        .partitionBy(PARTITION)
        .parquet(location)
    )
    delete_path(spark, staging)
    return written


def partition_location(location: str, month: str) -> str:
    """The folder of one month of the curated table at `location`, ending with '/'."""
    return f"{location.rstrip('/')}/{PARTITION}={month}/"


def _hadoop_path(spark: SparkSession, url: str):
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(url)
    return path, path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())


def path_exists(spark: SparkSession, url: str) -> bool:
    """Whether a file or folder exists at `url`, through Spark's own file systems (local, s3)."""
    path, fs = _hadoop_path(spark, url)
    return bool(fs.exists(path))


def delete_path(spark: SparkSession, url: str) -> None:
    """Deletes the file or folder at `url` (recursively), through Spark's own file systems."""
    path, fs = _hadoop_path(spark, url)
    fs.delete(path, True)
