"""The features job's Glue entry (glue/jobs/features.py) run as Glue would run it, on stand-ins for
awsglue, boto3 and S3 (fakes_features.py): the job arguments, where the files and the manifest
land, the SQL read from its S3 asset, and the job committed only after everything is written."""

import importlib
import json
import os
import re
import sys

import pytest

import features_support  # first: puts glue/jobs/cores on sys.path
import fakes_features

SEED = 4711
COUNT = 1200
BUCKET = "features-bucket"
ASSETS = "assets-bucket"
SQL_KEY = "sql/features.sql"
STATISTICS_SQL_KEY = "sql/baseline_statistics.sql"


@pytest.fixture(scope="module")
def catalog(spark, tmp_path_factory):
    """The curated table as the Data Catalog holds it: a Parquet table partitioned by
    snapshot_month, `curated_db.customers`, at a location of its own."""
    data = features_support.generated(SEED, COUNT)
    location = str(tmp_path_factory.mktemp("curated"))
    customers = features_support.customers_frame(spark, data)
    customers.write.mode("overwrite").partitionBy("snapshot_month").parquet(f"{location}/customers")
    spark.sql(f"CREATE DATABASE IF NOT EXISTS curated_db LOCATION '{location}/db'")
    spark.sql(f"CREATE TABLE curated_db.customers USING parquet LOCATION '{location}/customers'")
    # Its partitions are in the catalog, as the curate job adds them (an unlisted one is not read).
    spark.sql("MSCK REPAIR TABLE curated_db.customers")
    labelled = sum(1 for c in data["customers"] if c["churn"] is not None)
    yield labelled
    spark.sql("DROP DATABASE curated_db CASCADE")


def arguments(**overrides):
    args = {
        "JOB_NAME": "ml-lifecycle-sandbox-features",
        "JOB_RUN_ID": "jr_0123456789",
        "curated_database": "curated_db",
        "curated_table": "customers",
        "features_bucket": BUCKET,
        "features_prefix": "features/",
        "train_fraction": "0.7",
        "validation_fraction": "0.15",
        "sql_features": f"s3://{ASSETS}/{SQL_KEY}",
        "sql_statistics": f"s3://{ASSETS}/{STATISTICS_SQL_KEY}",
        "quarantine_prefix": "quarantine/",
        # Glue passes arguments of its own, which the job must ignore.
        "enable-glue-datacatalog": "true",
        "job-bookmark-option": "job-bookmark-disable",
    }
    args.update(overrides)
    argv = ["features.py"]
    for name, value in args.items():
        if value is not None:
            argv += [f"--{name}", value]
    return argv


def run(spark, root, argv, monkeypatch, calls=None):
    """features.main() with `argv`, on the stand-ins, with features.sql and baseline_statistics.sql
    deployed as their assets;
    returns the calls made to the stand-ins (also added to `calls`, which a failing run keeps)."""
    calls = [] if calls is None else calls
    os.makedirs(os.path.join(root, ASSETS, "sql"), exist_ok=True)
    for key, name in ((SQL_KEY, "features.sql"), (STATISTICS_SQL_KEY, "baseline_statistics.sql")):
        with open(os.path.join(root, ASSETS, key), "w", encoding="utf-8") as file:
            file.write(features_support.read_sql(name))
    monkeypatch.setattr(sys, "argv", argv)
    with fakes_features.installed(spark, root, [BUCKET, ASSETS]) as recorded:
        sys.modules.pop("features", None)
        features = importlib.import_module("features")
        try:
            features.main()
        finally:
            sys.modules.pop("features", None)
            calls.extend(recorded)
    return calls


def visible(directory):
    # The local file system writes hidden .crc files beside each file; S3 does not.
    return sorted(name for name in os.listdir(directory) if not name.startswith("."))


def test_a_run_writes_the_splits_and_the_manifest_under_the_bucket_and_prefix(spark, catalog, tmp_path, monkeypatch):
    root = str(tmp_path)
    calls = run(spark, root, arguments(), monkeypatch)

    features = os.path.join(root, BUCKET, "features")
    assert sorted(os.listdir(features)) == [
        "baseline", "manifest.json", "profile.json", "statistics.json", "test", "train", "validation"]
    for name in ("train", "validation", "test", "baseline"):
        files = visible(os.path.join(features, name))
        assert len(files) == 1 and re.fullmatch(r"part-00000-.*\.csv", files[0]), (name, files)

    with open(os.path.join(features, "manifest.json"), encoding="utf-8") as file:
        manifest = json.load(file)
    assert manifest["source"] == "curated_db.customers"
    assert manifest["job_run_id"] == "jr_0123456789"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["created"])
    assert sum(manifest["rows"].values()) == catalog
    assert manifest["split"]["train_fraction"] == 0.7 and manifest["split"]["validation_fraction"] == 0.15
    with open(os.path.join(features, "train", visible(os.path.join(features, "train"))[0]), encoding="utf-8") as file:
        assert sum(1 for _ in file) == manifest["rows"]["train"]

    assert ("s3.get_object", ASSETS, SQL_KEY) in calls
    assert ("s3.get_object", ASSETS, STATISTICS_SQL_KEY) in calls
    assert ("s3.put_object", BUCKET, "features/manifest.json", "application/json") in calls
    assert ("s3.put_object", BUCKET, "features/statistics.json", "application/json") in calls
    with open(os.path.join(features, "statistics.json"), encoding="utf-8") as file:
        statistics = json.load(file)
    assert statistics["kind"] == "baseline" and statistics["rows"] == manifest["rows"]["train"]
    # The data report's profile: every curated customer; no quarantine yet (its prefix holds nothing).
    assert ("s3.put_object", BUCKET, "features/profile.json", "application/json") in calls
    with open(os.path.join(features, "profile.json"), encoding="utf-8") as file:
        profile = json.load(file)
    assert profile["labelled"] == catalog
    assert profile["quarantine"] == {"rows": 0, "byReason": [], "examples": []}


def test_the_profile_counts_every_quarantined_row_under_the_prefix(spark, catalog, tmp_path, monkeypatch):
    root = str(tmp_path)
    for run_id, rows in (("jr_1", [("out_of_range:age", "batch", "c1"), ("bad_json", "stream", None)]),
                      ("jr_2", [("out_of_range:age", "stream", "c3")])):
        folder = os.path.join(root, BUCKET, "quarantine", f"run_id={run_id}")
        os.makedirs(folder)
        with open(os.path.join(folder, "part-00000.json"), "w", encoding="utf-8") as file:
            for reason, source, customer in rows:
                file.write(json.dumps({"reject_reason": reason, "source": source, "customer_id": customer}) + "\n")
    run(spark, root, arguments(), monkeypatch)
    with open(os.path.join(root, BUCKET, "features", "profile.json"), encoding="utf-8") as file:
        quarantine = json.load(file)["quarantine"]
    assert quarantine["rows"] == 3
    assert {(r["reason"], r["source"], r["rows"]) for r in quarantine["byReason"]} == {
        ("out_of_range:age", "batch", 1), ("out_of_range:age", "stream", 1), ("bad_json", "stream", 1)}


def test_the_job_is_initialised_with_its_arguments_and_committed_last(spark, catalog, tmp_path, monkeypatch):
    calls = run(spark, str(tmp_path), arguments(), monkeypatch)
    names = [call[0] for call in calls]
    init = next(call for call in calls if call[0] == "Job.init")
    assert init[1] == "ml-lifecycle-sandbox-features"
    assert init[2]["features_bucket"] == BUCKET and init[2]["sql_features"] == f"s3://{ASSETS}/{SQL_KEY}"
    assert names.count("Job.commit") == 1 and names[-1] == "Job.commit"
    assert names.index("Job.init") < names.index("s3.get_object") < names.index("s3.put_object")


def test_a_prefix_is_read_without_its_slashes_and_the_run_id_may_be_absent(spark, catalog, tmp_path, monkeypatch):
    root = str(tmp_path)
    calls = run(spark, root, arguments(features_prefix="/ml/features/", JOB_RUN_ID=None), monkeypatch)
    assert visible(os.path.join(root, BUCKET, "ml", "features", "test"))
    assert ("s3.put_object", BUCKET, "ml/features/manifest.json", "application/json") in calls
    with open(os.path.join(root, BUCKET, "ml", "features", "manifest.json"), encoding="utf-8") as file:
        assert json.load(file)["job_run_id"] is None


def test_a_missing_argument_stops_the_run_before_the_job_starts(spark, tmp_path, monkeypatch):
    calls = []
    with pytest.raises(fakes_features.GlueArgumentError, match="--sql_features"):
        run(spark, str(tmp_path), arguments(sql_features=None), monkeypatch, calls)
    assert [call[0] for call in calls] == []


def test_bad_fractions_stop_the_run_before_the_job_starts(spark, tmp_path, monkeypatch):
    calls = []
    with pytest.raises(ValueError, match="leave a test share") as error:
        run(spark, str(tmp_path), arguments(train_fraction="0.9", validation_fraction="0.1"), monkeypatch, calls)
    assert "received 0.9 and 0.1" in str(error.value)
    assert [call[0] for call in calls] == ["getResolvedOptions", "getResolvedOptions"]


def test_a_sql_location_that_is_not_s3_fails_and_nothing_is_committed(spark, catalog, tmp_path, monkeypatch):
    sql = os.path.join(features_support.SQL_DIR, "features.sql")
    calls = []
    with pytest.raises(ValueError, match="must be an s3:// URL"):
        run(spark, str(tmp_path), arguments(sql_features=sql), monkeypatch, calls)
    assert "Job.init" in [call[0] for call in calls] and "Job.commit" not in [call[0] for call in calls]
    assert not os.path.exists(os.path.join(tmp_path, BUCKET, "features"))
