"""ingest-and-publish and its companions on the real `stepline serve --workflows workflows`.

Media is a server (Tests/EndToEnd/conftest.py's: $STEPLINE_BIN or this checkout's debug
build) on a fresh data directory, set up by `tools/media/quickstart setup` exactly as
tools/run sets it up: a rule on the media-review bus sends every ASSET_FLAGGED_FOR_REVIEW
event to the media-review-inbox handler, which files it as <work_dir>/review-request.json,
and a rule on the default bus starts partner-ingest with every partner's ASSET_DELIVERED.
The helpers read what the handlers leave on disk: the review request, the transcode ledger
(one line per rendition ffmpeg produced) and the published manifest.
"""
import json
import os
import subprocess

from conftest import ROOT, ffprobe_video
from serve import Server, client, eventually, finished

QUICKSTART = os.path.join(ROOT, "tools", "media", "quickstart")
INGEST = "arn:aws:states:us-east-1:123456789012:stateMachine:ingest-and-publish"
RENDITIONS = {"720p": 720, "360p": 360}


class Media:
    """A `stepline serve --workflows DIR` on `data_dir`, set up by `tools/media/quickstart setup`."""

    def __init__(self, binary, data_dir, workflows=os.path.join(ROOT, "workflows"), env=None):
        self.binary, self.data_dir, self.workflows, self.env = binary, data_dir, workflows, env or {}
        self.start()
        self.quickstart("setup")
        self.events = client("events", self.server.endpoint)

    def quickstart(self, *arguments):
        """Runs tools/media/quickstart against this server; returns its standard output."""
        completed = subprocess.run(
            [QUICKSTART, "--endpoint", self.server.endpoint, "--media-root", os.path.join(self.data_dir, "media"), *arguments],
            capture_output=True, text=True, timeout=300)
        assert completed.returncode == 0, completed.stderr
        return completed.stdout

    def start(self):
        env = dict(self.env, STEPLINE_X264_PRESET=self.env.get("STEPLINE_X264_PRESET", "ultrafast"))
        self.server = Server(self.binary, self.data_dir, args=["--workflows", self.workflows], env=env)
        self.sfn = client("stepfunctions", self.server.endpoint)

    def kill(self):
        """SIGKILL: no graceful shutdown, whatever was in flight stays in flight."""
        self.server.process.kill()
        self.server.process.wait()
        self.server.process.stdout.close()

    def stop(self):
        assert self.server.stop() == 0, "stepline serve did not shut down gracefully on SIGTERM"

    def ingest(self, base, clip, asset_id):
        document = {
            "asset_id": asset_id, "source": clip,
            "work_dir": os.path.join(base, "work", asset_id), "publish_dir": os.path.join(base, "published"),
        }
        arn = self.sfn.start_execution(stateMachineArn=INGEST, name=asset_id, input=json.dumps(document))["executionArn"]
        return arn, document

    def describe(self, arn):
        return self.sfn.describe_execution(executionArn=arn)

    def history(self, arn):
        events, token = [], None
        while True:
            page = self.sfn.get_execution_history(executionArn=arn, maxResults=1000, **({"nextToken": token} if token else {}))
            events += page["events"]
            token = page.get("nextToken")
            if not token:
                return events

    def finished(self, arn):
        return finished(self.sfn, arn)


def review_request(document):
    """The review request the inbox handler filed, once it is there."""
    path = os.path.join(document["work_dir"], "review-request.json")
    eventually(lambda: os.path.exists(path), what=f"the review request {path}")
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def ledger(document):
    """The transcode ledger: one line per rendition ffmpeg actually produced."""
    path = os.path.join(document["work_dir"], "renditions", ".transcode-ledger.jsonl")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def assert_published(document):
    directory = os.path.join(document["publish_dir"], document["asset_id"])
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as file:
        manifest = json.load(file)
    published = {rendition["name"]: rendition for rendition in manifest["renditions"]}
    assert set(published) == set(RENDITIONS)
    for name, height in RENDITIONS.items():
        path = published[name]["path"]
        assert path.startswith(directory + os.sep) and os.path.isfile(path)
        assert ffprobe_video(path)["height"] == height
    return manifest
