"""Glue job "curate": raw churn records -> the curated customers table, and a quarantine.

The work is in cores/curate_core.py (plain PySpark, tested on local Spark by
glue/tests/test_curate_core.py) and the SQL it runs in glue/sql (tested in DuckDB by test/etl).
This entry is what only Glue has: the job arguments, the GlueContext and its bookmarked
DynamicFrames, the Data Catalog and S3. Glue ships the cores beside it (--extra-py-files, a zip
of glue/jobs/cores/), so they import as top-level modules. It runs, in a test, against stand-ins
for the awsglue API and boto3 (glue/tests/test_curate_entry.py).

1. raw_records: the records new since the last run (job bookmarks), from
   - the stream: the cleaned JSON Lines under the stream table's location, read with from_options
     on that location rather than from_catalog, because the table uses partition projection,
     which only Athena honours: a catalog read would find no partitions;
   - the batch: the CSV files of the batch table, from_catalog (the table is not partitioned);
     ingest_time is the start of this job run: an upload carries no ingest time of its own.
   Glue's attachFilename names each row's object, which becomes origin.
2. validated, with counts by source and reject reason, logged.
3. quarantine: the rejected rows, values as received, as JSON Lines (nulls written) under
   s3://<curated_bucket>/<quarantine_prefix>run_id=<job run id>/.
4. customers: merged with the curated table as it stands (read whole, through the catalog,
   without a bookmark), written back under its location (staged first: the table is its own
   input; see curate_core.write_customers), partitioned by snapshot_month with dynamic partition
   overwrite. The months written are added to the catalog; a month the table had and the result
   has not is emptied on S3 and its partition dropped, so no customer is left in two months.
5. job.commit(): the bookmarks move past what this run read, only once everything is written.

Spark runs in UTC (spark.sql.session.timeZone), so the SQL's TIMESTAMPs are UTC. Needs the job
arguments --enable-glue-datacatalog true (the Data Catalog as Spark's metastore, for the curated
table) and --job-bookmark-option job-bookmark-enable.
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

import curate_core as core

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


def log(event, **fields):
    """One JSON line in the job's output log."""
    print(json.dumps({"job": "curate", "event": event, **fields}, default=str), flush=True)


def read_sql(s3, sql_url):
    """The text of one SQL file, deployed by the CDK as an asset at `sql_url`."""
    url = urlparse(sql_url)
    if url.scheme != "s3":
        raise ValueError(f"a SQL location must be an s3:// URL; received {sql_url!r}")
    body = s3.get_object(Bucket=url.netloc, Key=url.path.lstrip("/"))["Body"]
    return body.read().decode("utf-8")


def table_location(glue, database, table, bucket):
    """The S3 location of a catalog table, which must lie in `bucket`; always ends with '/'."""
    location = glue.get_table(DatabaseName=database, Name=table)["Table"]["StorageDescriptor"]["Location"]
    if urlparse(location).scheme not in ("s3", "s3a") or urlparse(location).netloc != bucket:
        raise ValueError(f"table {database}.{table} is at {location}, not in bucket {bucket}")
    return location.rstrip("/") + "/"


def delete_prefix(s3, bucket, prefix):
    """Deletes every object under `prefix`: an emptied month of the curated table."""
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
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)

    glue = boto3.client("glue")
    s3 = boto3.client("s3")
    stream_location = table_location(glue, args["raw_database"], args["stream_table"], args["raw_bucket"])
    batch = glue.get_table(DatabaseName=args["raw_database"], Name=args["batch_table"])["Table"]
    fields = [column["Name"] for column in batch["StorageDescriptor"]["Columns"]]
    curated = f"`{args['curated_database']}`.`{args['curated_table']}`"
    curated_location = table_location(glue, args["curated_database"], args["curated_table"], args["curated_bucket"])

    stream = glue_context.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={"paths": [stream_location], "recurse": True, "attachFilename": core.SOURCE_FILE},
        format="json",
        transformation_ctx="stream",
    )
    uploads = glue_context.create_dynamic_frame.from_catalog(
        database=args["raw_database"],
        table_name=args["batch_table"],
        additional_options={"attachFilename": core.SOURCE_FILE},
        transformation_ctx="batch",
    )
    raw = core.raw_records(stream.resolveChoice(choice="cast:string").toDF(), fields, "stream").unionByName(
        core.raw_records(uploads.resolveChoice(choice="cast:string").toDF(), fields, "batch", started_iso)
    )

    validated, counts = core.validate(spark, raw, read_sql(s3, args["sql_validated"]))
    log("read", read=counts.read, read_by_source=counts.read_by_source, valid=counts.read - counts.rejected,
        rejected=counts.rejected, rejected_by_reason=counts.rejected_by_reason)
    if counts.read == 0:
        log("done", written=0, note="no new records since the last run")
        job.commit()
        return

    if counts.rejected > 0:
        prefix = "/".join(part for part in (args["quarantine_prefix"].strip("/"), f"run_id={run_id}") if part)
        quarantine_uri = f"s3://{args['curated_bucket']}/{prefix}/"
        core.write_quarantine(core.quarantine(spark, read_sql(s3, args["sql_quarantine"])), quarantine_uri)
        log("quarantined", rows=counts.rejected, location=quarantine_uri)

    previous = spark.table(curated)
    previous_count = previous.count()
    previous_months = core.months_of(previous)
    customers = core.merge_customers(spark, previous, read_sql(s3, args["sql_customers"]))
    written = core.write_customers(spark, customers, curated_location)
    for month in written.months:
        spark.sql(f"ALTER TABLE {curated} ADD IF NOT EXISTS PARTITION ({core.PARTITION} = '{month}') "
                  f"LOCATION '{core.partition_location(curated_location, month)}'")
    emptied = core.months_to_empty(previous_months, written.months)
    for month in emptied:
        delete_prefix(s3, args["curated_bucket"], urlparse(core.partition_location(curated_location, month)).path.lstrip("/"))
        spark.sql(f"ALTER TABLE {curated} DROP IF EXISTS PARTITION ({core.PARTITION} = '{month}')")

    log("done", written=written.rows, previous_customers=previous_count, months_written=written.months,
        months_emptied=emptied, location=curated_location)
    job.commit()


if __name__ == "__main__":
    main()
