"""ValidateStateMachineDefinition through boto3 and the aws CLI against `stepline serve`."""
import json
import os
import subprocess
import sys

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

VALID = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
MISSING_TARGET = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}


def sfn(server):
    return boto3.client(
        "stepfunctions",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDX",
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}),
    )


def test_a_valid_definition_is_ok_with_no_diagnostics(server):
    response = sfn(server).validate_state_machine_definition(definition=json.dumps(VALID))
    assert response["result"] == "OK"
    assert response["diagnostics"] == []
    assert response["truncated"] is False


def test_a_missing_transition_is_a_fail_with_its_code_and_location(server):
    response = sfn(server).validate_state_machine_definition(definition=json.dumps(MISSING_TARGET), type="STANDARD")
    assert response["result"] == "FAIL"
    codes = [(d["severity"], d["code"], d.get("location")) for d in response["diagnostics"]]
    assert ("ERROR", "MISSING_TRANSITION_TARGET", "/States/A/Next") in codes


def test_text_that_is_not_json_is_a_fail_not_an_error(server):
    response = sfn(server).validate_state_machine_definition(definition="{not json")
    assert response["result"] == "FAIL"
    assert response["diagnostics"][0]["code"] == "INVALID_JSON_DESCRIPTION"


def test_max_results_truncates_the_diagnostics(server):
    many = {"StartAt": "S0", "States": {f"S{i}": {"Type": "Pass", "Next": f"Missing{i}"} for i in range(5)}}
    response = sfn(server).validate_state_machine_definition(definition=json.dumps(many), maxResults=2)
    assert response["result"] == "FAIL"
    assert len(response["diagnostics"]) == 2
    assert response["truncated"] is True


@pytest.mark.parametrize(
    "arguments, member",
    [({"definition": json.dumps(VALID), "severity": "LOUD"}, "severity"), ({"definition": json.dumps(VALID), "type": "FAST"}, "type")],
)
def test_an_unknown_enum_value_is_a_validation_exception(server, arguments, member):
    with pytest.raises(ClientError) as caught:
        sfn(server).validate_state_machine_definition(**arguments)  # botocore does not check enums
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert f"at '{member}'" in error["Message"]


def test_the_aws_cli_validates_a_definition(server):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDX", AWS_SECRET_ACCESS_KEY="x", AWS_DEFAULT_REGION="us-east-1")
    result = subprocess.run(
        [sys.executable, "-m", "awscli", "stepfunctions", "validate-state-machine-definition",
         "--definition", json.dumps(MISSING_TARGET), "--endpoint-url", server.endpoint, "--output", "json"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["result"] == "FAIL"
    assert response["diagnostics"][0]["code"] == "MISSING_TRANSITION_TARGET"
