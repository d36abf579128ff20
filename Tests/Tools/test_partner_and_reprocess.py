"""partner-ingest and reprocess-library on the real `stepline serve --workflows workflows`.

partner-ingest: a partner's ASSET_DELIVERED event (put as `tools/media/quickstart deliver`
puts it) → the partner-deliveries rule → partner-ingest → Enrich → one ingest-and-publish per
asset; a delivery whose file is late fails in Enrich, sits in the dead-letter view, and a
redrive once the file is there starts the ingest. reprocess-library: a Distributed Map over a
manifest with ToleratedFailurePercentage 10; too many failures fail the run, and a redrive
re-runs only the failed assets. Clips are 640x360, so each asset has one rendition (360p).
"""
import json
import os
import subprocess

import pytest

from conftest import make_clip
from media_server import Media, ledger, review_request
from serve import eventually, stepline_binary

REPROCESS = "arn:aws:states:us-east-1:123456789012:stateMachine:reprocess-library"
PARTNER_INGEST = "arn:aws:states:us-east-1:123456789012:stateMachine:partner-ingest"


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    running = Media(stepline_binary(), str(tmp_path_factory.mktemp("serve") / "data"))
    yield running
    running.stop()


def media_root(media):
    return os.path.join(media.data_dir, "media")


def partner_executions(media):
    return media.sfn.list_executions(stateMachineArn=PARTNER_INGEST)["executions"]


def ingest_document(media, asset_id):
    root = media_root(media)
    return {"asset_id": asset_id, "work_dir": os.path.join(root, "work", asset_id), "publish_dir": os.path.join(root, "published")}


def stepline(media, *arguments):
    completed = subprocess.run([media.binary, *arguments, "--endpoint", media.server.endpoint, "--json"],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_a_partner_delivery_starts_one_ingest_per_asset_through_the_rule(media):
    media.quickstart("deliver", "--partner", "acme", "--delivery-id", "d-1", "--asset", "clip-a")
    [execution] = eventually(lambda: [e for e in partner_executions(media) if e["status"] != "RUNNING"] or None,
                             what="partner-ingest to finish")
    assert execution["status"] == "SUCCEEDED"
    output = json.loads(media.sfn.describe_execution(executionArn=execution["executionArn"])["output"])
    assert (output["partner"], output["delivery_id"]) == ("acme", "d-1")
    [ingest] = output["executions"]
    assert ingest.endswith(":ingest-and-publish:acme-d-1-clip-a")
    request = review_request(ingest_document(media, "acme-clip-a"))
    assert request["execution_arn"] == ingest
    media.sfn.send_task_success(taskToken=request["task_token"], output="{}")
    assert media.finished(ingest)["status"] == "SUCCEEDED"
    assert os.path.isfile(os.path.join(media_root(media), "published", "acme-clip-a", "manifest.json"))


def test_a_late_delivery_lands_in_the_dead_letter_view_and_its_redrive_starts_the_ingest(media):
    before = {e["executionArn"] for e in partner_executions(media)}
    media.quickstart("deliver", "--partner", "late", "--delivery-id", "d-2", "--asset", "clip-b", "--late")
    [failed] = eventually(lambda: [e for e in partner_executions(media) if e["executionArn"] not in before
                                   and e["status"] != "RUNNING"] or None, what="the late delivery to fail")
    described = media.sfn.describe_execution(executionArn=failed["executionArn"])
    assert (described["status"], described["error"]) == ("FAILED", "Media.FileNotFound")
    letters = stepline(media, "dlq", "list")
    assert failed["executionArn"] in json.dumps(letters)

    make_clip(os.path.join(media_root(media), "incoming", "clip-b.mp4"), size="640x360")
    stepline(media, "dlq", "redrive", failed["executionArn"])
    assert media.finished(failed["executionArn"])["status"] == "SUCCEEDED"
    assert failed["executionArn"] not in json.dumps(stepline(media, "dlq", "list"))
    request = review_request(ingest_document(media, "late-clip-b"))
    assert request["execution_arn"].endswith(":ingest-and-publish:late-d-2-clip-b")


def manifest(media, tmp_path, names, missing=()):
    """The reprocess input: one asset per name, a 640x360 clip for each name not in `missing`."""
    root = media_root(media)
    assets = []
    for name in names:
        source = str(tmp_path / f"{name}.mp4")
        if name not in missing:
            make_clip(source, size="640x360")
        assets.append({"asset_id": name, "source": source, "work_dir": os.path.join(root, "work", name),
                       "publish_dir": os.path.join(root, "published")})
    return {"assets": assets}


def test_reprocess_tolerates_ten_percent_of_failed_assets(media, tmp_path):
    names = [f"lib-{n:02d}" for n in range(10)]
    document = manifest(media, tmp_path, names, missing={"lib-03"})
    arn = media.sfn.start_execution(stateMachineArn=REPROCESS, name="tolerated", input=json.dumps(document))["executionArn"]
    described = media.finished(arn)
    assert described["status"] == "SUCCEEDED", described.get("cause")
    for asset in document["assets"]:
        assert published(asset) == (asset["asset_id"] != "lib-03")


def test_reprocess_over_the_tolerance_fails_and_a_redrive_reruns_only_the_failed_assets(media, tmp_path):
    names = [f"redo-{n}" for n in range(5)]
    # The broken asset is last, so the first ones are done when it fails the run.
    document = manifest(media, tmp_path, names, missing={"redo-4"})
    arn = media.sfn.start_execution(stateMachineArn=REPROCESS, name="over-tolerance", input=json.dumps(document))["executionArn"]
    described = media.finished(arn)
    assert (described["status"], described["error"]) == ("FAILED", "States.ExceedToleratedFailureThreshold")
    published_before = {asset["asset_id"]: ledger(asset) for asset in document["assets"] if published(asset)}
    assert "redo-0" in published_before and "redo-4" not in published_before

    make_clip(document["assets"][4]["source"], size="640x360")
    media.sfn.redrive_execution(executionArn=arn)
    assert media.finished(arn)["status"] == "SUCCEEDED"
    assert all(published(asset) for asset in document["assets"])
    # What had succeeded was not run again: same single transcode, same idempotency key.
    assert {name: ledger(asset) for asset in document["assets"] if (name := asset["asset_id"]) in published_before} \
        == published_before
    assert [entry["result"]["name"] for entry in ledger(document["assets"][4])] == ["360p"]


def published(asset):
    return os.path.isfile(os.path.join(asset["publish_dir"], asset["asset_id"], "manifest.json"))
