"""boto3's `events` client against `stepline serve`: scheduled rules, archives and replays, errors included."""

import json
import time

import boto3
import botocore.exceptions
import pytest


def client(server, name):
    return boto3.client(
        name, endpoint_url=server.endpoint, region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
    )


@pytest.fixture(scope="module")
def events(server):
    return client(server, "events")


@pytest.fixture(scope="module")
def sfn(server):
    return client(server, "stepfunctions")


def wait_for(predicate, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_scheduled_rules(events):
    arn = events.put_rule(Name="e2e-every-5", ScheduleExpression="rate(5 minutes)")["RuleArn"]
    assert arn.endswith(":rule/e2e-every-5")
    assert events.describe_rule(Name="e2e-every-5")["ScheduleExpression"] == "rate(5 minutes)"
    events.put_rule(Name="e2e-noon", ScheduleExpression="cron(0 12 ? * MON-FRI *)")
    for bad in ["rate(5 minute)", "cron(0 12 * * * *)", "cron(0 12 * * ?)", "every day"]:
        with pytest.raises(botocore.exceptions.ClientError) as refused:
            events.put_rule(Name="e2e-bad", ScheduleExpression=bad)
        assert refused.value.response["Error"]["Code"] == "ValidationException"
        assert "ScheduleExpression is not valid" in refused.value.response["Error"]["Message"]
    events.create_event_bus(Name="e2e-sched-bus")
    with pytest.raises(botocore.exceptions.ClientError) as off_default:
        events.put_rule(Name="e2e-tick", EventBusName="e2e-sched-bus", ScheduleExpression="rate(1 minute)")
    assert off_default.value.response["Error"]["Message"] == "ScheduleExpression is supported only on the default event bus."


def test_archive_and_replay(events, sfn):
    bus_arn = events.describe_event_bus(Name="default")["Arn"]
    created = events.create_archive(ArchiveName="e2e-uploads", EventSourceArn=bus_arn,
                                    EventPattern=json.dumps({"source": ["e2e.uploads"]}), RetentionDays=1)
    assert created["State"] == "ENABLED" and created["ArchiveArn"].endswith(":archive/e2e-uploads")
    start = time.time() - 1
    entries = [{"Source": "e2e.uploads", "DetailType": "Object Created", "Detail": json.dumps({"key": f"k{i}"})} for i in range(3)]
    entries.append({"Source": "e2e.other", "DetailType": "Other", "Detail": "{}"})
    assert events.put_events(Entries=entries)["FailedEntryCount"] == 0
    described = events.describe_archive(ArchiveName="e2e-uploads")
    assert described["EventCount"] == 3 and described["RetentionDays"] == 1
    assert [a["ArchiveName"] for a in events.list_archives(NamePrefix="e2e-")["Archives"]] == ["e2e-uploads"]
    machine = sfn.create_state_machine(
        name="e2e-replayed", roleArn="arn:aws:iam::123456789012:role/x",
        definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))["stateMachineArn"]
    rule_arn = events.put_rule(Name="e2e-replay-rule", EventPattern=json.dumps({"source": ["e2e.uploads"]}))["RuleArn"]
    events.put_targets(Rule="e2e-replay-rule", Targets=[{"Id": "m", "Arn": machine}])
    replay = events.start_replay(ReplayName="e2e-replay", EventSourceArn=created["ArchiveArn"],
                                 EventStartTime=start, EventEndTime=time.time() + 1,
                                 Destination={"Arn": bus_arn, "FilterArns": [rule_arn]})
    assert replay["State"] == "STARTING"
    wait_for(lambda: events.describe_replay(ReplayName="e2e-replay")["State"] == "COMPLETED")
    executions = wait_for(lambda: (lambda found: found if len(found) == 3 else None)(
        sfn.list_executions(stateMachineArn=machine)["executions"]))
    inputs = [json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"]) for e in executions]
    assert sorted(i["detail"]["key"] for i in inputs) == ["k0", "k1", "k2"]
    assert all(i["replay-name"] == "e2e-replay" for i in inputs)
    assert events.describe_archive(ArchiveName="e2e-uploads")["EventCount"] == 3
    assert [r["ReplayName"] for r in events.list_replays(State="COMPLETED")["Replays"]] == ["e2e-replay"]
    with pytest.raises(botocore.exceptions.ClientError) as ended:
        events.cancel_replay(ReplayName="e2e-replay")
    assert ended.value.response["Error"]["Code"] == "IllegalStatusException"
    events.update_archive(ArchiveName="e2e-uploads", Description="kept a day")
    assert events.describe_archive(ArchiveName="e2e-uploads")["Description"] == "kept a day"
    events.delete_archive(ArchiveName="e2e-uploads")
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.describe_archive(ArchiveName="e2e-uploads")


def test_archive_and_replay_errors(events):
    bus_arn = events.describe_event_bus(Name="default")["Arn"]
    archive = events.create_archive(ArchiveName="e2e-errors", EventSourceArn=bus_arn)["ArchiveArn"]
    with pytest.raises(events.exceptions.ResourceAlreadyExistsException):
        events.create_archive(ArchiveName="e2e-errors", EventSourceArn=bus_arn)
    with pytest.raises(events.exceptions.InvalidEventPatternException):
        events.create_archive(ArchiveName="e2e-bad-pattern", EventSourceArn=bus_arn, EventPattern="{")
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.create_archive(ArchiveName="e2e-no-bus", EventSourceArn=bus_arn.replace("/default", "/missing"))
    with pytest.raises(botocore.exceptions.ClientError) as window:
        events.start_replay(ReplayName="e2e-r", EventSourceArn=archive, EventStartTime=10, EventEndTime=5,
                            Destination={"Arn": bus_arn})
    assert window.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.start_replay(ReplayName="e2e-r", EventSourceArn=archive.replace("e2e-errors", "missing"),
                            EventStartTime=1, EventEndTime=5, Destination={"Arn": bus_arn})
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.describe_replay(ReplayName="missing")
