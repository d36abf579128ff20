"""Hostile requests against `stepline serve`: expressions that used to crash or hang the
server (deep nesting, catastrophic regexes, huge ranges, runaway recursion) and input
nested to the parser's limit, sent ten at a time. Each gets an answer that is not a 5xx,
`/health` keeps answering while they run, an unrelated client's writes succeed, and the
process is still alive at the end."""
import json
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from test_states_api import sfn, unique

ROLE = "arn:aws:iam::123456789012:role/e2e"


def jsonata_pass(expression):
    return {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% " + expression + " %}", "End": True}


def machine_of(state):
    return json.dumps({"StartAt": "S", "States": {"S": state}})


HOSTILE_EXPRESSIONS = [
    "(" * 5000 + "1" + ")" * 5000,
    "[" * 5000 + "1" + "]" * 5000,
    "-" * 10000 + "1",
    "$match('" + "a" * 34 + "!', /^(a+)+$/)",
    "$replace('" + "a" * 34 + "!', /^(a+)+$/, 'x')",
    "$count([1..10000000])",
    "($f := function($n) { $f($n + 1) }; $f(0))",
    "($f := function($n) { 1 + $f($n + 1) }; $f(0))",
]


def hostile_calls(server):
    """Each call returns the HTTP status it got (or 200 with a FAILED TestState)."""
    client = sfn(server)

    def call(fn):
        def run():
            try:
                result = fn()
                return result["ResponseMetadata"]["HTTPStatusCode"], result
            except ClientError as e:
                return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]
        return run

    calls = []
    for expression in HOSTILE_EXPRESSIONS:
        state = jsonata_pass(expression)
        calls.append(call(lambda s=state: client.test_state(definition=json.dumps(s), roleArn=ROLE, input="{}")))
        calls.append(call(lambda s=state: client.validate_state_machine_definition(definition=machine_of(s))))
        calls.append(call(lambda s=state: client.create_state_machine(
            name=unique("hostile"), definition=machine_of(s), roleArn=ROLE)))
    deep = "[" * 511 + "]" * 511
    calls.append(call(lambda: client.test_state(
        definition=json.dumps({"Type": "Pass", "End": True}), roleArn=ROLE, input=deep)))
    return calls


def health(server):
    with urllib.request.urlopen(server.endpoint + "/health", timeout=60) as response:
        return response.status


def test_ten_concurrent_hostile_requests_leave_the_server_answering(server):
    client = sfn(server)
    pass_machine = client.create_state_machine(
        name=unique("calm"), definition=machine_of({"Type": "Pass", "End": True}), roleArn=ROLE)["stateMachineArn"]
    calls = hostile_calls(server)
    finished = threading.Event()
    health_answers = []
    calm_starts = []

    def watch():
        # /health and an unrelated client's writes go on while the hostile calls run.
        while not finished.is_set():
            health_answers.append(health(server))
            calm_starts.append(client.start_execution(stateMachineArn=pass_machine, input="{}")["executionArn"])

    watcher = threading.Thread(target=watch)
    watcher.start()
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda c: c(), calls))
    finished.set()
    watcher.join()

    statuses = [status for status, _ in answers]
    assert all(status < 500 for status in statuses), answers
    assert server.process.poll() is None, "the server died"
    assert health_answers and set(health_answers) == {200}
    assert calm_starts, "no unrelated execution was started while the hostile calls ran"
    # Every TestState of a hostile expression failed the state (or was refused), none succeeded.
    for status, body in answers[:-1]:  # the last is the deep input, a valid value
        if status == 200 and "status" in body:
            assert body["status"] == "FAILED", body
    assert health(server) == 200


@pytest.mark.parametrize("expression", HOSTILE_EXPRESSIONS)
def test_a_hostile_expression_fails_its_state_with_a_states_error(server, expression):
    client = sfn(server)
    try:
        result = client.test_state(definition=json.dumps(jsonata_pass(expression)), roleArn=ROLE, input="{}")
    except ClientError as e:
        # Refused as a definition: a 400 naming what is wrong.
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert e.response["Error"]["Code"] in ("InvalidDefinition", "ValidationException"), e.response
        return
    assert result["status"] == "FAILED", result
    assert result["error"].startswith("States."), result
