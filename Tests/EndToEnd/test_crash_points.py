"""Injected crash points (docs/crash-points.md): `stepline serve` aborts itself at each named
point of a StartExecution whose one Task runs tools/handlers/record-effect; after a restart on
the same data directory nothing acknowledged is lost, nothing unacknowledged is half there,
the task's effect is applied exactly once (the handler deduplicates by idempotency key), the
execution finishes, and `stepline verify` is clean."""

import json
import os
import signal
import subprocess
import tempfile
import time

import boto3
import botocore.config
import pytest

from conftest import ROOT, Server

RESOURCE = "arn:aws:lambda:us-east-1:123456789012:function:record-effect"
MACHINE = json.dumps({"StartAt": "Effect", "States": {
    "Effect": {"Type": "Task", "Resource": RESOURCE, "Next": "Done"},
    "Done": {"Type": "Succeed"}}})
ROLE = "arn:aws:iam::123456789012:role/crash"


def stepfunctions(server):
    return boto3.client("stepfunctions", endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
                        config=botocore.config.Config(retries={"max_attempts": 0}, connect_timeout=2, read_timeout=20))


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line for line in f.read().splitlines() if line]


def wait_for_exit(server, timeout=60):
    """The exit status and everything the server wrote."""
    try:
        status = server.process.wait(timeout=timeout)
        return status, (server.output + server.process.stdout.read()).decode("utf-8", "replace")
    finally:
        server.process.stdout.close()


def workflows_directory(tmp, effects):
    directory = os.path.join(tmp, "workflows")
    os.makedirs(directory)
    with open(os.path.join(directory, "handlers.yaml"), "w") as f:
        f.write("handlers:\n  \"%s\": { command: [%s, %s] }\n"
                % (RESOURCE, os.path.join(ROOT, "tools", "handlers", "record-effect"), effects))
    return directory


# point -> (was the StartExecution answered before the abort, handler deliveries in the end)
EXPECTED = {
    "before-commit": (False, 1),
    "after-commit": (False, 1),
    "before-dispatch": (None, 1),   # the answer races the dispatch: either is right
    "after-dispatch": (None, 2),
}


@pytest.mark.parametrize("point", sorted(EXPECTED))
def test_a_crash_at_each_point_loses_nothing_acknowledged_and_applies_the_effect_once(binary, point):
    answered_expected, deliveries_expected = EXPECTED[point]
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-crashpoint-") as tmp:
        data = os.path.join(tmp, "data")
        effects = os.path.join(tmp, "effects")
        flows = workflows_directory(tmp, effects)
        args = ["--workflows", flows]

        setup = Server(binary, data, args=args)
        machine = stepfunctions(setup).create_state_machine(name="effect", definition=MACHINE, roleArn=ROLE)["stateMachineArn"]
        assert setup.stop() == 0
        execution_arn = machine.replace(":stateMachine:", ":execution:") + ":run-1"

        crashing = Server(binary, data, args=args, env={"STEPLINE_CRASH_POINT": point + ":1"})
        answered = False
        try:
            started = stepfunctions(crashing).start_execution(stateMachineArn=machine, name="run-1", input=json.dumps({"value": 1}))
            answered = started["executionArn"] == execution_arn
        except Exception:
            answered = False  # the connection died with the process: not acknowledged
        status, output = wait_for_exit(crashing)
        assert status == -signal.SIGKILL, f"the server did not die at {point} (exit {status}):\n{output}"
        assert f"crash point {point} reached (time 1)" in output, output
        if answered_expected is not None:
            assert answered == answered_expected, f"StartExecution answered={answered} at {point}"

        restarted = Server(binary, data, args=args)
        try:
            sfn = stepfunctions(restarted)
            try:
                before_retry = sfn.describe_execution(executionArn=execution_arn)["status"]
            except sfn.exceptions.ExecutionDoesNotExist:
                before_retry = None
            if point == "before-commit":
                assert before_retry is None, "a start that was never committed is in the log"
            else:
                assert before_retry is not None, "a committed start was lost"
            if answered:
                assert before_retry is not None, "an acknowledged start was lost"
            # The client retries what was not acknowledged; the same name and input are idempotent.
            try:
                again = sfn.start_execution(stateMachineArn=machine, name="run-1", input=json.dumps({"value": 1}))
                assert again["executionArn"] == execution_arn
            except sfn.exceptions.ExecutionAlreadyExists:
                assert before_retry is not None  # it finished after the restart, before the retry
            deadline = time.monotonic() + 60
            described = sfn.describe_execution(executionArn=execution_arn)
            while described["status"] == "RUNNING" and time.monotonic() < deadline:
                time.sleep(0.05)
                described = sfn.describe_execution(executionArn=execution_arn)
            assert described["status"] == "SUCCEEDED", described
            assert json.loads(described["output"]) == {"value": 2}
            runs = sfn.list_executions(stateMachineArn=machine)["executions"]
            assert [e["name"] for e in runs] == ["run-1"]
        finally:
            assert restarted.stop() == 0

        applied = lines(os.path.join(effects, "applied"))
        deliveries = lines(os.path.join(effects, "deliveries"))
        assert len(applied) == 1, f"the effect was applied {len(applied)} times: {applied}"
        assert applied[0].startswith(execution_arn + "/")
        assert len(deliveries) == deliveries_expected and set(deliveries) == set(applied), deliveries
        verified = subprocess.run([binary, "verify", "--data-dir", data], capture_output=True, text=True)
        assert verified.returncode == 0, verified.stdout + verified.stderr


def test_an_unknown_crash_point_is_refused_before_serving(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-crashpoint-") as tmp:
        result = subprocess.run([binary, "serve", "--port", "0", "--data-dir", os.path.join(tmp, "data")],
                                env={**os.environ, "STEPLINE_CRASH_POINT": "before-comit"},
                                capture_output=True, text=True, timeout=60)
        assert result.returncode != 0
        assert "before-comit" in result.stdout + result.stderr
        assert "before-commit" in result.stdout + result.stderr  # the known names are listed
