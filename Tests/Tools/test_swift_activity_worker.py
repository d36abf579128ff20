"""SteplineActivityWorker (the Swift ActivityWorker library as a command) over real HTTP
(AsyncHTTPClient) against the labelled fake activity API of fake_stepfunctions.py: protocol
shape, SigV4 as botocore computes it, heartbeats, results, graceful stop on SIGTERM."""
import datetime
import json
import os
import signal
import subprocess
import time
from unittest import mock

import pytest

from conftest import MEDIA, ROOT
from fake_stepfunctions import FakeStepFunctions

ARN = "arn:aws:states:us-east-1:123456789012:activity:media-renditions"


def worker_binary():
    binary = os.environ.get("STEPLINE_ACTIVITY_WORKER_BIN") or os.path.join(
        ROOT, ".build", "debug", "SteplineActivityWorker")
    if not os.access(binary, os.X_OK):
        pytest.skip("SteplineActivityWorker is not built (swift build builds it)")
    return binary


def run_until_reported(fake, handler, *extra, env=None, count=1):
    """Starts the worker, waits (at most 60 s) for `count` results, then stops it with SIGTERM."""
    full_env = dict(os.environ)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        full_env.pop(name, None)
    full_env.update(env or {})
    process = subprocess.Popen(
        [worker_binary(), "--endpoint-url", fake.endpoint, "--activity-arn", ARN, *extra, "--handler", *handler],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env)
    deadline = time.monotonic() + 60
    while len(fake.reports()) < count and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    return stderr


def test_a_task_is_answered_with_send_task_success_over_http():
    with FakeStepFunctions([("token-1", {"height": 720})]) as fake:
        run_until_reported(fake, [os.path.join(MEDIA, "renditions")])
        [(operation, body)] = fake.reports()
        assert operation == "SendTaskSuccess" and body["taskToken"] == "token-1"
        assert [r["name"] for r in json.loads(body["output"])["renditions"]] == ["720p", "360p"]
        poll = next(b for op, b, _, _ in fake.calls if op == "GetActivityTask")
        assert poll["activityArn"] == ARN
        assert {ct for _, _, ct, _ in fake.calls} == {"application/x-amz-json-1.0"}


def test_a_media_error_is_answered_with_send_task_failure(tmp_path):
    with FakeStepFunctions([("token-1", {"source": str(tmp_path / "missing.mp4")})]) as fake:
        run_until_reported(fake, [os.path.join(MEDIA, "probe")])
        [(operation, body)] = fake.reports()
        assert (operation, body["error"]) == ("SendTaskFailure", "Media.FileNotFound")


def test_heartbeats_go_out_while_the_handler_runs(tmp_path):
    marker = tmp_path / "heartbeat-seen"
    waits = tmp_path / "waits"
    waits.write_text(
        "#!/usr/bin/env python3\nimport json, os, time\n"
        "deadline = time.monotonic() + 30\n"
        f"while not os.path.exists({str(marker)!r}) and time.monotonic() < deadline: time.sleep(0.01)\n"
        f"print(json.dumps({{'beat': os.path.exists({str(marker)!r})}}))\n")
    waits.chmod(0o755)
    with FakeStepFunctions([("token-1", {})], on_heartbeat=lambda: marker.touch()) as fake:
        run_until_reported(fake, [str(waits)], "--heartbeat-seconds", "0.05")
        assert fake.heartbeats()[0] == {"taskToken": "token-1"}
        [(operation, body)] = fake.reports()
        assert (operation, json.loads(body["output"])) == ("SendTaskSuccess", {"beat": True})


def test_requests_are_signed_as_botocore_signs_them():
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    env = {"AWS_ACCESS_KEY_ID": "AKIDSWIFT", "AWS_SECRET_ACCESS_KEY": "swift/secret+key", "AWS_REGION": "eu-west-3"}
    with FakeStepFunctions([("token-1", {"height": 360})]) as fake:
        run_until_reported(fake, [os.path.join(MEDIA, "renditions")], env=env)
        headers, raw = next((h, r) for h, r in fake.requests if h.get("X-Amz-Target", "").endswith("SendTaskSuccess"))
    signed = {name: headers[name] for name in ("Content-Type", "X-Amz-Target")}
    request = AWSRequest(method="POST", url=f"http://{headers['Host']}/", headers=signed, data=raw)
    when = datetime.datetime.strptime(headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    with mock.patch("botocore.auth.get_current_datetime", return_value=when):
        SigV4Auth(Credentials("AKIDSWIFT", "swift/secret+key"), "states", "eu-west-3").add_auth(request)
    assert headers["Authorization"] == request.headers["Authorization"]
