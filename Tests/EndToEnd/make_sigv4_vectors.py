#!/usr/bin/env python3
"""Writes Tests/SteplineServerTests/Fixtures/sigv4-botocore.json: requests signed by botocore.

botocore's SigV4Auth is what boto3 and the aws CLI sign with, so the Swift verifier is
checked against its output. Re-run after a botocore upgrade; the file is committed so the
Swift tests need no Python. Usage: python3 Tests/EndToEnd/make_sigv4_vectors.py
"""
import datetime
import json
import os
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

CASES = [
    # name, service, region, method, url, headers, body, date
    ("sfn-list-state-machines", "states", "us-east-1", "POST", "http://127.0.0.1:8423/",
     {"X-Amz-Target": "AWSStepFunctions.ListStateMachines", "Content-Type": "application/x-amz-json-1.0"},
     "{}", "20261125T120000Z"),
    ("sfn-start-execution-unicode", "states", "eu-west-3", "POST", "http://127.0.0.1:8423/",
     {"X-Amz-Target": "AWSStepFunctions.StartExecution", "Content-Type": "application/x-amz-json-1.0"},
     json.dumps({"stateMachineArn": "arn:aws:states:eu-west-3:123456789012:stateMachine:m", "input": "{\"café\": \"naïve ☕\"}"}, ensure_ascii=False),
     "20240229T235959Z"),
    ("events-put-events", "events", "us-west-2", "POST", "http://localhost:9000/",
     {"X-Amz-Target": "AWSEvents.PutEvents", "Content-Type": "application/x-amz-json-1.1"},
     json.dumps({"Entries": [{"Source": "partner", "DetailType": "x", "Detail": "{\"a\": 1}"}]}),
     "20261125T000001Z"),
    ("sqs-send-message-query-mode", "sqs", "us-east-1", "POST", "http://127.0.0.1:8423/",
     {"X-Amz-Target": "AmazonSQS.SendMessage", "Content-Type": "application/x-amz-json-1.0", "x-amzn-query-mode": "true"},
     json.dumps({"QueueUrl": "http://127.0.0.1:8423/000000000000/q", "MessageBody": "hello  world"}),
     "20261125T235959Z"),
    ("empty-body", "states", "us-east-1", "POST", "http://127.0.0.1:8423/",
     {"X-Amz-Target": "AWSStepFunctions.ListActivities", "Content-Type": "application/x-amz-json-1.0"},
     "", "20261125T120000Z"),
    ("header-with-inner-spaces", "states", "us-east-1", "POST", "http://127.0.0.1:8423/",
     {"X-Amz-Target": "AWSStepFunctions.ListActivities", "Content-Type": "application/x-amz-json-1.0", "X-Custom": "  a   b  c  "},
     "{}", "20261125T120000Z"),
    ("path-and-query", "service", "us-east-1", "GET", "http://example.amazonaws.com/a%20b/./c/../d?b=2&a=1&a=0&c=",
     {}, "", "20150830T123600Z"),
    # AWS's published SigV4 test suite case "get-vanilla".
    ("aws-suite-get-vanilla", "service", "us-east-1", "GET", "http://example.amazonaws.com/",
     {}, "", "20150830T123600Z"),
]

ACCESS_KEY = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def sign(name, service, region, method, url, headers, body, date):
    request = AWSRequest(method=method, url=url, headers=dict(headers), data=body.encode("utf-8"))
    fixed = datetime.datetime.strptime(date, "%Y%m%dT%H%M%SZ")
    auth = SigV4Auth(Credentials(ACCESS_KEY, SECRET), service, region)
    captured = []
    original = auth.canonical_request

    def capture(req):
        captured.append(original(req))
        return captured[-1]

    with mock.patch("botocore.auth.get_current_datetime", return_value=fixed), \
            mock.patch.object(auth, "canonical_request", side_effect=capture):
        auth.add_auth(request)
    canonical = captured[0]
    prepared = request.prepare()
    split = url.split("://", 1)[1]
    host, _, rest = split.partition("/")
    path, _, query = ("/" + rest).partition("?")
    return {
        "name": name,
        "method": method,
        "path": path,
        "query": query,
        "headers": [[k, v] for k, v in prepared.headers.items()] + [["Host", host]],
        "body": body,
        "accessKeyID": ACCESS_KEY,
        "secretAccessKey": SECRET,
        "amzDate": date,
        "canonicalRequest": canonical,
        "authorization": prepared.headers["Authorization"],
    }


def main():
    vectors = [sign(*case) for case in CASES]
    out = os.path.join(os.path.dirname(__file__), "..", "SteplineServerTests", "Fixtures", "sigv4-botocore.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(vectors, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(vectors)} vectors to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
