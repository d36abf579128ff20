"""boto3, the aws CLI and raw HTTP against `stepline serve`: the protocol layer.

Operations no handler provides (EventBridge, SQS, and the Step Functions operations the
runtime does not support, such as ListMapRuns) answer UnknownOperationException;
what is checked is that clients get AWS-shaped errors that name the operation, that
malformed and oversized requests are refused, that SigV4 is enforced when configured,
and that /health and /metrics answer.
"""
import datetime
import http.client
import json
import os
import subprocess
import sys
from unittest import mock
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import ACCESS_KEY_ID, SECRET_ACCESS_KEY

NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:m:e"


def client(service, endpoint, key=ACCESS_KEY_ID, secret=SECRET_ACCESS_KEY):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=NO_RETRIES,
    )


def error_of(call):
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response


def raw(endpoint, method, path, body=b"", headers=None):
    """One HTTP request; returns (status, headers, body)."""
    parts = urlsplit(endpoint)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def signed_request(endpoint, target, body, service="states", secret=SECRET_ACCESS_KEY, when=None):
    """A request signed by botocore, as boto3 would send it, optionally at another time."""
    request = AWSRequest(
        method="POST",
        url=endpoint + "/",
        data=body,
        headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.0"},
    )
    auth = SigV4Auth(Credentials(ACCESS_KEY_ID, secret), service, "us-east-1")
    if when is None:
        auth.add_auth(request)
    else:
        with mock.patch("botocore.auth.get_current_datetime", return_value=when):
            auth.add_auth(request)
    return dict(request.headers.items())


@pytest.mark.parametrize(
    "service, call, target, content_type",
    [
        ("stepfunctions", lambda c: c.list_map_runs(executionArn=EXECUTION), "AWSStepFunctions.ListMapRuns", "application/x-amz-json-1.0"),
        ("events", lambda c: c.list_endpoints(), "AWSEvents.ListEndpoints", "application/x-amz-json-1.1"),
        # Every operation of botocore's SQS model is answered: no SQS row left here.
    ],
)
def test_unknown_operation_names_it_for_boto3(server, service, call, target, content_type):
    response = error_of(lambda: call(client(service, server.endpoint)))
    assert response["Error"]["Code"] == "UnknownOperationException"
    assert target in response["Error"]["Message"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["ResponseMetadata"]["HTTPHeaders"]["content-type"] == content_type
    assert len(response["ResponseMetadata"]["RequestId"]) == 36


def test_unknown_operation_names_it_for_the_aws_cli(server):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDX", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1")
    result = subprocess.run(
        [sys.executable, "-m", "awscli", "stepfunctions", "list-map-runs", "--execution-arn", EXECUTION,
         "--endpoint-url", server.endpoint],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode != 0
    assert "UnknownOperationException" in result.stderr
    assert "AWSStepFunctions.ListMapRuns" in result.stderr


def test_malformed_json_is_a_serialization_exception(server):
    status, headers, body = raw(
        server.endpoint,
        "POST",
        "/",
        b'{"stateMachineArn": "arn",\n "input": }',
        {"X-Amz-Target": "AWSStepFunctions.StartExecution", "Content-Type": "application/x-amz-json-1.0"},
    )
    error = json.loads(body)
    assert status == 400
    assert error["__type"] == "SerializationException"
    assert "line 2, column 11" in error["message"]
    assert headers["X-Amzn-ErrorType"] == "SerializationException"


def test_oversized_body_is_refused_by_content_length(server):
    body = b'{"input": "' + b"x" * (1 << 20) + b'"}'
    status, _, response = raw(
        server.endpoint,
        "POST",
        "/",
        body,
        {"X-Amz-Target": "AWSStepFunctions.StartExecution", "Content-Type": "application/x-amz-json-1.0"},
    )
    assert status == 413
    assert json.loads(response)["__type"] == "RequestEntityTooLargeException"


def test_oversized_body_is_refused_while_streaming(server):
    """Chunked, so the size is unknown until the body passes the limit."""
    parts = urlsplit(server.endpoint)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        chunks = (b" " * (64 << 10) for _ in range(48))  # 3 MiB of white space, over SQS's 2 MiB
        try:
            conn.request(
                "POST",
                "/",
                body=chunks,
                headers={"X-Amz-Target": "AmazonSQS.SendMessage", "Content-Type": "application/x-amz-json-1.0"},
                encode_chunked=True,
            )
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before the client finishes sending
        response = conn.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["__type"] == "RequestEntityTooLargeException"
    finally:
        conn.close()


def test_oversized_message_via_boto3(server):
    sqs = client("sqs", server.endpoint)
    response = error_of(lambda: sqs.send_message(QueueUrl=server.endpoint + "/000000000000/q", MessageBody="x" * ((2 << 20) + 1)))
    assert response["Error"]["Code"] == "RequestEntityTooLargeException"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 413


def test_health(server):
    status, headers, body = raw(server.endpoint, "GET", "/health")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["status"] == "ok"


def test_metrics_count_requests_per_operation(server):
    error_of(lambda: client("stepfunctions", server.endpoint).list_map_runs(executionArn=EXECUTION))
    status, headers, body = raw(server.endpoint, "GET", "/metrics")
    text = body.decode()
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert 'stepline_aws_requests_total{service="AWSStepFunctions",operation="unknown",outcome="UnknownOperationException"}' in text
    for name in [
        "stepline_executions_started_total",
        "stepline_executions_succeeded_total",
        "stepline_executions_failed_total",
        "stepline_executions_timed_out_total",
        "stepline_executions_redriven_total",
        "stepline_state_transitions_total",
        "stepline_open_task_tokens",
        "stepline_log_append_duration_seconds",
    ]:
        assert name in text, name


# SigV4, with credentials configured


def test_correct_signature_passes_to_the_operation(signed_server):
    for key, secret in [(ACCESS_KEY_ID, SECRET_ACCESS_KEY), ("AKIDFROMENV", "env-secret")]:
        response = client("stepfunctions", signed_server.endpoint, key, secret).list_state_machines()
        assert response["stateMachines"] == []


def test_correct_signature_passes_for_the_aws_cli(signed_server):
    env = dict(
        os.environ,
        AWS_ACCESS_KEY_ID=ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY=SECRET_ACCESS_KEY,
        AWS_DEFAULT_REGION="eu-west-1",
    )
    result = subprocess.run(
        [sys.executable, "-m", "awscli", "events", "list-event-buses", "--endpoint-url", signed_server.endpoint],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "event-bus/default" in result.stdout


def test_wrong_secret_is_refused(signed_server):
    response = error_of(lambda: client("stepfunctions", signed_server.endpoint, secret="wrong").list_state_machines())
    assert response["Error"]["Code"] == "InvalidSignatureException"
    assert "signature we calculated does not match" in response["Error"]["Message"]


def test_unknown_key_is_refused(signed_server):
    response = error_of(lambda: client("sqs", signed_server.endpoint, key="AKIDNOBODY").list_queues())
    assert response["Error"]["Code"] == "UnrecognizedClientException"


def test_changed_body_is_refused(signed_server):
    headers = signed_request(signed_server.endpoint, "AWSStepFunctions.ListActivities", b'{"maxResults": 1}')
    status, _, body = raw(signed_server.endpoint, "POST", "/", b'{"maxResults": 2}', headers)
    assert status == 400
    assert json.loads(body)["__type"] == "InvalidSignatureException"
    status, _, body = raw(signed_server.endpoint, "POST", "/", b'{"maxResults": 1}', headers)
    assert status == 200 and json.loads(body) == {"activities": []}


def test_expired_date_is_refused(signed_server):
    when = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(minutes=20)
    headers = signed_request(signed_server.endpoint, "AWSStepFunctions.ListActivities", b"{}", when=when)
    status, _, body = raw(signed_server.endpoint, "POST", "/", b"{}", headers)
    error = json.loads(body)
    assert status == 400
    assert error["__type"] == "InvalidSignatureException"
    assert error["message"].startswith("Signature expired: ")


def test_unsigned_request_is_refused(signed_server):
    status, _, body = raw(
        signed_server.endpoint, "POST", "/", b"{}", {"X-Amz-Target": "AWSStepFunctions.ListActivities"}
    )
    assert status == 400
    assert json.loads(body)["__type"] == "MissingAuthenticationTokenException"


def test_health_needs_no_signature(signed_server):
    status, _, _ = raw(signed_server.endpoint, "GET", "/health")
    assert status == 200


def test_start_sync_execution_reaches_the_server_without_host_prefix(server):
    """botocore sends StartSyncExecution to `sync-<host>` (the model's hostPrefix), which does
    not resolve for 127.0.0.1; `inject_host_prefix=False`, or AWS_DISABLE_HOST_PREFIX_INJECTION=true
    for the aws CLI, keeps it on the endpoint given."""
    sfn = boto3.client(
        "stepfunctions",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDX",
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}, inject_host_prefix=False),
    )
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:m"
    response = error_of(lambda: sfn.start_sync_execution(stateMachineArn=arn))
    assert response["Error"]["Code"] == "StateMachineDoesNotExist"

    env = dict(
        os.environ,
        AWS_ACCESS_KEY_ID="AKIDX",
        AWS_SECRET_ACCESS_KEY="x",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_DISABLE_HOST_PREFIX_INJECTION="true",
    )
    result = subprocess.run(
        [sys.executable, "-m", "awscli", "stepfunctions", "start-sync-execution", "--state-machine-arn", arn,
         "--endpoint-url", server.endpoint],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert "StateMachineDoesNotExist" in result.stderr
