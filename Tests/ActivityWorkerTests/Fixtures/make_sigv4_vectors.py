#!/usr/bin/env python3
"""Writes sigv4-botocore.json beside this script: worker requests signed by botocore.

botocore's SigV4Auth is what boto3 and the aws CLI sign with; ActivityWorker's own signer
is checked against its canonical requests and Authorization headers byte for byte. The file
is committed so the Swift tests need no Python. Re-run after a botocore upgrade:
    python3 Tests/ActivityWorkerTests/Fixtures/make_sigv4_vectors.py
"""
import datetime
import json
import os
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

JSON10 = "application/x-amz-json-1.0"
ARN = "arn:aws:states:us-east-1:123456789012:activity:media-transcode"

CASES = [
    # name, region, url, extra headers, body, date, session token
    ("get-activity-task", "us-east-1", "http://127.0.0.1:8423/",
     {"X-Amz-Target": "AWSStepFunctions.GetActivityTask"},
     json.dumps({"activityArn": ARN, "workerName": "transcoder-1"}, separators=(",", ":")),
     "20261125T150000Z", None),
    ("send-task-heartbeat-session-token", "eu-west-3", "http://localhost:9000/",
     {"X-Amz-Target": "AWSStepFunctions.SendTaskHeartbeat"},
     json.dumps({"taskToken": "AAAAAAAAAAE_abc-def"}, separators=(",", ":")),
     "20240229T235959Z", "FQoGZXIvYXdzEXAMPLE/session+token="),
    ("send-task-success-unicode", "us-west-2", "http://127.0.0.1:8423/",
     {"X-Amz-Target": "AWSStepFunctions.SendTaskSuccess"},
     json.dumps({"taskToken": "t", "output": json.dumps({"title": "café ☕"}, ensure_ascii=False)},
                ensure_ascii=False, separators=(",", ":")),
     "20261231T000001Z", None),
    ("send-task-failure-spaces-in-header", "us-east-1", "http://127.0.0.1:8423/",
     {"X-Amz-Target": "AWSStepFunctions.SendTaskFailure", "X-Custom": "  a   b  c  "},
     json.dumps({"taskToken": "t", "error": "Media.DiskFull", "cause": "no space"}, separators=(",", ":")),
     "20261125T150000Z", None),
    ("path-and-query", "us-east-1", "http://example.amazonaws.com/a%20b/c?b=2&a=1&a=0&c=&d=x%2Fy",
     {}, "", "20150830T123600Z", None),
]

ACCESS_KEY = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def sign(name, region, url, extra, body, date, token):
    headers = dict(extra)
    if body:
        headers["Content-Type"] = JSON10
    request = AWSRequest(method="POST" if body else "GET", url=url, headers=headers, data=body.encode("utf-8"))
    auth = SigV4Auth(Credentials(ACCESS_KEY, SECRET, token), "states", region)
    captured = []
    original = auth.canonical_request

    def capture(req):
        captured.append(original(req))
        return captured[-1]

    fixed = datetime.datetime.strptime(date, "%Y%m%dT%H%M%SZ")
    with mock.patch("botocore.auth.get_current_datetime", return_value=fixed), \
            mock.patch.object(auth, "canonical_request", side_effect=capture):
        auth.add_auth(request)
    host, _, rest = url.split("://", 1)[1].partition("/")
    path, _, query = ("/" + rest).partition("?")
    signed_here = {"x-amz-date", "authorization", "x-amz-security-token"}
    return {
        "name": name,
        "method": request.method,
        "path": path,
        "query": query,
        "region": region,
        "headers": [[k, v] for k, v in headers.items() if k.lower() not in signed_here] + [["Host", host]],
        "body": body,
        "accessKeyID": ACCESS_KEY,
        "secretAccessKey": SECRET,
        "sessionToken": token,
        "amzDate": date,
        "canonicalRequest": captured[0],
        "authorization": request.headers["Authorization"],
    }


if __name__ == "__main__":
    vectors = [sign(*case) for case in CASES]
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sigv4-botocore.json")
    with open(target, "w", encoding="utf-8") as file:
        json.dump(vectors, file, indent=2, ensure_ascii=False)
        file.write("\n")
    print(f"wrote {len(vectors)} vectors to {target}")
