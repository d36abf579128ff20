"""boto3's `sqs` client against `stepline serve`: every queue operation and its errors."""

import json
import os
import subprocess
import sys
import tempfile

import boto3
import botocore.exceptions
import pytest

from conftest import Server


@pytest.fixture(scope="module")
def sqs(server):
    return boto3.client(
        "sqs", endpoint_url=server.endpoint, region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
    )


def test_queue_lifecycle_send_receive_delete(sqs):
    url = sqs.create_queue(QueueName="e2e-jobs", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    # serve runs with --port 0: the URL names the port it really listens on.
    assert url == sqs.meta.endpoint_url + "/123456789012/e2e-jobs"
    assert sqs.create_queue(QueueName="e2e-jobs", Attributes={"VisibilityTimeout": "30"})["QueueUrl"] == url
    assert sqs.get_queue_url(QueueName="e2e-jobs")["QueueUrl"] == url
    assert url in sqs.list_queues(QueueNamePrefix="e2e-")["QueueUrls"]
    # botocore checks MD5OfMessageBody and MD5OfMessageAttributes itself.
    sqs.send_message(QueueUrl=url, MessageBody="hello", MessageAttributes={
        "color": {"DataType": "String", "StringValue": "blue"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
    })
    batch = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": f"m{i}", "MessageBody": f"b{i}"} for i in range(3)])
    assert len(batch["Successful"]) == 3 and not batch.get("Failed")
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "4"
    assert attributes["QueueArn"] == "arn:aws:sqs:us-east-1:123456789012:e2e-jobs"
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                                   MessageSystemAttributeNames=["All"], WaitTimeSeconds=1)["Messages"]
    assert len(received) == 4
    assert received[0]["Attributes"]["ApproximateReceiveCount"] == "1"
    assert received[0]["MessageAttributes"]["color"]["StringValue"] == "blue"
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=received[0]["ReceiptHandle"], VisibilityTimeout=60)
    sqs.change_message_visibility_batch(QueueUrl=url, Entries=[{"Id": "a", "ReceiptHandle": received[1]["ReceiptHandle"], "VisibilityTimeout": 0}])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=received[0]["ReceiptHandle"])
    deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": f"x{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(received[2:])])
    assert len(deleted["Successful"]) == 2
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "5"})
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])["Attributes"] == {"DelaySeconds": "5"}
    sqs.purge_queue(QueueUrl=url)
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="e2e-jobs")


def test_fifo_dead_letter_and_move_task(sqs):
    dlq = sqs.create_queue(QueueName="e2e-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    src = sqs.create_queue(QueueName="e2e-src", Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1}), "VisibilityTimeout": "0"})["QueueUrl"]
    sqs.send_message(QueueUrl=src, MessageBody="poison")
    assert len(sqs.receive_message(QueueUrl=src)["Messages"]) == 1
    assert "Messages" not in sqs.receive_message(QueueUrl=src)
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [src]
    handle = sqs.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
    assert sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]["TaskHandle"] == handle
    # The server's move loop runs once a second; a long poll wakes when it moves the message.
    assert sqs.receive_message(QueueUrl=src, WaitTimeSeconds=5)["Messages"][0]["Body"] == "poison"
    assert sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]["Status"] == "COMPLETED"
    fifo = sqs.create_queue(QueueName="e2e.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    first = sqs.send_message(QueueUrl=fifo, MessageBody="x", MessageGroupId="g")
    assert sqs.send_message(QueueUrl=fifo, MessageBody="x", MessageGroupId="g")["MessageId"] == first["MessageId"]
    assert "SequenceNumber" in first


def test_errors(sqs):
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.send_message(QueueUrl="http://localhost/123456789012/missing", MessageBody="x")
    url = sqs.create_queue(QueueName="e2e-errors")["QueueUrl"]
    with pytest.raises(botocore.exceptions.ClientError) as bad_attribute:
        sqs.create_queue(QueueName="e2e-bad", Attributes={"Colour": "blue"})
    assert bad_attribute.value.response["Error"]["Code"] == "InvalidAttributeName"
    with pytest.raises(sqs.exceptions.QueueNameExists):
        sqs.create_queue(QueueName="e2e-errors", Attributes={"VisibilityTimeout": "7"})
    with pytest.raises(sqs.exceptions.TooManyEntriesInBatchRequest):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": f"m{i}", "MessageBody": "b"} for i in range(11)])
    with pytest.raises(botocore.exceptions.ClientError) as oversized:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1_048_577)
    assert oversized.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle="garbage", VisibilityTimeout=1)


def test_move_task_rate_and_cancel(sqs):
    dlq = sqs.create_queue(QueueName="e2e-rate-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    src = sqs.create_queue(QueueName="e2e-rate-src", Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1}), "VisibilityTimeout": "0"})["QueueUrl"]
    sqs.send_message_batch(QueueUrl=src, Entries=[{"Id": f"m{i}", "MessageBody": f"b{i}"} for i in range(10)])
    assert len(sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10)["Messages"]) == 10
    assert "Messages" not in sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10)
    with pytest.raises(botocore.exceptions.ClientError) as rate:
        sqs.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=501)
    assert rate.value.response["Error"]["Code"] == "InvalidParameterValue"
    handle = sqs.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    task = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]
    assert task["Status"] == "RUNNING" and task["MaxNumberOfMessagesPerSecond"] == 1
    assert task["ApproximateNumberOfMessagesToMove"] == 10
    first = sqs.receive_message(QueueUrl=src, WaitTimeSeconds=5)["Messages"]
    assert len(first) == 1
    moved = sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
    # One a second: far fewer than ten in the second or two the test took.
    assert 1 <= moved < 10
    task = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]
    assert task["Status"] == "CANCELLED" and task["ApproximateNumberOfMessagesMoved"] == moved
    left = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    assert left["ApproximateNumberOfMessages"] == str(10 - moved)
    with pytest.raises(botocore.exceptions.ClientError) as again:
        sqs.cancel_message_move_task(TaskHandle=handle)
    assert again.value.response["Error"]["Code"] == "AWS.SimpleQueueService.UnsupportedOperation"


def test_receipt_handles_are_opaque_and_stale_ones_delete_nothing(sqs):
    url = sqs.create_queue(QueueName="e2e-handles", Attributes={"VisibilityTimeout": "0"})["QueueUrl"]
    message_id = sqs.send_message(QueueUrl=url, MessageBody="x")["MessageId"]
    first = sqs.receive_message(QueueUrl=url)["Messages"][0]
    second = sqs.receive_message(QueueUrl=url)["Messages"][0]
    assert first["MessageId"] == second["MessageId"] == message_id
    assert first["ReceiptHandle"] != second["ReceiptHandle"]
    assert message_id not in first["ReceiptHandle"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    third = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    assert third["Attributes"]["ApproximateReceiveCount"] == "3"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=third["ReceiptHandle"])
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message_id)


def test_one_mebibyte_messages(sqs):
    url = sqs.create_queue(QueueName="e2e-large")["QueueUrl"]
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["MaximumMessageSize"])["Attributes"] == {
        "MaximumMessageSize": "1048576"}
    body = "y" * 1_048_576
    sqs.send_message(QueueUrl=url, MessageBody=body)
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"][0]["Body"] == body
    with pytest.raises(botocore.exceptions.ClientError) as over:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"MaximumMessageSize": "1048577"})
    assert over.value.response["Error"]["Code"] == "InvalidAttributeValue"
    with pytest.raises(sqs.exceptions.BatchRequestTooLong):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": f"m{i}", "MessageBody": "z" * 600_000} for i in range(2)])
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"MaximumMessageSize": "1024"})
    with pytest.raises(botocore.exceptions.ClientError) as small:
        sqs.send_message(QueueUrl=url, MessageBody="z" * 1025)
    assert small.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_tags_on_create_tag_untag_and_list(sqs):
    url = sqs.create_queue(QueueName="e2e-tagged", tags={"team": "core", "env": "dev"})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "core", "env": "dev"}
    sqs.tag_queue(QueueUrl=url, Tags={"env": "prod", "cost-center": "42"})
    sqs.untag_queue(QueueUrl=url, TagKeys=["team", "not-there"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "prod", "cost-center": "42"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["env", "cost-center"])
    assert "Tags" not in sqs.list_queue_tags(QueueUrl=url)
    with pytest.raises(botocore.exceptions.ClientError) as too_many:
        sqs.tag_queue(QueueUrl=url, Tags={f"k{i}": "v" for i in range(51)})
    assert too_many.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.list_queue_tags(QueueUrl=url.replace("e2e-tagged", "e2e-no-such"))
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.tag_queue(QueueUrl=url.replace("e2e-tagged", "e2e-no-such"), Tags={"a": "b"})


def test_tags_with_the_aws_cli(server):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret", AWS_DEFAULT_REGION="us-east-1")

    def aws(*args):
        result = subprocess.run([sys.executable, "-m", "awscli", "sqs", *args, "--endpoint-url", server.endpoint, "--output", "json"],
                                capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else None

    url = aws("create-queue", "--queue-name", "e2e-cli-tagged", "--tags", "owner=cli")["QueueUrl"]
    aws("tag-queue", "--queue-url", url, "--tags", "stage=beta")
    assert aws("list-queue-tags", "--queue-url", url)["Tags"] == {"owner": "cli", "stage": "beta"}
    aws("untag-queue", "--queue-url", url, "--tag-keys", "owner")
    assert aws("list-queue-tags", "--queue-url", url)["Tags"] == {"stage": "beta"}


def test_add_and_remove_permission_edit_the_policy(sqs):
    url = sqs.create_queue(QueueName="e2e-shared")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.add_permission(QueueUrl=url, Label="AliceSend", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    sqs.add_permission(QueueUrl=url, Label="BobBoth", AWSAccountIds=["444455556666", "777788889999"],
                       Actions=["ReceiveMessage", "DeleteMessage"])
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"])
    assert policy["Version"] == "2012-10-17" and policy["Id"] == f"{arn}/SQSDefaultPolicy"
    assert policy["Statement"][0] == {
        "Sid": "AliceSend", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "SQS:SendMessage", "Resource": arn}
    assert policy["Statement"][1]["Principal"]["AWS"] == ["arn:aws:iam::444455556666:root", "arn:aws:iam::777788889999:root"]
    assert policy["Statement"][1]["Action"] == ["SQS:ReceiveMessage", "SQS:DeleteMessage"]
    with pytest.raises(botocore.exceptions.ClientError) as repeated:
        sqs.add_permission(QueueUrl=url, Label="AliceSend", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    assert repeated.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(botocore.exceptions.ClientError) as owner_only:
        sqs.add_permission(QueueUrl=url, Label="Nope", AWSAccountIds=["111122223333"], Actions=["CreateQueue"])
    assert owner_only.value.response["Error"]["Code"] == "InvalidParameterValue"
    sqs.remove_permission(QueueUrl=url, Label="AliceSend")
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["BobBoth"]
    with pytest.raises(botocore.exceptions.ClientError) as missing:
        sqs.remove_permission(QueueUrl=url, Label="AliceSend")
    assert missing.value.response["Error"]["Code"] == "InvalidParameterValue"
    sqs.remove_permission(QueueUrl=url, Label="BobBoth")
    assert "Policy" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]


def test_tags_and_permissions_survive_a_restart_and_verify(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        data_dir = os.path.join(tmp, "data")

        def client(server):
            return boto3.client("sqs", endpoint_url=server.endpoint, region_name="us-east-1",
                                aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")

        first = Server(binary, data_dir)
        try:
            sqs = client(first)
            url = sqs.create_queue(QueueName="kept-tags", tags={"a": "1"})["QueueUrl"]
            sqs.tag_queue(QueueUrl=url, Tags={"b": "2"})
            sqs.add_permission(QueueUrl=url, Label="L", AWSAccountIds=["111122223333"], Actions=["*"])
        finally:
            assert first.stop() == 0
        verified = subprocess.run([binary, "verify", "--data-dir", data_dir], capture_output=True, text=True, timeout=60)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        second = Server(binary, data_dir)
        try:
            sqs = client(second)
            url = sqs.get_queue_url(QueueName="kept-tags")["QueueUrl"]
            assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"a": "1", "b": "2"}
            policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"])
            assert policy["Statement"][0]["Action"] == "SQS:*"
        finally:
            assert second.stop() == 0


def test_redrive_policy_validation(sqs):
    dlq = sqs.create_queue(QueueName="e2e-rp-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    fifo_dlq = sqs.create_queue(QueueName="e2e-rp-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    fifo_dlq_arn = sqs.get_queue_attributes(QueueUrl=fifo_dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def refused(name, attributes):
        with pytest.raises(botocore.exceptions.ClientError) as error:
            sqs.create_queue(QueueName=name, Attributes=attributes)
        return error.value.response["Error"]

    missing = json.dumps({"deadLetterTargetArn": dlq_arn + "-gone", "maxReceiveCount": 2})
    error = refused("e2e-rp-src", {"RedrivePolicy": missing})
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"] == f"Value {missing} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist."
    error = refused("e2e-rp-src.fifo", {"FifoQueue": "true", "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})})
    assert error["Code"] == "InvalidParameterValue" and "same type" in error["Message"]
    for count in (0, 1001, "many"):
        error = refused("e2e-rp-src", {"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": count})})
        assert error["Code"] == "InvalidAttributeValue"
    src = sqs.create_queue(QueueName="e2e-rp-src.fifo", Attributes={
        "FifoQueue": "true", "RedrivePolicy": json.dumps({"deadLetterTargetArn": fifo_dlq_arn, "maxReceiveCount": "4"})})["QueueUrl"]
    described = sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"]
    assert json.loads(described) == {"deadLetterTargetArn": fifo_dlq_arn, "maxReceiveCount": 4}
    with pytest.raises(botocore.exceptions.ClientError) as wrong_type:
        sqs.set_queue_attributes(QueueUrl=src, Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})})
    assert wrong_type.value.response["Error"]["Code"] == "InvalidParameterValue"


@pytest.mark.parametrize("names, expected", [
    (["All"], {"order.id", "order.total", "orderly", "trace"}),
    ([".*"], {"order.id", "order.total", "orderly", "trace"}),
    (["order.*"], {"order.id", "order.total"}),
    (["order.*", "trace"], {"order.id", "order.total", "trace"}),
    (["trace"], {"trace"}),
    (["Trace"], set()),
])
def test_message_attribute_names_select_by_name_and_prefix(sqs, names, expected):
    name = "e2e-attr-" + "-".join(n.replace(".", "").replace("*", "x") for n in names)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="b", MessageAttributes={
        name: {"DataType": "String", "StringValue": "v"} for name in ("order.id", "order.total", "orderly", "trace")})
    message = sqs.receive_message(QueueUrl=url, MessageAttributeNames=names, WaitTimeSeconds=1)["Messages"][0]
    assert set(message.get("MessageAttributes", {})) == expected
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def test_high_throughput_fifo_attributes(sqs):
    url = sqs.create_queue(QueueName="e2e-ht.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    described = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert described["DeduplicationScope"] == "queue" and described["FifoThroughputLimit"] == "perQueue"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})
    described = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DeduplicationScope", "FifoThroughputLimit"])["Attributes"]
    assert described == {"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"}
    with pytest.raises(botocore.exceptions.ClientError) as combination:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"DeduplicationScope": "queue"})
    assert combination.value.response["Error"]["Code"] == "InvalidAttributeValue"
    with pytest.raises(botocore.exceptions.ClientError) as word:
        sqs.create_queue(QueueName="e2e-ht2.fifo", Attributes={"FifoQueue": "true", "FifoThroughputLimit": "fast"})
    assert word.value.response["Error"]["Code"] == "InvalidAttributeValue"
    with pytest.raises(botocore.exceptions.ClientError) as standard:
        sqs.create_queue(QueueName="e2e-ht-standard", Attributes={"DeduplicationScope": "queue"})
    assert standard.value.response["Error"]["Code"] == "InvalidAttributeName"
    # The same create again, defaults spelled out, is the same queue.
    high = {"FifoQueue": "true", "DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"}
    again = sqs.create_queue(QueueName="e2e-ht3.fifo", Attributes=high)["QueueUrl"]
    assert sqs.create_queue(QueueName="e2e-ht3.fifo", Attributes=high)["QueueUrl"] == again


@pytest.mark.parametrize("call, entry", [
    (lambda sqs, url: sqs.send_message_batch(QueueUrl=url, Entries=[]), "SendMessageBatchRequestEntry"),
    (lambda sqs, url: sqs.delete_message_batch(QueueUrl=url, Entries=[]), "DeleteMessageBatchRequestEntry"),
    (lambda sqs, url: sqs.change_message_visibility_batch(QueueUrl=url, Entries=[]), "ChangeMessageVisibilityBatchRequestEntry"),
])
def test_empty_batches_are_refused_in_aws_words(sqs, call, entry):
    url = sqs.create_queue(QueueName="e2e-empty-batches")["QueueUrl"]
    with pytest.raises(sqs.exceptions.EmptyBatchRequest) as empty:
        call(sqs, url)
    assert empty.value.response["Error"]["Message"] == f"There should be at least one {entry} in the request."
