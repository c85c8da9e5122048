"""The state behind the stand-ins for awsglue and boto3 (glue/tests/fakes/): a lake on local disk
where s3://<bucket>/<key> is <root>/<bucket>/<key>, the catalog tables boto3's Glue client returns,
the job bookmarks, and a record of the calls the entry made, for a test to assert on. Only what
glue/jobs/curate.py calls is implemented."""

import os

root = ""  # set by the test: the folder that holds one folder per bucket
tables: dict = {}  # (database, name) -> the Table of glue.get_table
bookmarks: dict = {}  # transformation_ctx -> the s3:// URLs read by committed runs
pending: dict = {}  # transformation_ctx -> the s3:// URLs read by the running job
calls: list = []  # (what, details) in call order


def reset(new_root: str) -> None:
    global root
    root = new_root
    tables.clear()
    bookmarks.clear()
    pending.clear()
    calls.clear()


def local(url: str) -> str:
    """The local path of s3://bucket/key."""
    scheme, _, rest = url.partition("://")
    if scheme not in ("s3", "s3a"):
        raise ValueError(f"not an S3 URL: {url!r}")
    return os.path.join(root, rest)


def objects(url: str) -> list[str]:
    """The s3:// URLs of the objects under the prefix `url`, sorted."""
    bucket, _, prefix = url.partition("://")[2].partition("/")
    found = []
    for folder, _, files in os.walk(os.path.join(root, bucket)):
        for name in files:
            key = os.path.relpath(os.path.join(folder, name), os.path.join(root, bucket))
            if key.startswith(prefix) and not name.startswith((".", "_")):
                found.append(f"s3://{bucket}/{key}")
    return sorted(found)
