"""workflows/events.yaml through the real `stepline serve --workflows`: its queues, buses,
rules and targets are deployed at start, an event is routed by them, a restart with the
same file writes nothing to the log, an edited file updates the rule, and a bad
declaration stops the server with an error naming the file and the field."""

import json
import os
import subprocess
import tempfile
import time

import boto3

from conftest import Server

MACHINE = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})
EVENTS_YAML = """
queues:
  - name: review
    attributes: { VisibilityTimeout: 45 }
buses:
  - name: media
rules:
  - name: flagged
    bus: media
    eventPattern: { detail-type: [FLAGGED] }
    targets:
      - id: review-queue
        queue: review
        inputPath: $.detail
      - id: start
        stateMachine: on-flagged
"""


def aws(name, server):
    return boto3.client(name, endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")


def last_sequence(binary, data_dir):
    result = subprocess.run([binary, "verify", "--data-dir", data_dir, "--json"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)["lastSequence"]


def workflows_dir(tmp, events):
    workflows = os.path.join(tmp, "workflows")
    os.makedirs(workflows, exist_ok=True)
    with open(os.path.join(workflows, "on-flagged.asl.json"), "w") as f:
        f.write(MACHINE)
    with open(os.path.join(workflows, "events.yaml"), "w") as f:
        f.write(events)
    return workflows


def test_declared_resources_are_deployed_route_events_and_a_restart_writes_nothing(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        workflows, data = workflows_dir(tmp, EVENTS_YAML), os.path.join(tmp, "data")
        server = Server(binary, data, args=["--workflows", workflows])
        try:
            sqs, events, sfn = aws("sqs", server), aws("events", server), aws("stepfunctions", server)
            url = sqs.get_queue_url(QueueName="review")["QueueUrl"]
            assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])["Attributes"] == {"VisibilityTimeout": "45"}
            targets = events.list_targets_by_rule(Rule="flagged", EventBusName="media")["Targets"]
            assert sorted(target["Id"] for target in targets) == ["review-queue", "start"]
            events.put_events(Entries=[{"EventBusName": "media", "Source": "test", "DetailType": "FLAGGED",
                                        "Detail": json.dumps({"TaskToken": "t-1"})}])
            messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=10)["Messages"]
            assert json.loads(messages[0]["Body"]) == {"TaskToken": "t-1"}
            machine = sfn.list_state_machines()["stateMachines"][0]["stateMachineArn"]
            # The rule's two targets are delivered independently: wait for the execution
            # to finish, so the restart below has nothing left to do.
            deadline = time.time() + 30
            while time.time() < deadline:
                executions = sfn.list_executions(stateMachineArn=machine)["executions"]
                if executions and executions[0]["status"] != "RUNNING":
                    break
                time.sleep(0.1)
            assert [e["status"] for e in executions] == ["SUCCEEDED"]
        finally:
            assert server.stop() == 0
        deployed = last_sequence(binary, data)
        server = Server(binary, data, args=["--workflows", workflows])
        assert server.stop() == 0
        assert last_sequence(binary, data) == deployed, "an unchanged events.yaml wrote to the log"

        workflows_dir(tmp, EVENTS_YAML.replace("[FLAGGED]", "[REVIEW_REQUESTED]").replace("      - id: start\n        stateMachine: on-flagged\n", ""))
        server = Server(binary, data, args=["--workflows", workflows])
        try:
            events = aws("events", server)
            rule = events.describe_rule(Name="flagged", EventBusName="media")
            assert json.loads(rule["EventPattern"]) == {"detail-type": ["REVIEW_REQUESTED"]}
            assert [t["Id"] for t in events.list_targets_by_rule(Rule="flagged", EventBusName="media")["Targets"]] == ["review-queue"]
        finally:
            assert server.stop() == 0


def test_a_bad_declaration_stops_serve_naming_the_file_and_the_field(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        workflows = workflows_dir(tmp, EVENTS_YAML.replace("queue: review\n", "queue: review\n        colour: red\n"))
        result = subprocess.run([binary, "serve", "--port", "0", "--data-dir", os.path.join(tmp, "data"), "--workflows", workflows],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 1
        message = result.stdout + result.stderr
        assert os.path.join(workflows, "events.yaml") + ": /rules/0/targets/0/colour is not a known field" in message, message
