"""boto3's `events` client against `stepline serve`: every EventBridge operation Stepline
answers, its errors, SQS queue targets, API destinations with their connection's auth
header, and the SteplineEvents dead-letter and review operations."""

import base64
import http.server
import json
import threading
import time
import urllib.request

import boto3
import botocore.exceptions
import pytest

PATTERN = json.dumps({"source": ["partner.uploads"], "detail": {"kind": ["video"]}})


def upload(key, kind="video", bus=None):
    entry = {"Source": "partner.uploads", "DetailType": "Object Created", "Detail": json.dumps({"key": key, "kind": kind})}
    if bus:
        entry["EventBusName"] = bus
    return entry


def client(name, server):
    return boto3.client(
        name, endpoint_url=server.endpoint, region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
    )


@pytest.fixture(scope="module")
def events(server):
    return client("events", server)


@pytest.fixture(scope="module")
def sqs(server):
    return client("sqs", server)


def stepline_events(server, operation, body=None):
    """A SteplineEvents.<operation> call: (status, parsed body)."""
    request = urllib.request.Request(
        server.endpoint + "/", data=json.dumps(body or {}).encode(), method="POST",
        headers={"X-Amz-Target": f"SteplineEvents.{operation}", "Content-Type": "application/x-amz-json-1.1"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def error_code(call):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    return condition()


def queue(sqs, name, **attributes):
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def test_buses_rules_and_targets_lifecycle(events):
    arn = events.create_event_bus(Name="e2e-partner", Description="partner events")["EventBusArn"]
    assert arn == "arn:aws:events:us-east-1:123456789012:event-bus/e2e-partner"
    described = events.describe_event_bus(Name="e2e-partner")
    assert described["Arn"] == arn and described["Description"] == "partner events"
    assert "e2e-partner" in [bus["Name"] for bus in events.list_event_buses(NamePrefix="e2e-")["EventBuses"]]
    assert error_code(lambda: events.create_event_bus(Name="e2e-partner"))[0] == "ResourceAlreadyExistsException"

    rule_arn = events.put_rule(Name="uploads", EventBusName="e2e-partner", EventPattern=PATTERN)["RuleArn"]
    assert rule_arn == "arn:aws:events:us-east-1:123456789012:rule/e2e-partner/uploads"
    events.disable_rule(Name="uploads", EventBusName="e2e-partner")
    assert events.describe_rule(Name="uploads", EventBusName="e2e-partner")["State"] == "DISABLED"
    events.enable_rule(Name="uploads", EventBusName="e2e-partner")
    assert [r["Name"] for r in events.list_rules(EventBusName="e2e-partner", NamePrefix="up")["Rules"]] == ["uploads"]
    put = events.put_targets(Rule="uploads", EventBusName="e2e-partner",
                             Targets=[{"Id": "a", "Arn": "http://127.0.0.1:9/a"}, {"Id": "b", "Arn": "http://127.0.0.1:9/b"}])
    assert put["FailedEntryCount"] == 0
    targets = events.list_targets_by_rule(Rule="uploads", EventBusName="e2e-partner", Limit=1)
    assert [t["Id"] for t in targets["Targets"]] == ["a"] and "NextToken" in targets
    rest = events.list_targets_by_rule(Rule="uploads", EventBusName="e2e-partner", NextToken=targets["NextToken"])
    assert [t["Id"] for t in rest["Targets"]] == ["b"]
    code, message = error_code(lambda: events.delete_rule(Name="uploads", EventBusName="e2e-partner"))
    assert (code, message) == ("ValidationException", "Rule can't be deleted since it has targets.")
    events.remove_targets(Rule="uploads", EventBusName="e2e-partner", Ids=["a", "b"])
    events.delete_rule(Name="uploads", EventBusName="e2e-partner")
    assert events.list_rules(EventBusName="e2e-partner")["Rules"] == []
    events.delete_event_bus(Name="e2e-partner")
    assert error_code(lambda: events.describe_event_bus(Name="e2e-partner"))[0] == "ResourceNotFoundException"


def test_test_event_pattern(events):
    event = {"id": "1", "account": "123456789012", "source": "partner.uploads", "time": "2026-11-25T00:00:00Z",
             "region": "us-east-1", "resources": [], "detail-type": "x", "detail": {"kind": "video"}}
    assert events.test_event_pattern(EventPattern=PATTERN, Event=json.dumps(event))["Result"] is True
    event["detail"]["kind"] = "image"
    assert events.test_event_pattern(EventPattern=PATTERN, Event=json.dumps(event))["Result"] is False


def test_bad_input_gets_aws_errors(events):
    code, _ = error_code(lambda: events.put_rule(Name="bad", EventPattern='{"source": "not-a-list"}'))
    assert code == "InvalidEventPatternException"
    assert error_code(lambda: events.put_rule(Name="bad", EventPattern="{not json"))[0] == "InvalidEventPatternException"
    assert error_code(lambda: events.describe_rule(Name="nope"))[0] == "ResourceNotFoundException"
    assert error_code(lambda: events.put_rule(Name="r", EventBusName="missing", EventPattern=PATTERN))[0] == "ResourceNotFoundException"
    assert error_code(lambda: events.list_targets_by_rule(Rule="nope"))[0] == "ResourceNotFoundException"
    # 11 entries: botocore's model does not cap the list, the server does.
    code, _ = error_code(lambda: events.put_events(Entries=[upload(str(i)) for i in range(11)]))
    assert code == "ValidationException"
    big = upload("x")
    big["Detail"] = json.dumps({"blob": "x" * (200 * 1024)})
    code, _ = error_code(lambda: events.put_events(Entries=[big, big]))
    assert code in ("ValidationException", "RequestEntityTooLargeException")
    answer = events.put_events(Entries=[
        {"Source": "s", "DetailType": "t", "Detail": "[1]"}, upload("y", bus="missing"), upload("z"),
        {"DetailType": "t", "Detail": "{}"},
    ])
    assert answer["FailedEntryCount"] == 3
    assert [e.get("ErrorCode") for e in answer["Entries"]] == ["MalformedDetail", "ResourceNotFoundException", None, "InvalidArgument"]
    assert "EventId" in answer["Entries"][2]


def test_queue_targets_receive_matching_events(events, sqs):
    url, arn = queue(sqs, "e2e-events-jobs")
    fifo_url, fifo_arn = queue(sqs, "e2e-events.fifo", FifoQueue="true")
    events.put_rule(Name="to-queues", EventPattern=PATTERN)
    code, message = error_code(lambda: events.put_targets(Rule="to-queues", Targets=[{"Id": "fifo", "Arn": fifo_arn}]))
    assert code == "ValidationException" and "SqsParameters" in message
    events.put_targets(Rule="to-queues", Targets=[
        {"Id": "jobs", "Arn": arn, "InputTransformer": {"InputPathsMap": {"key": "$.detail.key"}, "InputTemplate": '{"object": <key>}'}},
        {"Id": "fifo", "Arn": fifo_arn, "SqsParameters": {"MessageGroupId": "uploads"}},
    ])
    ids = [e["EventId"] for e in events.put_events(Entries=[upload("a.mp4"), upload("b.jpg", kind="image")])["Entries"]]
    # Delivered in the transaction that accepted the event: there already, no waiting.
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"]) for m in messages] == [{"object": "a.mp4"}]
    fifo = sqs.receive_message(QueueUrl=fifo_url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"])["Messages"]
    assert [json.loads(m["Body"])["id"] for m in fifo] == ids[:1]
    assert fifo[0]["Attributes"]["MessageGroupId"] == "uploads"
    events.remove_targets(Rule="to-queues", Ids=["jobs", "fifo"])
    events.delete_rule(Name="to-queues")


class Recorder(http.server.BaseHTTPRequestHandler):
    """Records each request's headers and body; answers 500 while `failing` is set."""
    requests = []
    failing = False

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Recorder.requests.append((self.path, dict(self.headers), body))
        self.send_response(500 if Recorder.failing else 200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_PUT = do_POST

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def recorder():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_connections_and_api_destinations_send_the_auth_header(events, recorder):
    created = events.create_connection(Name="partner-key", AuthorizationType="API_KEY", AuthParameters={
        "ApiKeyAuthParameters": {"ApiKeyName": "X-Partner-Key", "ApiKeyValue": "s3cret"}})
    assert created["ConnectionState"] == "AUTHORIZED"
    basic = events.create_connection(Name="partner-basic", AuthorizationType="BASIC", AuthParameters={
        "BasicAuthParameters": {"Username": "media", "Password": "pw"}})
    described = events.describe_connection(Name="partner-key")
    assert described["AuthParameters"]["ApiKeyAuthParameters"] == {"ApiKeyName": "X-Partner-Key"}
    assert {c["Name"] for c in events.list_connections(NamePrefix="partner-")["Connections"]} == {"partner-key", "partner-basic"}
    assert error_code(lambda: events.create_connection(Name="partner-key", AuthorizationType="API_KEY", AuthParameters={
        "ApiKeyAuthParameters": {"ApiKeyName": "k", "ApiKeyValue": "v"}}))[0] == "ResourceAlreadyExistsException"
    assert error_code(lambda: events.describe_connection(Name="nope"))[0] == "ResourceNotFoundException"

    destination = events.create_api_destination(Name="partner-hook", ConnectionArn=created["ConnectionArn"],
                                                 InvocationEndpoint=recorder + "/hook", HttpMethod="POST")
    basic_destination = events.create_api_destination(Name="partner-basic-hook", ConnectionArn=basic["ConnectionArn"],
                                                       InvocationEndpoint=recorder + "/basic", HttpMethod="PUT")
    assert destination["ApiDestinationState"] == "ACTIVE"
    assert events.describe_api_destination(Name="partner-hook")["InvocationEndpoint"] == recorder + "/hook"
    listed = events.list_api_destinations(ConnectionArn=created["ConnectionArn"])["ApiDestinations"]
    assert [d["Name"] for d in listed] == ["partner-hook"]
    assert error_code(lambda: events.delete_connection(Name="partner-key"))[0] == "ValidationException"

    events.put_rule(Name="to-partner", EventPattern=PATTERN)
    events.put_targets(Rule="to-partner", Targets=[
        {"Id": "hook", "Arn": destination["ApiDestinationArn"], "InputPath": "$.detail"},
        {"Id": "basic", "Arn": basic_destination["ApiDestinationArn"]},
    ])
    Recorder.requests.clear()
    events.put_events(Entries=[upload("c.mp4")])
    assert wait_for(lambda: len(Recorder.requests) == 2)
    by_path = {path: (headers, body) for path, headers, body in Recorder.requests}
    headers, body = by_path["/hook"]
    assert headers["X-Partner-Key"] == "s3cret" and json.loads(body) == {"key": "c.mp4", "kind": "video"}
    assert by_path["/basic"][0]["Authorization"] == "Basic " + base64.b64encode(b"media:pw").decode()

    events.remove_targets(Rule="to-partner", Ids=["hook", "basic"])
    events.delete_rule(Name="to-partner")
    events.delete_api_destination(Name="partner-hook")
    events.delete_api_destination(Name="partner-basic-hook")
    assert error_code(lambda: events.describe_api_destination(Name="partner-hook"))[0] == "ResourceNotFoundException"
    assert events.delete_connection(Name="partner-key")["ConnectionState"] == "DELETING"
    events.delete_connection(Name="partner-basic")


def test_failing_target_dead_letters_to_its_queue_redrives_and_goes_to_review(server, events, sqs, recorder):
    dlq_url, dlq_arn = queue(sqs, "e2e-hook-dlq")
    events.put_rule(Name="flaky", EventPattern=PATTERN)
    events.put_targets(Rule="flaky", Targets=[{
        "Id": "hook", "Arn": recorder + "/flaky", "RetryPolicy": {"MaximumRetryAttempts": 0},
        "DeadLetterConfig": {"Arn": dlq_arn}}])
    Recorder.failing = True
    try:
        event_id = events.put_events(Entries=[upload("d.mp4")])["Entries"][0]["EventId"]
        letters = wait_for(lambda: stepline_events(server, "ListDeadLetters")[1]["items"])
        assert [item["eventId"] for item in letters] == [event_id]
        message = sqs.receive_message(QueueUrl=dlq_url, MessageAttributeNames=["All"], WaitTimeSeconds=5)["Messages"][0]
        assert json.loads(message["Body"])["id"] == event_id
        attributes = {name: value["StringValue"] for name, value in message["MessageAttributes"].items()}
        assert attributes["RULE_ARN"] == "arn:aws:events:us-east-1:123456789012:rule/flaky"
        assert attributes["TARGET_ARN"] == recorder + "/flaky"
        assert attributes["RETRY_ATTEMPTS"] == "0" and attributes["ERROR_CODE"]

        # Redriven while the endpoint still fails: it lands in manual review.
        status, answer = stepline_events(server, "RedriveDeadLetters", {"all": True})
        assert status == 200 and answer["redriven"] == [letters[0]["deliveryId"]]
        items = wait_for(lambda: stepline_events(server, "ListReviewItems")[1]["items"])
        assert [item["status"] for item in items] == ["OPEN"]
        status, item = stepline_events(server, "DescribeReviewItem", {"deliveryId": items[0]["deliveryId"]})
        assert [entry["type"] for entry in item["history"]] == [
            "events.event.accepted", "events.delivery.deadLettered", "events.delivery.redriven", "events.delivery.deadLettered"]
        assert status == 200 and item["history"][0]["detail"]["event"]["id"] == event_id

        # Fixed, retried from review: delivered, and the item leaves the view.
        Recorder.failing = False
        assert stepline_events(server, "RetryReviewItem", {"deliveryId": item["deliveryId"]})[0] == 200
        assert wait_for(lambda: stepline_events(server, "ListReviewItems")[1]["items"] == [])
        assert stepline_events(server, "ListDeadLetters")[1]["items"] == []
    finally:
        Recorder.failing = False
    status, answer = stepline_events(server, "ResolveReviewItem", {"deliveryId": "nope", "reason": "x"})
    assert status == 400 and answer["__type"].endswith("ResourceNotFoundException")
    events.remove_targets(Rule="flaky", Ids=["hook"])
    events.delete_rule(Name="flaky")
