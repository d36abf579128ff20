"""Security findings against the real `stepline serve`: signatures that leave the operation
out, DNS rebinding (foreign Host names), unknown paths and browser visits, and the
permissions of the data directory."""
import http.client
import json
import os
import stat
import tempfile
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from conftest import ACCESS_KEY_ID, SECRET_ACCESS_KEY, Server

DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
ROLE = "arn:aws:iam::123456789012:role/r"


def raw(endpoint, method, path, body=b"", headers=None, host=None):
    """One HTTP request, optionally naming another Host; returns (status, headers, body)."""
    parts = urlsplit(endpoint)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=host is not None, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def sfn(endpoint):
    return boto3.client(
        "stepfunctions", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY_ID, aws_secret_access_key=SECRET_ACCESS_KEY,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def test_a_signature_without_the_target_cannot_be_replayed_as_another_operation(signed_server):
    arn = sfn(signed_server.endpoint).create_state_machine(name="keep", definition=DEFINITION, roleArn=ROLE)["stateMachineArn"]
    body = json.dumps({"stateMachineArn": arn}).encode()
    # A client that signs only Host, X-Amz-Date and Content-Type, as some hand-made signers do.
    request = AWSRequest(method="POST", url=signed_server.endpoint + "/", data=body,
                         headers={"Content-Type": "application/x-amz-json-1.0"})
    SigV4Auth(Credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY), "states", "us-east-1").add_auth(request)
    headers = dict(request.headers.items())
    assert "x-amz-target" not in headers["Authorization"]
    for target in ["AWSStepFunctions.DescribeStateMachine", "AWSStepFunctions.DeleteStateMachine"]:
        status, _, answer = raw(signed_server.endpoint, "POST", "/", body, dict(headers, **{"X-Amz-Target": target}))
        assert status == 400
        assert json.loads(answer)["__type"] == "InvalidSignatureException"
    assert sfn(signed_server.endpoint).describe_state_machine(stateMachineArn=arn)["name"] == "keep"


def test_a_foreign_host_name_is_refused_for_the_api_and_the_console(server):
    body = b"{}"
    api = {"X-Amz-Target": "AWSStepFunctions.ListStateMachines", "Content-Type": "application/x-amz-json-1.0"}
    for path, method, headers, payload in [("/", "POST", api, body), ("/console/review", "GET", {}, b""), ("/health", "GET", {}, b"")]:
        status, _, answer = raw(server.endpoint, method, path, payload, headers, host=f"rebound.example:{server.port}")
        assert status == 421, path
        assert "rebound.example" in json.loads(answer)["message"]
    for host in [f"127.0.0.1:{server.port}", f"localhost:{server.port}", "localhost", f"[::1]:{server.port}"]:
        status, _, answer = raw(server.endpoint, "POST", "/", body, api, host=host)
        assert status == 200, host
        assert "stateMachines" in json.loads(answer)


def test_a_configured_name_is_accepted(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        running = Server(binary, os.path.join(tmp, "data"), args=["--allowed-host", "stepline.internal"])
        try:
            status, _, _ = raw(running.endpoint, "GET", "/health", host="stepline.internal:8423")
            assert status == 200
            status, _, _ = raw(running.endpoint, "GET", "/health", host="other.internal")
            assert status == 421
        finally:
            assert running.stop() == 0


def test_unknown_paths_answer_an_aws_shaped_error(server):
    status, headers, answer = raw(server.endpoint, "GET", "/nothing/here")
    assert status == 404
    error = json.loads(answer)
    assert error["__type"] == "UnknownOperationException"
    assert "/nothing/here" in error["message"]
    assert headers["x-amzn-errortype"] == "UnknownOperationException"


def test_a_browser_opening_the_root_is_sent_to_the_console(server):
    status, headers, _ = raw(server.endpoint, "GET", "/", headers={"Accept": "text/html,application/xhtml+xml"})
    assert status == 303 and headers["location"] == "/console/"
    status, headers, _ = raw(server.endpoint, "GET", "/console/", headers={"Accept": "text/html"})
    assert status in (200, 303) and status != 404
    # An SNS-style GET (a SubscribeURL) still reaches the query protocol.
    status, _, answer = raw(server.endpoint, "GET", "/?Action=ListTopics", headers={"Accept": "text/html"})
    assert status == 200 and b"ListTopicsResponse" in answer


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_data_directory_and_its_files_are_for_the_owner_only(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        data = os.path.join(tmp, "data")
        running = Server(binary, data)
        assert running.stop() == 0
        assert mode(data) == 0o700
        for name in ["data.mdb", "lock.mdb", "pagination-token.key"]:
            assert mode(os.path.join(data, name)) == 0o600, name
        # A directory made before (or by hand) with loose modes is tightened at open.
        os.chmod(data, 0o755)
        os.chmod(os.path.join(data, "data.mdb"), 0o644)
        os.chmod(os.path.join(data, "lock.mdb"), 0o664)
        running = Server(binary, data)
        assert running.stop() == 0
        assert mode(data) == 0o700
        assert mode(os.path.join(data, "data.mdb")) == 0o600
        assert mode(os.path.join(data, "lock.mdb")) == 0o600


def test_failed_console_sign_ins_back_off_with_429_and_retry_after(signed_server):
    """The exact waits are checked in Swift with a manual clock; here, that the real server
    keys the backoff by client and answers it as 429 with Retry-After."""
    import re
    from urllib.parse import urlencode
    status, headers, page = raw(signed_server.endpoint, "GET", "/console/login")
    assert status == 200
    cookie = headers["set-cookie"].split(";")[0]
    csrf = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
    form = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    body = urlencode({"csrf": csrf, "accessKeyId": ACCESS_KEY_ID, "secretAccessKey": "guess"}).encode()
    answers = [raw(signed_server.endpoint, "POST", "/console/login", body, form) for _ in range(12)]
    assert [status for status, _, _ in answers[:6]] == [303] * 6
    throttled = [(headers, text) for status, headers, text in answers[6:] if status == 429]
    assert throttled, [status for status, _, _ in answers]
    headers, text = throttled[0]
    assert int(headers["retry-after"]) >= 1 and b"Too many failed sign-ins" in text
