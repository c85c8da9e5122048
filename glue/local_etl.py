"""The two Glue jobs, curate then features, on this machine: the same PySpark cores and SQL files
the jobs run in Glue, on a local Spark (Glue 5.0's version), with folders in place of S3 and the
Data Catalog. Used by `npm run local` and by the parity test.

  .venv/bin/python glue/local_etl.py --raw DIR --curated DIR --features DIR [--run-id ID]
      [--train-fraction 0.7] [--validation-fraction 0.15] [--sql-dir glue/sql]

--raw holds what the raw zone holds: stream/ (the cleaned JSON Lines, gzipped, under
event_date=YYYY-MM-DD/, as Firehose writes them) and batch/ (CSV uploads with a header). It writes

  <curated>/customers/snapshot_month=YYYY-MM/   the curated table (Parquet), merged with what is there
  <curated>/quarantine/run_id=<run id>/         the rejected rows of this run, as received
  <features>/train/ validation/ test/ baseline/ the training data (CSV), as the features job writes it
  <features>/manifest.json                      its manifest
  <features>/statistics.json                    the training split's statistics (the drift baseline)
  <features>/profile.json                       the data report's profile of the curated customers
                                                and of every quarantined row (profile_core.py)

and prints one JSON line per stage with its counts (--ingest-time fixes the uploads' ingest time,
for a reproducible run). Bad arguments (a missing folder, a fraction out
of range) exit with status 2 and a usage message before Spark starts.
"""

import argparse
import csv
import json
import os
import sys
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "jobs", "cores"))

import features_core  # noqa: E402 (after its folder is on the path, as --extra-py-files puts it in Glue)
import profile_core  # noqa: E402

CURATE_SQL = {"validated": "curate_validated.sql", "quarantine": "curate_quarantine.sql",
              "customers": "curate_customers.sql"}
FEATURES_SQL = "features.sql"
STATISTICS_SQL = "baseline_statistics.sql"


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The options, checked: an error exits with status 2 and the usage (argparse's convention)."""
    parser = argparse.ArgumentParser(
        prog="local_etl.py", description="Run the curate and features jobs' cores on local Spark.")
    parser.add_argument("--raw", required=True, help="the raw zone: stream/ and batch/")
    parser.add_argument("--curated", required=True, help="the curated zone: customers/ and quarantine/ (written)")
    parser.add_argument("--features", required=True, help="the features location (written)")
    parser.add_argument("--run-id", help="the run's id, naming its quarantine folder (default: the start time)")
    parser.add_argument("--ingest-time", help="the uploads' ingest time, ISO 8601 in UTC (default: the start time)")
    parser.add_argument("--train-fraction", type=float, default=0.7)
    parser.add_argument("--validation-fraction", type=float, default=0.15)
    parser.add_argument("--sql-dir", default=os.path.join(HERE, "sql"), help="the SQL files (default: glue/sql)")
    options = parser.parse_args(argv)
    for name in ("raw", "sql_dir"):
        if not os.path.isdir(getattr(options, name)):
            parser.error(f"--{name.replace('_', '-')} {getattr(options, name)} is not a directory")
    missing = [f for f in (*CURATE_SQL.values(), FEATURES_SQL, STATISTICS_SQL) if not os.path.isfile(os.path.join(options.sql_dir, f))]
    if missing:
        parser.error(f"--sql-dir {options.sql_dir} lacks {', '.join(missing)}")
    try:
        features_core.check_fractions(options.train_fraction, options.validation_fraction)
    except ValueError as error:
        parser.error(str(error))
    return options


def read_sql(sql_dir: str, name: str) -> str:
    with open(os.path.join(sql_dir, name), encoding="utf-8") as file:
        return file.read()


def report(stage: str, **fields) -> None:
    """One JSON line per stage on stdout (Spark's own logging goes to stderr)."""
    print(json.dumps({"stage": stage, **fields}, default=str), flush=True)


def curate_stage(spark, options, run_id: str, ingest_time: str) -> dict:
    """The curate job's core, as the Glue entry (glue/jobs/curate.py) drives it, with folders in
    place of S3 and the catalog: raw stream/ and batch/ -> curated customers/ (merged with what is
    there, emptied months removed) and quarantine/run_id=<run id>/. Returns the counts."""
    import curate_core as core

    sql = {key: read_sql(options.sql_dir, name) for key, name in CURATE_SQL.items()}
    raw_dir = os.path.abspath(options.raw)
    root = f"file://{raw_dir}/"
    stream_dir, batch_dir = os.path.join(raw_dir, "stream"), os.path.join(raw_dir, "batch")
    uploads = sorted(name for name in os.listdir(batch_dir) if not name.startswith((".", "_"))) \
        if os.path.isdir(batch_dir) else []
    if not uploads:
        raise ValueError(f"{batch_dir} holds no CSV upload, whose header names the schema's fields")
    # The batch table's columns are the schema's fields; here, an upload's header names them.
    with open(os.path.join(batch_dir, uploads[0]), encoding="utf-8") as file:
        fields = next(csv.reader(file))
    raw = core.raw_records(core.read_batch(spark, batch_dir), fields, "batch", ingest_time, root)
    if os.path.isdir(stream_dir) and any(os.scandir(stream_dir)):
        raw = core.raw_records(core.read_stream(spark, stream_dir), fields, "stream", None, root).unionByName(raw)

    validated, counts = core.validate(spark, raw, sql["validated"])
    quarantine_dir = os.path.join(os.path.abspath(options.curated), "quarantine", f"run_id={run_id}")
    if counts.rejected > 0:
        core.write_quarantine(core.quarantine(spark, sql["quarantine"]), quarantine_dir)

    customers_dir = os.path.join(os.path.abspath(options.curated), "customers")
    previous = core.read_customers(spark, customers_dir, core.empty_customers(validated).schema)
    previous_months = core.months_of(previous)
    written = core.write_customers(spark, core.merge_customers(spark, previous, sql["customers"]), customers_dir)
    emptied = core.months_to_empty(previous_months, written.months)
    for month in emptied:
        core.delete_path(spark, core.partition_location(customers_dir, month))
    validated.unpersist()
    return {
        "read": counts.read,
        "read_by_source": dict(counts.read_by_source),
        "rejected": counts.rejected,
        "rejected_by_reason": dict(counts.rejected_by_reason),
        "written": written.rows,
        "months_written": written.months,
        "months_emptied": emptied,
    }


def features_stage(spark, customers_path: str, features_path: str, train_fraction: float,
                   validation_fraction: float, sql: str, run_id: str, statistics_sql: str,
                   quarantine_path: str | None = None) -> dict:
    """The features job's core on the curated table at `customers_path` (Parquet, partitioned by
    snapshot_month), writing the splits, the baseline, manifest.json, statistics.json and
    profile.json (with the quarantine at `quarantine_path`, JSON Lines, when there is one) under
    `features_path`; returns the rows per split."""
    customers = spark.read.parquet(customers_path)
    features = features_core.build_features(spark, customers, train_fraction, validation_fraction, sql)
    features_core.write_features(spark, features.frame, features_path)
    manifest = {
        **features.manifest,
        "source": customers_path,
        "job_run_id": run_id,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    statistics = features_core.baseline_statistics(spark, features.frame, statistics_sql)
    quarantine = spark.read.json(quarantine_path) if quarantine_path and os.path.isdir(quarantine_path) else None
    profile = profile_core.data_profile(customers, quarantine)
    for name, document in (("manifest.json", manifest), (features_core.STATISTICS_FILE, statistics),
                           (profile_core.PROFILE_FILE, profile)):
        with open(os.path.join(features_path, name), "w", encoding="utf-8") as file:
            json.dump(document, file, indent=2)
    features.frame.unpersist()
    return features.counts


def session():
    """Local Spark as the jobs run it: UTC, two threads (the machine is shared), small shuffles."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("ml-lifecycle-cdk-local-etl")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")  # stderr is for errors: npm run local shows them
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def main(argv: list[str], spark=None) -> int:
    """Runs both stages; `spark` is an existing session (a test's), else one is started and stopped."""
    options = parse_arguments(argv)
    started = datetime.now(timezone.utc)
    run_id = options.run_id or started.strftime("%Y%m%dT%H%M%SZ")
    ingest_time = options.ingest_time or started.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    own = spark is None
    spark = session() if own else spark
    try:
        counts = curate_stage(spark, options, run_id, ingest_time)
        report("curate", run_id=run_id, **counts, location=options.curated)
        rows = features_stage(
            spark,
            os.path.join(options.curated, "customers"),
            options.features,
            options.train_fraction,
            options.validation_fraction,
            read_sql(options.sql_dir, FEATURES_SQL),
            run_id,
            read_sql(options.sql_dir, STATISTICS_SQL),
            os.path.join(options.curated, "quarantine"),
        )
        report("features", rows=rows, labelled=sum(rows.values()), location=options.features)
    finally:
        if own:
            spark.stop()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except ValueError as error:  # the data cannot make features (an empty split, ...): no traceback
        print(f"local_etl.py: error: {error}", file=sys.stderr)
        sys.exit(1)
