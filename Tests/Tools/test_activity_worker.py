"""tools/workers/activity-worker (Python, boto3) against the real `stepline serve`.

Every request is SigV4-signed by boto3 and checked by the server (it runs with
credentials); every task is an activity task of a real execution, so the worker is judged
by what the execution did.
"""
import hashlib
import json
import os
import signal
import subprocess
import sys

from activities import PYTHON_KEY, activities  # noqa: F401 (the fixture)
from conftest import MEDIA, ROOT

WORKER = os.path.join(ROOT, "tools", "workers", "activity-worker")


def start_worker(endpoint, arn, handler, *extra):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=PYTHON_KEY[0], AWS_SECRET_ACCESS_KEY=PYTHON_KEY[1])
    env.pop("AWS_SESSION_TOKEN", None)
    return subprocess.Popen(
        [sys.executable, WORKER, "--endpoint-url", endpoint, "--activity-arn", arn, "--handler", *handler, *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def run_one_task(activities, arn, handler, *extra, then=None):
    """Runs the worker for one task (--max-tasks 1) and returns its standard error; `then()`
    runs once the worker polls (to start a task whose timeout counts from its start)."""
    process = start_worker(activities.endpoint, arn, handler, "--max-tasks", "1", *extra)
    first = process.stderr.readline()
    assert "polling" in first, first
    if then:
        then()
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    return first + stderr


def script(tmp_path, name, body):
    path = tmp_path / name
    path.write_text("#!/usr/bin/env python3\n" + body)
    path.chmod(0o755)
    return str(path)


def test_a_task_runs_its_handler_and_its_output_completes_the_execution(activities):
    arn, execution = activities.task({"height": 720})
    run_one_task(activities, arn, [os.path.join(MEDIA, "renditions")])
    described = activities.finished(execution)
    assert described["status"] == "SUCCEEDED"
    assert [r["name"] for r in json.loads(described["output"])["renditions"]] == ["720p", "360p"]
    assert "ActivityStarted" in activities.history_types(execution)


def test_a_handler_failure_fails_the_task_with_its_media_error_and_cause(activities, tmp_path):
    arn, execution = activities.task({"source": str(tmp_path / "missing.mp4")})
    run_one_task(activities, arn, [os.path.join(MEDIA, "probe")])
    described = activities.finished(execution)
    assert (described["status"], described["error"]) == ("FAILED", "Media.FileNotFound")
    assert "missing.mp4" in described["cause"]


def test_a_handler_that_crashes_without_json_fails_as_task_failed_with_stderr(activities, tmp_path):
    crash = script(tmp_path, "crash", "import sys\nprint('segfault-ish', file=sys.stderr)\nsys.exit(3)\n")
    arn, execution = activities.task({})
    run_one_task(activities, arn, [crash])
    described = activities.finished(execution)
    assert (described["status"], described["error"]) == ("FAILED", "States.TaskFailed")
    assert "exited with 3" in described["cause"] and "segfault-ish" in described["cause"]


def test_heartbeats_keep_a_task_alive_past_its_heartbeat_seconds(activities, tmp_path):
    # The handler takes three times the state's HeartbeatSeconds; only heartbeats save it.
    slow = script(tmp_path, "slow", "import json, time\ntime.sleep(3)\nprint(json.dumps({'done': True}))\n")
    arn, machine = activities.machine(HeartbeatSeconds=1)
    started = []
    run_one_task(activities, arn, [slow], "--heartbeat-seconds", "0.2", then=lambda: started.append(activities.start(machine, {})))
    described = activities.finished(started[0])
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == {"done": True}


def test_a_task_the_service_timed_out_is_killed_and_not_reported(activities, tmp_path):
    sleeper = script(tmp_path, "sleeper", "import time\ntime.sleep(120)\nprint('{}')\n")
    arn, machine = activities.machine(TimeoutSeconds=2)
    started = []
    stderr = run_one_task(activities, arn, [sleeper], "--heartbeat-seconds", "0.2",
                          then=lambda: started.append(activities.start(machine, {})))
    assert "task is gone" in stderr
    described = activities.finished(started[0])
    assert (described["status"], described["error"]) == ("FAILED", "States.Timeout")
    assert "result refused" not in stderr


def test_the_handler_gets_the_token_and_a_stable_idempotency_key(activities, tmp_path):
    echo = script(tmp_path, "echo", (
        "import json, os\n"
        "print(json.dumps({k: os.environ[k] for k in ('STEPLINE_TASK_TOKEN', 'STEPLINE_IDEMPOTENCY_KEY')}))\n"))
    arn, execution = activities.task({})
    run_one_task(activities, arn, [echo])
    output = json.loads(activities.finished(execution)["output"])
    token = output["STEPLINE_TASK_TOKEN"]
    # The Swift ActivityWorker derives the same key from the same token.
    assert output["STEPLINE_IDEMPOTENCY_KEY"] == "activity-" + hashlib.sha256(token.encode()).hexdigest()[:32]
    # It is the execution's token: answering it again is refused as a finished task.
    try:
        activities.sfn.send_task_success(taskToken=token, output="{}")
        raise AssertionError("a used token was accepted twice")
    except activities.sfn.exceptions.TaskTimedOut:
        pass


def test_sigterm_while_polling_stops_the_worker_cleanly(activities):
    arn, execution = activities.task({})
    activities.sfn.stop_execution(executionArn=execution)
    process = start_worker(activities.endpoint, arn, [os.path.join(MEDIA, "renditions")])
    assert "polling" in process.stderr.readline()
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
