"""The Glue entry glue/jobs/curate.py, run by its main() on local Spark against stand-ins for the
awsglue API and boto3 (glue/tests/fakes/, on sys.path only here): the argument handling, the S3
paths it reads and writes, the catalog's partition statements, the bookmarks and the commit.

s3://<bucket>/<key> is <tmp>/<bucket>/<key> for the stand-ins and for Spark alike: Hadoop's
ViewFileSystemOverloadScheme serves the s3 scheme from a local folder per bucket, so the entry
runs with the same s3:// URLs it gets in Glue.
"""

import importlib
import os
import shutil
import sys

import pytest

from raw_zone import SQL_DIR, csv_rows, write_raw_zone

FAKES = os.path.join(os.path.dirname(__file__), "fakes")
BUCKETS = {"raw": "raw-bucket", "curated": "curated-bucket", "assets": "asset-bucket"}
ARGS = {
    "JOB_NAME": "curate-job",
    "raw_bucket": BUCKETS["raw"],
    "curated_bucket": BUCKETS["curated"],
    "raw_database": "raw_db",
    "stream_table": "churn_stream",
    "batch_table": "churn_batch",
    "curated_database": "curated_db",
    "curated_table": "customers",
    "sql_validated": f"s3://{BUCKETS['assets']}/abc123.sql",
    "sql_quarantine": f"s3://{BUCKETS['assets']}/def456.sql",
    "sql_customers": f"s3://{BUCKETS['assets']}/0a1b2c.sql",
    "quarantine_prefix": "quarantine/",
}
SQL_ASSETS = {"sql_validated": "curate_validated.sql", "sql_quarantine": "curate_quarantine.sql",
              "sql_customers": "curate_customers.sql"}


@pytest.fixture
def glue(spark, tmp_path, monkeypatch):
    """The stand-ins on sys.path, a lake of three buckets under tmp_path, Spark's s3:// served from
    it, the catalog's tables, and the entry module imported against the stand-ins."""
    monkeypatch.syspath_prepend(FAKES)
    for name in ("awsglue", "awsglue.context", "awsglue.job", "awsglue.utils", "boto3", "fake_aws", "curate"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    fake_aws = importlib.import_module("fake_aws")
    root = str(tmp_path / "s3")
    fake_aws.reset(root)

    # Spark's own configuration, and the copy its catalog took when it was first used (by an
    # earlier test, maybe), which creates the partition folders of ALTER TABLE ADD PARTITION.
    confs = [spark.sparkContext._jsc.hadoopConfiguration(), spark._jsparkSession.sharedState().hadoopConf()]
    settings = {"fs.s3.impl": "org.apache.hadoop.fs.viewfs.ViewFileSystemOverloadScheme",
                "fs.s3.impl.disable.cache": "true"}
    for bucket in BUCKETS.values():
        os.makedirs(os.path.join(root, bucket))
        settings[f"fs.viewfs.mounttable.{bucket}.linkFallback"] = f"file://{root}/{bucket}"
    old = [{name: conf.get(name) for name in settings} for conf in confs]
    for conf in confs:
        for name, value in settings.items():
            conf.set(name, value)

    for argument, file in SQL_ASSETS.items():
        shutil.copy(os.path.join(SQL_DIR, file), fake_aws.local(ARGS[argument]))
    written = write_raw_zone(root, [
        {"as": "stream", "dir": f"{BUCKETS['raw']}/stream", "seed": 1, "count": 300,
         "start": "2026-01-31T23:40:00Z", "dirt": "default", "name": "churn-1", "ingestTime": "2026-02-01T01:00:00.000Z"},
        {"as": "batch", "dir": f"{BUCKETS['raw']}/batch", "seed": 2, "count": 200,
         "start": "2026-01-31T23:40:00Z", "dirt": "default", "name": "upload-1"},
        {"as": "batch", "dir": "later", "seed": 3, "count": 250, "start": "2026-03-01T00:00:00Z",
         "dirt": "none", "name": "upload-2"},
    ])
    fields, _ = csv_rows(os.path.join(root, BUCKETS["raw"], "batch", "upload-1.csv"))
    fake_aws.tables.update({
        ("raw_db", "churn_stream"): {"StorageDescriptor": {"Location": f"s3://{BUCKETS['raw']}/stream/"}},
        ("raw_db", "churn_batch"): {
            "Parameters": {"classification": "csv"},
            "StorageDescriptor": {"Location": f"s3://{BUCKETS['raw']}/batch/",
                                  "Columns": [{"Name": name, "Type": "string"} for name in fields]},
        },
        ("curated_db", "customers"): {"StorageDescriptor": {"Location": f"s3://{BUCKETS['curated']}/customers"}},
    })
    # The curated table in Spark's catalog, as the CDK defines it in the Data Catalog.
    spark.sql("CREATE DATABASE IF NOT EXISTS curated_db")
    spark.sql("DROP TABLE IF EXISTS curated_db.customers")
    spark.sql(f"""CREATE TABLE curated_db.customers ({curated_columns()}, snapshot_month STRING)
        USING parquet PARTITIONED BY (snapshot_month) LOCATION 's3://{BUCKETS['curated']}/customers/'""")

    curate = importlib.import_module("curate")
    yield {"curate": curate, "fake": fake_aws, "root": root, "written": written}

    spark.sql("DROP TABLE IF EXISTS curated_db.customers")
    for conf, values in zip(confs, old):
        for name, value in values.items():
            conf.unset(name) if value is None else conf.set(name, value)


def curated_columns():
    """The curated table's columns but the partition, as curate_customers.sql outputs them."""
    fields = {
        "customer_id": "STRING", "event_time": "TIMESTAMP", "state": "STRING", "account_length": "INT",
        "area_code": "STRING", "international_plan": "BOOLEAN", "voice_mail_plan": "BOOLEAN",
        "voice_mail_messages": "INT",
    }
    for period in ("day", "evening", "night", "international"):
        fields.update({f"{period}_minutes": "DOUBLE", f"{period}_calls": "INT", f"{period}_charge": "DOUBLE"})
    fields.update({"customer_service_calls": "INT", "gender": "STRING", "age": "INT", "churn": "BOOLEAN",
                   "source": "STRING", "ingest_time": "TIMESTAMP", "origin": "STRING"})
    return ", ".join(f"{name} {kind}" for name, kind in fields.items())


def run(glue, monkeypatch, run_id, **overrides):
    """curate.main() with the job's arguments as Glue passes them (--name value), as run `run_id`."""
    args = {**ARGS, **overrides}
    argv = ["curate.py", "--JOB_RUN_ID", run_id]
    for name, value in args.items():
        if value is not None:
            argv += [f"--{name}", value]
    monkeypatch.setattr(sys, "argv", argv)
    glue["fake"].calls.clear()
    glue["curate"].main()
    return glue["fake"].calls


def months_on_disk(glue):
    folder = os.path.join(glue["root"], BUCKETS["curated"], "customers")
    return sorted(
        name for name in os.listdir(folder)
        if name.startswith("snapshot_month=") and any(f.endswith(".parquet") for f in os.listdir(os.path.join(folder, name)))
    )


def partitions(spark):
    return sorted(row[0] for row in spark.sql("SHOW PARTITIONS curated_db.customers").collect())


def test_the_entry_runs_curate_on_glue_stand_ins(spark, glue, monkeypatch, capsys):
    calls = run(glue, monkeypatch, "jr_1")
    what = [call[0] for call in calls]
    assert what[:2] == ["getResolvedOptions", "getResolvedOptions"]  # the job's, then JOB_RUN_ID
    assert ("job.init", "curate-job") in calls
    assert what.count("job.commit") == 1 and what[-1] == "job.commit", "commit last, once"
    assert ("from_options", (f"s3://{BUCKETS['raw']}/stream/",)) in calls
    assert ("from_catalog", "raw_db.churn_batch") in calls
    assert {call[1] for call in calls if call[0] == "s3.get_object"} == {ARGS[a] for a in SQL_ASSETS}
    assert {call[1] for call in calls if call[0] == "resolveChoice"} == {"cast:string"}

    # The table and its catalog: the months written, partitions added at their folders.
    assert months_on_disk(glue) == ["snapshot_month=2026-01", "snapshot_month=2026-02"]
    assert partitions(spark) == ["snapshot_month=2026-01", "snapshot_month=2026-02"]
    location = spark.sql("DESCRIBE FORMATTED curated_db.customers PARTITION (snapshot_month='2026-02')").where(
        "col_name = 'Location'").first()["data_type"]
    assert location.rstrip("/") == f"s3://{BUCKETS['curated']}/customers/snapshot_month=2026-02"
    table = spark.table("curated_db.customers")
    assert table.count() == table.select("customer_id").distinct().count() > 250
    assert not os.path.exists(os.path.join(glue["root"], BUCKETS["curated"], "customers", "_staging"))
    origins = {row[0] for row in table.select("origin").distinct().collect()}
    assert "batch/upload-1.csv" in origins and any(o.startswith("stream/event_date=2026-0") for o in origins)

    # The quarantine, under the prefix and the run id, one JSON Lines file.
    quarantine = os.path.join(glue["root"], BUCKETS["curated"], "quarantine", "run_id=jr_1")
    assert [name for name in os.listdir(quarantine) if name.endswith(".json")]
    log = [line for line in capsys.readouterr().out.splitlines() if line.startswith('{"job": "curate"')]
    assert [line.split('"event": "')[1].split('"')[0] for line in log] == ["read", "quarantined", "done"]

    # Run 2: a later upload of the first 250 customers, every January customer among them.
    shutil.move(os.path.join(glue["root"], "later", "upload-2.csv"),
                os.path.join(glue["root"], BUCKETS["raw"], "batch", "upload-2.csv"))
    before = {row[0] for row in table.select("customer_id").collect()}
    calls = run(glue, monkeypatch, "jr_2")
    assert "read" in capsys.readouterr().out
    assert months_on_disk(glue) == ["snapshot_month=2026-02", "snapshot_month=2026-03"]
    assert partitions(spark) == ["snapshot_month=2026-02", "snapshot_month=2026-03"]
    deleted = [call[1] for call in calls if call[0] == "s3.delete_object"]
    assert deleted and all(url.startswith(f"s3://{BUCKETS['curated']}/customers/snapshot_month=2026-01/") for url in deleted)
    table = spark.table("curated_db.customers")
    assert {row[0] for row in table.select("customer_id").collect()} == before | {f"C{n:07d}" for n in range(1, 251)}
    assert table.count() == table.select("customer_id").distinct().count()
    assert table.where("customer_id <= 'C0000250'").select("snapshot_month").distinct().collect() == [("2026-03",)]
    # The bookmarks: run 2 read only the new upload, so nothing was quarantined (it is clean).
    assert not os.path.exists(os.path.join(glue["root"], BUCKETS["curated"], "quarantine", "run_id=jr_2"))

    # Run 3: nothing new. The job says so, writes nothing, and still commits.
    calls = run(glue, monkeypatch, "jr_3")
    assert "no new records since the last run" in capsys.readouterr().out
    assert [call[0] for call in calls][-1] == "job.commit"
    assert spark.table("curated_db.customers").count() == table.count()


def test_a_missing_argument_stops_the_job_naming_it(spark, glue, monkeypatch):
    with pytest.raises(SystemExit, match="--curated_bucket"):
        run(glue, monkeypatch, "jr_1", curated_bucket=None)
    assert "job.commit" not in [call[0] for call in glue["fake"].calls]


def test_a_table_outside_its_bucket_stops_the_job(spark, glue, monkeypatch):
    glue["fake"].tables[("curated_db", "customers")]["StorageDescriptor"]["Location"] = "s3://elsewhere/customers/"
    with pytest.raises(ValueError, match="not in bucket curated-bucket"):
        run(glue, monkeypatch, "jr_1")
    assert "job.commit" not in [call[0] for call in glue["fake"].calls]
