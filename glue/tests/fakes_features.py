"""Stand-ins for what the features job's Glue entry (glue/jobs/features.py) calls outside Spark:
the `awsglue` API (getResolvedOptions, GlueContext(SparkContext).spark_session, Job init/commit)
and `boto3` (S3 get_object for the SQL, put_object for the manifest), and an S3 for Spark.

Only what features.py calls is implemented, so a call it starts making fails here first. S3 is a
local directory, one folder per bucket: boto3's stand-in reads and writes `<root>/<bucket>/<key>`,
and Spark's `s3://<bucket>/...` paths are mounted onto the same folders with Hadoop's
ViewFileSystemOverloadScheme (its purpose: keep a scheme, change where it points). The local file
system beside it writes hidden .crc checksum files, which real S3 does not: the tests look only at
visible files.

`installed(spark, root, buckets)` puts the stand-ins into sys.modules for the duration of a
`with` block and records every call in the list it yields.
"""

import argparse
import contextlib
import io
import os
import sys
import types

from pyspark.sql import SparkSession


class GlueArgumentError(Exception):
    """What awsglue.utils raises for a missing job argument."""


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message):
        raise GlueArgumentError(message)


def _get_resolved_options(calls):
    def get_resolved_options(argv, options):
        # Like Glue's: each option is a required --name value; other arguments are ignored.
        parser = _ArgumentParser(add_help=False)
        for name in options:
            parser.add_argument(f"--{name}", required=True)
        resolved = vars(parser.parse_known_args(argv[1:])[0])
        calls.append(("getResolvedOptions", list(options)))
        return resolved

    return get_resolved_options


def _glue_context(calls):
    class GlueContext:
        def __init__(self, spark_context):
            calls.append(("GlueContext", spark_context))
            self.spark_session = SparkSession(spark_context)

    return GlueContext


def _job(calls):
    class Job:
        def __init__(self, glue_context):
            self.glue_context = glue_context
            self.initialised = False

        def init(self, name, args):
            calls.append(("Job.init", name, dict(args)))
            self.initialised = True

        def commit(self):
            if not self.initialised:
                raise RuntimeError("Job.commit before Job.init")
            calls.append(("Job.commit",))

    return Job


def _boto3(calls, root):
    class S3:
        def get_object(self, Bucket, Key):  # noqa: N803 (boto3's parameter names)
            calls.append(("s3.get_object", Bucket, Key))
            with open(os.path.join(root, Bucket, Key), "rb") as file:
                return {"Body": io.BytesIO(file.read())}

        def put_object(self, Bucket, Key, Body, ContentType):  # noqa: N803
            calls.append(("s3.put_object", Bucket, Key, ContentType))
            path = os.path.join(root, Bucket, Key)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as file:
                file.write(Body)

    def client(service):
        if service != "s3":
            raise NotImplementedError(f"the stand-in boto3 has no {service} client")
        return S3()

    module = types.ModuleType("boto3")
    module.client = client
    return module


def _modules(calls, root):
    awsglue = types.ModuleType("awsglue")
    utils = types.ModuleType("awsglue.utils")
    utils.getResolvedOptions = _get_resolved_options(calls)
    utils.GlueArgumentError = GlueArgumentError
    context = types.ModuleType("awsglue.context")
    context.GlueContext = _glue_context(calls)
    job = types.ModuleType("awsglue.job")
    job.Job = _job(calls)
    awsglue.utils, awsglue.context, awsglue.job = utils, context, job
    return {
        "awsglue": awsglue,
        "awsglue.utils": utils,
        "awsglue.context": context,
        "awsglue.job": job,
        "boto3": _boto3(calls, root),
    }


@contextlib.contextmanager
def installed(spark, root, buckets):
    """The stand-ins in sys.modules and s3://<bucket>/ mounted on <root>/<bucket>/ for each of
    `buckets`; everything is put back afterwards."""
    calls = []
    modules = _modules(calls, root)
    saved = {name: sys.modules.get(name) for name in modules}
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    # Uncached: each test mounts its own folders.
    settings = {
        "fs.s3.impl": "org.apache.hadoop.fs.viewfs.ViewFileSystemOverloadScheme",
        "fs.s3.impl.disable.cache": "true",
    }
    for bucket in buckets:
        os.makedirs(os.path.join(root, bucket), exist_ok=True)
        settings[f"fs.viewfs.mounttable.{bucket}.linkFallback"] = f"file://{os.path.join(root, bucket)}"
    previous = {key: conf.get(key) for key in settings}
    sys.modules.update(modules)
    for key, value in settings.items():
        conf.set(key, value)
    try:
        yield calls
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
        for key, value in previous.items():
            if value is None:
                conf.unset(key)
            else:
                conf.set(key, value)
