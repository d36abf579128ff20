"""SIGKILL while publishing: after a restart on the same data directory, every publish
that was acknowledged is in every matching queue exactly once, and nothing is twice."""

import json
import os
import signal
import tempfile
import threading
import time

import boto3
from botocore.config import Config

from conftest import Server


def clients(endpoint):
    kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
              config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=5))
    return boto3.client("sns", **kw), boto3.client("sqs", **kw)


def test_acknowledged_publishes_survive_sigkill_exactly_once(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        data_dir = os.path.join(tmp, "data")
        server = Server(binary, data_dir)
        sns, sqs = clients(server.endpoint)
        topic = sns.create_topic(Name="e2e-crash")["TopicArn"]
        arns = {}
        for name in ("crash-all", "crash-even"):
            url = sqs.create_queue(QueueName=name)["QueueUrl"]
            arns[name] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arns["crash-all"], Attributes={"RawMessageDelivery": "true"})
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arns["crash-even"],
                      Attributes={"RawMessageDelivery": "true", "FilterPolicy": json.dumps({"parity": ["even"]})})

        acknowledged = {}
        lock = threading.Lock()
        stop = threading.Event()

        def publisher(worker):
            own, _ = clients(server.endpoint)
            n = 0
            while not stop.is_set():
                body = f"{worker}-{n}"
                parity = "even" if n % 2 == 0 else "odd"
                try:
                    own.publish(TopicArn=topic, Message=body, MessageAttributes={"parity": {"DataType": "String", "StringValue": parity}})
                except Exception:
                    return  # the server is gone: this publish was not acknowledged
                with lock:
                    acknowledged[body] = parity
                n += 1

        threads = [threading.Thread(target=publisher, args=(w,)) for w in range(4)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with lock:
                if len(acknowledged) >= 200:
                    break
            time.sleep(0.05)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
        stop.set()
        for thread in threads:
            thread.join()
        server.process.stdout.close()
        assert len(acknowledged) >= 200

        restarted = Server(binary, data_dir)
        try:
            _, sqs = clients(restarted.endpoint)
            received = {}
            for name in arns:
                url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
                bodies = []
                while True:
                    batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=300).get("Messages", [])
                    if not batch:
                        break
                    bodies += [m["Body"] for m in batch]
                received[name] = bodies
            for name, bodies in received.items():
                assert len(bodies) == len(set(bodies)), f"{name} got a message twice"
            everything = set(received["crash-all"])
            evens = set(received["crash-even"])
            for body, parity in acknowledged.items():
                assert body in everything
                assert (body in evens) == (parity == "even")
            # A publish cut off before its answer may have committed; then it is in both as its filter says.
            assert evens <= everything
        finally:
            assert restarted.stop() == 0
