"""The local ETL runner (glue/local_etl.py): its argument checks (exit status 2 and a usage message
before Spark starts), its features half on a curated table prepared here, and its wiring of the
curate core (through a stand-in with the interface the runner calls: see curate_stage)."""

import json
import os
import subprocess
import sys

import pytest

import features_support  # first: puts glue/ and glue/jobs/cores on sys.path
import local_etl

SEED = 4711
COUNT = 1200


@pytest.fixture(scope="module")
def data():
    return features_support.generated(SEED, COUNT)


@pytest.fixture(scope="module")
def customers(spark, data):
    return features_support.customers_frame(spark, data).persist()


@pytest.fixture
def raw(tmp_path):
    for folder in ("stream", "batch"):
        os.makedirs(tmp_path / "raw" / folder)
    return str(tmp_path / "raw")


def write_curated(customers, path):
    """The curated table as the curate job leaves it: Parquet partitioned by snapshot_month."""
    customers.write.mode("overwrite").partitionBy("snapshot_month").parquet(path)


# --- arguments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--raw": "/nonexistent/raw"}, "--raw /nonexistent/raw is not a directory"),
        ({"--sql-dir": "/nonexistent/sql"}, "--sql-dir /nonexistent/sql is not a directory"),
        ({"--train-fraction": "1.5"}, "must each lie in (0, 1)"),
        ({"--validation-fraction": "0.3"}, "leave a test share (sum < 1); received 0.7 and 0.3"),
        ({"--train-fraction": "seventy"}, "invalid float value: 'seventy'"),
        ({"--features": None}, "the following arguments are required: --features"),
    ],
)
def test_bad_arguments_exit_2_with_the_usage_and_what_is_wrong(raw, tmp_path, capsys, change, message):
    options = {"--raw": raw, "--curated": str(tmp_path / "curated"), "--features": str(tmp_path / "features")}
    options.update(change)
    argv = [part for name, value in options.items() if value is not None for part in (name, value)]
    with pytest.raises(SystemExit) as stopped:
        local_etl.parse_arguments(argv)
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("usage: local_etl.py") and message in error


def test_a_sql_dir_without_the_job_files_is_refused(raw, tmp_path, capsys):
    argv = ["--raw", raw, "--curated", str(tmp_path), "--features", str(tmp_path), "--sql-dir", raw]
    with pytest.raises(SystemExit) as stopped:
        local_etl.parse_arguments(argv)
    assert stopped.value.code == 2
    assert ("lacks curate_validated.sql, curate_quarantine.sql, curate_customers.sql, features.sql, "
            "baseline_statistics.sql") in capsys.readouterr().err


def test_the_command_exits_2_on_bad_arguments_without_starting_spark(tmp_path):
    command = [sys.executable, os.path.join(features_support.ROOT, "glue", "local_etl.py"),
               "--raw", str(tmp_path / "absent"), "--curated", str(tmp_path), "--features", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "is not a directory" in result.stderr and result.stdout == ""


# --- the features half -------------------------------------------------------------------------


def test_the_features_stage_writes_the_splits_the_baseline_and_the_manifest(spark, customers, data, tmp_path):
    curated = str(tmp_path / "curated" / "customers")
    write_curated(customers, curated)
    features = str(tmp_path / "features")
    rows = local_etl.features_stage(spark, curated, features, 0.6, 0.2,
                                    features_support.read_sql("features.sql"), "run-1",
                                    features_support.read_sql("baseline_statistics.sql"))

    assert sum(rows.values()) == sum(1 for c in data["customers"] if c["churn"] is not None)
    assert sorted(os.listdir(features)) == [
        "baseline", "manifest.json", "profile.json", "statistics.json", "test", "train", "validation"]
    # The data report's profile: every curated customer; no quarantine folder was given.
    with open(os.path.join(features, "profile.json"), encoding="utf-8") as file:
        profile = json.load(file)
    assert profile["rows"] == len(data["customers"]) and profile["quarantine"]["rows"] == 0
    for split in ("train", "validation", "test"):
        [name] = os.listdir(os.path.join(features, split))
        with open(os.path.join(features, split, name), encoding="utf-8") as file:
            assert sum(1 for _ in file) == rows[split]
    with open(os.path.join(features, "manifest.json"), encoding="utf-8") as file:
        manifest = json.load(file)
    assert manifest["rows"] == rows
    assert manifest["source"] == curated and manifest["job_run_id"] == "run-1"
    assert (manifest["split"]["train_fraction"], manifest["split"]["validation_fraction"]) == (0.6, 0.2)
    assert [c["name"] for c in manifest["columns"]] == [c["name"] for c in data["feature_manifest"]["columns"]]
    with open(os.path.join(features, "statistics.json"), encoding="utf-8") as file:
        statistics = json.load(file)
    assert statistics["kind"] == "baseline" and statistics["rows"] == rows["train"]
    assert statistics["columns"] == [c["name"] for c in manifest["columns"]]


# --- the whole command, on the real cores -----------------------------------------------------


def test_main_curates_then_builds_features_and_prints_a_json_line_per_stage(spark, tmp_path, capsys):
    from raw_zone import write_raw_zone

    raw = tmp_path / "raw"
    written = write_raw_zone(str(raw), [
        {"as": "stream", "dir": "stream", "seed": 11, "count": 900, "start": "2026-01-20T00:00:00Z",
         "dirt": "default", "name": "churn-1", "ingestTime": "2026-02-01T01:00:00.000Z"},
        {"as": "batch", "dir": "batch", "seed": 12, "count": 300, "start": "2026-02-10T00:00:00Z",
         "dirt": "malformed", "name": "upload-1"},
    ])
    curated, features = str(tmp_path / "curated"), str(tmp_path / "features")
    status = local_etl.main(
        ["--raw", str(raw), "--curated", curated, "--features", features, "--run-id", "local-1",
         "--ingest-time", "2026-02-15T00:00:00.000Z"],
        spark=spark,
    )

    assert status == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["stage"] for line in lines] == ["curate", "features"]
    curate = lines[0]
    assert curate["run_id"] == "local-1"
    assert curate["read"] == sum(file["records"] for file in written)
    assert curate["read_by_source"] == {
        "stream": sum(f["records"] for f in written if f["path"].endswith(".gz")),
        "batch": sum(f["records"] for f in written if f["path"].endswith(".csv")),
    }
    # One upload record in ten is beyond cleaning: it is quarantined with this run's id, not lost.
    assert curate["rejected"] > 0
    quarantined = os.path.join(curated, "quarantine", "run_id=local-1")
    [part] = [n for n in os.listdir(quarantined) if n.endswith(".json")]
    with open(os.path.join(quarantined, part), encoding="utf-8") as file:
        assert sum(1 for _ in file) == curate["rejected"]
    customers = spark.read.parquet(os.path.join(curated, "customers"))
    assert customers.count() == curate["written"] == customers.select("customer_id").distinct().count()
    assert sorted(n for n in os.listdir(os.path.join(curated, "customers")) if not n.startswith((".", "_"))) == [
        f"snapshot_month={m}" for m in curate["months_written"]
    ]
    with open(os.path.join(features, "manifest.json"), encoding="utf-8") as file:
        assert lines[1]["rows"] == json.load(file)["rows"]
    assert lines[1]["labelled"] <= curate["written"]
    assert spark.sparkContext._jsc is not None, "a session given to main is not stopped"
