"""SIGKILL during a load of PutEvents and SendMessage: after a restart every acknowledged
event reached its targets, and the internal deliveries (bus to queue, bus to state machine)
happened exactly once each; every acknowledged SendMessage is in its queue once."""

import json
import os
import signal
import tempfile
import threading
import time

import boto3
import botocore.config

from conftest import Server

PASS_MACHINE = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


def aws(name, server):
    return boto3.client(name, endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
                        config=botocore.config.Config(retries={"max_attempts": 0}, connect_timeout=2, read_timeout=10))


def load(server, stop, acknowledged_events, acknowledged_messages, jobs_url, worker):
    events, sqs = aws("events", server), aws("sqs", server)
    n = 0
    while not stop.is_set():
        n += 1
        try:
            if n % 3 == 0:
                sent = sqs.send_message(QueueUrl=jobs_url, MessageBody=f"job-{worker}-{n}")
                acknowledged_messages.append(sent["MessageId"])
            else:
                entries = [{"Source": "crash.test", "DetailType": "Tick", "Detail": json.dumps({"worker": worker, "n": n, "i": i})}
                           for i in range(1 + n % 10)]
                answer = events.put_events(Entries=entries)
                acknowledged_events.extend(e["EventId"] for e in answer["Entries"] if "EventId" in e)
        except Exception:
            return  # the server was killed: whatever was not answered is not acknowledged


def drain(sqs, url):
    bodies = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600).get("Messages", [])
        if not messages:
            return bodies
        bodies += messages


def test_sigkill_mid_load_loses_nothing_acknowledged_and_duplicates_no_internal_delivery(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-crash-") as tmp:
        data = os.path.join(tmp, "data")
        server = Server(binary, data)
        sfn, events, sqs = aws("stepfunctions", server), aws("events", server), aws("sqs", server)
        machine = sfn.create_state_machine(name="tick", definition=PASS_MACHINE, roleArn="arn:aws:iam::123456789012:role/x")["stateMachineArn"]
        ticks_url = sqs.create_queue(QueueName="ticks")["QueueUrl"]
        ticks_arn = sqs.get_queue_attributes(QueueUrl=ticks_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        jobs_url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
        events.put_rule(Name="ticks", EventPattern=json.dumps({"source": ["crash.test"]}))
        events.put_targets(Rule="ticks", Targets=[{"Id": "queue", "Arn": ticks_arn}, {"Id": "machine", "Arn": machine}])

        stop = threading.Event()
        acknowledged_events, acknowledged_messages = [], []
        workers = [threading.Thread(target=load, args=(server, stop, acknowledged_events, acknowledged_messages, jobs_url, w))
                   for w in range(4)]
        for worker in workers:
            worker.start()
        deadline = time.monotonic() + 30
        while len(acknowledged_events) < 300 and time.monotonic() < deadline:
            time.sleep(0.01)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
        stop.set()
        for worker in workers:
            worker.join(timeout=30)
        server.process.stdout.close()
        acknowledged = set(acknowledged_events)
        assert len(acknowledged) >= 300

        restarted = Server(binary, data)
        try:
            sfn, sqs = aws("stepfunctions", restarted), aws("sqs", restarted)
            # Bus to queue: in the accepting transaction, so there at once, exactly once per event.
            ticks = [json.loads(m["Body"])["id"] for m in drain(sqs, ticks_url)]
            assert len(ticks) == len(set(ticks)), "an event was delivered to the queue twice"
            assert acknowledged <= set(ticks), f"{len(acknowledged - set(ticks))} acknowledged events missing from the queue"
            # Bus to state machine: a start command in the accepting transaction, applied once (after recovery if need be); one execution per event.
            def executions():
                found, token = [], None
                while True:
                    page = sfn.list_executions(stateMachineArn=machine, maxResults=1000, **({"nextToken": token} if token else {}))
                    found += page["executions"]
                    token = page.get("nextToken")
                    if not token:
                        return found
            deadline = time.monotonic() + 120
            started = executions()
            while time.monotonic() < deadline and not acknowledged <= {e["name"][:36] for e in started}:
                time.sleep(0.5)
                started = executions()
            names = [e["name"][:36] for e in started]
            assert len(names) == len(set(names)), "an event started two executions"
            assert acknowledged <= set(names), f"{len(acknowledged - set(names))} acknowledged events started no execution"
            jobs = [m["MessageId"] for m in drain(sqs, jobs_url)]
            assert len(jobs) == len(set(jobs)) and set(acknowledged_messages) <= set(jobs)
        finally:
            assert restarted.stop() == 0
