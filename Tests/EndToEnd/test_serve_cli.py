"""`stepline serve` as a command: options, environment variables, bad input, exit codes."""
import json
import os
import subprocess
import tempfile
import urllib.request

import pytest

from conftest import Server


def run_serve(binary, *args, env=None):
    """Runs a `serve` that must fail at once; returns (exit code, output)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("STEPLINE_")}
    full_env.update(env or {})
    result = subprocess.run(
        [binary, "serve", *args], capture_output=True, text=True, env=full_env, timeout=60
    )
    return result.returncode, result.stdout + result.stderr


def test_environment_sets_host_port_and_data_dir(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        data_dir = os.path.join(tmp, "nested", "data")
        env = {"STEPLINE_HOST": "127.0.0.1", "STEPLINE_PORT": "0", "STEPLINE_DATA_DIR": data_dir}
        server = Server(binary, data_dir, env=env)
        try:
            assert os.path.isdir(data_dir)
            assert f"data dir {data_dir}" in server.output.decode()
            with urllib.request.urlopen(server.endpoint + "/health", timeout=10) as response:
                assert json.loads(response.read())["status"] == "ok"
        finally:
            assert server.stop() == 0


@pytest.mark.parametrize(
    "args, env, message",
    [
        (["--port", "70000"], {}, "--port must be between 0 and 65535"),
        (["--log-level", "loud"], {}, "--log-level must be one of"),
        ([], {"STEPLINE_PORT": "eighty"}, "STEPLINE_PORT must be a port number"),
        ([], {"STEPLINE_ACCESS_KEY_ID": "AKID"}, "set both STEPLINE_ACCESS_KEY_ID and STEPLINE_SECRET_ACCESS_KEY"),
    ],
)
def test_invalid_options_exit_64_saying_what_is_wrong(binary, args, env, message):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        code, output = run_serve(binary, "--data-dir", tmp, *args, env=env)
    assert code == 64
    assert message in output


def test_unusable_credentials_file_exits_1(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        missing = os.path.join(tmp, "missing")
        code, output = run_serve(binary, "--port", "0", "--data-dir", tmp, "--credentials", missing)
        assert code == 1
        assert f"cannot read credentials file {missing}" in output

        broken = os.path.join(tmp, "broken")
        with open(broken, "w") as f:
            f.write("[default]\naws_access_key_id = AKID\n")
        code, output = run_serve(binary, "--port", "0", "--data-dir", tmp, "--credentials", broken)
        assert code == 1
        assert "line 1: section [default] needs both" in output


def test_port_in_use_exits_1(binary, server):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        code, output = run_serve(binary, "--port", str(server.port), "--data-dir", tmp)
    assert code == 1
    assert f"cannot listen on 127.0.0.1:{server.port}" in output


def test_unsigned_server_off_loopback_warns(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        server = Server(binary, tmp, args=["--host", "0.0.0.0"])
        try:
            assert "warning: serving on 0.0.0.0 without credentials" in server.output.decode()
        finally:
            assert server.stop() == 0


def test_json_reports_the_address_as_one_object(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        process = subprocess.Popen(
            [binary, "serve", "--port", "0", "--data-dir", tmp, "--json", "--log-level", "error"],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            report = json.loads(process.stdout.readline())
            assert report["host"] == "127.0.0.1"
            assert report["listening"] == f"http://127.0.0.1:{report['port']}"
            assert report["dataDir"] == tmp
            assert report["signatureRequired"] is False
            with urllib.request.urlopen(report["listening"] + "/health", timeout=10) as response:
                assert response.status == 200
        finally:
            process.terminate()
            assert process.wait(timeout=20) == 0
            process.stdout.close()
