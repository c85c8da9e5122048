"""Shared pytest fixtures for the Glue jobs: one local SparkSession per test run.

The session is Spark at Glue 5.0's version (pyspark pinned in requirements.txt), in local mode on
two threads, in UTC as the jobs set it, with the settings the jobs rely on. It starts once (about
15 s) and is shared by every test; tests use their own temporary directories.
"""

import os
import sys

import pytest

JOBS = os.path.join(os.path.dirname(__file__), "..", "jobs")
sys.path.insert(0, os.path.abspath(JOBS))
# The jobs' cores, importable as top-level modules as in Glue (--extra-py-files puts them there).
sys.path.insert(0, os.path.abspath(os.path.join(JOBS, "cores")))


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("ml-lifecycle-cdk-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
