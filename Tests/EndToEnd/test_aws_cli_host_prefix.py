"""StartSyncExecution and TestState from the real aws CLI, as README.md documents them.

botocore's model gives both operations `"endpoint": {"hostPrefix": "sync-"}`, so the CLI
calls `http://sync-127.0.0.1:PORT/`, a name that does not resolve. The AWS SDKs' own
setting `disable_host_prefix_injection` (environment `AWS_DISABLE_HOST_PREFIX_INJECTION`,
or the profile's `disable_host_prefix_injection = true`) turns the prefix off; these tests
run the commands as a user types them with each form, and pin the failure without it.
"""
import json
import os
import subprocess
import sys
import tempfile
import uuid

ROLE = "arn:aws:iam::123456789012:role/stepline"
HELLO = os.path.join(os.path.dirname(__file__), "..", "..", "workflows", "examples", "hello.asl.json")


def aws(server, *args, home, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    base.update(HOME=home, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "awscli", *args, "--endpoint-url", server.endpoint, "--output", "json"],
        capture_output=True, text=True, env=base, timeout=120,
    )


def test_start_sync_execution_and_test_state_with_host_prefix_injection_disabled(server):
    with tempfile.TemporaryDirectory() as home:
        name = f"hello-express-{uuid.uuid4().hex[:8]}"
        created = aws(server, "stepfunctions", "create-state-machine", "--name", name, "--type", "EXPRESS",
                      "--definition", f"file://{os.path.abspath(HELLO)}", "--role-arn", ROLE, home=home)
        assert created.returncode == 0, created.stderr
        arn = json.loads(created.stdout)["stateMachineArn"]

        # Without the setting: the CLI itself cannot reach the prefixed host.
        refused = aws(server, "stepfunctions", "start-sync-execution", "--state-machine-arn", arn, home=home)
        assert refused.returncode != 0
        assert f"sync-127.0.0.1:{server.port}" in refused.stderr

        synced = aws(server, "stepfunctions", "start-sync-execution", "--state-machine-arn", arn,
                     "--input", '{"who": "world"}', home=home, AWS_DISABLE_HOST_PREFIX_INJECTION="true")
        assert synced.returncode == 0, synced.stderr
        result = json.loads(synced.stdout)
        assert result["status"] == "SUCCEEDED"
        assert json.loads(result["output"]) == {"greeting": "hello world"}

        # The same setting in the profile (~/.aws/config), for a shell that does not export it.
        os.makedirs(os.path.join(home, ".aws"))
        with open(os.path.join(home, ".aws", "config"), "w") as f:
            f.write("[default]\ndisable_host_prefix_injection = true\n")
        tested = aws(server, "stepfunctions", "test-state", "--role-arn", ROLE, "--input", '{"who": "you"}',
                     "--definition", '{"Type": "Pass", "Parameters": {"greeting.$": "States.Format(\'hello {}\', $.who)"}, "End": true}',
                     home=home)
        assert tested.returncode == 0, tested.stderr
        answer = json.loads(tested.stdout)
        assert answer["status"] == "SUCCEEDED"
        assert json.loads(answer["output"]) == {"greeting": "hello you"}
