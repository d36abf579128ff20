"""The `stepline` commands that talk to a running server: start, describe, history, list,
approve/reject/heartbeat, dlq, review; their output, --json and exit codes, including bad input."""
import json
import subprocess
import uuid

import boto3

ROLE = "arn:aws:iam::123456789012:role/e2e"
PASS = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"got.$": "$.x"}, "End": True}}})


def cli(binary, server, *args):
    result = subprocess.run([binary, *args, "--endpoint", server.endpoint], capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout, result.stderr


def deployed(server):
    client = boto3.client("stepfunctions", endpoint_url=server.endpoint, region_name="us-east-1",
                          aws_access_key_id="AKIDX", aws_secret_access_key="x")
    name = f"cli-{uuid.uuid4().hex[:8]}"
    client.create_state_machine(name=name, definition=PASS, roleArn=ROLE)
    return name


def test_start_wait_list_describe_and_history(binary, server):
    name = deployed(server)
    status, out, err = cli(binary, server, "start", name, "--input", '{"x": 5}', "--name", "one", "--wait")
    assert status == 0, err
    assert "SUCCEEDED" in out and '{"got":5}' in out
    arn = out.splitlines()[0]
    status, out, _ = cli(binary, server, "list")
    assert status == 0 and name in out
    status, out, _ = cli(binary, server, "list", name, "--status", "SUCCEEDED", "--json")
    assert status == 0 and [e["executionArn"] for e in json.loads(out)["executions"]] == [arn]
    status, out, _ = cli(binary, server, "describe", arn)
    assert status == 0 and "SUCCEEDED" in out and "started" in out
    status, out, _ = cli(binary, server, "history", arn)
    assert status == 0 and "PassStateEntered" in out and "ExecutionSucceeded" in out
    status, out, _ = cli(binary, server, "history", arn, "--json")
    assert [e["id"] for e in json.loads(out)["events"]] == [1, 2, 3, 4]
    # Newest first: the same lines in reverse, times still counted from the start.
    status, forward, _ = cli(binary, server, "history", arn)
    status, backward, err = cli(binary, server, "history", arn, "--reverse")
    assert status == 0, err
    assert backward.splitlines() == list(reversed(forward.splitlines()))
    assert all(line.lstrip().startswith("+") for line in backward.splitlines())


def test_server_errors_exit_one_with_the_aws_code(binary, server):
    status, _, err = cli(binary, server, "describe", "arn:aws:states:us-east-1:123456789012:execution:none:x")
    assert status == 1 and "ExecutionDoesNotExist" in err
    status, _, err = cli(binary, server, "approve", "not-a-token")
    assert status == 1 and "InvalidToken" in err
    status, _, err = cli(binary, server, "reject", "not-a-token", "--error", "No")
    assert status == 1 and "InvalidToken" in err
    status, _, err = cli(binary, server, "start", "no-such-machine")
    assert status == 1 and "no state machine named 'no-such-machine'" in err


def test_bad_options_exit_64_and_an_absent_server_exits_3(binary, server):
    status, _, err = cli(binary, server, "start", "m", "--input", "{oops")
    assert status == 64 and "--input must be JSON" in err
    status, _, err = cli(binary, server, "approve", "t", "--output", "nope")
    assert status == 64
    status, _, err = cli(binary, server, "list", "--status", "DONE")
    assert status == 64
    result = subprocess.run([binary, "list", "--endpoint", "http://127.0.0.1:1"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 3 and "cannot reach the Stepline server" in result.stderr


def test_dlq_and_review_views(binary, server):
    status, out, _ = cli(binary, server, "dlq", "list", "--json")
    assert status == 0 and "items" in json.loads(out)
    status, out, _ = cli(binary, server, "review", "list")
    assert status == 0
    status, _, err = cli(binary, server, "dlq", "redrive")
    assert status == 64 and "--all" in err
    status, _, err = cli(binary, server, "review", "resolve", "arn:aws:states:us-east-1:123456789012:execution:m:none", "--reason", "x")
    assert status == 1 and "ResourceNotFound" in err
