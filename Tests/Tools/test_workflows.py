"""The media workflow definitions in workflows/: valid ASL, and wired the way the handlers expect.

Validation runs `stepline validate --json` (the ValidateStateMachineDefinition diagnostics)
with $STEPLINE_BIN or this checkout's debug build; it is skipped, with the reason, while the
binary or its validate command is missing.
"""
import glob
import json
import os
import subprocess

import pytest

from conftest import ROOT

WORKFLOWS = sorted(glob.glob(os.path.join(ROOT, "workflows", "*.asl.json")))
MEDIA_HANDLERS = {"probe", "renditions", "transcode", "thumbnails", "contact-sheet", "publish", "cleanup", "enrich"}


def stepline():
    candidates = [os.environ.get("STEPLINE_BIN"), os.path.join(ROOT, ".build", "debug", "stepline")]
    for binary in filter(None, candidates):
        if os.access(binary, os.X_OK):
            probe = subprocess.run([binary, "validate", "--help"], capture_output=True, text=True, timeout=60)
            if probe.returncode == 0 and "stepline validate" in probe.stdout:
                return binary
            pytest.skip(f"{binary} has no validate command yet")
    pytest.skip("no stepline binary (set STEPLINE_BIN or swift build)")


def tasks(states):
    """Every Task state, nested Map and Parallel states included."""
    for name, state in states.items():
        if state["Type"] == "Task":
            yield name, state
        for branch in state.get("Branches", []) + [state.get("ItemProcessor") or state.get("Iterator") or {}]:
            yield from tasks(branch.get("States", {}))


def test_the_three_media_workflows_are_there():
    names = [os.path.basename(path) for path in WORKFLOWS]
    for expected in ("ingest-and-publish.asl.json", "partner-ingest.asl.json", "reprocess-library.asl.json"):
        assert expected in names


@pytest.mark.parametrize("path", WORKFLOWS, ids=os.path.basename)
def test_workflow_is_valid_asl(path):
    result = subprocess.run([stepline(), "validate", "--json", path], capture_output=True, text=True, timeout=60)
    response = json.loads(result.stdout)
    assert (result.returncode, response["result"]) == (0, "OK"), response["diagnostics"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=os.path.basename)
def test_workflow_is_documented_at_the_top(path):
    with open(path, encoding="utf-8") as file:
        definition = json.load(file)
    assert len(definition.get("Comment", "")) > 80


@pytest.mark.parametrize("path", WORKFLOWS, ids=os.path.basename)
def test_every_lambda_resource_names_a_media_handler(path):
    with open(path, encoding="utf-8") as file:
        definition = json.load(file)
    for name, state in tasks(definition["States"]):
        resource = state["Resource"]
        if resource.startswith("arn:aws:lambda:"):
            function = resource.rsplit(":function:", 1)[1]
            assert function.startswith("media-") and function[len("media-"):] in MEDIA_HANDLERS, (name, resource)
            assert os.access(os.path.join(ROOT, "tools", "media", function[len("media-"):]), os.X_OK)


def test_ingest_review_event_carries_the_token_and_the_thumbnails():
    with open(os.path.join(ROOT, "workflows", "ingest-and-publish.asl.json"), encoding="utf-8") as file:
        review = json.load(file)["States"]["RequestReview"]
    assert review["Resource"] == "arn:aws:states:::events:putEvents.waitForTaskToken"
    [entry] = review["Parameters"]["Entries"]
    assert entry["DetailType"].endswith("FLAGGED_FOR_REVIEW")
    assert entry["Detail"]["TaskToken.$"] == "$$.Task.Token"
    assert entry["Detail"]["thumbnails.$"] == "$.preview.thumbnails"
