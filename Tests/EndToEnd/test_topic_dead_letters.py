"""Topic deliveries whose retries ran out, through `stepline dlq|review --kind topics`:
listed as dead letters, redriven, waiting for review when they fail again, retried and
resolved — the same views as bus deliveries and executions."""

import json
import subprocess
import time
import urllib.request

import boto3


def cli(binary, server, *args):
    result = subprocess.run([binary, *args, "--endpoint", server.endpoint], capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout, result.stderr


def cli_json(binary, server, *args):
    status, out, err = cli(binary, server, *args, "--json")
    assert status == 0, err
    return json.loads(out)


def wait_for(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_topic_delivery_is_redriven_then_reviewed_retried_and_resolved_from_the_cli(binary, server):
    sns = boto3.client("sns", endpoint_url=server.endpoint, region_name="us-east-1",
                       aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
    topic = sns.create_topic(Name="e2e-topic-dlq")["TopicArn"]
    # A local handler no workflows/handlers.yaml maps: every attempt fails, and with no retries the first one dead-letters.
    endpoint = "arn:aws:lambda:us-east-1:123456789012:function:e2e-missing-handler"
    subscription = sns.subscribe(
        TopicArn=topic, Protocol="lambda", Endpoint=endpoint, ReturnSubscriptionArn=True,
        Attributes={"DeliveryPolicy": json.dumps(
            {"healthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 0}})})["SubscriptionArn"]
    message = sns.publish(TopicArn=topic, Message="frame")["MessageId"]

    def letters():
        return [i for i in cli_json(binary, server, "dlq", "list", "--kind", "topics")["items"] if i["messageId"] == message]
    assert wait_for(lambda: len(letters()) == 1)
    letter = letters()[0]
    assert letter["subscriptionArn"] == subscription and letter["endpoint"] == endpoint
    assert "e2e-missing-handler" in letter["errorMessage"] and letter["redriveCount"] == 0
    status, out, _ = cli(binary, server, "dlq", "list", "--kind", "topics")
    assert status == 0 and letter["deliveryId"] in out and subscription in out

    status, out, _ = cli(binary, server, "dlq", "redrive", "--kind", "topics", letter["deliveryId"])
    assert status == 0 and f"redriven {letter['deliveryId']}" in out

    def review(*flags):
        return [i for i in cli_json(binary, server, "review", "list", "--kind", "topics", *flags)["items"]
                if i["deliveryId"] == letter["deliveryId"]]
    assert wait_for(lambda: len(review()) == 1)
    assert letters() == []
    assert review()[0]["status"] == "OPEN" and review()[0]["redriveCount"] == 1

    # DescribeReviewItem reads the delivery's life back from the log.
    request = urllib.request.Request(
        server.endpoint, data=json.dumps({"deliveryId": letter["deliveryId"]}).encode(), method="POST",
        headers={"X-Amz-Target": "SteplineTopics.DescribeReviewItem", "Content-Type": "application/x-amz-json-1.1"})
    with urllib.request.urlopen(request) as response:
        described = json.loads(response.read())
    assert described["body"] and [entry["type"] for entry in described["history"]] == [
        "topic.published", "topic.deliveryDeadLettered", "topic.deliveryRedriven", "topic.deliveryDeadLettered"]

    status, out, _ = cli(binary, server, "review", "retry", "--kind", "topics", letter["deliveryId"])
    assert status == 0 and f"retried {letter['deliveryId']}" in out
    assert wait_for(lambda: [i["redriveCount"] for i in review()] == [2])

    status, _, err = cli(binary, server, "review", "resolve", "--kind", "topics", letter["deliveryId"], "--reason", "")
    assert status != 0
    status, out, _ = cli(binary, server, "review", "resolve", "--kind", "topics", letter["deliveryId"], "--reason", "handler retired")
    assert status == 0 and f"resolved {letter['deliveryId']}" in out
    assert review() == []
    resolved = review("--all")
    assert len(resolved) == 1 and resolved[0]["status"] == "RESOLVED" and resolved[0]["resolution"] == "handler retired"

    status, _, err = cli(binary, server, "review", "retry", "--kind", "topics", letter["deliveryId"])
    assert status == 1 and "InvalidParameter" in err
    status, _, err = cli(binary, server, "review", "retry", "--kind", "executions", "x")
    assert status == 64
