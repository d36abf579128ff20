"""Every Step Functions operation Stepline supports, through boto3 (and a few through the
aws CLI), against `stepline serve` on a temporary data directory: shapes, error names and
statuses, pagination. Names are unique per test so tests share the module's server."""
import json
import os
import subprocess
import sys
import threading
import time
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/e2e"
PASS = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"ok": True}, "End": True}}})
WAIT = json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 30, "End": True}}})


def sfn(server):
    return boto3.client(
        "stepfunctions", endpoint_url=server.endpoint, region_name="us-east-1",
        aws_access_key_id="AKIDX", aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}, inject_host_prefix=False, read_timeout=90),
    )


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def error(call):
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


def machine(client, definition=PASS, **kwargs):
    return client.create_state_machine(name=unique("m"), definition=definition, roleArn=ROLE, **kwargs)["stateMachineArn"]


def wait_finished(client, arn, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        described = client.describe_execution(executionArn=arn)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.05)
    raise AssertionError(f"{arn} still RUNNING")


# State machines


def test_state_machine_lifecycle(server):
    client = sfn(server)
    name = unique("life")
    created = client.create_state_machine(name=name, definition=PASS, roleArn=ROLE)
    arn = created["stateMachineArn"]
    assert arn == f"arn:aws:states:us-east-1:123456789012:stateMachine:{name}"
    assert created["creationDate"].year >= 2024
    described = client.describe_state_machine(stateMachineArn=arn)
    assert (described["name"], described["status"], described["type"], described["roleArn"]) == (name, "ACTIVE", "STANDARD", ROLE)
    assert json.loads(described["definition"]) == json.loads(PASS)
    updated = client.update_state_machine(stateMachineArn=arn, definition=WAIT)
    assert updated["revisionId"] != described["revisionId"]
    assert json.loads(client.describe_state_machine(stateMachineArn=arn)["definition"]) == json.loads(WAIT)
    client.delete_state_machine(stateMachineArn=arn)
    assert error(lambda: client.describe_state_machine(stateMachineArn=arn)) == ("StateMachineDoesNotExist", 400)


def test_state_machine_errors(server):
    client = sfn(server)
    name = unique("dup")
    client.create_state_machine(name=name, definition=PASS, roleArn=ROLE)
    assert error(lambda: client.create_state_machine(name=name, definition=WAIT, roleArn=ROLE)) == ("StateMachineAlreadyExists", 400)
    assert error(lambda: client.create_state_machine(name=unique("bad"), definition='{"StartAt": "X"}', roleArn=ROLE)) == ("InvalidDefinition", 400)
    assert error(lambda: client.create_state_machine(name="has space", definition=PASS, roleArn=ROLE)) == ("InvalidName", 400)
    assert error(lambda: client.describe_state_machine(stateMachineArn="not-an-arn")) == ("InvalidArn", 400)
    assert error(lambda: client.describe_state_machine(
        stateMachineArn="arn:aws:states:us-east-1:123456789012:execution:x:y")) == ("InvalidArn", 400)
    assert error(lambda: client.update_state_machine(
        stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:nope", definition=PASS)) == ("StateMachineDoesNotExist", 400)


def test_list_state_machines_pages_with_tokens(server):
    client = sfn(server)
    for _ in range(3):
        machine(client)
    seen, token, pages = [], None, 0
    while True:
        page = client.list_state_machines(maxResults=2, **({"nextToken": token} if token else {}))
        assert len(page["stateMachines"]) <= 2
        seen += [m["stateMachineArn"] for m in page["stateMachines"]]
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    assert pages >= 2 and len(seen) == len(set(seen)) >= 3
    everything = [m["stateMachineArn"] for p in client.get_paginator("list_state_machines").paginate() for m in p["stateMachines"]]
    assert sorted(everything) == sorted(seen)
    assert error(lambda: client.list_state_machines(nextToken="forged.token")) == ("InvalidToken", 400)


# Executions


def test_start_describe_and_history(server):
    client = sfn(server)
    arn = machine(client)
    started = client.start_execution(stateMachineArn=arn, name="first", input='{"x": 1}')
    assert started["executionArn"].endswith(":execution:" + arn.rsplit(":", 1)[1] + ":first")
    described = wait_finished(client, started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"ok": True}
    assert json.loads(described["input"]) == {"x": 1}
    assert described["stopDate"] >= described["startDate"]
    events = client.get_execution_history(executionArn=started["executionArn"])["events"]
    assert [e["type"] for e in events] == ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    assert [e["id"] for e in events] == [1, 2, 3, 4]
    for_execution = client.describe_state_machine_for_execution(executionArn=started["executionArn"])
    assert for_execution["stateMachineArn"] == arn and json.loads(for_execution["definition"]) == json.loads(PASS)


def test_history_pages_reverses_and_leaves_out_data(server):
    client = sfn(server)
    arn = machine(client)
    execution = client.start_execution(stateMachineArn=arn, input='{"secret": 1}')["executionArn"]
    wait_finished(client, execution)
    first = client.get_execution_history(executionArn=execution, maxResults=3)
    assert [e["id"] for e in first["events"]] == [1, 2, 3]
    rest = client.get_execution_history(executionArn=execution, maxResults=3, nextToken=first["nextToken"])
    assert [e["id"] for e in rest["events"]] == [4] and "nextToken" not in rest
    reverse = client.get_execution_history(executionArn=execution, reverseOrder=True)["events"]
    assert [e["id"] for e in reverse] == [4, 3, 2, 1]
    bare = client.get_execution_history(executionArn=execution, includeExecutionData=False)["events"]
    assert "input" not in bare[0]["executionStartedEventDetails"]
    # A token of one execution's history does not page another listing.
    assert error(lambda: client.get_execution_history(executionArn=execution, reverseOrder=True, nextToken=first["nextToken"])) == ("InvalidToken", 400)


def test_execution_errors(server):
    client = sfn(server)
    arn = machine(client, WAIT)
    client.start_execution(stateMachineArn=arn, name="same", input="{}")
    assert error(lambda: client.start_execution(stateMachineArn=arn, name="same", input='{"other": 1}')) == ("ExecutionAlreadyExists", 400)
    assert error(lambda: client.start_execution(stateMachineArn=arn, input="{not json")) == ("InvalidExecutionInput", 400)
    missing = arn.replace(":stateMachine:", ":execution:") + ":missing"
    assert error(lambda: client.describe_execution(executionArn=missing)) == ("ExecutionDoesNotExist", 400)
    assert error(lambda: client.start_execution(stateMachineArn=arn + "-nope")) == ("StateMachineDoesNotExist", 400)


def test_stop_and_list_executions_by_status_with_pagination(server):
    client = sfn(server)
    arn = machine(client, WAIT)
    arns = [client.start_execution(stateMachineArn=arn, name=f"e{i}")["executionArn"] for i in range(5)]
    stopped = client.stop_execution(executionArn=arns[0], error="Operator", cause="stopped by the test")
    assert stopped["stopDate"].year >= 2024
    aborted = client.describe_execution(executionArn=arns[0])
    assert (aborted["status"], aborted["error"], aborted["cause"]) == ("ABORTED", "Operator", "stopped by the test")
    running = [e["executionArn"] for p in client.get_paginator("list_executions").paginate(
        stateMachineArn=arn, statusFilter="RUNNING", PaginationConfig={"PageSize": 2}) for e in p["executions"]]
    assert sorted(running) == sorted(arns[1:])
    assert [e["executionArn"] for e in client.list_executions(stateMachineArn=arn, statusFilter="ABORTED")["executions"]] == [arns[0]]
    page = client.list_executions(stateMachineArn=arn, maxResults=2)
    assert len(page["executions"]) == 2 and page["nextToken"]
    for execution in arns[1:]:
        client.stop_execution(executionArn=execution)


def test_start_sync_execution_for_express_machines(server):
    client = sfn(server)
    express = machine(client, type="EXPRESS")
    result = client.start_sync_execution(stateMachineArn=express, input='{"a": 1}')
    assert result["status"] == "SUCCEEDED" and json.loads(result["output"]) == {"ok": True}
    assert result["stopDate"] >= result["startDate"]
    standard = machine(client)
    assert error(lambda: client.start_sync_execution(stateMachineArn=standard)) == ("StateMachineTypeNotSupported", 400)


# Activities, task tokens, redrive


def activity_machine(client, activity):
    definition = {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": activity, "HeartbeatSeconds": 60, "End": True}}}
    return machine(client, json.dumps(definition))


def test_activity_lifecycle(server):
    client = sfn(server)
    name = unique("act")
    created = client.create_activity(name=name)
    arn = created["activityArn"]
    assert arn == f"arn:aws:states:us-east-1:123456789012:activity:{name}"
    assert client.describe_activity(activityArn=arn)["name"] == name
    listed = [a["activityArn"] for p in client.get_paginator("list_activities").paginate(PaginationConfig={"PageSize": 1}) for a in p["activities"]]
    assert arn in listed
    client.delete_activity(activityArn=arn)
    assert error(lambda: client.describe_activity(activityArn=arn)) == ("ActivityDoesNotExist", 400)


def test_activity_worker_succeeds_with_heartbeat(server):
    client = sfn(server)
    activity = client.create_activity(name=unique("worker"))["activityArn"]
    execution = client.start_execution(stateMachineArn=activity_machine(client, activity), input='{"job": 7}')["executionArn"]
    task = client.get_activity_task(activityArn=activity, workerName="w1")
    assert json.loads(task["input"]) == {"job": 7}
    client.send_task_heartbeat(taskToken=task["taskToken"])
    client.send_task_success(taskToken=task["taskToken"], output='{"done": 7}')
    described = wait_finished(client, execution)
    assert described["status"] == "SUCCEEDED" and json.loads(described["output"]) == {"done": 7}
    types = [e["type"] for e in client.get_execution_history(executionArn=execution)["events"]]
    assert "ActivityScheduled" in types and "ActivityStarted" in types and "ActivitySucceeded" in types
    assert error(lambda: client.send_task_success(taskToken=task["taskToken"], output="{}"))[0] in ("TaskTimedOut", "TaskDoesNotExist")
    assert error(lambda: client.send_task_success(taskToken="not-a-token", output="{}")) == ("InvalidToken", 400)


def test_failed_task_lands_in_the_dead_letters_and_redrive_resumes_it(server):
    client = sfn(server)
    activity = client.create_activity(name=unique("flaky"))["activityArn"]
    execution = client.start_execution(stateMachineArn=activity_machine(client, activity), input="{}")["executionArn"]
    task = client.get_activity_task(activityArn=activity)
    client.send_task_failure(taskToken=task["taskToken"], error="Flaky", cause="first attempt")
    failed = wait_finished(client, execution)
    assert (failed["status"], failed["error"], failed["redriveStatus"]) == ("FAILED", "Flaky", "REDRIVABLE")
    dead = stepline_call(server, "ListDeadLetters")["items"]
    assert execution in [item["executionArn"] for item in dead]
    redriven = client.redrive_execution(executionArn=execution)
    assert redriven["redriveDate"].year >= 2024
    task = client.get_activity_task(activityArn=activity)
    client.send_task_success(taskToken=task["taskToken"], output='{"second": true}')
    described = wait_finished(client, execution)
    assert described["status"] == "SUCCEEDED" and described["redriveCount"] == 1
    assert execution not in [item["executionArn"] for item in stepline_call(server, "ListDeadLetters")["items"]]
    assert error(lambda: client.redrive_execution(executionArn=execution)) == ("ExecutionNotRedrivable", 400)


def stepline_call(server, operation, body=None):
    import http.client
    host, port = server.endpoint.rsplit("//", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("POST", "/", json.dumps(body or {}), {"X-Amz-Target": f"Stepline.{operation}", "Content-Type": "application/x-amz-json-1.0"})
    response = connection.getresponse()
    assert response.status == 200
    return json.loads(response.read())


# Unsupported operations and the aws CLI


def test_an_unsupported_operation_names_itself(server):
    client = sfn(server)
    code, status = error(lambda: client.list_map_runs(executionArn="arn:aws:states:us-east-1:123456789012:execution:m:e"))
    assert (code, status) == ("UnknownOperationException", 400)


def test_the_aws_cli_creates_starts_and_describes(server):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDX", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1")

    def aws(*args):
        result = subprocess.run([sys.executable, "-m", "awscli", "stepfunctions", *args, "--endpoint-url", server.endpoint, "--output", "json"],
                                capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else {}

    arn = aws("create-state-machine", "--name", unique("cli"), "--definition", PASS, "--role-arn", ROLE)["stateMachineArn"]
    execution = aws("start-execution", "--state-machine-arn", arn, "--input", '{"from": "cli"}')["executionArn"]
    deadline = time.monotonic() + 20
    while aws("describe-execution", "--execution-arn", execution)["status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert aws("describe-execution", "--execution-arn", execution)["status"] == "SUCCEEDED"
    assert len(aws("get-execution-history", "--execution-arn", execution)["events"]) == 4
