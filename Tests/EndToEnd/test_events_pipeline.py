"""The seed pipeline through a real `stepline serve --workflows`: a signed partner webhook
becomes an event on a bus, a rule's input transformer shapes it, a state machine runs on
it; a failing target retries, dead-letters to its queue, is redriven; a redrive that fails
again waits for review and is resolved. Also every webhook refusal."""

import hashlib
import hmac
import json
import os
import tempfile
import time
import urllib.request

import boto3
import pytest

from conftest import Server

SECRET = "partner-shared-secret"
WEBHOOKS_YAML = """
webhooks:
  - name: partner-uploads
    source: partner.uploads
    detailType: Object Created
    secretEnvironment: E2E_PARTNER_SECRET
    signatureHeader: X-Partner-Signature
    timestampHeader: X-Partner-Timestamp
    deliveryIdHeader: X-Partner-Delivery
    toleranceSeconds: 300
    maximumBodyBytes: 4096
"""
PASS_MACHINE = json.dumps({"StartAt": "Ingest", "States": {"Ingest": {"Type": "Pass", "End": True}}})


@pytest.fixture(scope="module")
def pipeline(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        workflows = os.path.join(tmp, "workflows")
        os.makedirs(workflows)
        with open(os.path.join(workflows, "webhooks.yaml"), "w") as f:
            f.write(WEBHOOKS_YAML)
        marker = os.path.join(tmp, "publish-fixed")
        with open(os.path.join(workflows, "handlers.yaml"), "w") as f:
            f.write("handlers:\n  arn:stepline:handler:publish:\n    command: [/bin/sh, -c, "
                    + json.dumps(f"cat >/dev/null; test -f {marker} || {{ echo publish failed >&2; exit 1; }}") + "]\n")
        running = Server(binary, os.path.join(tmp, "data"), args=["--workflows", workflows],
                         env={"E2E_PARTNER_SECRET": SECRET})
        running.marker = marker
        yield running
        assert running.stop() == 0


def aws(name, server):
    return boto3.client(name, endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")


def sign_webhook(secret, timestamp, delivery, data):
    """Signature scheme v1: v1= and the hex HMAC-SHA256 of "v1\\nTIMESTAMP\\nDELIVERY\\nBODY"."""
    message = b"v1\n" + timestamp.encode() + b"\n" + delivery.encode() + b"\n" + data
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def post_webhook(server, name, body, delivery="d-1", timestamp=None, secret=SECRET, signature=None):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    if signature is None:
        signature = sign_webhook(secret, timestamp, delivery, data)
    request = urllib.request.Request(server.endpoint + f"/webhooks/{name}", data=data, method="POST", headers={
        "Content-Type": "application/json", "X-Partner-Timestamp": timestamp,
        "X-Partner-Signature": signature, "X-Partner-Delivery": delivery})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def stepline_events(server, operation, body=None):
    request = urllib.request.Request(server.endpoint + "/", data=json.dumps(body or {}).encode(), method="POST", headers={
        "X-Amz-Target": f"SteplineEvents.{operation}", "Content-Type": "application/x-amz-json-1.1"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    return condition()


def test_signed_webhook_runs_the_state_machine_once_with_the_transformed_input(pipeline):
    sfn, events = aws("stepfunctions", pipeline), aws("events", pipeline)
    machine = sfn.create_state_machine(name="ingest", definition=PASS_MACHINE,
                                       roleArn="arn:aws:iam::123456789012:role/x")["stateMachineArn"]
    events.put_rule(Name="uploads", EventPattern=json.dumps({"source": ["partner.uploads"], "detail": {"kind": ["video"]}}))
    events.put_targets(Rule="uploads", Targets=[{"Id": "ingest", "Arn": machine, "InputTransformer": {
        "InputPathsMap": {"key": "$.detail.key", "type": "$.detail-type"},
        "InputTemplate": '{"object": <key>, "type": <type>, "rule": <aws.events.rule-name>}'}}])

    status, first = post_webhook(pipeline, "partner-uploads", {"key": "a.mp4", "kind": "video"}, delivery="delivery-1")
    assert status == 200 and first["duplicate"] is False
    # The partner retries the same delivery: same event, nothing new.
    status, again = post_webhook(pipeline, "partner-uploads", {"key": "a.mp4", "kind": "video"}, delivery="delivery-1")
    assert status == 200 and again == {"eventId": first["eventId"], "duplicate": True}

    executions = wait_for(lambda: [e for e in sfn.list_executions(stateMachineArn=machine)["executions"] if e["status"] == "SUCCEEDED"])
    assert len(executions) == 1
    assert executions[0]["name"].startswith(first["eventId"])
    described = sfn.describe_execution(executionArn=executions[0]["executionArn"])
    assert json.loads(described["input"]) == {"object": "a.mp4", "type": "Object Created", "rule": "uploads"}
    time.sleep(0.3)
    assert len(sfn.list_executions(stateMachineArn=machine)["executions"]) == 1


def test_webhook_refusals_say_what_is_wrong(pipeline):
    body = {"key": "b.mp4", "kind": "video"}
    assert post_webhook(pipeline, "nobody", body)[0] == 404
    status, answer = post_webhook(pipeline, "partner-uploads", body, signature="sha256=" + "00" * 32)
    assert (status, answer["error"]) == (401, "InvalidSignature")
    status, answer = post_webhook(pipeline, "partner-uploads", body, secret="wrong")
    assert (status, answer["error"]) == (401, "InvalidSignature")
    status, answer = post_webhook(pipeline, "partner-uploads", body, timestamp=int(time.time()) - 3600)
    assert (status, answer["error"]) == (400, "StaleTimestamp")
    status, answer = post_webhook(pipeline, "partner-uploads", body, timestamp="yesterday")
    assert (status, answer["error"]) == (400, "InvalidTimestamp")
    status, answer = post_webhook(pipeline, "partner-uploads", {"blob": "x" * 5000})
    assert (status, answer["error"]) == (413, "BodyTooLarge")
    status, answer = post_webhook(pipeline, "partner-uploads", b"[1, 2]")
    assert (status, answer["error"]) == (400, "MalformedBody")
    request = urllib.request.Request(pipeline.endpoint + "/webhooks/partner-uploads", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 400 and json.loads(caught.value.read())["error"] == "MissingHeader"


def test_captured_call_resent_with_a_new_delivery_id_is_refused(pipeline):
    body = {"key": "replayed.mp4", "kind": "video"}
    data = json.dumps(body).encode()
    timestamp = str(int(time.time()))
    signature = sign_webhook(SECRET, timestamp, "replay-1", data)
    status, first = post_webhook(pipeline, "partner-uploads", body, delivery="replay-1", timestamp=timestamp, signature=signature)
    assert status == 200 and first["duplicate"] is False
    status, again = post_webhook(pipeline, "partner-uploads", body, delivery="replay-2", timestamp=timestamp, signature=signature)
    assert (status, again["error"]) == (401, "InvalidSignature")
    # The unversioned scheme, which signed no delivery id, is refused outright.
    legacy = "sha256=" + hmac.new(SECRET.encode(), timestamp.encode() + b"." + data, hashlib.sha256).hexdigest()
    status, answer = post_webhook(pipeline, "partner-uploads", body, delivery="replay-3", timestamp=timestamp, signature=legacy)
    assert (status, answer["error"]) == (401, "InvalidSignature")
    assert "v1" in answer["message"]


def test_failing_target_retries_dead_letters_redrives_and_is_reviewed(pipeline):
    events, sqs = aws("events", pipeline), aws("sqs", pipeline)
    dlq = sqs.create_queue(QueueName="publish-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="publish", EventPattern=json.dumps({"source": ["partner.uploads"], "detail": {"kind": ["publish"]}}))
    events.put_targets(Rule="publish", Targets=[{
        "Id": "publish", "Arn": "arn:stepline:handler:publish", "InputPath": "$.detail",
        "RetryPolicy": {"MaximumRetryAttempts": 1}, "DeadLetterConfig": {"Arn": dlq_arn}}])

    # First event: retried once, dead-lettered to the queue, then redriven after the fix: delivered.
    status, first = post_webhook(pipeline, "partner-uploads", {"key": "c.mp4", "kind": "publish"}, delivery="p-1")
    assert status == 200
    letters = wait_for(lambda: stepline_events(pipeline, "ListDeadLetters")["items"], seconds=60)
    assert [(l["eventId"], l["retryAttempts"]) for l in letters] == [(first["eventId"], 1)]
    message = sqs.receive_message(QueueUrl=dlq, MessageAttributeNames=["All"], WaitTimeSeconds=5)["Messages"][0]
    assert json.loads(message["Body"])["id"] == first["eventId"]
    assert message["MessageAttributes"]["EXHAUSTED_RETRY_CONDITION"]["StringValue"] == "MaximumRetryAttempts"
    open(pipeline.marker, "w").close()
    assert stepline_events(pipeline, "RedriveDeadLetters", {"deliveryIds": [letters[0]["deliveryId"]]})["redriven"]
    assert wait_for(lambda: stepline_events(pipeline, "ListDeadLetters")["items"] == [])
    time.sleep(0.5)
    assert stepline_events(pipeline, "ListReviewItems", {"includeResolved": True})["items"] == []

    # Second event: broken again, redriven while still broken: manual review, resolved.
    os.remove(pipeline.marker)
    status, second = post_webhook(pipeline, "partner-uploads", {"key": "d.mp4", "kind": "publish"}, delivery="p-2")
    letters = wait_for(lambda: stepline_events(pipeline, "ListDeadLetters")["items"], seconds=60)
    stepline_events(pipeline, "RedriveDeadLetters", {"all": True})
    items = wait_for(lambda: stepline_events(pipeline, "ListReviewItems")["items"], seconds=60)
    assert [item["eventId"] for item in items] == [second["eventId"]]
    item = stepline_events(pipeline, "DescribeReviewItem", {"deliveryId": items[0]["deliveryId"]})
    assert [h["type"] for h in item["history"]].count("events.delivery.retried") == 2
    stepline_events(pipeline, "ResolveReviewItem", {"deliveryId": item["deliveryId"], "reason": "partner re-sent the file"})
    assert stepline_events(pipeline, "ListReviewItems")["items"] == []
    resolved = stepline_events(pipeline, "ListReviewItems", {"includeResolved": True})["items"]
    assert [(r["status"], r["resolution"]) for r in resolved] == [("RESOLVED", "partner re-sent the file")]
