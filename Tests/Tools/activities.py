"""Activity tasks of real executions on one `stepline serve` that checks SigV4 signatures.

The workers' tests (Python with boto3, Swift with the ActivityWorker library) run against
it: each test gets a fresh activity, a one-Task state machine on it and an execution, and
judges the worker by what the execution did (its status, output, error and history).
"""
import itertools
import json
import os

import pytest

from serve import Server, client, finished, stepline_binary

PYTHON_KEY = ("AKIDTEST", "secret")
SWIFT_KEY = ("AKIDSWIFT", "swift/secret+key")
_names = itertools.count(1)


class Activities:
    def __init__(self, directory):
        credentials = os.path.join(directory, "credentials")
        with open(credentials, "w", encoding="utf-8") as file:
            file.write(f"[default]\naws_access_key_id = {PYTHON_KEY[0]}\naws_secret_access_key = {PYTHON_KEY[1]}\n")
        self.server = Server(
            stepline_binary(), os.path.join(directory, "data"), args=["--credentials", credentials],
            env={"STEPLINE_ACCESS_KEY_ID": SWIFT_KEY[0], "STEPLINE_SECRET_ACCESS_KEY": SWIFT_KEY[1]},
        )
        self.endpoint = self.server.endpoint
        self.sfn = client("stepfunctions", self.endpoint, *PYTHON_KEY)

    def task(self, document, **state):
        """Starts an execution whose one Task (with `state`'s fields, e.g. HeartbeatSeconds)
        waits on a new activity; returns the activity's and the execution's ARNs."""
        activity, machine = self.machine(**state)
        return activity, self.start(machine, document)

    def machine(self, **state):
        """A new activity and a one-Task state machine on it: their ARNs."""
        name = f"work-{next(_names)}"
        activity = self.sfn.create_activity(name=name)["activityArn"]
        definition = {"StartAt": "Work", "States": {"Work": dict({"Type": "Task", "Resource": activity, "End": True}, **state)}}
        machine = self.sfn.create_state_machine(
            name=name, definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/stepline")["stateMachineArn"]
        return activity, machine

    def start(self, machine, document):
        return self.sfn.start_execution(stateMachineArn=machine, input=json.dumps(document))["executionArn"]

    def finished(self, execution):
        return finished(self.sfn, execution)

    def history_types(self, execution):
        return [event["type"] for event in self.sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]]


@pytest.fixture(scope="module")
def activities(tmp_path_factory):
    running = Activities(str(tmp_path_factory.mktemp("activities")))
    yield running
    assert running.server.stop() == 0, "stepline serve did not shut down gracefully on SIGTERM"
