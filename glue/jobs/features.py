"""Glue job "features": the curated customers -> training data for the built-in XGBoost algorithm.

The logic lives in glue/sql/features.sql (and is tested there, in DuckDB, by test/etl); this
driver only reads, runs the SQL with spark.sql and writes. It reads the whole curated table (no
bookmark: every run rebuilds the splits from all customers; the split of a customer depends on its
id alone, so it never moves between runs) and writes under s3://<features_bucket>/<features_prefix>/:

  train/ validation/ test/  CSV without header, the label first, the split column dropped: the
                            built-in XGBoost algorithm's CSV format (an empty field is missing)
  baseline/                 the training rows with a header, without label or split: the data
                            the Model Monitor data-quality baseline is computed on
  manifest.json             the label, the feature columns in order with their encodings (read
                            from the DataFrame's columns and the curated table's types), the
                            split fractions and the row counts

Each directory holds one CSV file (coalesced: the data is small) and no _SUCCESS marker, since
SageMaker reads every object under a channel's prefix. Needs the job argument
--enable-glue-datacatalog true (the Data Catalog as Spark's metastore).
"""

import json
import sys
from datetime import datetime, timezone
from urllib.parse import urlparse

import boto3
from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

ARGUMENTS = [
    "JOB_NAME",
    "curated_database",
    "curated_table",  # customers: the curate job's output
    "features_bucket",
    "features_prefix",  # key prefix in features_bucket, e.g. features/
    "train_fraction",  # e.g. 0.7
    "validation_fraction",  # e.g. 0.15; test gets the rest
    "sql_features",  # s3:// URL of glue/sql/features.sql (a CDK asset)
]
LABEL = "churn"
SPLIT = "split"
SPLITS = ("train", "validation", "test")
SPLIT_BUCKETS = 4096  # as in features.sql: the first 3 hex digits of md5(customer_id)


def log(event, **fields):
    """One JSON line in the job's output log."""
    print(json.dumps({"job": "features", "event": event, **fields}, default=str), flush=True)


def read_sql(sql_url):
    """The text of one SQL file, deployed by the CDK as an asset at `sql_url`."""
    url = urlparse(sql_url)
    if url.scheme != "s3":
        raise ValueError(f"a SQL location must be an s3:// URL; received {sql_url!r}")
    body = boto3.client("s3").get_object(Bucket=url.netloc, Key=url.path.lstrip("/"))["Body"]
    return body.read().decode("utf-8")


def fractions(args):
    train, validation = float(args["train_fraction"]), float(args["validation_fraction"])
    if not (0 < train < 1 and 0 < validation < 1 and train + validation < 1):
        raise ValueError(
            "train_fraction and validation_fraction must each lie in (0, 1) and leave a test share "
            f"(sum < 1); received {train} and {validation}"
        )
    return train, validation


def describe(column, curated_types):
    """A feature column as the manifest lists it: its source column in the curated table and its
    encoding (a curated boolean becomes 0/1, a curated number stays numeric, anything else is a
    one-hot column named <category column>_<value>)."""
    kind = curated_types.get(column)
    if kind is not None:
        return {"name": column, "source": column, "encoding": "boolean" if kind == "boolean" else "numeric"}
    sources = [name for name, t in curated_types.items() if t == "string" and column.startswith(f"{name}_")]
    if not sources:
        raise ValueError(f"feature column {column} is neither a curated column nor <category>_<value>")
    return {"name": column, "source": max(sources, key=len), "encoding": "one-hot"}


def main():
    args = getResolvedOptions(sys.argv, ARGUMENTS)
    run_id = getResolvedOptions(sys.argv, ["JOB_RUN_ID"])["JOB_RUN_ID"] if "--JOB_RUN_ID" in sys.argv else None
    train, validation = fractions(args)
    prefix = args["features_prefix"].strip("/")
    base = "/".join(part for part in (f"s3://{args['features_bucket']}", prefix) if part)

    spark_context = SparkContext.getOrCreate()
    spark_context._jsc.hadoopConfiguration().set("mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
    glue_context = GlueContext(spark_context)
    spark = glue_context.spark_session
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)

    customers = spark.table(f"`{args['curated_database']}`.`{args['curated_table']}`")
    customers.createOrReplaceTempView("customers")
    spark.createDataFrame([(train, validation)], "train_fraction DOUBLE, validation_fraction DOUBLE") \
        .createOrReplaceTempView("split_config")

    features = spark.sql(read_sql(args["sql_features"])).persist()
    columns = features.columns
    if columns[0] != LABEL or columns[-1] != SPLIT:
        raise ValueError(f"features.sql must return {LABEL} first and {SPLIT} last; it returns {columns}")
    feature_columns = columns[1:-1]
    counts = {row[SPLIT]: row["count"] for row in features.groupBy(SPLIT).count().collect()}
    counts = {split: counts.get(split, 0) for split in SPLITS}
    log("features", customers=customers.count(), labelled=sum(counts.values()), rows_by_split=counts,
        columns=len(columns))
    empty = [split for split in SPLITS if counts[split] == 0]
    if empty:
        raise ValueError(f"empty split(s) {empty}: {counts}; need more labelled customers or other fractions")

    for split in SPLITS:
        (features.where(F.col(SPLIT) == split).drop(SPLIT).coalesce(1)
            .write.mode("overwrite").option("header", "false").csv(f"{base}/{split}/"))
    (features.where(F.col(SPLIT) == "train").drop(LABEL, SPLIT).coalesce(1)
        .write.mode("overwrite").option("header", "true").csv(f"{base}/baseline/"))

    curated_types = {field.name: field.dataType.typeName() for field in customers.schema.fields}
    manifest = {
        "label": LABEL,
        "columns": [describe(column, curated_types) for column in feature_columns],
        "split": {
            "method": "bucket = first 3 hex digits of md5(customer_id); train if bucket < train_fraction * 4096, "
                      "validation if bucket < (train_fraction + validation_fraction) * 4096, else test",
            "buckets": SPLIT_BUCKETS,
            "train_fraction": train,
            "validation_fraction": validation,
        },
        "rows": counts,
        "source": f"{args['curated_database']}.{args['curated_table']}",
        "job_run_id": run_id,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    boto3.client("s3").put_object(
        Bucket=args["features_bucket"],
        Key="/".join(part for part in (prefix, "manifest.json") if part),
        Body=json.dumps(manifest, indent=2).encode("utf-8"),
        ContentType="application/json",
    )
    log("done", written=counts, location=base)
    job.commit()


if __name__ == "__main__":
    main()
