"""EventBridge answers as AWS gives them (issue 18, EventBridge group), with boto3 against
`stepline serve`: ListRuleNamesByTarget (per bus, per region, paged), PutRule with an empty
pattern, PutTargets target ARN validation, and DescribeEventBus/ListEventBuses
LastModifiedTime."""

import datetime
import json

import boto3
import botocore.exceptions
import pytest

PATTERN = json.dumps({"source": ["fidelity.test"]})
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:fidelity-jobs"
OTHER_QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:fidelity-other"


def client(server, region="us-east-1"):
    return boto3.client(
        "events", endpoint_url=server.endpoint, region_name=region,
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
    )


@pytest.fixture(scope="module")
def events(server):
    return client(server)


def error_of(call):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_list_rule_names_by_target_names_each_rule_once_per_bus(events, server):
    for name in ["fid-c", "fid-a", "fid-b", "fid-none"]:
        events.put_rule(Name=name, EventPattern=PATTERN)
    # Two targets of fid-a share the ARN: the rule is named once.
    events.put_targets(Rule="fid-a", Targets=[{"Id": "one", "Arn": QUEUE_ARN}, {"Id": "two", "Arn": QUEUE_ARN}])
    events.put_targets(Rule="fid-c", Targets=[{"Id": "one", "Arn": QUEUE_ARN}])
    events.put_targets(Rule="fid-b", Targets=[{"Id": "one", "Arn": OTHER_QUEUE_ARN}])
    events.create_event_bus(Name="fid-bus")
    events.put_rule(Name="fid-on-bus", EventBusName="fid-bus", EventPattern=PATTERN)
    events.put_targets(Rule="fid-on-bus", EventBusName="fid-bus", Targets=[{"Id": "one", "Arn": QUEUE_ARN}])

    assert events.list_rule_names_by_target(TargetArn=QUEUE_ARN)["RuleNames"] == ["fid-a", "fid-c"]
    assert events.list_rule_names_by_target(TargetArn=OTHER_QUEUE_ARN)["RuleNames"] == ["fid-b"]
    assert events.list_rule_names_by_target(TargetArn=QUEUE_ARN, EventBusName="fid-bus")["RuleNames"] == ["fid-on-bus"]
    bus_arn = events.describe_event_bus(Name="fid-bus")["Arn"]
    assert events.list_rule_names_by_target(TargetArn=QUEUE_ARN, EventBusName=bus_arn)["RuleNames"] == ["fid-on-bus"]
    assert events.list_rule_names_by_target(TargetArn="arn:aws:sqs:us-east-1:123456789012:nobody")["RuleNames"] == []

    first = events.list_rule_names_by_target(TargetArn=QUEUE_ARN, Limit=1)
    assert first["RuleNames"] == ["fid-a"]
    second = events.list_rule_names_by_target(TargetArn=QUEUE_ARN, Limit=1, NextToken=first["NextToken"])
    assert second["RuleNames"] == ["fid-c"] and "NextToken" not in second

    events.remove_targets(Rule="fid-c", Ids=["one"])
    assert events.list_rule_names_by_target(TargetArn=QUEUE_ARN)["RuleNames"] == ["fid-a"]

    # Rules are per region: eu-west-1's default bus has none of us-east-1's.
    assert client(server, "eu-west-1").list_rule_names_by_target(TargetArn=QUEUE_ARN)["RuleNames"] == []

    code, _ = error_of(lambda: events.list_rule_names_by_target(TargetArn=QUEUE_ARN, EventBusName="no-such-bus"))
    assert code == "ResourceNotFoundException"


def test_put_rule_with_an_empty_pattern_is_one_without_a_pattern(events):
    code, message = error_of(lambda: events.put_rule(Name="fid-empty", EventPattern=""))
    assert (code, message) == ("ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.")
    code, _ = error_of(lambda: events.describe_rule(Name="fid-empty"))
    assert code == "ResourceNotFoundException"
    # An empty pattern beside a schedule is no pattern: the rule is a scheduled one.
    events.put_rule(Name="fid-empty-scheduled", EventPattern="", ScheduleExpression="rate(1 hour)")
    rule = events.describe_rule(Name="fid-empty-scheduled")
    assert rule["ScheduleExpression"] == "rate(1 hour)" and "EventPattern" not in rule


@pytest.mark.parametrize("arn", ["not-an-arn", "arn:aws:sqs", "arn:aws:sqs:us-east-1:123456789012", "arn::sqs:us-east-1:1:q"])
def test_put_targets_refuses_a_malformed_target_arn(events, arn):
    events.put_rule(Name="fid-arns", EventPattern=PATTERN)
    code, message = error_of(lambda: events.put_targets(
        Rule="fid-arns", Targets=[{"Id": "good", "Arn": QUEUE_ARN}, {"Id": "bad", "Arn": arn}]))
    assert (code, message) == ("ValidationException", f"Parameter {arn} is not valid. Reason: Provided Arn is not in correct format.")
    # The request is refused whole: not even the good target was added.
    assert events.list_targets_by_rule(Rule="fid-arns")["Targets"] == []


def test_put_targets_accepts_arns_of_any_service_and_global_ones(events):
    events.put_rule(Name="fid-good-arns", EventPattern=PATTERN)
    targets = [
        {"Id": "fn", "Arn": "arn:aws:lambda:us-east-1:123456789012:function:handler:live"},
        {"Id": "sm", "Arn": "arn:aws:states:us-east-1:123456789012:stateMachine:flow"},
        {"Id": "global", "Arn": "arn:aws:s3:::bucket"},
    ]
    assert events.put_targets(Rule="fid-good-arns", Targets=targets)["FailedEntryCount"] == 0
    assert sorted(t["Id"] for t in events.list_targets_by_rule(Rule="fid-good-arns")["Targets"]) == ["fn", "global", "sm"]


def test_event_buses_show_last_modified_time(events):
    events.create_event_bus(Name="fid-times")
    bus = events.describe_event_bus(Name="fid-times")
    assert isinstance(bus["LastModifiedTime"], datetime.datetime)
    assert bus["LastModifiedTime"] == bus["CreationTime"]
    default = events.describe_event_bus()
    assert isinstance(default["LastModifiedTime"], datetime.datetime)
    listed = {b["Name"]: b for b in events.list_event_buses(NamePrefix="fid-times")["EventBuses"]}
    assert listed["fid-times"]["LastModifiedTime"] == bus["LastModifiedTime"]
