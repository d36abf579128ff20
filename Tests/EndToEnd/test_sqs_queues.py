"""boto3's `sqs` client against `stepline serve`: every queue operation and its errors."""

import json

import boto3
import botocore.exceptions
import pytest


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
        sqs.send_message(QueueUrl=url, MessageBody="x" * 262_145)
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
