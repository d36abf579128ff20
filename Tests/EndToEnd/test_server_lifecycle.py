"""A server a newcomer can manage: `serve --background`, `status`, `wait`, `stop`, the run file,
and the rough edges a first hour hits (issue 22): a taken port, help, unknown subcommands, columns."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

from conftest import ROOT, Server

EXAMPLES = os.path.join(ROOT, "workflows", "examples")


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEPLINE_")}
    env.update(extra)
    return env


def stepline(binary, *args, env=None, timeout=120):
    result = subprocess.run([binary, *args], capture_output=True, text=True, env=env or clean_env(), timeout=timeout)
    return result.returncode, result.stdout, result.stderr


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def data_dir():
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        yield os.path.join(tmp, "data")
        run_file = os.path.join(tmp, "data", "server.json")
        if os.path.exists(run_file):  # a failed test's server: do not leave it running
            with open(run_file) as f:
                pid = json.load(f)["pid"]
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_background_serve_answers_then_status_start_and_stop_find_it_by_data_directory(binary, data_dir):
    code, out, err = stepline(binary, "serve", "--background", "--port", "0", "--data-dir", data_dir, "--workflows", EXAMPLES)
    assert code == 0, err
    assert "in the background (pid " in out and "'stepline stop --data-dir" in out
    with open(os.path.join(data_dir, "server.json")) as f:
        run = json.load(f)
    assert run["dataDirectory"] == os.path.realpath(data_dir) or run["dataDirectory"] == os.path.abspath(data_dir)
    assert out.startswith(f"stepline: serving on {run['endpoint']} in the background (pid {run['pid']}")
    # It answered before `serve --background` returned, with no waiting here.
    with urllib.request.urlopen(run["endpoint"] + "/health", timeout=10) as response:
        assert response.status == 200

    code, out, _ = stepline(binary, "status", "--data-dir", data_dir)
    assert code == 0
    assert out.startswith(f"running: {run['endpoint']} (pid {run['pid']}, stepline {run['version']}")
    code, out, _ = stepline(binary, "status", "--data-dir", data_dir, "--json")
    status = json.loads(out)
    assert code == 0 and status["running"] is True and status["server"]["port"] == run["port"]

    # No --endpoint: the server commands find the server through the run file.
    code, out, err = stepline(binary, "start", "hello", "--input", '{"who": "world"}', "--wait", "--data-dir", data_dir)
    assert code == 0, err
    assert "hello world" in out

    code, _, err = stepline(binary, "serve", "--background", "--port", "0", "--data-dir", data_dir)
    assert code == 1
    assert f"a server already serves {data_dir}: {run['endpoint']} (pid {run['pid']})" in err

    code, out, _ = stepline(binary, "stop", "--data-dir", data_dir)
    assert code == 0
    assert out.strip() == f"stopped the server on {run['endpoint']} (pid {run['pid']})"
    assert not alive(run["pid"])
    assert not os.path.exists(os.path.join(data_dir, "server.json"))
    with open(os.path.join(data_dir, "server.log")) as f:
        assert "listening on" in f.read()
    code, out, _ = stepline(binary, "status", "--data-dir", data_dir)
    assert code == 3
    assert out.startswith("not running: no server serves")
    code, out, _ = stepline(binary, "stop", "--data-dir", data_dir)
    assert code == 0 and out.startswith("no server serves")


def test_a_killed_server_leaves_a_stale_run_file_that_status_reports_and_serve_replaces(binary, data_dir):
    code, _, err = stepline(binary, "serve", "--background", "--port", "0", "--data-dir", data_dir)
    assert code == 0, err
    with open(os.path.join(data_dir, "server.json")) as f:
        first = json.load(f)
    os.kill(first["pid"], signal.SIGKILL)
    deadline = time.monotonic() + 30
    while alive(first["pid"]) and time.monotonic() < deadline:
        time.sleep(0.05)

    code, out, _ = stepline(binary, "status", "--data-dir", data_dir)
    assert code == 3
    assert "did not exit cleanly" in out and f"process {first['pid']} is not running" in out
    code, out, _ = stepline(binary, "status", "--data-dir", data_dir, "--json")
    assert json.loads(out)["stale"] == f"process {first['pid']} is not running"

    code, out, err = stepline(binary, "serve", "--background", "--port", "0", "--data-dir", data_dir)
    assert code == 0, err
    with open(os.path.join(data_dir, "server.json")) as f:
        second = json.load(f)
    assert second["pid"] != first["pid"]
    assert stepline(binary, "stop", "--data-dir", data_dir)[0] == 0


def test_wait_returns_once_a_foreground_server_answers_and_exits_3_when_none_does(binary, data_dir):
    env = clean_env()
    process = subprocess.Popen(
        [binary, "serve", "--port", "0", "--data-dir", data_dir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    try:
        code, out, err = stepline(binary, "wait", "--data-dir", data_dir, "--timeout", "120")
        assert code == 0, err
        with open(os.path.join(data_dir, "server.json")) as f:
            run = json.load(f)
        assert out.strip() == run["endpoint"] and run["pid"] == process.pid and run.get("logFile") is None
        code, out, _ = stepline(binary, "wait", "--endpoint", run["endpoint"], "--timeout", "5")
        assert (code, out.strip()) == (0, run["endpoint"])
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    # A clean exit removes the run file.
    assert not os.path.exists(os.path.join(data_dir, "server.json"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    code, _, err = stepline(binary, "wait", "--endpoint", f"http://127.0.0.1:{free}", "--timeout", "1")
    assert code == 3
    assert "did not answer within 1 s" in err


def test_a_taken_port_fails_before_the_data_directory_is_written_and_says_what_to_do(binary, server, data_dir):
    code, out, err = stepline(binary, "serve", "--port", str(server.port), "--data-dir", data_dir, "--workflows", EXAMPLES)
    assert code == 1
    assert f"cannot listen on 127.0.0.1:{server.port}: Address already in use;" in err
    assert "--port or STEPLINE_PORT" in err
    assert "))" not in err and ")\n" not in err.replace("(0 picks a free one)\n", "")
    # Nothing deployed, nothing logged: the log was never opened.
    assert not os.path.exists(os.path.join(data_dir, "data.mdb"))

    code, _, err = stepline(binary, "serve", "--background", "--port", str(server.port), "--data-dir", data_dir)
    assert code == 1
    assert "cannot listen on" in err and "the server exited (status 1) before it answered" in err
    assert not os.path.exists(os.path.join(data_dir, "data.mdb"))


def test_an_unknown_webhook_names_the_file_actually_served(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        demo = os.path.join(tmp, "demo")
        os.mkdir(demo)
        with open(os.path.join(demo, "webhooks.yaml"), "w") as f:
            f.write("webhooks:\n  - name: acme\n    bus: default\n    source: partner.acme\n    detailType: ASSET_DELIVERED\n"
                    "    secretEnvironment: ACME_WEBHOOK_SECRET\n")
        running = Server(binary, os.path.join(tmp, "data"), args=["--workflows", demo], env={"ACME_WEBHOOK_SECRET": "s"})
        try:
            request = urllib.request.Request(running.endpoint + "/webhooks/nope", data=b"{}", method="POST")
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 404
            body = json.loads(refused.value.read())
            assert body["error"] == "UnknownWebhook"
            assert body["message"] == f"No webhook named 'nope' is configured in {demo}/webhooks.yaml."
        finally:
            assert running.stop() == 0


def test_help_names_sns_and_an_unknown_subcommand_is_an_error_even_with_help(binary):
    code, out, _ = stepline(binary, "serve", "--help")
    assert code == 0 and "SNS" in out and "--background" in out
    for args in (["frobnicate", "--help"], ["frobnicate"], ["stauts", "-h"]):
        code, out, err = stepline(binary, *args)
        assert code == 64, args
        assert f"unknown subcommand '{args[0]}'" in err and out == ""
    code, out, _ = stepline(binary, "--version")
    assert code == 0 and out.strip()


def test_list_aligns_its_columns(binary, data_dir):
    code, _, err = stepline(binary, "serve", "--background", "--port", "0", "--data-dir", data_dir, "--workflows", EXAMPLES)
    assert code == 0, err
    try:
        code, out, err = stepline(binary, "list", "--data-dir", data_dir)
        assert code == 0, err
        lines = out.splitlines()
        assert len(lines) >= 3
        arn_columns = {line.index("arn:aws:states:") for line in lines}
        type_columns = {line.index("STANDARD") for line in lines}
        assert len(arn_columns) == 1 and len(type_columns) == 1, out
    finally:
        assert stepline(binary, "stop", "--data-dir", data_dir)[0] == 0
