"""ingest-and-publish end to end: the real `stepline serve --workflows workflows`, real ffmpeg.

Each server is a Media (media_server.py): the built binary on a fresh data directory, set up
by `tools/media/quickstart setup` as tools/run sets it up. The clip is conftest's generated
2-second 1280x720 H.264/AAC one, so the renditions are 720p and 360p.
"""
import json
import os
import shutil
import subprocess

import pytest

from conftest import ROOT
from media_server import RENDITIONS, Media, assert_published, ledger, review_request
from serve import eventually, stepline_binary

@pytest.fixture(scope="module")
def binary():
    return stepline_binary()


@pytest.fixture(scope="module")
def media(binary, tmp_path_factory):
    running = Media(binary, str(tmp_path_factory.mktemp("serve") / "data"))
    yield running
    running.stop()


def test_ingest_waits_for_review_and_approval_by_token_publishes_the_renditions(media, clip, tmp_path):
    arn, document = media.ingest(str(tmp_path), clip, "clip-approve")
    request = review_request(document)
    assert media.describe(arn)["status"] == "RUNNING"
    assert request["execution_arn"] == arn and request["asset_id"] == "clip-approve"
    assert len(request["thumbnails"]) == 4 and all(os.path.isfile(path) for path in request["thumbnails"])
    assert os.path.isfile(request["contact_sheet"])
    assert sorted(rendition["name"] for rendition in request["renditions"]) == sorted(RENDITIONS)

    approved = subprocess.run(
        [media.binary, "approve", request["task_token"], "--endpoint", media.server.endpoint],
        capture_output=True, text=True, timeout=60,
    )
    assert approved.returncode == 0, approved.stderr
    described = media.finished(arn)
    assert described["status"] == "SUCCEEDED"
    assert_published(document)
    entered = [event["stateEnteredEventDetails"]["name"] for event in media.history(arn)
               if event["type"].endswith("StateEntered")]
    assert "Publish" in entered and "Cleanup" not in entered


def test_rejection_by_token_takes_the_cleanup_path(media, clip, tmp_path):
    arn, document = media.ingest(str(tmp_path), clip, "clip-reject")
    request = review_request(document)
    media.sfn.send_task_success(taskToken=request["task_token"], output=json.dumps({"approved": False, "reason": "blurry"}))
    described = media.finished(arn)
    assert described["status"] == "SUCCEEDED"
    entered = [event["stateEnteredEventDetails"]["name"] for event in media.history(arn)
               if event["type"].endswith("StateEntered")]
    assert "Cleanup" in entered and "Publish" not in entered
    assert not os.path.exists(document["work_dir"])
    assert not os.path.exists(os.path.join(document["publish_dir"], "clip-reject"))
    # The token was used: answering again is refused, as on AWS.
    with pytest.raises(media.sfn.exceptions.TaskTimedOut):
        media.sfn.send_task_success(taskToken=request["task_token"], output="{}")


FLAKY_TRANSCODE = """#!/usr/bin/env python3
# The real transcode, except that the first attempt of the 360p rendition fails as ffmpeg would.
import json, os, sys
document = sys.stdin.read()
if json.loads(document).get("name") == "360p" and os.environ["STEPLINE_IDEMPOTENCY_KEY"].endswith("/0"):
    print(json.dumps({"error": "Media.TranscodeFailed", "cause": "ffmpeg exited with 1: Conversion failed! (first attempt)"}))
    sys.exit(1)
import subprocess
transcode = os.path.join(%(root)r, "tools", "media", "transcode")
completed = subprocess.run([transcode], input=document, text=True, capture_output=True)
sys.stdout.write(completed.stdout)
sys.stderr.write(completed.stderr)
sys.exit(completed.returncode)
"""


def workflows_with_flaky_transcode(directory):
    """A copy of workflows/ whose media-transcode handler fails the 360p rendition's first attempt."""
    os.makedirs(directory)
    for name in os.listdir(os.path.join(ROOT, "workflows")):
        if name.endswith(".asl.json") or name == "events.yaml":
            shutil.copy(os.path.join(ROOT, "workflows", name), directory)
    flaky = os.path.join(directory, "flaky-transcode")
    with open(flaky, "w", encoding="utf-8") as file:
        file.write(FLAKY_TRANSCODE % {"root": ROOT})
    os.chmod(flaky, 0o755)
    with open(os.path.join(ROOT, "workflows", "handlers.yaml"), encoding="utf-8") as file:
        handlers = file.read()
    handlers = handlers.replace("baseDirectory: ..", f"baseDirectory: {ROOT}")
    handlers = handlers.replace("command: [tools/media/transcode]", f"command: [{flaky}]")
    with open(os.path.join(directory, "handlers.yaml"), "w", encoding="utf-8") as file:
        file.write(handlers)
    return directory


def test_a_transcode_that_fails_once_is_retried_and_the_retry_is_in_the_history(binary, clip, tmp_path):
    workflows = workflows_with_flaky_transcode(str(tmp_path / "workflows"))
    running = Media(binary, str(tmp_path / "data"), workflows=workflows)
    try:
        arn, document = running.ingest(str(tmp_path), clip, "clip-retry")
        request = review_request(document)
        running.sfn.send_task_success(taskToken=request["task_token"], output="{}")
        assert running.finished(arn)["status"] == "SUCCEEDED"
        history = running.history(arn)
        failures = [event["taskFailedEventDetails"] for event in history if event["type"] == "TaskFailed"]
        assert [failure["error"] for failure in failures] == ["Media.TranscodeFailed"]
        assert "first attempt" in failures[0]["cause"]
        keys = sorted(entry["key"] for entry in ledger(document) if entry["result"]["name"] == "360p")
        assert len(keys) == 1 and keys[0].endswith("/1"), keys  # transcoded once, by the retry
        assert_published(document)
    finally:
        running.stop()


def test_sigkill_in_the_middle_of_the_map_finishes_after_restart_without_transcoding_twice(binary, clip, tmp_path):
    # A slower preset keeps the 720p transcode running after the 360p one is done.
    running = Media(binary, str(tmp_path / "data"), env={"STEPLINE_X264_PRESET": "slow"})
    arn, document = running.ingest(str(tmp_path), clip, "clip-crash")
    eventually(lambda: len(ledger(document)) >= 1, what="the first rendition")
    types = [event["type"] for event in running.history(arn)]
    running.kill()
    assert "MapStateEntered" in types and "MapStateExited" not in types, "the kill did not land inside the Map"
    assert len(ledger(document)) < len(RENDITIONS)

    running.start()
    try:
        request = review_request(document)
        running.sfn.send_task_success(taskToken=request["task_token"], output=json.dumps({"approved": True}))
        assert running.finished(arn)["status"] == "SUCCEEDED"
        produced = [entry["result"]["name"] for entry in ledger(document)]
        assert sorted(produced) == sorted(RENDITIONS), f"ffmpeg ran {produced}"
        manifest = assert_published(document)
        assert len(manifest["renditions"]) == len(RENDITIONS)
    finally:
        running.stop()
