"""Fixtures for the tests of tools/media and tools/workers: real ffmpeg, generated clips.

The clip is the one issue 8 names: 2 seconds of ffmpeg's `testsrc` at 1280x720, 25 fps,
with a sine tone, encoded as H.264/AAC MP4. It is generated once per test session into a
temporary directory; every test works in its own `tmp_path`.
tools/test installs ffmpeg (STEPLINE_EXTRA_APT); without it these tests fail, they do not skip.
"""
import json
import os
import shutil
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MEDIA = os.path.join(ROOT, "tools", "media")


class HandlerResult:
    """What one run of a handler produced: exit status and the JSON it printed."""

    def __init__(self, completed):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.json = json.loads(completed.stdout) if completed.stdout.strip() else None

    def __repr__(self):
        return f"HandlerResult(rc={self.returncode}, stdout={self.stdout!r}, stderr={self.stderr!r})"


def run_handler(name, document, key=None, env=None, raw_input=None):
    """Runs tools/media/<name> as the engine does: JSON on stdin, key in the environment."""
    full_env = dict(os.environ)
    full_env.pop("STEPLINE_IDEMPOTENCY_KEY", None)
    if key is not None:
        full_env["STEPLINE_IDEMPOTENCY_KEY"] = key
    full_env.update(env or {})
    completed = subprocess.run(
        [os.path.join(MEDIA, name)],
        input=raw_input if raw_input is not None else json.dumps(document),
        capture_output=True, text=True, env=full_env, timeout=120, cwd=ROOT,
    )
    return HandlerResult(completed)


def ffprobe_video(path):
    """Width, height and codec of the first video stream, asked of ffprobe directly."""
    output = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=width,height,codec_name", "-of", "json", path],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout
    return json.loads(output)["streams"][0]


def make_clip(path, size="1280x720", seconds=2, audio=True):
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg is not installed: run tools/setup with STEPLINE_EXTRA_APT=ffmpeg (tools/test does)")
    arguments = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                 "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size={size}:rate=25"]
    if audio:
        arguments += ["-f", "lavfi", "-i", f"sine=duration={seconds}", "-c:a", "aac"]
    arguments += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-shortest", path]
    subprocess.run(arguments, check=True, timeout=120)
    return path


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    """A 2-second 1280x720 H.264/AAC test clip."""
    return make_clip(str(tmp_path_factory.mktemp("clips") / "clip-720p.mp4"))
