"""tools/workers/activity-worker: boto3 against a fake activity API (protocol shape), and
against the real `stepline serve` when it has the activity API."""
import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import MEDIA, ROOT
from fake_stepfunctions import FakeStepFunctions

WORKER = os.path.join(ROOT, "tools", "workers", "activity-worker")
ARN = "arn:aws:states:us-east-1:123456789012:activity:media-renditions"


def start_worker(endpoint, handler, *extra, arn=ARN):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDTEST", AWS_SECRET_ACCESS_KEY="secret")
    return subprocess.Popen(
        [sys.executable, WORKER, "--endpoint-url", endpoint, "--activity-arn", arn, "--handler", *handler, *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def finish(process, timeout=60):
    stdout, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, stderr
    return stderr


def script(tmp_path, name, body):
    path = tmp_path / name
    path.write_text("#!/usr/bin/env python3\n" + body)
    path.chmod(0o755)
    return str(path)


def test_a_task_runs_its_handler_and_the_output_is_sent_with_send_task_success():
    with FakeStepFunctions([("token-1", {"height": 720})]) as fake:
        finish(start_worker(fake.endpoint, [os.path.join(MEDIA, "renditions")], "--max-tasks", "1"))
        assert [op for op, _ in fake.reports()] == ["SendTaskSuccess"]
        body = fake.reports()[0][1]
        assert body["taskToken"] == "token-1"
        assert [r["name"] for r in json.loads(body["output"])["renditions"]] == ["720p", "360p"]
        operation, _, content_type, authorization = fake.calls[0]
        assert (operation, content_type) == ("GetActivityTask", "application/x-amz-json-1.0")
        assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDTEST/")


def test_a_handler_failure_is_sent_with_its_media_error_and_cause(tmp_path):
    with FakeStepFunctions([("token-1", {"source": str(tmp_path / "missing.mp4")})]) as fake:
        finish(start_worker(fake.endpoint, [os.path.join(MEDIA, "probe")], "--max-tasks", "1"))
        [(operation, body)] = fake.reports()
        assert operation == "SendTaskFailure"
        assert body["error"] == "Media.FileNotFound" and "missing.mp4" in body["cause"]


def test_a_handler_that_crashes_without_json_fails_as_task_failed_with_stderr(tmp_path):
    crash = script(tmp_path, "crash", "import sys\nprint('segfault-ish', file=sys.stderr)\nsys.exit(3)\n")
    with FakeStepFunctions([("token-1", {})]) as fake:
        finish(start_worker(fake.endpoint, [crash], "--max-tasks", "1"))
        [(operation, body)] = fake.reports()
        assert (operation, body["error"]) == ("SendTaskFailure", "States.TaskFailed")
        assert "exited with 3" in body["cause"] and "segfault-ish" in body["cause"]


def test_heartbeats_are_sent_while_the_handler_runs(tmp_path):
    marker = tmp_path / "heartbeat-seen"
    # The handler ends only once the service has received a heartbeat (at most 30 s).
    waits = script(tmp_path, "waits", (
        "import json, os, time\n"
        f"deadline = time.monotonic() + 30\n"
        f"while not os.path.exists({str(marker)!r}) and time.monotonic() < deadline: time.sleep(0.01)\n"
        "print(json.dumps({'beat': os.path.exists(" + repr(str(marker)) + ")}))\n"))
    with FakeStepFunctions([("token-1", {})], on_heartbeat=lambda: marker.touch()) as fake:
        finish(start_worker(fake.endpoint, [waits], "--max-tasks", "1", "--heartbeat-seconds", "0.05"))
        assert fake.heartbeats()[0] == {"taskToken": "token-1"}
        [(operation, body)] = fake.reports()
        assert (operation, json.loads(body["output"])) == ("SendTaskSuccess", {"beat": True})


def test_a_task_the_service_timed_out_is_killed_and_not_reported(tmp_path):
    sleeper = script(tmp_path, "sleeper", "import time\ntime.sleep(120)\nprint('{}')\n")
    with FakeStepFunctions([("token-1", {})], heartbeat_error="TaskTimedOut") as fake:
        stderr = finish(start_worker(fake.endpoint, [sleeper], "--max-tasks", "1", "--heartbeat-seconds", "0.05"))
        assert fake.reports() == []
        assert "task is gone" in stderr


def test_the_handler_gets_the_token_and_a_stable_idempotency_key(tmp_path):
    echo = script(tmp_path, "echo", (
        "import json, os\n"
        "print(json.dumps({k: os.environ[k] for k in ('STEPLINE_TASK_TOKEN', 'STEPLINE_IDEMPOTENCY_KEY')}))\n"))
    with FakeStepFunctions([("abc", {})]) as fake:
        finish(start_worker(fake.endpoint, [echo], "--max-tasks", "1"))
        output = json.loads(fake.reports()[0][1]["output"])
        # The Swift ActivityWorker derives the same key from the same token.
        assert output == {"STEPLINE_TASK_TOKEN": "abc",
                          "STEPLINE_IDEMPOTENCY_KEY": "activity-" + hashlib.sha256(b"abc").hexdigest()[:32]}


def test_sigterm_while_polling_stops_the_worker_cleanly():
    with FakeStepFunctions([]) as fake:
        process = start_worker(fake.endpoint, [os.path.join(MEDIA, "renditions")])
        deadline = time.monotonic() + 30
        while not fake.calls and time.monotonic() < deadline:
            time.sleep(0.01)
        assert fake.calls, "the worker never polled"
        process.send_signal(signal.SIGTERM)
        finish(process, timeout=30)
        assert fake.reports() == []


# Against the real `stepline serve` (its activity API and engine), when this build has them.

def load_end_to_end_support():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "endtoend_conftest", os.path.join(ROOT, "Tests", "EndToEnd", "conftest.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("language", ["python", "swift"])
def test_the_worker_completes_an_activity_task_of_a_real_execution(tmp_path, language):
    binary = os.environ.get("STEPLINE_BIN") or os.path.join(ROOT, ".build", "debug", "stepline")
    if not os.access(binary, os.X_OK):
        pytest.skip("no stepline binary (set STEPLINE_BIN or swift build)")
    swift_worker = os.path.join(ROOT, ".build", "debug", "SteplineActivityWorker")
    if language == "swift" and not os.access(swift_worker, os.X_OK):
        pytest.skip("SteplineActivityWorker is not built")
    import boto3
    from botocore.exceptions import ClientError

    support = load_end_to_end_support()
    server = support.Server(binary, str(tmp_path / "data"))
    worker = None
    try:
        client = boto3.client("stepfunctions", endpoint_url=server.endpoint, region_name="us-east-1",
                              aws_access_key_id="AKIDTEST", aws_secret_access_key="secret")
        try:
            activity = client.create_activity(name="media-renditions")["activityArn"]
        except ClientError as error:
            pytest.skip(f"stepline serve has no activity API yet: {error}")
        definition = {"StartAt": "Plan", "States": {"Plan": {
            "Type": "Task", "Resource": activity, "HeartbeatSeconds": 30, "End": True}}}
        machine = client.create_state_machine(
            name="plan", definition=json.dumps(definition),
            roleArn="arn:aws:iam::123456789012:role/stepline")["stateMachineArn"]
        execution = client.start_execution(stateMachineArn=machine, input=json.dumps({"height": 1080}))["executionArn"]
        handler = os.path.join(MEDIA, "renditions")
        if language == "python":
            worker = start_worker(server.endpoint, [handler], "--max-tasks", "1", arn=activity)
        else:
            worker = subprocess.Popen(
                [swift_worker, "--endpoint-url", server.endpoint, "--activity-arn", activity, "--handler", handler],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while (described := client.describe_execution(executionArn=execution))["status"] == "RUNNING":
            assert time.monotonic() < deadline, "the execution did not finish after the worker answered"
            time.sleep(0.05)
        assert described["status"] == "SUCCEEDED", described
        assert [r["name"] for r in json.loads(described["output"])["renditions"]] == ["1080p", "720p", "360p"]
    finally:
        if worker is not None:
            if language == "swift":  # it polls until stopped; the Python one exits after --max-tasks
                worker.send_signal(signal.SIGTERM)
            worker.communicate(timeout=30)
            assert worker.returncode == 0
        assert server.stop() == 0
