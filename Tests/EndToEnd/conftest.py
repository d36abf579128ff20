"""Starts `stepline serve --port 0` on a temporary data directory for the end-to-end tests.

The binary is $STEPLINE_BIN if set, else the debug build of this checkout (built with
`swift build --product stepline` if needed). Each server is stopped with SIGTERM at the
end, and its graceful exit (code 0) is part of the test.
"""
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import http.client
from urllib.parse import urlsplit

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LISTENING = re.compile(r"listening on (http://[0-9.]+:(\d+))")

ACCESS_KEY_ID = "AKIDSTEPLINETEST"
SECRET_ACCESS_KEY = "stepline/test+secret"


def stepline_binary():
    if os.environ.get("STEPLINE_BIN"):
        return os.environ["STEPLINE_BIN"]
    subprocess.run(["swift", "build", "--product", "stepline"], cwd=ROOT, check=True, stdout=sys.stderr)
    bin_dir = subprocess.run(
        ["swift", "build", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    return os.path.join(bin_dir, "stepline")


class Server:
    """A running `stepline serve`, its endpoint and its output so far."""

    def __init__(self, binary, data_dir, args=(), env=None):
        self.data_dir = data_dir
        full_env = dict(os.environ)
        for name in ("STEPLINE_ACCESS_KEY_ID", "STEPLINE_SECRET_ACCESS_KEY", "STEPLINE_HOST", "STEPLINE_PORT"):
            full_env.pop(name, None)
        full_env.update(env or {})
        self.process = subprocess.Popen(
            [binary, "serve", "--port", "0", "--data-dir", data_dir, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=full_env,
        )
        self.output = b""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.5)
            if ready:
                chunk = os.read(self.process.stdout.fileno(), 4096)
                if not chunk:
                    break
                self.output += chunk
                match = LISTENING.search(self.output.decode("utf-8", "replace"))
                if match:
                    self.endpoint = match.group(1)
                    self.port = int(match.group(2))
                    return
            if self.process.poll() is not None:
                break
        self.process.kill()
        raise RuntimeError(f"stepline serve did not report its address:\n{self.output.decode('utf-8', 'replace')}")

    def stop(self):
        """SIGTERM, then the exit code (0 for a graceful shutdown)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None
        finally:
            self.process.stdout.close()


@pytest.fixture(scope="session")
def binary():
    return stepline_binary()


@pytest.fixture(scope="module")
def server(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        data_dir = os.path.join(tmp, "data")
        running = Server(binary, data_dir)
        yield running
        assert running.stop() == 0, "stepline serve did not shut down gracefully on SIGTERM"


@pytest.fixture(scope="module")
def signed_server(binary):
    """A server that requires SigV4: one key from a credentials file, one from the environment."""
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        credentials = os.path.join(tmp, "credentials")
        with open(credentials, "w") as f:
            f.write(f"[default]\naws_access_key_id = {ACCESS_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n")
        running = Server(
            binary,
            os.path.join(tmp, "data"),
            args=["--credentials", credentials],
            env={"STEPLINE_ACCESS_KEY_ID": "AKIDFROMENV", "STEPLINE_SECRET_ACCESS_KEY": "env-secret"},
        )
        yield running
        assert running.stop() == 0, "stepline serve did not shut down gracefully on SIGTERM"


def wait_for(condition, what, timeout=30):
    """The first truthy value of `condition()`, polled until `timeout` seconds pass; a failure names `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def raw_post(endpoint, body, headers):
    """One raw `POST /` (no AWS client involved); returns (status, lower-case headers, body)."""
    parts = urlsplit(endpoint)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("POST", "/", body=body, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()
