"""Input AWS refuses is refused with AWS's error, never stored and never a 500: SQS bodies
and attributes, queue URLs, empty identifiers, Step Functions' traceHeader, SNS's
duplicated and unbounded parameters."""
import json
from urllib.parse import urlencode

import boto3
import pytest
from botocore.config import Config

from conftest import raw_post as post

DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})


def sqs_call(server, operation, payload):
    status, headers, body = post(server.endpoint, json.dumps(payload).encode(), {
        "X-Amz-Target": f"AmazonSQS.{operation}", "Content-Type": "application/x-amz-json-1.0"})
    return status, headers, json.loads(body) if body else {}


def sns_call(server, body):
    status, _, answer = post(server.endpoint, body, {"Content-Type": "application/x-www-form-urlencoded"})
    return status, answer.decode()


@pytest.fixture(scope="module")
def queue_url(server):
    client = boto3.client("sqs", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
                          config=Config(retries={"max_attempts": 1, "mode": "standard"}))
    return client.create_queue(QueueName="validated")["QueueUrl"]


def expect_sqs_error(result, code, query_code=None):
    status, headers, error = result
    assert status == 400, error
    assert error["__type"] == "com.amazonaws.sqs#" + code, error
    assert headers["x-amzn-query-error"].startswith((query_code or code) + ";Sender")


def test_empty_identifiers_are_validation_errors_not_storage_failures(server):
    expect_sqs_error(sqs_call(server, "StartMessageMoveTask", {"SourceArn": ""}), "InvalidParameterValue")
    expect_sqs_error(sqs_call(server, "ListMessageMoveTasks", {"SourceArn": ""}), "InvalidParameterValue")
    expect_sqs_error(sqs_call(server, "CancelMessageMoveTask", {"TaskHandle": ""}), "InvalidParameterValue")
    expect_sqs_error(sqs_call(server, "StartMessageMoveTask", {"SourceArn": "a" * 5000}), "InvalidParameterValue")


@pytest.mark.parametrize("body", ["nul \u0000 inside", "bell \u0007", "\ufffe not a character", "\uffff"])
def test_bodies_with_characters_sqs_refuses_are_invalid_message_contents(server, queue_url, body):
    expect_sqs_error(sqs_call(server, "SendMessage", {"QueueUrl": queue_url, "MessageBody": body}), "InvalidMessageContents")


def test_bodies_with_every_allowed_range_are_accepted(server, queue_url):
    body = "tab\t lf\n cr\r é \ud7ff \ue000 \ufffd \U0001F600 \U0010FFFF"
    status, _, sent = sqs_call(server, "SendMessage", {"QueueUrl": queue_url, "MessageBody": body})
    assert status == 200 and "MessageId" in sent


@pytest.mark.parametrize("attributes", [
    {"a": {"DataType": "", "StringValue": "x"}},
    {"a": {"DataType": "String", "StringValue": ""}},
    {"a": {"DataType": "Binary", "BinaryValue": ""}},
    {"AWS.trace": {"DataType": "String", "StringValue": "x"}},
    {"amazon.x": {"DataType": "String", "StringValue": "x"}},
    {".a": {"DataType": "String", "StringValue": "x"}},
    {"a..b": {"DataType": "String", "StringValue": "x"}},
    {"a": {"DataType": "Text", "StringValue": "x"}},
    {"a": {"DataType": "String", "StringValue": "\u0000"}},
])
def test_attributes_sqs_refuses_are_refused(server, queue_url, attributes):
    status, headers, error = sqs_call(server, "SendMessage", {"QueueUrl": queue_url, "MessageBody": "b", "MessageAttributes": attributes})
    assert status == 400, error
    assert error["__type"] in ("com.amazonaws.sqs#InvalidParameterValue", "com.amazonaws.sqs#InvalidMessageContents"), error


def test_a_negative_visibility_timeout_is_refused(server, queue_url):
    expect_sqs_error(sqs_call(server, "ReceiveMessage", {"QueueUrl": queue_url, "VisibilityTimeout": -1}), "InvalidParameterValue")


@pytest.mark.parametrize("suffix", ["/123456789012/../validated", "/../../etc/passwd", "/123456789012/.", ""])
def test_queue_urls_that_name_no_queue_are_invalid_addresses(server, queue_url, suffix):
    url = server.endpoint + suffix if suffix else ""
    expect_sqs_error(sqs_call(server, "GetQueueAttributes", {"QueueUrl": url}), "InvalidAddress")


def test_trace_header_must_be_an_ascii_string_of_at_most_256(server):
    client = boto3.client("stepfunctions", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
    arn = client.create_state_machine(name="traced", definition=DEFINITION, roleArn="arn:aws:iam::123456789012:role/r")["stateMachineArn"]
    for value, code in [(12, "SerializationException"), ({"a": 1}, "SerializationException"),
                        ("x" * 257, "ValidationException"), ("é", "ValidationException")]:
        status, _, body = post(server.endpoint, json.dumps({"stateMachineArn": arn, "traceHeader": value}).encode(), {
            "X-Amz-Target": "AWSStepFunctions.StartExecution", "Content-Type": "application/x-amz-json-1.0"})
        assert status == 400 and json.loads(body)["__type"] == code, (value, body)
    assert client.start_execution(stateMachineArn=arn, traceHeader="Root=1-5759e988-bd862e3fe1be46a994272793")["executionArn"]


def test_sns_refuses_duplicated_and_too_many_parameters(server):
    status, answer = sns_call(server, b"Action=CreateTopic&Name=a&Name=b&Version=2010-03-31")
    assert status == 400 and "<Code>InvalidParameter</Code>" in answer and "Name" in answer
    many = urlencode([("Action", "ListTopics"), ("Version", "2010-03-31")] + [(f"Unknown{i}", "x") for i in range(10_000)])
    status, answer = sns_call(server, many.encode())
    assert status == 400 and "<Code>InvalidParameter</Code>" in answer


def test_sqs_errors_carry_the_shape_id_and_the_query_code_as_aws_sends_them(server):
    status, headers, error = sqs_call(server, "GetQueueAttributes", {"QueueUrl": server.endpoint + "/123456789012/no-such-queue"})
    assert status == 400
    assert error == {"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "The specified queue does not exist."}
    assert headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender"
    client = boto3.client("sqs", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
    with pytest.raises(client.exceptions.QueueDoesNotExist) as missing:
        client.get_queue_attributes(QueueUrl=server.endpoint + "/123456789012/no-such-queue")
    assert missing.value.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert missing.value.response["Error"]["Type"] == "Sender"
