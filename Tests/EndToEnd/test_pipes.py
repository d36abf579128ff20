"""workflows/pipes.yaml through the real `stepline serve --workflows`: a queue's
messages pass a filter on their JSON body, an enrichment command adds a field,
and a state machine runs once per message with the enriched input; messages the
filter drops start nothing and leave the queue."""

import json
import os
import sys
import tempfile
import time

import boto3

from conftest import Server

MACHINE = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})
ENRICH = """#!%s
import json, sys
batch = json.load(sys.stdin)
print(json.dumps([{"key": record["body"]["key"], "partner": "acme"} for record in batch]))
""" % sys.executable
PIPES_YAML = """
pipes:
  - name: uploads-to-ingest
    source: {queue: uploads}
    filter: {body: {kind: [video]}}
    enrichment: {handler: enrich-upload}
    target: {stateMachine: ingest}
    inputTemplate: '{"object": "<$.key>", "partner": "<$.partner>"}'
    retry: {maximumAttempts: 2, backoffSeconds: 0}
"""


def aws(name, server):
    return boto3.client(name, endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")


def workflows_dir(tmp):
    workflows = os.path.join(tmp, "workflows")
    os.makedirs(workflows)
    with open(os.path.join(workflows, "ingest.asl.json"), "w") as f:
        f.write(MACHINE)
    enrich = os.path.join(workflows, "enrich.py")
    with open(enrich, "w") as f:
        f.write(ENRICH)
    os.chmod(enrich, 0o755)
    with open(os.path.join(workflows, "handlers.yaml"), "w") as f:
        f.write("handlers:\n  enrich-upload:\n    command: [%s]\n" % json.dumps(enrich))
    with open(os.path.join(workflows, "events.yaml"), "w") as f:
        f.write("queues:\n  - name: uploads\n")
    with open(os.path.join(workflows, "pipes.yaml"), "w") as f:
        f.write(PIPES_YAML)
    return workflows


def test_a_queue_pipe_filters_enriches_and_starts_the_state_machine_once_per_message(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        server = Server(binary, os.path.join(tmp, "data"), args=["--workflows", workflows_dir(tmp)])
        try:
            sqs, sfn = aws("sqs", server), aws("stepfunctions", server)
            url = sqs.get_queue_url(QueueName="uploads")["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "image", "key": "a.png"}))
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "video", "key": "b.mp4"}))
            machine = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"] if m["name"] == "ingest")
            deadline = time.monotonic() + 30
            executions = []
            while time.monotonic() < deadline:
                attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
                executions = sfn.list_executions(stateMachineArn=machine)["executions"]
                if executions and attributes["ApproximateNumberOfMessages"] == "0" and attributes["ApproximateNumberOfMessagesNotVisible"] == "0":
                    break
                time.sleep(0.2)
            assert len(executions) == 1
            described = sfn.describe_execution(executionArn=executions[0]["executionArn"])
            assert json.loads(described["input"]) == [{"object": "b.mp4", "partner": "acme"}]
            assert executions[0]["name"].startswith("uploads-to-ingest-")
        finally:
            assert server.stop() == 0


BUS_PIPES_YAML = """
pipes:
  - name: partner-uploads
    source: {bus: partners, eventPattern: {source: [partner]}}
    filter: {detail: {kind: [video]}}
    target: {stateMachine: ingest}
    inputTemplate: '{"object": "<$.detail.key>", "type": "<$.detail-type>"}'
"""


def test_a_bus_rule_pipe_starts_the_state_machine_with_the_matching_event(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        workflows = os.path.join(tmp, "workflows")
        os.makedirs(workflows)
        with open(os.path.join(workflows, "ingest.asl.json"), "w") as f:
            f.write(MACHINE)
        with open(os.path.join(workflows, "events.yaml"), "w") as f:
            f.write("buses:\n  - name: partners\n")
        with open(os.path.join(workflows, "pipes.yaml"), "w") as f:
            f.write(BUS_PIPES_YAML)
        server = Server(binary, os.path.join(tmp, "data"), args=["--workflows", workflows])
        try:
            events, sfn, sqs = aws("events", server), aws("stepfunctions", server), aws("sqs", server)
            rules = events.list_rules(EventBusName="partners")["Rules"]
            assert [rule["Name"] for rule in rules] == ["pipe-partner-uploads"]
            put = events.put_events(Entries=[
                {"Source": "partner", "DetailType": "Upload", "Detail": json.dumps({"kind": "image", "key": "a.png"}), "EventBusName": "partners"},
                {"Source": "partner", "DetailType": "Upload", "Detail": json.dumps({"kind": "video", "key": "b.mp4"}), "EventBusName": "partners"},
                {"Source": "other", "DetailType": "Upload", "Detail": json.dumps({"kind": "video", "key": "c.mp4"}), "EventBusName": "partners"},
            ])
            assert put["FailedEntryCount"] == 0
            machine = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"] if m["name"] == "ingest")
            deadline = time.monotonic() + 30
            executions = []
            # The pipe reads the internal queue its rule fills; once that is empty every event was handled.
            url = sqs.get_queue_url(QueueName="pipe-partner-uploads-source")["QueueUrl"]
            while time.monotonic() < deadline:
                attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
                executions = sfn.list_executions(stateMachineArn=machine)["executions"]
                if executions and attributes["ApproximateNumberOfMessages"] == "0" and attributes["ApproximateNumberOfMessagesNotVisible"] == "0":
                    break
                time.sleep(0.2)
            assert len(executions) == 1
            described = sfn.describe_execution(executionArn=executions[0]["executionArn"])
            assert json.loads(described["input"]) == [{"object": "b.mp4", "type": "Upload"}]
        finally:
            assert server.stop() == 0


def read_output_until(server, needle, seconds=30):
    """The server's output after it started listening, read until `needle` appears."""
    import select
    deadline = time.monotonic() + seconds
    while needle not in server.output.decode("utf-8", "replace") and time.monotonic() < deadline:
        ready, _, _ = select.select([server.process.stdout], [], [], 0.2)
        if ready:
            server.output += os.read(server.process.stdout.fileno(), 65536)
    return server.output.decode("utf-8", "replace")


def test_a_pipe_whose_source_queue_is_missing_names_it_once_and_runs_once_it_exists(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        workflows = workflows_dir(tmp)
        with open(os.path.join(workflows, "events.yaml"), "w") as f:
            f.write("queues: []\n")
        server = Server(binary, os.path.join(tmp, "data"), args=["--workflows", workflows, "--log-level", "info"])
        try:
            output = read_output_until(server, "pipe poll failed")
            failure = next(line for line in output.splitlines() if "pipe poll failed" in line)
            assert "source=uploads" in failure and "pipe=uploads-to-ingest" in failure
            sqs, sfn = aws("sqs", server), aws("stepfunctions", server)
            url = sqs.create_queue(QueueName="uploads")["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "video", "key": "c.mp4"}))
            machine = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"] if m["name"] == "ingest")
            deadline = time.monotonic() + 30
            while not sfn.list_executions(stateMachineArn=machine)["executions"] and time.monotonic() < deadline:
                time.sleep(0.2)
            assert len(sfn.list_executions(stateMachineArn=machine)["executions"]) == 1
            # Every failed poll until the queue existed (one a second) left one line, not one each.
            output = read_output_until(server, "\0", seconds=0.5)
            assert output.count("pipe poll failed") == 1
        finally:
            assert server.stop() == 0
