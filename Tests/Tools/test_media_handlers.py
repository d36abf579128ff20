"""tools/media handlers against real ffmpeg: outputs, idempotency and error JSON."""
import json
import os
import subprocess

import pytest

from conftest import ffprobe_video, make_clip, run_handler


def expect_error(result, error):
    assert result.returncode != 0, result
    assert result.json["error"] == error, result
    assert result.json["cause"], result
    return result.json["cause"]


# probe

def test_probe_reports_codec_size_duration_rate_and_audio(clip):
    result = run_handler("probe", {"source": clip})
    assert result.returncode == 0, result
    assert result.json == {
        "source": clip, "codec": "h264", "width": 1280, "height": 720, "duration": pytest.approx(2.0, abs=0.1),
        "fps": 25.0, "has_audio": True, "audio_codec": "aac", "pix_fmt": "yuv420p",
        "bit_rate": result.json["bit_rate"], "container": result.json["container"],
    }
    assert isinstance(result.json["bit_rate"], int) and "mp4" in result.json["container"]


def test_probe_of_a_clip_without_sound_says_so(tmp_path):
    silent = make_clip(str(tmp_path / "silent.mp4"), size="640x360", seconds=1, audio=False)
    result = run_handler("probe", {"source": silent})
    assert result.returncode == 0, result
    assert (result.json["has_audio"], result.json["audio_codec"], result.json["height"]) == (False, None, 360)


def test_probe_of_a_missing_file_is_file_not_found(tmp_path):
    cause = expect_error(run_handler("probe", {"source": str(tmp_path / "nope.mp4")}), "Media.FileNotFound")
    assert "nope.mp4" in cause


def test_probe_of_a_file_that_is_not_video_is_unsupported_codec(tmp_path):
    garbage = tmp_path / "notes.mp4"
    garbage.write_text("this is not a video\n" * 50)
    cause = expect_error(run_handler("probe", {"source": str(garbage)}), "Media.UnsupportedCodec")
    assert "Invalid data" in cause


def test_probe_of_audio_only_input_is_unsupported_codec(tmp_path):
    audio = str(tmp_path / "tone.m4a")
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=1",
                    "-c:a", "aac", audio], check=True, timeout=60)
    cause = expect_error(run_handler("probe", {"source": audio}), "Media.UnsupportedCodec")
    assert "no video stream" in cause


def test_handlers_reject_input_that_is_not_json():
    result = run_handler("probe", None, raw_input="{not json")
    expect_error(result, "Media.InvalidInput")


# renditions

@pytest.mark.parametrize("height, names", [
    (2160, ["1080p", "720p", "360p"]),
    (1080, ["1080p", "720p", "360p"]),
    (720, ["720p", "360p"]),
    (719, ["360p"]),
    (360, ["360p"]),
    (240, []),
])
def test_renditions_ladder_never_exceeds_the_source_height(height, names):
    result = run_handler("renditions", {"height": height, "codec": "h264"})
    assert result.returncode == 0, result
    assert [r["name"] for r in result.json["renditions"]] == names
    assert all(r["height"] <= height and r["video_bitrate"].endswith("k") for r in result.json["renditions"])


def test_renditions_of_probe_output_for_the_clip(clip):
    probed = run_handler("probe", {"source": clip}).json
    result = run_handler("renditions", probed)
    assert [(r["name"], r["height"], r["video_bitrate"]) for r in result.json["renditions"]] == [
        ("720p", 720, "2800k"), ("360p", 360, "800k")]


def test_renditions_without_a_height_is_invalid_input():
    expect_error(run_handler("renditions", {"width": 1280}), "Media.InvalidInput")


# transcode

def test_transcode_produces_a_playable_rendition_of_the_requested_height(clip, tmp_path):
    out = tmp_path / "renditions"
    result = run_handler("transcode", {"source": clip, "output_dir": str(out), "name": "360p", "height": 360,
                                       "video_bitrate": "800k", "audio_bitrate": "96k"}, key="exec/7/1")
    assert result.returncode == 0, result
    assert result.json["path"] == str(out / "360p.mp4") and result.json["reused"] is False
    assert ffprobe_video(result.json["path"]) == {"codec_name": "h264", "width": 640, "height": 360}
    # Playable: ffmpeg decodes every frame without an error.
    decode = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", result.json["path"], "-f", "null", "-"],
                            capture_output=True, text=True, timeout=60)
    assert decode.returncode == 0 and decode.stderr == ""
    assert result.json["duration"] == pytest.approx(2.0, abs=0.1)
    assert [name for name in os.listdir(out) if name.endswith(".mp4")] == ["360p.mp4"]  # no partial file left


def test_transcode_twice_with_the_same_key_transcodes_once(clip, tmp_path):
    out = tmp_path / "renditions"
    document = {"source": clip, "output_dir": str(out), "height": 360, "video_bitrate": "800k"}
    first = run_handler("transcode", document, key="exec/9/1")
    before = os.stat(first.json["path"])
    second = run_handler("transcode", document, key="exec/9/1")
    assert (first.returncode, second.returncode) == (0, 0), (first, second)
    assert second.json["reused"] is True
    assert {k: v for k, v in second.json.items() if k != "reused"} == {k: v for k, v in first.json.items() if k != "reused"}
    after = os.stat(second.json["path"])
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    ledger = [json.loads(line) for line in (out / ".transcode-ledger.jsonl").read_text().splitlines()]
    assert [entry["key"] for entry in ledger] == ["exec/9/1"]


def test_transcode_with_a_new_key_transcodes_again(clip, tmp_path):
    out = tmp_path / "renditions"
    document = {"source": clip, "output_dir": str(out), "height": 360, "video_bitrate": "800k"}
    run_handler("transcode", document, key="exec/9/1")
    retry = run_handler("transcode", document, key="exec/9/2")
    assert retry.returncode == 0 and retry.json["reused"] is False
    ledger = [json.loads(line)["key"] for line in (out / ".transcode-ledger.jsonl").read_text().splitlines()]
    assert ledger == ["exec/9/1", "exec/9/2"]


def test_transcode_redoes_a_ledgered_rendition_whose_file_was_removed(clip, tmp_path):
    out = tmp_path / "renditions"
    document = {"source": clip, "output_dir": str(out), "height": 360, "video_bitrate": "800k"}
    first = run_handler("transcode", document, key="exec/3/1")
    os.remove(first.json["path"])
    again = run_handler("transcode", document, key="exec/3/1")
    assert again.returncode == 0 and again.json["reused"] is False and os.path.isfile(again.json["path"])


def test_transcode_of_a_missing_source_is_file_not_found(tmp_path):
    result = run_handler("transcode", {"source": str(tmp_path / "gone.mp4"), "output_dir": str(tmp_path),
                                       "height": 360, "video_bitrate": "800k"}, key="k")
    expect_error(result, "Media.FileNotFound")


def test_transcode_of_input_ffmpeg_cannot_decode_is_unsupported_codec(tmp_path):
    garbage = tmp_path / "garbage.mov"
    garbage.write_bytes(bytes(range(256)) * 64)
    result = run_handler("transcode", {"source": str(garbage), "output_dir": str(tmp_path / "out"),
                                       "height": 360, "video_bitrate": "800k"}, key="k")
    expect_error(result, "Media.UnsupportedCodec")
    assert not (tmp_path / "out" / ".transcode-ledger.jsonl").exists()


def test_transcode_that_ffmpeg_rejects_is_transcode_failed_with_the_tail_of_stderr(clip, tmp_path):
    result = run_handler("transcode", {"source": clip, "output_dir": str(tmp_path), "height": 360,
                                       "video_bitrate": "fast"}, key="k")
    cause = expect_error(result, "Media.TranscodeFailed")
    assert "ffmpeg exited with" in cause and "fast" in cause
    assert not any(name.endswith(".mp4") for name in os.listdir(tmp_path))


def test_transcode_on_a_full_disk_is_disk_full(clip, tmp_path):
    """Real ENOSPC: a 64 KiB tmpfs (needs permission to mount; skipped where that is refused)."""
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(small)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        result = run_handler("transcode", {"source": clip, "output_dir": str(small), "height": 720,
                                           "video_bitrate": "5000k"}, key="k")
        expect_error(result, "Media.DiskFull")
        assert not any(name.endswith(".mp4") for name in os.listdir(small))
    finally:
        subprocess.run(["umount", str(small)], check=True)


def test_an_ffmpeg_that_reports_enospc_is_disk_full(clip, tmp_path):
    """Classification only: a stand-in ffmpeg ($STEPLINE_FFMPEG) prints ffmpeg's ENOSPC message."""
    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\necho 'av_interleaved_write_frame(): No space left on device' >&2\nexit 1\n")
    fake.chmod(0o755)
    result = run_handler("transcode", {"source": clip, "output_dir": str(tmp_path / "out"), "height": 360,
                                       "video_bitrate": "800k"}, key="k", env={"STEPLINE_FFMPEG": str(fake)})
    assert "No space left on device" in expect_error(result, "Media.DiskFull")


def test_transcode_without_a_bitrate_is_invalid_input(clip, tmp_path):
    expect_error(run_handler("transcode", {"source": clip, "output_dir": str(tmp_path), "height": 360}),
                 "Media.InvalidInput")


# thumbnails and contact sheet

def test_thumbnails_writes_the_requested_number_of_jpegs(clip, tmp_path):
    result = run_handler("thumbnails", {"source": clip, "output_dir": str(tmp_path / "thumbs"), "count": 3,
                                        "width": 160})
    assert result.returncode == 0, result
    assert result.json["thumbnails"] == [str(tmp_path / "thumbs" / f"thumb-0{i}.jpg") for i in (1, 2, 3)]
    assert sorted(os.listdir(tmp_path / "thumbs")) == ["thumb-01.jpg", "thumb-02.jpg", "thumb-03.jpg"]
    for path in result.json["thumbnails"]:
        assert ffprobe_video(path) == {"codec_name": "mjpeg", "width": 160, "height": 90}
    assert [name for name in os.listdir(tmp_path) if name.startswith(".partial")] == []


def test_contact_sheet_tiles_the_thumbnails(clip, tmp_path):
    thumbs = run_handler("thumbnails", {"source": clip, "output_dir": str(tmp_path / "thumbs"), "count": 5,
                                        "width": 160}).json["thumbnails"]
    result = run_handler("contact-sheet", {"thumbnails": thumbs, "output": str(tmp_path / "sheet.jpg"),
                                           "columns": 3})
    assert result.returncode == 0, result
    assert (result.json["tiles"], result.json["columns"], result.json["rows"]) == (5, 3, 2)
    assert ffprobe_video(str(tmp_path / "sheet.jpg")) == {"codec_name": "mjpeg", "width": 480, "height": 180}


def test_contact_sheet_straight_from_the_source(clip, tmp_path):
    result = run_handler("contact-sheet", {"source": clip, "output": str(tmp_path / "sheet.jpg"), "count": 8,
                                           "columns": 4, "width": 200})
    assert result.returncode == 0, result
    assert ffprobe_video(result.json["contact_sheet"]) == {"codec_name": "mjpeg", "width": 800, "height": 224}


def test_contact_sheet_with_a_missing_thumbnail_is_file_not_found(tmp_path):
    result = run_handler("contact-sheet", {"thumbnails": [str(tmp_path / "x.jpg")], "output": str(tmp_path / "s.jpg")})
    expect_error(result, "Media.FileNotFound")


# publish and cleanup

def transcoded(clip, out, height, key):
    return run_handler("transcode", {"source": clip, "output_dir": str(out), "height": height,
                                     "video_bitrate": "600k"}, key=key).json


def test_publish_copies_renditions_and_writes_a_manifest(clip, tmp_path):
    rendition = transcoded(clip, tmp_path / "work" / "renditions", 360, "e/1/1")
    failure = {"name": "720p", "failed": True, "error": "Media.TranscodeFailed", "cause": "ffmpeg exited with 1"}
    result = run_handler("publish", {"asset_id": "clip-001", "publish_dir": str(tmp_path / "published"),
                                     "renditions": [rendition, failure]})
    assert result.returncode == 0, result
    directory = tmp_path / "published" / "clip-001"
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["asset_id"] == "clip-001"
    assert [(r["name"], r["path"], r["bytes"]) for r in manifest["renditions"]] == [
        ("360p", str(directory / "360p.mp4"), rendition["bytes"])]
    assert manifest["failed"] == [{"name": "720p", "error": "Media.TranscodeFailed", "cause": "ffmpeg exited with 1"}]
    assert ffprobe_video(str(directory / "360p.mp4"))["height"] == 360
    assert os.path.isfile(rendition["path"])  # copied, not moved
    assert sorted(os.listdir(tmp_path / "published")) == ["clip-001"]


def test_publish_again_replaces_the_previous_publication(clip, tmp_path):
    rendition = transcoded(clip, tmp_path / "work", 360, "e/2/1")
    document = {"asset_id": "a", "publish_dir": str(tmp_path / "pub"), "renditions": [rendition]}
    (tmp_path / "pub" / "a").mkdir(parents=True)
    (tmp_path / "pub" / "a" / "stale.mp4").write_text("old")
    assert run_handler("publish", document).returncode == 0
    assert sorted(os.listdir(tmp_path / "pub" / "a")) == ["360p.mp4", "manifest.json"]


def test_publish_with_every_rendition_failed_is_nothing_to_publish(tmp_path):
    result = run_handler("publish", {"asset_id": "a", "publish_dir": str(tmp_path),
                                     "renditions": [{"name": "360p", "failed": True, "error": "E", "cause": "c"}]})
    expect_error(result, "Media.NothingToPublish")


def test_cleanup_removes_the_work_directory_and_tolerates_a_second_delivery(tmp_path):
    work = tmp_path / "work" / "clip-001"
    (work / "renditions").mkdir(parents=True)
    (work / "renditions" / "360p.mp4").write_text("x")
    first = run_handler("cleanup", {"work_dir": str(work), "reason": "rejected"})
    second = run_handler("cleanup", {"work_dir": str(work), "reason": "rejected"})
    assert (first.json["existed"], second.json["existed"]) == (True, False)
    assert not work.exists() and (tmp_path / "work").is_dir()


@pytest.mark.parametrize("work_dir", ["/", "/tmp", "relative/dir", "/tmp/a/../../etc"])
def test_cleanup_refuses_paths_that_are_not_asset_work_directories(work_dir):
    expect_error(run_handler("cleanup", {"work_dir": work_dir}), "Media.InvalidInput")


# enrich

def test_enrich_resolves_a_partner_delivery_into_ingest_inputs(clip, tmp_path):
    event = {"source": "partner.acme", "detail-type": "ASSET_DELIVERED",
             "detail": {"partner": "acme", "delivery_id": "d-42", "media_root": str(tmp_path / "media"),
                        "assets": [{"id": "clip-001", "uri": "file://" + clip}]}}
    result = run_handler("enrich", event)
    assert result.returncode == 0, result
    assert result.json == {"partner": "acme", "delivery_id": "d-42", "assets": [{
        "asset_id": "acme-clip-001", "source": clip, "work_dir": str(tmp_path / "media" / "work" / "acme-clip-001"),
        "publish_dir": str(tmp_path / "media" / "published"), "execution_name": "acme-d-42-clip-001"}]}


def test_enrich_of_a_delivery_whose_file_is_missing_is_file_not_found(tmp_path):
    event = {"detail": {"partner": "acme", "assets": [{"id": "x", "uri": f"file://{tmp_path}/x.mp4"}]}}
    expect_error(run_handler("enrich", event), "Media.FileNotFound")


def test_enrich_refuses_asset_ids_that_could_escape_the_media_root(clip):
    event = {"detail": {"partner": "acme", "assets": [{"id": "../etc", "uri": clip}]}}
    expect_error(run_handler("enrich", event), "Media.InvalidInput")


def test_review_inbox_files_the_request_with_the_token_and_the_preview(tmp_path):
    work_dir = tmp_path / "work" / "clip-001"
    event = {"id": "e-1", "detail-type": "ASSET_FLAGGED_FOR_REVIEW", "detail": {
        "TaskToken": "t0k3n", "ExecutionArn": "arn:aws:states:us-east-1:123456789012:execution:ingest-and-publish:clip-001",
        "asset_id": "clip-001", "work_dir": str(work_dir), "thumbnails": ["/a/thumb-01.jpg"], "contact_sheet": "/a/sheet.jpg"}}
    first = run_handler("review-inbox", event, key="e-1")
    again = run_handler("review-inbox", event, key="e-1")
    assert (first.returncode, again.returncode) == (0, 0), first
    assert first.json == again.json == {"request": str(work_dir / "review-request.json"), "asset_id": "clip-001"}
    request = json.loads((work_dir / "review-request.json").read_text())
    assert (request["task_token"], request["thumbnails"], request["event_id"]) == ("t0k3n", ["/a/thumb-01.jpg"], "e-1")
    assert request["approve"] == "stepline approve t0k3n"
    assert [name for name in os.listdir(work_dir)] == ["review-request.json"]


@pytest.mark.parametrize("detail", [{}, {"TaskToken": "t"}, {"TaskToken": "t", "work_dir": "relative/dir"}])
def test_review_inbox_refuses_an_event_without_token_or_absolute_work_dir(detail):
    result = run_handler("review-inbox", {"detail": detail})
    assert (result.returncode, result.json["error"]) == (1, "Media.InvalidInput"), result
