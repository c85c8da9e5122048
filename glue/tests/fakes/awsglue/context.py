"""GlueContext: the SparkSession, and DynamicFrames that read S3 objects not yet bookmarked."""

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

import fake_aws


class DynamicFrame:
    def __init__(self, df):
        self._df = df

    def resolveChoice(self, choice):
        fake_aws.calls.append(("resolveChoice", choice))
        return self

    def toDF(self):
        return self._df


class _Reader:
    def __init__(self, spark):
        self._spark = spark

    def _new(self, ctx, prefix):
        """The objects under `prefix` that no committed run of `ctx` has read (a job bookmark)."""
        urls = [url for url in fake_aws.objects(prefix) if url not in fake_aws.bookmarks.get(ctx, set())]
        fake_aws.pending[ctx] = urls
        return urls

    def _frame(self, read, urls, filename_column):
        if not urls:
            return DynamicFrame(self._spark.createDataFrame([], "x string").drop("x"))
        return DynamicFrame(read(urls).withColumn(filename_column, F.input_file_name()))

    def from_options(self, connection_type, connection_options, format, transformation_ctx):
        assert connection_type == "s3" and format == "json" and connection_options["recurse"], connection_options
        fake_aws.calls.append(("from_options", tuple(connection_options["paths"])))
        urls = [url for path in connection_options["paths"] for url in self._new(transformation_ctx, path)]
        return self._frame(self._spark.read.json, urls, connection_options["attachFilename"])

    def from_catalog(self, database, table_name, additional_options, transformation_ctx):
        fake_aws.calls.append(("from_catalog", f"{database}.{table_name}"))
        table = fake_aws.tables[(database, table_name)]
        assert table["Parameters"]["classification"] == "csv"
        urls = self._new(transformation_ctx, table["StorageDescriptor"]["Location"])
        reader = self._spark.read.option("header", "true").option("escape", '"').option("multiLine", "true")
        return self._frame(reader.csv, urls, additional_options["attachFilename"])


class GlueContext:
    def __init__(self, spark_context):
        self.spark_session = SparkSession.builder.getOrCreate()
        self.create_dynamic_frame = _Reader(self.spark_session)
