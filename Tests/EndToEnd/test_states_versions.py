"""State machine versions, aliases and tags through boto3 against `stepline serve`: the
shapes of botocore's model, starts through version and alias ARNs, and the error cases
(conflicts, missing resources, bad routing, too many tags)."""
import json
import os
import tempfile

import pytest
from conftest import Server
from test_states_api import ROLE, error, sfn, unique


def definition(result):
    return json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": result, "End": True}}})


def output_of(client, execution_arn):
    return json.loads(client.describe_execution(executionArn=execution_arn)["output"])


def test_create_with_publish_then_update_with_publish_numbers_versions(server):
    client = sfn(server)
    created = client.create_state_machine(name=unique("v"), definition=definition("one"), roleArn=ROLE,
                                          publish=True, versionDescription="first")
    machine = created["stateMachineArn"]
    assert created["stateMachineVersionArn"] == machine + ":1"
    updated = client.update_state_machine(stateMachineArn=machine, definition=definition("two"), publish=True,
                                          versionDescription="second")
    assert updated["stateMachineVersionArn"] == machine + ":2"

    versions = client.list_state_machine_versions(stateMachineArn=machine)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in versions] == [machine + ":2", machine + ":1"]
    assert all("creationDate" in v for v in versions)

    first = client.describe_state_machine(stateMachineArn=machine + ":1")
    assert first["stateMachineArn"] == machine + ":1"
    assert first["description"] == "first"
    assert json.loads(first["definition"])["States"]["A"]["Result"] == "one"
    assert first["revisionId"] != updated["revisionId"]
    assert json.loads(client.describe_state_machine(stateMachineArn=machine)["definition"])["States"]["A"]["Result"] == "two"


def test_publish_is_idempotent_for_the_same_revision_and_checks_revision_id(server):
    client = sfn(server)
    machine = client.create_state_machine(name=unique("p"), definition=definition(1), roleArn=ROLE)["stateMachineArn"]
    first = client.publish_state_machine_version(stateMachineArn=machine, description="d")
    again = client.publish_state_machine_version(stateMachineArn=machine, description="d")
    assert first["stateMachineVersionArn"] == again["stateMachineVersionArn"] == machine + ":1"
    assert error(lambda: client.publish_state_machine_version(stateMachineArn=machine, description="other")) == ("ConflictException", 400)
    assert error(lambda: client.publish_state_machine_version(stateMachineArn=machine, revisionId="not-current")) == ("ConflictException", 400)
    revision = client.describe_state_machine(stateMachineArn=machine)["revisionId"]
    client.update_state_machine(stateMachineArn=machine, definition=definition(2))
    assert error(lambda: client.publish_state_machine_version(stateMachineArn=machine, revisionId=revision)) == ("ConflictException", 400)
    assert client.publish_state_machine_version(stateMachineArn=machine)["stateMachineVersionArn"] == machine + ":2"


def test_version_errors(server):
    client = sfn(server)
    missing = "arn:aws:states:us-east-1:123456789012:stateMachine:" + unique("none")
    assert error(lambda: client.publish_state_machine_version(stateMachineArn=missing)) == ("StateMachineDoesNotExist", 400)
    assert error(lambda: client.list_state_machine_versions(stateMachineArn=missing)) == ("StateMachineDoesNotExist", 400)
    assert error(lambda: client.describe_state_machine(stateMachineArn=missing + ":7")) == ("StateMachineDoesNotExist", 400)
    assert error(lambda: client.delete_state_machine_version(stateMachineVersionArn=missing)) == ("InvalidArn", 400)
    assert error(lambda: client.update_state_machine(stateMachineArn="x", definition=definition(1))) == ("InvalidArn", 400)
    machine = client.create_state_machine(name=unique("e"), definition=definition(1), roleArn=ROLE)["stateMachineArn"]
    assert error(lambda: client.create_state_machine(name=unique("e"), definition=definition(1), roleArn=ROLE,
                                                     versionDescription="no publish")) == ("ValidationException", 400)
    # Deleting a version that does not exist succeeds, as in AWS.
    client.delete_state_machine_version(stateMachineVersionArn=machine + ":9")


def test_start_with_a_version_runs_its_revision_and_keeps_the_version(server):
    client = sfn(server)
    machine = client.create_state_machine(name=unique("s"), definition=definition("old"), roleArn=ROLE, publish=True)["stateMachineArn"]
    client.update_state_machine(stateMachineArn=machine, definition=definition("new"))
    started = client.start_execution(stateMachineArn=machine + ":1")
    assert started["executionArn"].startswith(machine.replace(":stateMachine:", ":execution:") + ":")
    described = client.describe_execution(executionArn=started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == "old"
    assert described["stateMachineArn"] == machine
    assert described["stateMachineVersionArn"] == machine + ":1"
    assert "stateMachineAliasArn" not in described
    assert output_of(client, client.start_execution(stateMachineArn=machine)["executionArn"]) == "new"
    for_execution = client.describe_state_machine_for_execution(executionArn=started["executionArn"])
    assert json.loads(for_execution["definition"])["States"]["A"]["Result"] == "old"
    listed = client.list_executions(stateMachineArn=machine + ":1")["executions"]
    assert [e["executionArn"] for e in listed] == [started["executionArn"]]
    assert listed[0]["stateMachineVersionArn"] == machine + ":1"
    assert error(lambda: client.start_execution(stateMachineArn=machine + ":5")) == ("StateMachineDoesNotExist", 400)


def test_alias_lifecycle_and_weighted_routing(server):
    client = sfn(server)
    machine = client.create_state_machine(name=unique("a"), definition=definition("v1"), roleArn=ROLE, publish=True)["stateMachineArn"]
    v2 = client.update_state_machine(stateMachineArn=machine, definition=definition("v2"), publish=True)["stateMachineVersionArn"]
    v1 = machine + ":1"
    created = client.create_state_machine_alias(name="PROD", description="live",
                                                routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}])
    alias = created["stateMachineAliasArn"]
    assert alias == machine + ":PROD"
    # The same configuration again is the same alias; another one is a conflict.
    assert client.create_state_machine_alias(name="PROD", description="live",
                                             routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}])["stateMachineAliasArn"] == alias
    assert error(lambda: client.create_state_machine_alias(
        name="PROD", routingConfiguration=[{"stateMachineVersionArn": v2, "weight": 100}])) == ("ConflictException", 400)

    described = client.describe_state_machine_alias(stateMachineAliasArn=alias)
    assert described["name"] == "PROD" and described["description"] == "live"
    assert described["routingConfiguration"] == [{"stateMachineVersionArn": v1, "weight": 100}]
    assert "updateDate" not in described

    execution = client.start_execution(stateMachineArn=alias)["executionArn"]
    run = client.describe_execution(executionArn=execution)
    assert json.loads(run["output"]) == "v1"
    assert run["stateMachineAliasArn"] == alias and run["stateMachineVersionArn"] == v1

    client.update_state_machine_alias(stateMachineAliasArn=alias, routingConfiguration=[
        {"stateMachineVersionArn": v1, "weight": 50}, {"stateMachineVersionArn": v2, "weight": 50}])
    assert "updateDate" in client.describe_state_machine_alias(stateMachineAliasArn=alias)
    outputs = {output_of(client, client.start_execution(stateMachineArn=alias)["executionArn"]) for _ in range(40)}
    assert outputs == {"v1", "v2"}  # 2 ** -39 odds of a false failure

    listed = client.list_state_machine_aliases(stateMachineArn=machine)["stateMachineAliases"]
    assert [a["stateMachineAliasArn"] for a in listed] == [alias]
    assert len(client.list_executions(stateMachineArn=alias, maxResults=1000)["executions"]) == 41
    # A version an alias routes to cannot be deleted; once the alias is gone it can.
    assert error(lambda: client.delete_state_machine_version(stateMachineVersionArn=v1)) == ("ConflictException", 400)
    client.delete_state_machine_alias(stateMachineAliasArn=alias)
    assert error(lambda: client.describe_state_machine_alias(stateMachineAliasArn=alias)) == ("ResourceNotFound", 400)
    assert error(lambda: client.delete_state_machine_alias(stateMachineAliasArn=alias)) == ("ResourceNotFound", 400)
    client.delete_state_machine_version(stateMachineVersionArn=v1)
    assert [v["stateMachineVersionArn"] for v in client.list_state_machine_versions(stateMachineArn=machine)["stateMachineVersions"]] == [v2]
    # Numbers are not reused.
    client.update_state_machine(stateMachineArn=machine, definition=definition("v3"))
    assert client.publish_state_machine_version(stateMachineArn=machine)["stateMachineVersionArn"] == machine + ":3"
    # The execution through the deleted version and alias keeps both ARNs.
    assert client.describe_execution(executionArn=execution)["stateMachineVersionArn"] == v1


@pytest.mark.parametrize("routing, code", [
    ([{"weight": 60}, {"weight": 60}], "ValidationException"),
    ([{"weight": 100}, {"weight": 0, "same": True}], "ValidationException"),
    ([{"weight": 100, "version": 9}], "ResourceNotFound"),
    ([{"weight": 100, "version": "x"}], "InvalidArn"),
])
def test_alias_routing_errors(server, routing, code):
    client = sfn(server)
    machine = client.create_state_machine(name=unique("r"), definition=definition(1), roleArn=ROLE, publish=True)["stateMachineArn"]
    v2 = client.update_state_machine(stateMachineArn=machine, definition=definition(2), publish=True)["stateMachineVersionArn"]
    entries = []
    for index, entry in enumerate(routing):
        version = machine + ":1" if index == 0 or entry.get("same") else v2
        if "version" in entry:
            version = f"{machine}:{entry['version']}" if entry["version"] != "x" else "arn:aws:states:us-east-1:123456789012:stateMachine:" + unique("none")
        entries.append({"stateMachineVersionArn": version, "weight": entry["weight"]})
    assert error(lambda: client.create_state_machine_alias(name="A", routingConfiguration=entries)) == (code, 400)


def test_alias_names_and_arns(server):
    client = sfn(server)
    machine = client.create_state_machine(name=unique("n"), definition=definition(1), roleArn=ROLE, publish=True)["stateMachineArn"]
    routing = [{"stateMachineVersionArn": machine + ":1", "weight": 100}]
    assert error(lambda: client.create_state_machine_alias(name="123", routingConfiguration=routing))[0] in ("InvalidName", "ValidationException")
    assert error(lambda: client.describe_state_machine_alias(stateMachineAliasArn=machine + ":1")) == ("InvalidArn", 400)
    assert error(lambda: client.describe_state_machine(stateMachineArn=machine + ":LIVE")) == ("InvalidArn", 400)
    assert error(lambda: client.start_execution(stateMachineArn=machine + ":LIVE")) == ("StateMachineDoesNotExist", 400)
    assert error(lambda: client.update_state_machine_alias(stateMachineAliasArn=machine + ":LIVE")) == ("ValidationException", 400)


def test_deleting_a_machine_removes_its_versions_aliases_and_tags(server):
    client = sfn(server)
    name = unique("d")
    machine = client.create_state_machine(name=name, definition=definition(1), roleArn=ROLE, publish=True,
                                          tags=[{"key": "team", "value": "media"}])["stateMachineArn"]
    client.create_state_machine_alias(name="LIVE", routingConfiguration=[{"stateMachineVersionArn": machine + ":1", "weight": 100}])
    client.delete_state_machine(stateMachineArn=machine)
    again = client.create_state_machine(name=name, definition=definition(2), roleArn=ROLE)["stateMachineArn"]
    assert client.list_state_machine_versions(stateMachineArn=again)["stateMachineVersions"] == []
    assert client.list_state_machine_aliases(stateMachineArn=again)["stateMachineAliases"] == []
    assert client.list_tags_for_resource(resourceArn=again)["tags"] == []
    assert client.publish_state_machine_version(stateMachineArn=again)["stateMachineVersionArn"] == again + ":1"


def test_versions_and_aliases_page_with_tokens(server):
    client = sfn(server)
    machine = client.create_state_machine(name=unique("pg"), definition=definition(0), roleArn=ROLE, publish=True)["stateMachineArn"]
    for index in range(1, 5):
        client.update_state_machine(stateMachineArn=machine, definition=definition(index), publish=True)
    pages, token = [], None
    while True:
        page = client.list_state_machine_versions(stateMachineArn=machine, maxResults=2, **({"nextToken": token} if token else {}))
        pages.append(page)
        token = page.get("nextToken")
        if not token:
            break
    assert [len(p["stateMachineVersions"]) for p in pages] == [2, 2, 1]
    assert [v["stateMachineVersionArn"] for p in pages for v in p["stateMachineVersions"]] == [f"{machine}:{n}" for n in range(5, 0, -1)]
    for alias in ["a1", "a2", "a3"]:
        client.create_state_machine_alias(name=alias, routingConfiguration=[{"stateMachineVersionArn": machine + ":1", "weight": 100}])
    first = client.list_state_machine_aliases(stateMachineArn=machine, maxResults=2)
    rest = client.list_state_machine_aliases(stateMachineArn=machine, maxResults=2, nextToken=first["nextToken"])
    assert [a["stateMachineAliasArn"].rsplit(":", 1)[1] for a in first["stateMachineAliases"] + rest["stateMachineAliases"]] == ["a1", "a2", "a3"]
    assert "nextToken" not in rest
    assert error(lambda: client.list_state_machine_versions(stateMachineArn=machine, nextToken="bogus")) == ("InvalidToken", 400)


def test_tags_on_machines_and_activities(server):
    client = sfn(server)
    machine = client.create_state_machine(name=unique("t"), definition=definition(1), roleArn=ROLE,
                                          tags=[{"key": "team", "value": "media"}])["stateMachineArn"]
    assert client.list_tags_for_resource(resourceArn=machine)["tags"] == [{"key": "team", "value": "media"}]
    client.tag_resource(resourceArn=machine, tags=[{"key": "env", "value": "prod"}, {"key": "team", "value": "ops"}])
    assert client.list_tags_for_resource(resourceArn=machine)["tags"] == [{"key": "team", "value": "ops"}, {"key": "env", "value": "prod"}]
    client.untag_resource(resourceArn=machine, tagKeys=["team", "absent"])
    assert client.list_tags_for_resource(resourceArn=machine)["tags"] == [{"key": "env", "value": "prod"}]

    activity = client.create_activity(name=unique("act"))["activityArn"]
    client.tag_resource(resourceArn=activity, tags=[{"key": "k", "value": ""}])
    assert client.list_tags_for_resource(resourceArn=activity)["tags"] == [{"key": "k", "value": ""}]

    too_many = [{"key": f"k{i}", "value": "v"} for i in range(50)]
    assert error(lambda: client.tag_resource(resourceArn=machine, tags=too_many)) == ("TooManyTags", 400)
    missing = "arn:aws:states:us-east-1:123456789012:stateMachine:" + unique("none")
    assert error(lambda: client.tag_resource(resourceArn=missing, tags=[{"key": "a", "value": "b"}])) == ("ResourceNotFound", 400)
    assert error(lambda: client.list_tags_for_resource(resourceArn=missing)) == ("ResourceNotFound", 400)
    assert error(lambda: client.untag_resource(resourceArn="arn:aws:sqs:us-east-1:123456789012:q", tagKeys=["a"])) == ("InvalidArn", 400)
    assert error(lambda: client.tag_resource(resourceArn=machine, tags=[{"key": "k" * 129, "value": "b"}])) == ("ValidationException", 400)


def test_versions_aliases_and_tags_survive_a_restart(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        data_dir = os.path.join(tmp, "data")
        first = Server(binary, data_dir)
        client = sfn(first)
        machine = client.create_state_machine(name=unique("rs"), definition=definition(1), roleArn=ROLE, publish=True,
                                              tags=[{"key": "a", "value": "b"}])["stateMachineArn"]
        client.create_state_machine_alias(name="LIVE", routingConfiguration=[{"stateMachineVersionArn": machine + ":1", "weight": 100}])
        assert first.stop() == 0
        second = Server(binary, data_dir)
        try:
            client = sfn(second)
            versions = client.list_state_machine_versions(stateMachineArn=machine)["stateMachineVersions"]
            assert [v["stateMachineVersionArn"] for v in versions] == [machine + ":1"]
            assert client.describe_state_machine_alias(stateMachineAliasArn=machine + ":LIVE")["routingConfiguration"][0]["weight"] == 100
            assert client.list_tags_for_resource(resourceArn=machine)["tags"] == [{"key": "a", "value": "b"}]
            assert output_of(client, client.start_execution(stateMachineArn=machine + ":LIVE")["executionArn"]) == 1
        finally:
            assert second.stop() == 0
