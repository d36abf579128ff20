"""The real `stepline serve` for the tests of tools/: the end-to-end suite's Server, boto3 clients.

Server is Tests/EndToEnd/conftest.py's (the built binary, $STEPLINE_BIN or this checkout's
debug build, on `--port 0`), loaded by path because both test folders name their fixtures
module `conftest`.
"""
import importlib.util
import os
import time

import boto3
import botocore.config
import pytest

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("endtoend_conftest", os.path.join(ROOT, "Tests", "EndToEnd", "conftest.py"))
_endtoend = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_endtoend)

Server = _endtoend.Server
stepline_binary = _endtoend.stepline_binary
# Generous: ffmpeg and the server share 2 cores with the rest of the suite.
DEADLINE = 240


def client(service, endpoint, key="test", secret="test"):
    return boto3.client(
        service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key=secret,
        config=botocore.config.Config(retries={"max_attempts": 0}, read_timeout=90),
    )


def eventually(probe, what, timeout=DEADLINE):
    """`probe()`'s first truthy value, polled until `timeout`; the test fails naming `what` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def finished(sfn, arn):
    """DescribeExecution once the execution is no longer RUNNING."""
    return eventually(lambda: (described := sfn.describe_execution(executionArn=arn))["status"] != "RUNNING" and described,
                      what=f"{arn} to finish")
