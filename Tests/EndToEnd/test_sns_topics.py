"""boto3's `sns` client against `stepline serve`: every topic operation, its errors, and
delivery to queues (fan-out with filter policies, raw and enveloped, FIFO order and
deduplication) and to an HTTP endpoint (confirmation, retries, dead-letter queue, redrive)."""

import hashlib
import http.server
import json
import threading
import time
import urllib.request

import boto3
import botocore.exceptions
import pytest


def client(name, server):
    return boto3.client(
        name, endpoint_url=server.endpoint, region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
    )


@pytest.fixture(scope="module")
def sns(server):
    return client("sns", server)


@pytest.fixture(scope="module")
def sqs(server):
    return client("sqs", server)


def queue(sqs, name, **attributes):
    url = sqs.create_queue(QueueName=name, Attributes={k: str(v) for k, v in attributes.items()})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def drain(sqs, url, expected, timeout=10):
    """Receives (and deletes) until `expected` messages arrived or `timeout` seconds passed."""
    messages = []
    deadline = time.monotonic() + timeout
    while len(messages) < expected and time.monotonic() < deadline:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                    MessageAttributeNames=["All"], AttributeNames=["All"]).get("Messages", [])
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        messages += batch
    return messages


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_topic_lifecycle_attributes_and_tags(sns):
    arn = sns.create_topic(Name="e2e-orders", Attributes={"DisplayName": "Orders"}, Tags=[{"Key": "team", "Value": "media"}])["TopicArn"]
    assert arn == "arn:aws:sns:us-east-1:123456789012:e2e-orders"
    # Idempotent by name with the same attributes; refused with different ones.
    assert sns.create_topic(Name="e2e-orders", Attributes={"DisplayName": "Orders"})["TopicArn"] == arn
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.create_topic(Name="e2e-orders", Attributes={"DisplayName": "Other"})
    assert {"TopicArn": arn} in sns.list_topics()["Topics"]
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["DisplayName"] == "Orders" and attributes["TopicArn"] == arn
    assert attributes["SubscriptionsConfirmed"] == "0" and "Policy" in attributes and "EffectiveDeliveryPolicy" in attributes
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Renamed")
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "Renamed"
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.set_topic_attributes(TopicArn=arn, AttributeName="Bogus", AttributeValue="x")
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "stage", "Value": "dev"}])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "stage", "Value": "dev"}, {"Key": "team", "Value": "media"}]
    sns.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "stage", "Value": "dev"}]
    sns.delete_topic(TopicArn=arn)
    assert {"TopicArn": arn} not in sns.list_topics()["Topics"]
    # Idempotent (AWS: deleting a topic that does not exist does not result in an error).
    sns.delete_topic(TopicArn=arn)
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.delete_topic(TopicArn="not-an-arn")


def test_errors_are_the_modeled_exceptions(sns):
    missing = "arn:aws:sns:us-east-1:123456789012:e2e-missing"
    with pytest.raises(sns.exceptions.NotFoundException) as excinfo:
        sns.get_topic_attributes(TopicArn=missing)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.publish(TopicArn=missing, Message="x")
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.get_subscription_attributes(SubscriptionArn=missing + ":0000")
    with pytest.raises(sns.exceptions.ResourceNotFoundException):
        sns.list_tags_for_resource(ResourceArn=missing)
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.create_topic(Name="bad name!")
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.create_topic(Name="no-suffix", Attributes={"FifoTopic": "true"})
    arn = sns.create_topic(Name="e2e-errors")["TopicArn"]
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint="arn:aws:sqs:us-east-1:123456789012:x",
                      Attributes={"FilterPolicy": json.dumps({"a": [{"wildcard": "x*"}]})})
    assert "FilterPolicy" in str(excinfo.value)
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint="arn:aws:sqs:us-east-1:123456789012:x",
                      Attributes={"FilterPolicy": json.dumps({"a": {"b": ["c"]}})})
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.subscribe(TopicArn=arn, Protocol="carrier-pigeon", Endpoint="x")
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.publish(TopicArn=arn, Message="")
    with pytest.raises(sns.exceptions.TooManyEntriesInBatchRequestException):
        sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[{"Id": f"m{i}", "Message": "x"} for i in range(11)])
    with pytest.raises(sns.exceptions.BatchEntryIdsNotDistinctException):
        sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[{"Id": "same", "Message": "x"}] * 2)
    with pytest.raises(sns.exceptions.EmptyBatchRequestException):
        sns.publish_batch(TopicArn=arn, PublishBatchRequestEntries=[])


def test_fan_out_with_filter_policies_raw_and_enveloped(sns, sqs):
    topic = sns.create_topic(Name="e2e-fanout")["TopicArn"]
    all_url, all_arn = queue(sqs, "e2e-fan-all")
    red_url, red_arn = queue(sqs, "e2e-fan-red")
    big_url, big_arn = queue(sqs, "e2e-fan-big")
    body_url, body_arn = queue(sqs, "e2e-fan-body")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=all_arn)
    red = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=red_arn, ReturnSubscriptionArn=True,
                        Attributes={"FilterPolicy": json.dumps({"color": ["red"]}), "RawMessageDelivery": "true"})["SubscriptionArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=big_arn,
                  Attributes={"FilterPolicy": json.dumps({"size": [{"numeric": [">", 10]}], "color": [{"anything-but": "blue"}]})})
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=body_arn,
                  Attributes={"FilterPolicyScope": "MessageBody", "FilterPolicy": json.dumps({"order": {"state": [{"prefix": "ship"}]}})})
    attributes = sns.get_subscription_attributes(SubscriptionArn=red)["Attributes"]
    assert attributes["RawMessageDelivery"] == "true" and attributes["FilterPolicyScope"] == "MessageAttributes"
    assert attributes["PendingConfirmation"] == "false" and attributes["Protocol"] == "sqs"

    def publish(message, color, size):
        return sns.publish(TopicArn=topic, Message=message, Subject="fan", MessageAttributes={
            "color": {"DataType": "String", "StringValue": color}, "size": {"DataType": "Number", "StringValue": str(size)}})["MessageId"]

    red_small = publish("red small", "red", 1)
    red_big = publish("red big", "red", 50)
    blue_big = publish("blue big", "blue", 50)
    shipped = publish(json.dumps({"order": {"state": "shipped"}}), "green", 20)

    everything = drain(sqs, all_url, 4)
    envelopes = {json.loads(m["Body"])["MessageId"]: json.loads(m["Body"]) for m in everything}
    assert set(envelopes) == {red_small, red_big, blue_big, shipped}
    envelope = envelopes[red_big]
    assert envelope["Type"] == "Notification" and envelope["TopicArn"] == topic and envelope["Subject"] == "fan"
    assert envelope["Message"] == "red big" and envelope["MessageAttributes"]["size"] == {"Type": "Number", "Value": "50"}
    for key in ("Timestamp", "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL"):
        assert key in envelope

    raw = drain(sqs, red_url, 2)
    assert sorted(m["Body"] for m in raw) == ["red big", "red small"]
    assert raw[0]["MessageAttributes"]["color"] == {"StringValue": "red", "DataType": "String"}
    assert sorted(json.loads(m["Body"])["Message"] for m in drain(sqs, big_url, 2)) == sorted([json.dumps({"order": {"state": "shipped"}}), "red big"])
    assert [json.loads(m["Body"])["MessageId"] for m in drain(sqs, body_url, 1)] == [shipped]
    # Nothing else arrives: filters dropped the rest.
    time.sleep(0.5)
    assert drain(sqs, red_url, 1, timeout=1) == [] and drain(sqs, body_url, 1, timeout=1) == []


def test_subscriptions_list_paginate_and_unsubscribe(sns, sqs):
    topic = sns.create_topic(Name="e2e-many")["TopicArn"]
    arns = []
    for i in range(105):
        arns.append(sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:us-east-1:123456789012:e2e-many-{i}")["SubscriptionArn"])
    # Subscribing the same endpoint again returns the same subscription.
    assert sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint="arn:aws:sqs:us-east-1:123456789012:e2e-many-0")["SubscriptionArn"] == arns[0]
    first = sns.list_subscriptions_by_topic(TopicArn=topic)
    assert len(first["Subscriptions"]) == 100 and "NextToken" in first
    second = sns.list_subscriptions_by_topic(TopicArn=topic, NextToken=first["NextToken"])
    assert len(second["Subscriptions"]) == 5 and "NextToken" not in second
    assert sorted(s["SubscriptionArn"] for s in first["Subscriptions"] + second["Subscriptions"]) == sorted(arns)
    paginator = sns.get_paginator("list_subscriptions")
    listed = [s["SubscriptionArn"] for page in paginator.paginate() for s in page["Subscriptions"]]
    assert set(arns) <= set(listed)
    sns.unsubscribe(SubscriptionArn=arns[0])
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.get_subscription_attributes(SubscriptionArn=arns[0])
    sns.set_subscription_attributes(SubscriptionArn=arns[1], AttributeName="RawMessageDelivery", AttributeValue="true")
    assert sns.get_subscription_attributes(SubscriptionArn=arns[1])["Attributes"]["RawMessageDelivery"] == "true"
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.set_subscription_attributes(SubscriptionArn=arns[1], AttributeName="FilterPolicy", AttributeValue="{not json")
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.list_subscriptions_by_topic(TopicArn=topic, NextToken="forged")


def test_publish_batch_reports_partial_failures(sns, sqs):
    topic = sns.create_topic(Name="e2e-batch")["TopicArn"]
    url, arn = queue(sqs, "e2e-batch-q")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    result = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": "ok1", "Message": "one"},
        {"Id": "bad", "Message": "two", "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "not-a-number"}}},
        {"Id": "ok2", "Message": "three"},
    ])
    assert [entry["Id"] for entry in result["Successful"]] == ["ok1", "ok2"]
    assert [(entry["Id"], entry["SenderFault"]) for entry in result["Failed"]] == [("bad", True)]
    assert sorted(m["Body"] for m in drain(sqs, url, 2)) == ["one", "three"]


def test_fifo_topic_orders_per_group_and_deduplicates(sns, sqs):
    topic = sns.create_topic(Name="e2e-assets.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})["TopicArn"]
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["FifoTopic"] == "true"
    urls = []
    for i in range(2):
        url, arn = queue(sqs, f"e2e-assets-{i}.fifo", FifoQueue="true")
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
        urls.append(url)
    standard_url, standard_arn = queue(sqs, "e2e-not-fifo")
    with pytest.raises(sns.exceptions.InvalidParameterException):
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=standard_arn)
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.publish(TopicArn=topic, Message="no group")
    assert "MessageGroupId" in str(excinfo.value)

    groups = ["asset-a", "asset-b", "asset-c"]
    per_group = 20

    def publisher(group):
        own = client("sns", type("S", (), {"endpoint": sns.meta.endpoint_url})())
        for n in range(per_group):
            own.publish(TopicArn=topic, Message=f"{group}:{n}", MessageGroupId=group)

    threads = [threading.Thread(target=publisher, args=(group,)) for group in groups]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first = sns.publish(TopicArn=topic, Message="asset-a:dup", MessageGroupId="asset-a")
    again = sns.publish(TopicArn=topic, Message="asset-a:dup", MessageGroupId="asset-a")
    assert again["MessageId"] == first["MessageId"] and again["SequenceNumber"] == first["SequenceNumber"]
    explicit = sns.publish(TopicArn=topic, Message="other body", MessageGroupId="asset-b", MessageDeduplicationId="id-1")
    assert sns.publish(TopicArn=topic, Message="changed body", MessageGroupId="asset-b", MessageDeduplicationId="id-1")["MessageId"] == explicit["MessageId"]

    total = len(groups) * per_group + 2
    for url in urls:
        bodies = [m["Body"] for m in drain(sqs, url, total, timeout=30)]
        assert len(bodies) == total
        for group in groups:
            numbered = [b for b in bodies if b.startswith(group + ":") and b.split(":")[1].isdigit()]
            assert numbered == [f"{group}:{n}" for n in range(per_group)]
        assert bodies.count("asset-a:dup") == 1 and bodies.count("other body") == 1 and "changed body" not in bodies


class Receiver(http.server.BaseHTTPRequestHandler):
    """An HTTP subscriber: records every POST; answers 500 while `failing` is set."""
    received = []
    failing = False

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body.decode()))
        self.send_response(500 if Receiver.failing and self.headers["x-amz-sns-message-type"] == "Notification" else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


def wait_for(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_http_subscriber_confirms_then_retries_into_the_dead_letter_queue(sns, sqs, server):
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    try:
        topic = sns.create_topic(Name="e2e-http", Attributes={"DeliveryPolicy": json.dumps(
            {"http": {"defaultHealthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 2}}})})["TopicArn"]
        dlq_url, dlq_arn = queue(sqs, "e2e-http-dlq")
        pending = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint,
                                Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})})
        assert pending["SubscriptionArn"] == "pending confirmation"
        assert wait_for(lambda: any(h["x-amz-sns-message-type"] == "SubscriptionConfirmation" for h, _ in Receiver.received))
        headers, body = next((h, b) for h, b in Receiver.received if h["x-amz-sns-message-type"] == "SubscriptionConfirmation")
        confirmation = json.loads(body)
        assert confirmation["Type"] == "SubscriptionConfirmation" and confirmation["TopicArn"] == topic
        assert confirmation["SubscribeURL"].startswith(server.endpoint)
        subscription = sns.confirm_subscription(TopicArn=topic, Token=confirmation["Token"])["SubscriptionArn"]
        assert sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"]["PendingConfirmation"] == "false"

        Receiver.received.clear()
        delivered = sns.publish(TopicArn=topic, Message="to http")["MessageId"]
        assert wait_for(lambda: any(b for h, b in Receiver.received if h["x-amz-sns-message-id"] == delivered))
        headers, body = Receiver.received[0]
        assert headers["x-amz-sns-topic-arn"] == topic and headers["x-amz-sns-subscription-arn"] == subscription
        assert json.loads(body)["Message"] == "to http"

        Receiver.failing = True
        Receiver.received.clear()
        failed = sns.publish(TopicArn=topic, Message="will fail")["MessageId"]
        dead = drain(sqs, dlq_url, 1, timeout=20)
        assert len(dead) == 1 and json.loads(dead[0]["Body"])["MessageId"] == failed
        attempts = [h for h, _ in Receiver.received if h["x-amz-sns-message-id"] == failed]
        assert len(attempts) == 3  # the first attempt and two retries
    finally:
        Receiver.failing = False
        receiver.shutdown()


def test_following_the_subscribe_and_unsubscribe_urls_confirms_and_removes(sns):
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{receiver.server_address[1]}/urls"
    try:
        topic = sns.create_topic(Name="e2e-urls")["TopicArn"]
        arn = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint, ReturnSubscriptionArn=True)["SubscriptionArn"]
        assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["PendingConfirmation"] == "true"
        assert wait_for(lambda: any(json.loads(b).get("TopicArn") == topic for h, b in Receiver.received
                                    if h["x-amz-sns-message-type"] == "SubscriptionConfirmation"))
        confirmation = next(json.loads(b) for h, b in Receiver.received
                            if h["x-amz-sns-message-type"] == "SubscriptionConfirmation" and json.loads(b)["TopicArn"] == topic)
        with urllib.request.urlopen(confirmation["SubscribeURL"]) as response:
            assert response.status == 200 and f"<SubscriptionArn>{arn}</SubscriptionArn>" in response.read().decode()
        assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["PendingConfirmation"] == "false"
        Receiver.received.clear()
        message_id = sns.publish(TopicArn=topic, Message="to urls")["MessageId"]
        assert wait_for(lambda: any(h["x-amz-sns-message-id"] == message_id for h, _ in Receiver.received))
        envelope = json.loads(next(b for h, b in Receiver.received if h["x-amz-sns-message-id"] == message_id))
        with urllib.request.urlopen(envelope["UnsubscribeURL"]) as response:
            assert response.status == 200
        with pytest.raises(sns.exceptions.NotFoundException):
            sns.get_subscription_attributes(SubscriptionArn=arn)
    finally:
        receiver.shutdown()
