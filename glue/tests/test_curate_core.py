"""The curate job's core (glue/jobs/cores/curate_core.py) on local Spark, Glue 5.0's version, on
generated records written as the raw zone holds them: the cleaned stream as Firehose writes it
(GZIP JSON Lines under event_date=YYYY-MM-DD/) and a batch upload (CSV with a header).

Two runs share one lake on disk: the first curates the stream and an upload into an empty table;
the second, an upload of later events for some of the same customers, merges into the Parquet
table the first wrote, reading it as previous_customers from the very location it overwrites.
"""

import gzip
import json
import os
import shutil
from collections import Counter
from contextlib import contextmanager

import pytest
from pyspark.sql import functions as F

import curate_core as core
from raw_zone import csv_rows, read_sql, write_raw_zone

RUN1_BATCH_INGEST = "2026-02-02T00:00:00.000Z"
RUN2_BATCH_INGEST = "2026-03-02T00:00:00.000Z"
# Run 1: 600 customers from 2026-01-31 23:30, so the stream spans January and February; an upload of
# 300 other snapshots of the first 300 of them, with the default dirt and one record in ten beyond
# cleaning (rejected; some are lines of one cell, the others' cells missing).
# Run 2: later snapshots (March) of the first 400 customers, clean: every January customer moves.
FILES = [
    {"as": "stream", "dir": "raw/stream", "seed": 1, "count": 600, "start": "2026-01-31T23:30:00Z",
     "dirt": "default", "name": "churn-1", "ingestTime": "2026-02-01T01:00:00.000Z"},
    {"as": "batch", "dir": "raw/batch-1", "seed": 2, "count": 300, "start": "2026-01-31T23:30:00Z",
     "dirt": "malformed", "name": "upload-1"},
    {"as": "batch", "dir": "raw/batch-2", "seed": 3, "count": 400, "start": "2026-03-01T00:00:00Z",
     "dirt": "none", "name": "upload-2"},
]


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    """The generated raw zone (files written once for the module) and the SQL texts."""
    out = str(tmp_path_factory.mktemp("lake"))
    written = write_raw_zone(out, FILES)
    header, _ = csv_rows(os.path.join(out, "raw", "batch-1", "upload-1.csv"))
    return {
        "out": out,
        "raw": f"file://{out}/raw/",
        "written": written,
        "fields": header,
        "sql": {name: read_sql(f"curate_{name}.sql") for name in ("validated", "quarantine", "customers")},
    }


def raw_of(spark, lake, batch_dir, batch_ingest, stream=True):
    """raw_records of one run: the stream (if `stream`) and the uploads under raw/<batch_dir>/."""
    raw = core.raw_records(
        core.read_batch(spark, f"{lake['out']}/raw/{batch_dir}"), lake["fields"], "batch", batch_ingest, lake["raw"]
    )
    if stream:
        raw = core.raw_records(
            core.read_stream(spark, f"{lake['out']}/raw/stream"), lake["fields"], "stream", None, lake["raw"]
        ).unionByName(raw)
    return raw


def stream_lines(lake):
    """The cleaned stream records as written (a duplicate counts twice), with the file each is in."""
    lines = []
    for file in lake["written"]:
        if file["path"].endswith(".gz"):
            with gzip.open(file["path"], "rt", encoding="utf-8") as f:
                for line in f:
                    record = json.loads(line)
                    lines.append((record, os.path.relpath(file["path"], lake["out"] + "/raw")))
    return lines


def as_read(cells, width):
    """A CSV line's cells as Spark reads them: an empty cell, or one the line lacks, is NULL."""
    return tuple((cells[i] if i < len(cells) else "") or None for i in range(width))


def test_the_stream_as_firehose_writes_it_is_read_typed_and_passes_validation(spark, lake):
    lines = stream_lines(lake)
    raw = raw_of(spark, lake, "batch-1", RUN1_BATCH_INGEST).where("source = 'stream'")
    validated, counts = core.validate(spark, raw, lake["sql"]["validated"])
    try:
        # Every record the cleaner let through is read, from both date partitions, and the SQL
        # (the second line of defence) accepts every one of them.
        assert counts.read_by_source["stream"] == len(lines) == sum(
            f["records"] for f in lake["written"] if f["path"].endswith(".gz")
        )
        assert counts.rejected == 0
        rows = {row["customer_id"]: row for row in validated.collect()}
        by_id = {record["customer_id"]: (record, origin) for record, origin in lines}
        assert rows.keys() == by_id.keys()
        for customer_id in ("C0000001", "C0000450"):  # one in each event_date partition
            record, origin = by_id[customer_id]
            row = rows[customer_id]
            assert row["origin"] == origin and origin.startswith("stream/event_date=")
            assert row["ingest_time"].isoformat() == "2026-02-01T01:00:00"  # the record's own, UTC
            assert row["event_time"].strftime("%Y-%m-%dT%H:%M:%S.000Z") == record["event_time"]
            for field in ("state", "account_length", "international_plan", "day_minutes", "churn"):
                assert row[field] == record.get(field), field
    finally:
        validated.unpersist()


def test_a_batch_upload_is_read_as_text_with_its_header(spark, lake):
    path = f"{lake['out']}/raw/batch-1/upload-1.csv"
    header, lines = csv_rows(path)
    raw = raw_of(spark, lake, "batch-1", RUN1_BATCH_INGEST, stream=False)
    rows = raw.collect()
    assert len(rows) == len(lines) == 300
    assert {(row["source"], row["ingest_time"], row["origin"]) for row in rows} == {
        ("batch", RUN1_BATCH_INGEST, "batch-1/upload-1.csv")
    }
    # Each cell as uploaded, whitespace and spelling included; Spark reads an unquoted empty cell
    # (and the cells a short line lacks) as NULL.
    assert Counter(tuple(row[name] for name in header) for row in rows) == Counter(
        as_read(cells, len(header)) for cells in lines
    )
    assert any(value is not None and value != value.strip() for row in rows for value in row), "the dirt has padding"


def test_the_quarantine_keeps_rejected_rows_as_received_with_nulls_written(spark, lake, tmp_path):
    raw = raw_of(spark, lake, "batch-1", RUN1_BATCH_INGEST)
    validated, counts = core.validate(spark, raw, lake["sql"]["validated"])
    try:
        assert counts.rejected > 0 and counts.read == counts.read_by_source["stream"] + 300
        location = str(tmp_path / "quarantine" / "run_id=jr_1")
        core.write_quarantine(core.quarantine(spark, lake["sql"]["quarantine"]), location)
        files = [name for name in os.listdir(location) if name.endswith(".json")]
        assert len(files) == 1
        with open(os.path.join(location, files[0]), encoding="utf-8") as f:
            quarantined = [json.loads(line) for line in f]
        assert len(quarantined) == counts.rejected
        assert {row["reject_reason"] for row in quarantined} == set(counts.rejected_by_reason)
        columns = ["reject_reason", "source", "origin", "ingest_time", *lake["fields"]]
        assert all(list(row) == columns for row in quarantined), "every column in every row, nulls written"
        assert any(value is None for row in quarantined for value in row.values()), "the data has nulls to write"
        # The values are the uploaded cells, untouched: compare each batch row with its CSV line.
        _, lines = csv_rows(f"{lake['out']}/raw/batch-1/upload-1.csv")
        as_uploaded = {as_read(cells, len(lake["fields"])) for cells in lines}
        batch_rows = [row for row in quarantined if row["source"] == "batch"]
        assert batch_rows
        for row in batch_rows:
            assert tuple(row[name] for name in lake["fields"]) in as_uploaded, row
            assert row["ingest_time"] == RUN1_BATCH_INGEST and row["origin"] == "batch-1/upload-1.csv"
    finally:
        validated.unpersist()


def curate(spark, lake, raw, table):
    """One run of the core against the table at `table`: what the entry does but the catalog."""
    validated, _ = core.validate(spark, raw, lake["sql"]["validated"])
    previous = core.read_customers(spark, table, core.empty_customers(validated).schema)
    previous_months = core.months_of(previous)
    customers = core.merge_customers(spark, previous, lake["sql"]["customers"])
    written = core.write_customers(spark, customers, table)
    validated.unpersist()
    return previous_months, written


def table_rows(spark, table, schema_of):
    return {row["customer_id"]: row.asDict() for row in spark.read.schema(schema_of).parquet(table).collect()}


def parquet_files(table, month):
    folder = os.path.join(table, f"{core.PARTITION}={month}")
    return sorted(name for name in os.listdir(folder) if name.endswith(".parquet"))


def test_an_incremental_run_merges_into_the_table_on_disk(spark, lake, tmp_path):
    table = str(tmp_path / "curated" / "customers")
    months, first = curate(spark, lake, raw_of(spark, lake, "batch-1", RUN1_BATCH_INGEST), table)
    assert months == [] and first.months == ["2026-01", "2026-02"]
    schema = spark.read.parquet(table).schema
    before = table_rows(spark, table, schema)
    assert len(before) == first.rows and 550 < first.rows <= 600  # one row per customer
    assert not os.path.exists(os.path.join(table, core.STAGING_DIR)), "the staging copy is removed"
    january_files = parquet_files(table, "2026-01")
    assert len(january_files) == 1 and len(parquet_files(table, "2026-02")) == 1  # one file per month

    previous_months, second = curate(spark, lake, raw_of(spark, lake, "batch-2", RUN2_BATCH_INGEST, stream=False), table)
    assert previous_months == ["2026-01", "2026-02"]
    assert second.months == ["2026-02", "2026-03"]
    emptied = core.months_to_empty(previous_months, second.months)
    assert emptied == ["2026-01"]
    # Dynamic partition overwrite: the months of the result are replaced, the others are left as
    # they were, January's file included, until the caller empties it.
    assert parquet_files(table, "2026-01") == january_files
    assert parquet_files(table, "2026-02") != january_files
    for month in emptied:
        shutil.rmtree(core.partition_location(table, month).removeprefix("file://"))

    after = table_rows(spark, table, schema)
    assert len(after) == second.rows == len(before) + sum(f"C{n:07d}" not in before for n in range(1, 401))
    for customer_id, row in after.items():
        number = int(customer_id[1:])
        if number <= 400:  # a later event: it wins, whatever the table held
            assert row["snapshot_month"] == "2026-03" and row["source"] == "batch", customer_id
            assert row["origin"] == "batch-2/upload-2.csv" and row["ingest_time"].isoformat() == "2026-03-02T00:00:00"
        else:  # no new event: the row is the table's, unchanged
            assert row == before[customer_id]
    assert not any(row["snapshot_month"] == "2026-01" for row in after.values())


@contextmanager
def session_conf(spark, **settings):
    """Spark settings for the block, restored after."""
    names = {name.replace("_", "."): value for name, value in settings.items()}
    old = {name: spark.conf.get(name, None) for name in names}
    for name, value in names.items():
        spark.conf.set(name, value)
    try:
        yield
    finally:
        for name, value in old.items():
            spark.conf.unset(name) if value is None else spark.conf.set(name, value)


# The settings under which a result computed from the table reads the table while the write has
# already deleted it: static overwrite (Spark's default) deletes the table's folders before the
# write's tasks run, and without adaptive execution nothing is read before that.
HOSTILE = {
    "spark_sql_sources_partitionOverwriteMode": "static",
    "spark_sql_adaptive_enabled": "false",
}


def first_run(spark, lake, table):
    curate(spark, lake, raw_of(spark, lake, "batch-1", RUN1_BATCH_INGEST), table)
    return spark.read.parquet(table).schema


def second_run_result(spark, lake, table, schema):
    """Run 2's customers, computed from the table at `table`, cached and then evicted, as a cache
    block is when memory runs short: the write must recompute it from its inputs."""
    validated, _ = core.validate(spark, raw_of(spark, lake, "batch-2", RUN2_BATCH_INGEST, stream=False), lake["sql"]["validated"])
    customers = core.merge_customers(spark, core.read_customers(spark, table, schema), lake["sql"]["customers"]).persist()
    expected = customers.count()
    customers.unpersist(blocking=True)
    return validated, customers, expected


def test_overwriting_what_you_read_fails_when_written_straight_over_the_table(spark, lake, tmp_path):
    """The positive control: the hazard is real on this Spark. Written straight over its input, the
    result reads files the overwrite deleted; with ignoreMissingFiles, customers vanish silently."""
    table = str(tmp_path / "customers")
    schema = first_run(spark, lake, table)
    with session_conf(spark, **HOSTILE):
        validated, customers, _ = second_run_result(spark, lake, table, schema)
        with pytest.raises(Exception, match="does not exist"):
            customers.write.mode("overwrite").partitionBy(core.PARTITION).parquet(table)
        validated.unpersist()

    table = str(tmp_path / "customers-ignoring")
    schema = first_run(spark, lake, table)
    with session_conf(spark, **HOSTILE, spark_sql_files_ignoreMissingFiles="true"):
        validated, customers, expected = second_run_result(spark, lake, table, schema)
        customers.write.mode("overwrite").partitionBy(core.PARTITION).parquet(table)
        assert spark.read.schema(schema).parquet(table).count() < expected
        validated.unpersist()


def test_overwriting_what_you_read_is_safe_through_write_customers(spark, lake, tmp_path):
    """The same run, under the same settings, through write_customers: every customer is kept."""
    table = str(tmp_path / "customers")
    schema = first_run(spark, lake, table)
    before = table_rows(spark, table, schema)
    with session_conf(spark, **HOSTILE, spark_sql_files_ignoreMissingFiles="true"):
        validated, customers, expected = second_run_result(spark, lake, table, schema)
        written = core.write_customers(spark, customers, table)
        validated.unpersist()
    # The months written hold every customer, those of the table before included, once each
    # (January is left for the caller to empty, as dynamic partition overwrite leaves it).
    after = spark.read.schema(schema).parquet(table).where(F.col(core.PARTITION).isin(written.months))
    assert written.months == ["2026-02", "2026-03"]
    assert after.count() == after.select("customer_id").distinct().count() == written.rows == expected
    assert {row[0] for row in after.select("customer_id").collect()} == set(before)
