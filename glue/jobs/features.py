"""Glue job "features": the curated customers -> training data for the built-in XGBoost algorithm.

The thin Glue entry of the job: it reads the job arguments, starts the GlueContext and the job,
reads the curated table from the Data Catalog and the SQL from S3, hands them to the PySpark core
(glue/jobs/cores/features_core.py: runs features.sql, checks and counts the splits, describes the
columns, writes the files), puts the manifest to S3 and commits the job. Only this file imports
awsglue and boto3; the core runs the same on a laptop (pytest, glue/local_etl.py).

It reads the whole curated table (no bookmark: every run rebuilds the splits from all customers;
the split of a customer depends on its id alone, so it never moves between runs) and writes under
s3://<features_bucket>/<features_prefix>/:

  train/ validation/ test/  CSV without header, the label first (features_core)
  baseline/                 the training rows with a header, without the label (features_core)
  manifest.json             the label, the feature columns in order with their encodings (read
                            from the DataFrame's columns and the curated table's types), the
                            split fractions and the row counts, the source table, the job run
                            and when it was written
  statistics.json           the training split's statistics document (baseline_statistics.sql,
                            assembled by features_core): the drift monitor's baseline
  profile.json              the data report's profile of the curated customers and of every row
                            the curate job has quarantined under quarantine_prefix (profile_core)

The core is imported as a top-level module: the job ships glue/jobs/cores/ with --extra-py-files.
Needs the job argument --enable-glue-datacatalog true (the Data Catalog as Spark's metastore).
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

import features_core
import profile_core
from pyspark.sql.utils import AnalysisException

ARGUMENTS = [
    "JOB_NAME",
    "curated_database",
    "curated_table",  # customers: the curate job's output
    "features_bucket",
    "features_prefix",  # key prefix in features_bucket, e.g. features/
    "train_fraction",  # e.g. 0.7
    "validation_fraction",  # e.g. 0.15; test gets the rest
    "sql_features",  # s3:// URL of glue/sql/features.sql (a CDK asset)
    "sql_statistics",  # s3:// URL of glue/sql/baseline_statistics.sql (a CDK asset)
    "quarantine_prefix",  # key prefix in features_bucket of the curate job's quarantine, e.g. quarantine/
]


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


def read_quarantine(spark, bucket, prefix):
    """Every row the curate job has quarantined (JSON Lines under <prefix>run_id=<run>/), or None
    when it has quarantined none yet (the prefix holds no object)."""
    try:
        return spark.read.json(f"s3://{bucket}/{prefix.strip('/')}/")
    except AnalysisException as error:
        if "PATH_NOT_FOUND" in str(error) or "Path does not exist" in str(error):
            return None
        raise


def main():
    args = getResolvedOptions(sys.argv, ARGUMENTS)
    run_id = getResolvedOptions(sys.argv, ["JOB_RUN_ID"])["JOB_RUN_ID"] if "--JOB_RUN_ID" in sys.argv else None
    # Checked before Spark starts, so a bad argument fails the run in seconds.
    train, validation = features_core.check_fractions(args["train_fraction"], args["validation_fraction"])
    prefix = args["features_prefix"].strip("/")
    base = "/".join(part for part in (f"s3://{args['features_bucket']}", prefix) if part)

    glue_context = GlueContext(SparkContext.getOrCreate())
    spark = glue_context.spark_session
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)

    customers = spark.table(f"`{args['curated_database']}`.`{args['curated_table']}`")
    features = features_core.build_features(spark, customers, train, validation, read_sql(args["sql_features"]))
    log("features", customers=customers.count(), labelled=sum(features.counts.values()),
        rows_by_split=features.counts, columns=len(features.frame.columns))
    features_core.write_features(spark, features.frame, base)
    statistics = features_core.baseline_statistics(spark, features.frame, read_sql(args["sql_statistics"]))

    manifest = {
        **features.manifest,
        "source": f"{args['curated_database']}.{args['curated_table']}",
        "job_run_id": run_id,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    profile = profile_core.data_profile(customers, read_quarantine(spark, args["features_bucket"],
                                                                   args["quarantine_prefix"]))
    for name, document in (("manifest.json", manifest), (features_core.STATISTICS_FILE, statistics),
                           (profile_core.PROFILE_FILE, profile)):
        boto3.client("s3").put_object(
            Bucket=args["features_bucket"],
            Key="/".join(part for part in (prefix, name) if part),
            Body=json.dumps(document, indent=2).encode("utf-8"),
            ContentType="application/json",
        )
    log("done", written=features.counts, location=base)
    job.commit()


if __name__ == "__main__":
    main()
