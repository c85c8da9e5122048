"""Stand-in for boto3: client("s3") and client("glue") with only the calls curate.py makes, over
the local lake of fake_aws."""

import io
import os

import fake_aws


class _S3:
    def get_object(self, Bucket, Key):
        fake_aws.calls.append(("s3.get_object", f"s3://{Bucket}/{Key}"))
        with open(fake_aws.local(f"s3://{Bucket}/{Key}"), "rb") as f:
            return {"Body": io.BytesIO(f.read())}

    def get_paginator(self, operation):
        assert operation == "list_objects_v2", operation
        return self

    def paginate(self, Bucket, Prefix):
        keys = [url.split("/", 3)[3] for url in fake_aws.objects(f"s3://{Bucket}/{Prefix}")]
        # Two pages at most, to exercise the loop over pages.
        half = len(keys) // 2
        for page in (keys[:half], keys[half:]):
            yield {"Contents": [{"Key": key} for key in page]} if page else {}

    def delete_objects(self, Bucket, Delete):
        for item in Delete["Objects"]:
            fake_aws.calls.append(("s3.delete_object", f"s3://{Bucket}/{item['Key']}"))
            os.remove(fake_aws.local(f"s3://{Bucket}/{item['Key']}"))
        return {}


class _Glue:
    def get_table(self, DatabaseName, Name):
        fake_aws.calls.append(("glue.get_table", f"{DatabaseName}.{Name}"))
        return {"Table": fake_aws.tables[(DatabaseName, Name)]}


def client(service):
    return {"s3": _S3, "glue": _Glue}[service]()
