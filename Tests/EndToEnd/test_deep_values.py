"""A value that parses (at most 512 levels) but whose record would nest deeper is refused alone,
with a 400-class error to the client that sent it; the other clients' StartExecution and
SendMessage calls, committed in the same group commits, all succeed."""

import json
import threading

import boto3
import botocore.config


def client(name, server):
    return boto3.client(name, endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
                        config=botocore.config.Config(retries={"max_attempts": 0}, read_timeout=30))


def nested(depth):
    return "[" * depth + "]" * depth


def test_a_too_deep_input_fails_alone_and_other_clients_commit(server):
    sfn, sqs = client("stepfunctions", server), client("sqs", server)
    machine = sfn.create_state_machine(name="deep-pass", roleArn="arn:aws:iam::123456789012:role/r", definition=json.dumps(
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))["stateMachineArn"]
    url = sqs.create_queue(QueueName="deep-neighbours")["QueueUrl"]
    refusals, failures, successes = [], [], []
    done = threading.Event()

    def deep_client():
        own = client("stepfunctions", server)
        try:
            for i in range(60):
                try:
                    own.start_execution(stateMachineArn=machine, input=nested(510 + i % 3))
                    failures.append("a too-deep input was started")
                except own.exceptions.InvalidExecutionInput as error:
                    refusals.append(error.response["ResponseMetadata"]["HTTPStatusCode"])
        finally:
            done.set()

    def neighbour(k):
        own_sfn, own_sqs = client("stepfunctions", server), client("sqs", server)
        n = 0
        while not done.is_set() or n < 20:
            n += 1
            try:
                if n % 2:
                    own_sfn.start_execution(stateMachineArn=machine, name=f"n{k}-{n}", input="{}")
                else:
                    own_sqs.send_message(QueueUrl=url, MessageBody=f"n{k}-{n}")
                successes.append(n)
            except Exception as error:  # any failure of a neighbour is the bug
                failures.append(repr(error))

    threads = [threading.Thread(target=deep_client)] + [threading.Thread(target=neighbour, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert refusals == [400] * 60
    assert len(successes) >= 80


def test_a_too_deep_event_detail_is_a_failed_entry_and_the_others_are_put(server):
    events = client("events", server)
    answer = events.put_events(Entries=[
        {"Source": "deep.test", "DetailType": "Deep", "Detail": json.dumps({"a": 1}).replace("1", nested(510))},
        {"Source": "deep.test", "DetailType": "Shallow", "Detail": json.dumps({"a": 1})},
    ])
    assert answer["FailedEntryCount"] == 1
    assert answer["Entries"][0]["ErrorCode"] == "MalformedDetail"
    assert "EventId" in answer["Entries"][1]
