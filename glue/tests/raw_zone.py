"""Generated raw-zone files for the Spark tests, from the project's TypeScript generator and record
cleaner (test/support/raw-zone-files.ts), so Python and the DuckDB tests draw on one source of data."""

import csv
import json
import os
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SQL_DIR = os.path.join(ROOT, "glue", "sql")


def write_raw_zone(out: str, files: list[dict]) -> list[dict]:
    """Writes `files` (see RawZoneFile in raw-zone-files.ts) under `out`; returns, per file written,
    its path and record count. One tsx process for all of them: it takes a second or two to start."""
    script = os.path.join(ROOT, "test", "support", "raw-zone-files.ts")
    result = subprocess.run(
        ["npx", "tsx", script, json.dumps({"out": out, "files": files})],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


def read_sql(name: str) -> str:
    """The text of a checked-in SQL file, as the job reads its asset."""
    with open(os.path.join(SQL_DIR, name), encoding="utf-8") as f:
        return f.read()


def csv_rows(path: str) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of a generated CSV upload, parsed by Python's own RFC 4180 reader."""
    with open(path, newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    return header, rows
