"""SteplineActivityWorker (the Swift ActivityWorker library as a command) against the real
`stepline serve`: SigV4 that the server checks (with a key and a region of its own),
results and failures of real executions, heartbeats, graceful stop on SIGTERM."""
import json
import os
import signal
import subprocess

import pytest

from activities import SWIFT_KEY, activities  # noqa: F401 (the fixture)
from conftest import MEDIA, ROOT
from serve import eventually


def worker_binary():
    binary = os.environ.get("STEPLINE_ACTIVITY_WORKER_BIN") or os.path.join(
        ROOT, ".build", "debug", "SteplineActivityWorker")
    if not os.access(binary, os.X_OK):
        pytest.fail("SteplineActivityWorker is not built (swift build builds it)")
    return binary


def work_until_finished(activities, arn, execution, handler, *extra, region="eu-west-3"):
    """Runs the worker until the execution finishes, stops it with SIGTERM, returns DescribeExecution.
    `execution` may be a function that starts it, called once the worker polls."""
    env = dict(os.environ, AWS_ACCESS_KEY_ID=SWIFT_KEY[0], AWS_SECRET_ACCESS_KEY=SWIFT_KEY[1], AWS_REGION=region)
    env.pop("AWS_SESSION_TOKEN", None)
    process = subprocess.Popen(
        [worker_binary(), "--endpoint-url", activities.endpoint, "--activity-arn", arn, *extra, "--handler", *handler],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        if callable(execution):
            first = process.stdout.readline()
            assert "polling" in first, first
            execution = execution()
        described = activities.finished(execution)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    return described


def test_a_task_is_answered_with_send_task_success_signed_as_the_server_checks(activities):
    arn, execution = activities.task({"height": 720})
    described = work_until_finished(activities, arn, execution, [os.path.join(MEDIA, "renditions")])
    assert described["status"] == "SUCCEEDED", described
    assert [r["name"] for r in json.loads(described["output"])["renditions"]] == ["720p", "360p"]


def test_a_media_error_is_answered_with_send_task_failure(activities, tmp_path):
    arn, execution = activities.task({"source": str(tmp_path / "missing.mp4")})
    described = work_until_finished(activities, arn, execution, [os.path.join(MEDIA, "probe")])
    assert (described["status"], described["error"]) == ("FAILED", "Media.FileNotFound")


def test_heartbeats_keep_a_task_alive_past_its_heartbeat_seconds(activities, tmp_path):
    slow = tmp_path / "slow"
    slow.write_text("#!/usr/bin/env python3\nimport json, time\ntime.sleep(3)\nprint(json.dumps({'done': True}))\n")
    slow.chmod(0o755)
    arn, machine = activities.machine(HeartbeatSeconds=1)
    described = work_until_finished(
        activities, arn, lambda: activities.start(machine, {}), [str(slow)], "--heartbeat-seconds", "0.2")
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == {"done": True}


def test_a_wrongly_signed_worker_gets_no_task(activities, tmp_path):
    arn, execution = activities.task({"height": 360})
    env = dict(os.environ, AWS_ACCESS_KEY_ID=SWIFT_KEY[0], AWS_SECRET_ACCESS_KEY="not-the-secret")
    process = subprocess.Popen(
        [worker_binary(), "--endpoint-url", activities.endpoint, "--activity-arn", arn,
         "--handler", os.path.join(MEDIA, "renditions")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    # Its polls are refused (the worker logs each refusal); the task stays with the service.
    log = []
    eventually(lambda: log.append(process.stdout.readline()) or "InvalidSignatureException" in log[-1] or process.poll() is not None,
               what="the worker's refused poll", timeout=60)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=30)
    assert "InvalidSignatureException" in log[-1], log
    assert activities.sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    activities.sfn.stop_execution(executionArn=execution)
