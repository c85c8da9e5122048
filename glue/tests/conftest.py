"""Shared pytest fixtures for the Glue jobs: one local SparkSession per test run.

The session is glue/local_etl.py's: Spark at Glue 5.0's version (pyspark pinned in requirements.txt), in local mode on
two threads, in UTC as the jobs set it, with the settings the jobs rely on. It starts once (about
15 s) and is shared by every test; tests use their own temporary directories.
"""

import os
import sys

import pytest

GLUE = os.path.join(os.path.dirname(__file__), "..")
sys.path.insert(0, os.path.abspath(GLUE))
JOBS = os.path.join(GLUE, "jobs")
sys.path.insert(0, os.path.abspath(JOBS))
# The jobs' cores, importable as top-level modules as in Glue (--extra-py-files puts them there).
sys.path.insert(0, os.path.abspath(os.path.join(JOBS, "cores")))


@pytest.fixture(scope="session")
def spark():
    # The session glue/local_etl.py runs the jobs' cores in (npm run local), so the tests run them
    # in the same one.
    from local_etl import session

    spark_session = session()
    yield spark_session
    spark_session.stop()
