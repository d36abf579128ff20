"""TestState through boto3 against `stepline serve`: one state run on an input, with the
output, next state, status (SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR) and, at DEBUG,
the data-flow stages of botocore's InspectionData."""
import json

from test_states_api import error, sfn

ROLE = "arn:aws:iam::123456789012:role/e2e"


def run_state(client, state, data, **kwargs):
    return client.test_state(definition=json.dumps(state), roleArn=ROLE, input=json.dumps(data), **kwargs)


def test_a_pass_state_gives_its_output_and_next_state(server):
    result = run_state(sfn(server), {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.r", "Next": "After"}, {"a": 1})
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"a": 1, "r": {"x": 1}}
    assert result["nextState"] == "After"
    assert "inspectionData" not in result


def test_debug_shows_every_data_flow_stage_of_a_mocked_task(server):
    state = {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "InputPath": "$.order",
        "Parameters": {"FunctionName": "price", "Payload.$": "$"}, "ResultSelector": {"total.$": "$.Payload.total"},
        "ResultPath": "$.price", "OutputPath": "$.price", "End": True,
    }
    result = run_state(sfn(server), state, {"order": {"id": 7}}, inspectionLevel="DEBUG", revealSecrets=True,
                        mock={"result": json.dumps({"Payload": {"total": 42}, "StatusCode": 200})})
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"total": 42}
    assert "nextState" not in result
    data = {key: json.loads(value) for key, value in result["inspectionData"].items()}
    assert data == {
        "input": {"order": {"id": 7}},
        "afterInputPath": {"id": 7},
        "afterParameters": {"FunctionName": "price", "Payload": {"id": 7}},
        "result": {"Payload": {"total": 42}, "StatusCode": 200},
        "afterResultSelector": {"total": 42},
        "afterResultPath": {"order": {"id": 7}, "price": {"total": 42}},
    }


def test_a_choice_state_names_the_branch_taken(server):
    state = {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}], "Default": "Small"}
    client = sfn(server)
    assert run_state(client, state, {"n": 11})["nextState"] == "Big"
    assert run_state(client, state, {"n": 1})["nextState"] == "Small"


def test_errors_are_failed_retriable_or_caught(server):
    client = sfn(server)
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": True}
    failing = {"errorOutput": {"error": "Custom.Boom", "cause": "it broke"}}
    failed = run_state(client, task, {}, mock=failing)
    assert (failed["status"], failed["error"], failed["cause"]) == ("FAILED", "Custom.Boom", "it broke")

    retried = dict(task, Retry=[{"ErrorEquals": ["Custom.Boom"], "MaxAttempts": 2}])
    assert run_state(client, retried, {}, mock=failing)["status"] == "RETRIABLE"
    assert run_state(client, retried, {}, mock=failing, stateConfiguration={"retrierRetryCount": 2})["status"] == "FAILED"

    caught = dict(task, Catch=[{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}])
    result = run_state(client, caught, {"keep": True}, mock=failing)
    assert result["status"] == "CAUGHT_ERROR"
    assert result["nextState"] == "Recover"
    assert json.loads(result["output"]) == {"keep": True, "error": {"Error": "Custom.Boom", "Cause": "it broke"}}


def test_a_task_without_a_mock_uses_the_handler_map(server):
    # The test server has no handler map: the task fails as a real run would, naming the resource.
    task = {"Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": {"ApiEndpoint": "http://127.0.0.1:9"}, "End": True}
    result = run_state(sfn(server), task, {})
    assert result["status"] == "FAILED"
    assert result["error"] == "States.TaskFailed"
    assert "handlers.yaml" in result["cause"]


def test_a_state_of_a_whole_machine_is_chosen_by_name(server):
    machine = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Result": 2, "Next": "A"}}}
    result = sfn(server).test_state(definition=json.dumps(machine), stateName="B", input="{}")
    assert (json.loads(result["output"]), result["nextState"]) == (2, "A")


def test_invalid_definitions_and_inputs_are_refused(server):
    client = sfn(server)
    assert error(lambda: client.test_state(definition="{", input="{}")) == ("InvalidDefinition", 400)
    assert error(lambda: client.test_state(definition=json.dumps({"Type": "Pass", "Next": 3}), input="{}")) == ("InvalidDefinition", 400)
    assert error(lambda: client.test_state(definition=json.dumps({"Type": "Pass", "End": True}), input="{")) == ("InvalidExecutionInput", 400)
    assert error(lambda: client.test_state(definition=json.dumps({"Type": "Pass", "End": True}), input="{}",
                                           variables="{}")) == ("ValidationException", 400)
