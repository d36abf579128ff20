"""The Task integrations through `stepline serve`, with boto3 on both sides, as on AWS:
a state machine sends to an SQS queue with sqs:sendMessage.waitForTaskToken, a consumer
receives the message and answers with the token it carries; events:putEvents answers
the event ids of the events it put."""
import json

import pytest

from serve import Server, client, finished, stepline_binary


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(stepline_binary(), str(tmp_path_factory.mktemp("serve") / "data"))
    yield running
    assert running.stop() == 0


def machine(sfn, name, resource, parameters):
    definition = {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": resource, "Parameters": parameters,
                                                        "ResultPath": "$.result", "End": True}}}
    return sfn.create_state_machine(name=name, definition=json.dumps(definition),
                                    roleArn="arn:aws:iam::123456789012:role/stepline")["stateMachineArn"]


def test_send_message_wait_for_task_token_is_answered_by_the_queue_consumer(server):
    sfn, sqs = client("stepfunctions", server.endpoint), client("sqs", server.endpoint)
    url = sqs.create_queue(QueueName="transcode-requests")["QueueUrl"]
    arn = machine(sfn, "request-transcode", "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                  {"QueueUrl": url, "MessageBody": {"asset.$": "$.asset", "token.$": "$$.Task.Token"}})
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps({"asset": "clip-9"}))["executionArn"]
    [message] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20)["Messages"]
    body = json.loads(message["Body"])
    assert body["asset"] == "clip-9"
    sfn.send_task_success(taskToken=body["token"], output=json.dumps({"transcoded": True}))
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    described = finished(sfn, execution)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"])["result"] == {"transcoded": True}


def test_put_events_answers_the_event_ids_and_an_unknown_bus_fails_the_task(server):
    sfn = client("stepfunctions", server.endpoint)
    entry = {"Source": "stepline.test", "DetailType": "Probe", "Detail": {"n": 1}}
    good = machine(sfn, "notify", "arn:aws:states:::events:putEvents", {"Entries": [entry, entry]})
    bad = machine(sfn, "notify-nowhere", "arn:aws:states:::events:putEvents", {"Entries": [dict(entry, EventBusName="nowhere")]})
    done = finished(sfn, sfn.start_execution(stateMachineArn=good)["executionArn"])
    result = json.loads(done["output"])["result"]
    assert result["FailedEntryCount"] == 0 and len({e["EventId"] for e in result["Entries"]}) == 2
    failed = finished(sfn, sfn.start_execution(stateMachineArn=bad)["executionArn"])
    assert (failed["status"], failed["error"]) == ("FAILED", "EventBridge.FailedEntry")
