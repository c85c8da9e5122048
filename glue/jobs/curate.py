"""Glue job "curate": raw churn records -> the curated customers table, and a quarantine.

The logic lives in glue/sql (and is tested there, in DuckDB, by test/etl); this driver only reads,
runs the SQL with spark.sql and writes:

1. raw_records: the records new since the last run (job bookmarks), every schema field as STRING,
   plus source, ingest_time and origin (the S3 key of the object, from Glue's attachFilename):
   - stream: the cleaned JSON Lines under the stream table's location, read with from_options on
     that location rather than from_catalog, because the table uses partition projection, which
     only Athena honours: a catalog read would find no partitions. ingest_time is the record's own
     (set by the Firehose cleaner).
   - batch: the CSV files of the batch table, from_catalog (the table is not partitioned).
     ingest_time is the start of this job run: an upload carries no ingest time of its own.
2. validated = curate_validated.sql: every value canonical and typed, or a reject_reason.
3. quarantine = curate_quarantine.sql: the rejected rows with their values as received, as JSON
   Lines (nulls written) under s3://<curated_bucket>/<quarantine_prefix>run_id=<job run id>/.
4. customers = curate_customers.sql over validated and previous_customers (the curated table as it
   stands, read whole, without a bookmark): one row per customer. Written as Parquet (Snappy)
   under the curated table's location, partitioned by snapshot_month, with dynamic partition
   overwrite (only the months in the result are replaced); their partitions are added to the
   catalog. A month the table had but the result has not (every customer in it has a later
   snapshot now) is emptied and its partition dropped, so no customer is left in two months.

Spark runs in UTC (spark.sql.session.timeZone), so the SQL's TIMESTAMPs are UTC. Needs the job
arguments --enable-glue-datacatalog true (the Data Catalog as Spark's metastore, for the curated
table) and --job-bookmark-option job-bookmark-enable.
"""

import json
import sys
from collections import Counter
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
    "raw_bucket",  # the raw zone's bucket: the stream table's location must be in it
    "curated_bucket",  # the curated zone's bucket: the curated table's location must be in it
    "raw_database",
    "stream_table",  # churn_stream: cleaned JSON Lines (its location is read)
    "batch_table",  # churn_batch: CSV uploads, every column a string (its columns are the schema's fields)
    "curated_database",
    "curated_table",  # customers: Parquet, partitioned by snapshot_month
    "sql_validated",  # s3:// URL of glue/sql/curate_validated.sql (a CDK asset)
    "sql_quarantine",  # s3:// URL of glue/sql/curate_quarantine.sql (a CDK asset)
    "sql_customers",  # s3:// URL of glue/sql/curate_customers.sql (a CDK asset)
    "quarantine_prefix",  # key prefix in curated_bucket, e.g. quarantine/
]
PARTITION = "snapshot_month"
SOURCE_FILE = "_source_file"  # the column Glue's attachFilename option fills


def log(event, **fields):
    """One JSON line in the job's output log."""
    print(json.dumps({"job": "curate", "event": event, **fields}, default=str), flush=True)


def read_sql(sql_url):
    """The text of one SQL file, deployed by the CDK as an asset at `sql_url`."""
    url = urlparse(sql_url)
    if url.scheme != "s3":
        raise ValueError(f"a SQL location must be an s3:// URL; received {sql_url!r}")
    body = boto3.client("s3").get_object(Bucket=url.netloc, Key=url.path.lstrip("/"))["Body"]
    return body.read().decode("utf-8")


def table_location(glue, database, table, bucket):
    """The S3 location of a catalog table, which must lie in `bucket`; always ends with '/'."""
    location = glue.get_table(DatabaseName=database, Name=table)["Table"]["StorageDescriptor"]["Location"]
    if urlparse(location).netloc != bucket:
        raise ValueError(f"table {database}.{table} is at {location}, not in bucket {bucket}")
    return location.rstrip("/") + "/"


def raw_records(frame, fields, source, ingest_time=None):
    """The rows of a DynamicFrame as raw_records: every schema field as STRING (NULL where the data
    has no such column), source, ingest_time (the data's own column when `ingest_time` is None,
    else that literal) and origin (the S3 key of the object)."""
    df = frame.resolveChoice(choice="cast:string").toDF()
    present = set(df.columns)

    def text(name):
        return F.col(name).cast("string") if name in present else F.lit(None).cast("string")

    return df.select(
        *[text(name).alias(name) for name in fields],
        F.lit(source).alias("source"),
        (text("ingest_time") if ingest_time is None else F.lit(ingest_time)).alias("ingest_time"),
        F.regexp_replace(text(SOURCE_FILE), "^s3a?://[^/]+/", "").alias("origin"),
    )


def delete_prefix(bucket, prefix):
    s3 = boto3.client("s3")
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})


def main():
    args = getResolvedOptions(sys.argv, ARGUMENTS)
    run_id = getResolvedOptions(sys.argv, ["JOB_RUN_ID"])["JOB_RUN_ID"] if "--JOB_RUN_ID" in sys.argv else None
    started = datetime.now(timezone.utc)
    run_id = run_id or started.strftime("%Y%m%dT%H%M%SZ")
    started_iso = started.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    glue_context = GlueContext(SparkContext.getOrCreate())
    spark = glue_context.spark_session
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dynamic")
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)

    glue = boto3.client("glue")
    stream_location = table_location(glue, args["raw_database"], args["stream_table"], args["raw_bucket"])
    batch = glue.get_table(DatabaseName=args["raw_database"], Name=args["batch_table"])["Table"]
    fields = [column["Name"] for column in batch["StorageDescriptor"]["Columns"]]
    curated = f"`{args['curated_database']}`.`{args['curated_table']}`"
    curated_location = table_location(glue, args["curated_database"], args["curated_table"], args["curated_bucket"])

    stream = glue_context.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={"paths": [stream_location], "recurse": True, "attachFilename": SOURCE_FILE},
        format="json",
        transformation_ctx="stream",
    )
    uploads = glue_context.create_dynamic_frame.from_catalog(
        database=args["raw_database"],
        table_name=args["batch_table"],
        additional_options={"attachFilename": SOURCE_FILE},
        transformation_ctx="batch",
    )
    raw = raw_records(stream, fields, "stream").unionByName(raw_records(uploads, fields, "batch", started_iso))
    raw.createOrReplaceTempView("raw_records")

    validated = spark.sql(read_sql(args["sql_validated"])).persist()
    validated.createOrReplaceTempView("validated")
    counts = validated.groupBy("source", "reject_reason").count().collect()
    read_by_source = Counter()
    rejected_by_reason = Counter()
    for row in counts:
        read_by_source[row["source"]] += row["count"]
        if row["reject_reason"] is not None:
            rejected_by_reason[row["reject_reason"]] += row["count"]
    read = sum(read_by_source.values())
    rejected = sum(rejected_by_reason.values())
    log("read", read=read, read_by_source=read_by_source, valid=read - rejected, rejected=rejected,
        rejected_by_reason=rejected_by_reason)
    if read == 0:
        log("done", written=0, note="no new records since the last run")
        job.commit()
        return

    if rejected > 0:
        prefix = "/".join(part for part in (args["quarantine_prefix"].strip("/"), f"run_id={run_id}") if part)
        quarantine_uri = f"s3://{args['curated_bucket']}/{prefix}/"
        quarantine = spark.sql(read_sql(args["sql_quarantine"]))
        quarantine.coalesce(1).write.mode("overwrite").option("ignoreNullFields", "false").json(quarantine_uri)
        log("quarantined", rows=rejected, location=quarantine_uri)

    previous = spark.table(curated)
    previous.createOrReplaceTempView("previous_customers")
    previous_count = previous.count()
    previous_months = {row[PARTITION] for row in previous.select(PARTITION).distinct().collect()}
    customers = spark.sql(read_sql(args["sql_customers"])).persist()
    written = customers.count()
    months = sorted(row[PARTITION] for row in customers.select(PARTITION).distinct().collect())

    # One file per month: the table is small; a month is rewritten only when it is in the result.
    (customers.repartition(PARTITION).write.mode("overwrite").partitionBy(PARTITION)
        .option("compression", "snappy").parquet(curated_location))
    for month in months:
        spark.sql(f"ALTER TABLE {curated} ADD IF NOT EXISTS PARTITION ({PARTITION} = '{month}') "
                  f"LOCATION '{curated_location}{PARTITION}={month}/'")
    emptied = sorted(previous_months - set(months))
    curated_key = urlparse(curated_location).path.lstrip("/")
    for month in emptied:
        delete_prefix(args["curated_bucket"], f"{curated_key}{PARTITION}={month}/")
        spark.sql(f"ALTER TABLE {curated} DROP IF EXISTS PARTITION ({PARTITION} = '{month}')")

    log("done", written=written, previous_customers=previous_count, months_written=months,
        months_emptied=emptied, location=curated_location)
    job.commit()


if __name__ == "__main__":
    main()
