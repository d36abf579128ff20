"""Resources per account and region, as AWS keeps them: boto3 clients signed for two regions
(us-east-1, the server's default, and eu-west-1) and two accounts (a 12-digit access key id is
the account, LocalStack's rule) against one `stepline serve`, for SQS, SNS, Step Functions and
EventBridge, then the aws CLI with `--region`, and `stepline verify` clean after a restart."""

import json
import os
import subprocess
import sys
import tempfile

import boto3
import pytest

from conftest import Server, wait_for

DEFAULT_ACCOUNT = "123456789012"
OTHER_ACCOUNT = "111122223333"


class Running:
    """The server of this module, restarted by the last test on the same data directory."""

    def __init__(self, binary, data_dir):
        self.binary = binary
        self.data_dir = data_dir
        self.server = Server(binary, data_dir)

    def client(self, service, region="us-east-1", key="AKIDEXAMPLE"):
        return boto3.client(service, endpoint_url=self.server.endpoint, region_name=region,
                            aws_access_key_id=key, aws_secret_access_key="secret")


@pytest.fixture(scope="module")
def running(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-regions-") as tmp:
        state = Running(binary, os.path.join(tmp, "data"))
        yield state
        assert state.server.stop() == 0


def receive_all(sqs, url, count):
    got = []

    def enough():
        got.extend(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []))
        return len(got) >= count
    wait_for(enough, f"{count} messages in {url}")
    return got


# SQS


def test_same_queue_name_in_two_regions_and_two_accounts_is_three_queues(running):
    us, eu = running.client("sqs"), running.client("sqs", "eu-west-1")
    other = running.client("sqs", key=OTHER_ACCOUNT)
    base = running.server.endpoint
    us_url = us.create_queue(QueueName="orders")["QueueUrl"]
    eu_url = eu.create_queue(QueueName="orders", Attributes={"VisibilityTimeout": "5"})["QueueUrl"]
    other_url = other.create_queue(QueueName="orders")["QueueUrl"]
    # The default region keeps the URLs Stepline always gave; others carry the region (LocalStack's path form).
    assert us_url == f"{base}/{DEFAULT_ACCOUNT}/orders"
    assert eu_url == f"{base}/queue/eu-west-1/{DEFAULT_ACCOUNT}/orders"
    assert other_url == f"{base}/{OTHER_ACCOUNT}/orders"
    arn = lambda client, url: client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert arn(us, us_url) == f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:orders"
    assert arn(eu, eu_url) == f"arn:aws:sqs:eu-west-1:{DEFAULT_ACCOUNT}:orders"
    assert arn(other, other_url) == f"arn:aws:sqs:us-east-1:{OTHER_ACCOUNT}:orders"
    # Each client lists its own scope's queues and finds its own by name.
    assert us.list_queues(QueueNamePrefix="orders")["QueueUrls"] == [us_url]
    assert eu.list_queues(QueueNamePrefix="orders")["QueueUrls"] == [eu_url]
    assert other.list_queues()["QueueUrls"] == [other_url]
    assert eu.get_queue_url(QueueName="orders")["QueueUrl"] == eu_url
    assert us.get_queue_url(QueueName="orders", QueueOwnerAWSAccountId=OTHER_ACCOUNT)["QueueUrl"] == other_url
    # Different attributes in another region are no QueueNameExists: another queue.
    assert us.get_queue_attributes(QueueUrl=us_url, AttributeNames=["VisibilityTimeout"])["Attributes"]["VisibilityTimeout"] == "30"

    eu.send_message(QueueUrl=eu_url, MessageBody="for europe")
    assert [m["Body"] for m in receive_all(eu, eu_url, 1)] == ["for europe"]
    assert us.get_queue_attributes(QueueUrl=us_url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"] == {
        "ApproximateNumberOfMessages": "0"}
    # A URL that says its region and account names that queue, whoever asks.
    assert arn(us, eu_url) == f"arn:aws:sqs:eu-west-1:{DEFAULT_ACCOUNT}:orders"
    eu.delete_queue(QueueUrl=eu_url)
    with pytest.raises(eu.exceptions.QueueDoesNotExist):
        eu.get_queue_url(QueueName="orders")
    assert us.get_queue_url(QueueName="orders")["QueueUrl"] == us_url


# SNS


def test_topics_are_per_region_and_account_and_deliver_to_a_queue_of_their_region(running):
    us, eu = running.client("sns"), running.client("sns", "eu-west-1")
    other = running.client("sns", key=OTHER_ACCOUNT)
    us_arn = us.create_topic(Name="alerts")["TopicArn"]
    eu_arn = eu.create_topic(Name="alerts")["TopicArn"]
    other_arn = other.create_topic(Name="alerts")["TopicArn"]
    assert us_arn == f"arn:aws:sns:us-east-1:{DEFAULT_ACCOUNT}:alerts"
    assert eu_arn == f"arn:aws:sns:eu-west-1:{DEFAULT_ACCOUNT}:alerts"
    assert other_arn == f"arn:aws:sns:us-east-1:{OTHER_ACCOUNT}:alerts"
    topics = lambda client: [t["TopicArn"] for t in client.list_topics()["Topics"]]
    assert topics(us) == [us_arn] and topics(eu) == [eu_arn] and topics(other) == [other_arn]
    assert eu.get_topic_attributes(TopicArn=eu_arn)["Attributes"]["Owner"] == DEFAULT_ACCOUNT
    # A topic ARN is the topic, whichever region the client is signed for.
    assert us.get_topic_attributes(TopicArn=other_arn)["Attributes"]["Owner"] == OTHER_ACCOUNT

    eu_sqs = running.client("sqs", "eu-west-1")
    queue_url = eu_sqs.create_queue(QueueName="alerts-inbox")["QueueUrl"]
    queue_arn = eu_sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert queue_arn == f"arn:aws:sqs:eu-west-1:{DEFAULT_ACCOUNT}:alerts-inbox"
    subscription = eu.subscribe(TopicArn=eu_arn, Protocol="sqs", Endpoint=queue_arn,
                                Attributes={"RawMessageDelivery": "true"})["SubscriptionArn"]
    assert subscription.startswith(eu_arn + ":")
    assert [s["SubscriptionArn"] for s in eu.list_subscriptions()["Subscriptions"]] == [subscription]
    assert us.list_subscriptions()["Subscriptions"] == []
    eu.publish(TopicArn=eu_arn, Message="storm")
    assert [m["Body"] for m in receive_all(eu_sqs, queue_url, 1)] == ["storm"]
    us.delete_topic(TopicArn=us_arn)
    assert topics(eu) == [eu_arn]


# Step Functions


def test_state_machines_and_executions_live_in_the_region_of_the_request(running):
    us, eu = running.client("stepfunctions"), running.client("stepfunctions", "eu-west-1")
    eu_sqs = running.client("sqs", "eu-west-1")
    queue_url = eu_sqs.create_queue(QueueName="sfn-out")["QueueUrl"]
    definition = json.dumps({
        "StartAt": "Send",
        "States": {"Send": {
            "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {"QueueUrl": queue_url, "MessageBody.$": "$.text"}, "End": True}},
    })
    role = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/stepline"
    eu_machine = eu.create_state_machine(name="notify", definition=definition, roleArn=role)["stateMachineArn"]
    us_machine = us.create_state_machine(name="notify", definition=json.dumps({
        "StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}), roleArn=role)["stateMachineArn"]
    assert eu_machine == f"arn:aws:states:eu-west-1:{DEFAULT_ACCOUNT}:stateMachine:notify"
    assert us_machine == f"arn:aws:states:us-east-1:{DEFAULT_ACCOUNT}:stateMachine:notify"
    assert [m["stateMachineArn"] for m in eu.list_state_machines()["stateMachines"]] == [eu_machine]
    assert [m["stateMachineArn"] for m in us.list_state_machines()["stateMachines"]] == [us_machine]
    # The ARN names the machine: described from the other region, it is the eu-west-1 one.
    assert us.describe_state_machine(stateMachineArn=eu_machine)["definition"] == definition

    execution = eu.start_execution(stateMachineArn=eu_machine, name="run-1", input=json.dumps({"text": "bonjour"}))["executionArn"]
    assert execution == f"arn:aws:states:eu-west-1:{DEFAULT_ACCOUNT}:execution:notify:run-1"
    status = wait_for(lambda: (lambda s: s if s != "RUNNING" else None)(eu.describe_execution(executionArn=execution)["status"]),
                      "the execution to finish")
    assert status == "SUCCEEDED"
    assert [m["Body"] for m in receive_all(eu_sqs, queue_url, 1)] == ["bonjour"]

    eu_activity = eu.create_activity(name="review")["activityArn"]
    assert eu_activity == f"arn:aws:states:eu-west-1:{DEFAULT_ACCOUNT}:activity:review"
    assert [a["activityArn"] for a in eu.list_activities()["activities"]] == [eu_activity]
    assert us.list_activities()["activities"] == []
    other = running.client("stepfunctions", key=OTHER_ACCOUNT)
    assert other.create_activity(name="review")["activityArn"] == f"arn:aws:states:us-east-1:{OTHER_ACCOUNT}:activity:review"


# EventBridge


def test_buses_and_rules_are_per_region_and_a_rule_delivers_to_a_queue_of_its_region(running):
    us, eu = running.client("events"), running.client("events", "eu-west-1")
    other = running.client("events", key=OTHER_ACCOUNT)
    # Every account has a default bus in every region.
    assert [b["Arn"] for b in eu.list_event_buses()["EventBuses"]] == [f"arn:aws:events:eu-west-1:{DEFAULT_ACCOUNT}:event-bus/default"]
    assert [b["Arn"] for b in other.list_event_buses()["EventBuses"]] == [f"arn:aws:events:us-east-1:{OTHER_ACCOUNT}:event-bus/default"]
    assert [b["Arn"] for b in us.list_event_buses()["EventBuses"]] == [f"arn:aws:events:us-east-1:{DEFAULT_ACCOUNT}:event-bus/default"]

    assert eu.create_event_bus(Name="orders")["EventBusArn"] == f"arn:aws:events:eu-west-1:{DEFAULT_ACCOUNT}:event-bus/orders"
    assert us.create_event_bus(Name="orders")["EventBusArn"] == f"arn:aws:events:us-east-1:{DEFAULT_ACCOUNT}:event-bus/orders"
    assert [b["Name"] for b in eu.list_event_buses()["EventBuses"]] == ["default", "orders"]
    assert eu.describe_event_bus(Name="orders")["Arn"] == f"arn:aws:events:eu-west-1:{DEFAULT_ACCOUNT}:event-bus/orders"
    # A bus ARN names that bus, whichever region the client is signed for.
    assert us.describe_event_bus(Name=f"arn:aws:events:eu-west-1:{DEFAULT_ACCOUNT}:event-bus/orders")["Name"] == "orders"
    # How Stepline stores another scope's bus is no name a client can use to reach it.
    with pytest.raises(us.exceptions.ResourceNotFoundException):
        us.describe_event_bus(Name=f"{DEFAULT_ACCOUNT}:eu-west-1:orders")

    eu_sqs = running.client("sqs", "eu-west-1")
    queue_url = eu_sqs.create_queue(QueueName="events-inbox")["QueueUrl"]
    queue_arn = eu_sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    rule_arn = eu.put_rule(Name="shipped", EventPattern=json.dumps({"source": ["shop"]}))["RuleArn"]
    assert rule_arn == f"arn:aws:events:eu-west-1:{DEFAULT_ACCOUNT}:rule/shipped"
    on_bus = eu.put_rule(Name="shipped", EventBusName="orders", EventPattern=json.dumps({"source": ["shop"]}))["RuleArn"]
    assert on_bus == f"arn:aws:events:eu-west-1:{DEFAULT_ACCOUNT}:rule/orders/shipped"
    assert eu.put_targets(Rule="shipped", Targets=[{"Id": "inbox", "Arn": queue_arn}])["FailedEntryCount"] == 0
    assert [r["Name"] for r in eu.list_rules()["Rules"]] == ["shipped"]
    assert eu.describe_rule(Name="shipped", EventBusName="orders")["EventBusName"] == "orders"
    assert us.list_rules()["Rules"] == []
    with pytest.raises(us.exceptions.ResourceNotFoundException):
        us.describe_rule(Name="shipped")

    assert us.put_events(Entries=[{"Source": "shop", "DetailType": "shipped", "Detail": "{}"}])["FailedEntryCount"] == 0
    assert eu.put_events(Entries=[{"Source": "shop", "DetailType": "shipped", "Detail": json.dumps({"id": 7})}])["FailedEntryCount"] == 0
    [message] = receive_all(eu_sqs, queue_url, 1)
    event = json.loads(message["Body"])
    assert (event["region"], event["account"], event["detail"]) == ("eu-west-1", DEFAULT_ACCOUNT, {"id": 7})


def test_with_credentials_configured_a_verified_12_digit_key_is_its_account(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-regions-signed-") as tmp:
        credentials = os.path.join(tmp, "credentials")
        with open(credentials, "w") as f:
            f.write(f"[other]\naws_access_key_id = {OTHER_ACCOUNT}\naws_secret_access_key = other-secret\n")
        server = Server(binary, os.path.join(tmp, "data"), args=["--credentials", credentials])
        try:
            sqs = boto3.client("sqs", endpoint_url=server.endpoint, region_name="ap-southeast-2",
                               aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="other-secret")
            url = sqs.create_queue(QueueName="signed")["QueueUrl"]
            assert url == f"{server.endpoint}/queue/ap-southeast-2/{OTHER_ACCOUNT}/signed"
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
            assert attributes["QueueArn"] == f"arn:aws:sqs:ap-southeast-2:{OTHER_ACCOUNT}:signed"
        finally:
            assert server.stop() == 0


# The aws CLI, and the data directory afterwards


def test_the_aws_cli_with_region_sees_that_regions_resources(running):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret", AWS_DEFAULT_REGION="us-east-1")

    def aws(*args):
        result = subprocess.run([sys.executable, "-m", "awscli", *args, "--endpoint-url", running.server.endpoint, "--output", "json"],
                                capture_output=True, text=True, env=env, timeout=60)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else None

    created = aws("sqs", "create-queue", "--queue-name", "cli-queue", "--region", "eu-west-1")["QueueUrl"]
    assert created.endswith(f"/queue/eu-west-1/{DEFAULT_ACCOUNT}/cli-queue")
    assert created in aws("sqs", "list-queues", "--region", "eu-west-1")["QueueUrls"]
    assert created not in (aws("sqs", "list-queues") or {}).get("QueueUrls", [])
    topics = [t["TopicArn"] for t in aws("sns", "list-topics", "--region", "eu-west-1")["Topics"]]
    assert topics == [f"arn:aws:sns:eu-west-1:{DEFAULT_ACCOUNT}:alerts"]
    machines = aws("stepfunctions", "list-state-machines", "--region", "eu-west-1")["stateMachines"]
    assert [m["stateMachineArn"] for m in machines] == [f"arn:aws:states:eu-west-1:{DEFAULT_ACCOUNT}:stateMachine:notify"]
    rules = aws("events", "list-rules", "--region", "eu-west-1")["Rules"]
    assert [r["Arn"] for r in rules] == [f"arn:aws:events:eu-west-1:{DEFAULT_ACCOUNT}:rule/shipped"]
    assert aws("events", "list-rules")["Rules"] == []


def test_a_restart_keeps_every_scope_and_verify_is_clean(running):
    assert running.server.stop() == 0
    verified = subprocess.run([running.binary, "verify", "--data-dir", running.data_dir], capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    running.server = Server(running.binary, running.data_dir)
    eu_events = running.client("events", "eu-west-1")
    assert [r["Arn"] for r in eu_events.list_rules()["Rules"]] == [f"arn:aws:events:eu-west-1:{DEFAULT_ACCOUNT}:rule/shipped"]
    eu_sqs = running.client("sqs", "eu-west-1")
    inbox = eu_sqs.get_queue_url(QueueName="events-inbox")["QueueUrl"]
    eu_events.put_events(Entries=[{"Source": "shop", "DetailType": "again", "Detail": "{}"}])
    assert json.loads(receive_all(eu_sqs, inbox, 1)[0]["Body"])["detail-type"] == "again"
    assert [q.rsplit("/", 1)[1] for q in running.client("sqs").list_queues()["QueueUrls"]] == ["orders"]
