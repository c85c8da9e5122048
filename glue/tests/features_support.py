"""Helpers of the features tests: curated customers of generated records as a Spark DataFrame,
and the paths of the project's Python code.

The customers come from test/support/features-fixture.ts: the project's generator, curated by the
curate SQL in DuckDB (the harness test/etl uses), so Python and TypeScript tests share one source
of data, and the features tests do not depend on the curate job's Spark run (its own tests cover
that; the parity test compares the engines).
"""

import json
import os
import subprocess
import sys
from datetime import datetime

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SQL_DIR = os.path.join(ROOT, "glue", "sql")
# The cores are top-level modules, as in Glue (--extra-py-files); local_etl.py lives in glue/.
for folder in (os.path.join(ROOT, "glue", "jobs", "cores"), os.path.join(ROOT, "glue")):
    if folder not in sys.path:
        sys.path.insert(0, folder)


def read_sql(name: str) -> str:
    with open(os.path.join(SQL_DIR, name), encoding="utf-8") as file:
        return file.read()


def generated(seed: int, count: int) -> dict:
    """{"customers": [...], "schema": "<Spark DDL>", "feature_manifest": {...}} from the
    TypeScript fixture script."""
    command = ["npx", "tsx", "test/support/features-fixture.ts", "--seed", str(seed), "--count", str(count)]
    output = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def customers_frame(spark, data: dict):
    """The fixture's curated customers as a DataFrame with the curated table's types."""
    schema = data["schema"]
    names = [column.split(" ")[0] for column in schema.split(", ")]
    types = dict(column.split(" ") for column in schema.split(", "))

    def value(name, raw):
        # JSON has one number type: a DOUBLE that happens to be whole arrives as an int.
        if raw is None:
            return None
        if types[name] == "TIMESTAMP":
            return datetime.fromisoformat(raw.replace("Z", "+00:00"))
        return float(raw) if types[name] == "DOUBLE" else raw

    rows = [tuple(value(name, row[name]) for name in names) for row in data["customers"]]
    return spark.createDataFrame(rows, schema)
