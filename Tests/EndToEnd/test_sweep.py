"""Every operation of every service, sent malformed input over raw HTTP: nothing may answer 5xx.

The operations and their input members come from botocore's service models (data files
only; no boto3 client sends anything here), so a new operation is swept without editing
this file. For each JSON-protocol operation five bodies are sent: empty, every member of
the wrong JSON type, every string empty, every string huge (longer than any key LMDB
holds), every number out of range. SNS actions get the query-protocol equivalents. That is
about 650 requests, so the sweep stays well under a minute on a loaded machine.

A failure lists each offending operation, variant, status and answer, so one run shows
everything to fix.
"""
import json
from urllib.parse import urlencode

import botocore.session

from conftest import raw_post

JSON_SERVICES = [
    ("stepfunctions", "AWSStepFunctions", "1.0"),
    ("events", "AWSEvents", "1.1"),
    ("sqs", "AmazonSQS", "1.0"),
]
HUGE = "h" * 5000
LOADER = botocore.session.get_session()


def post(endpoint, body, headers):
    status, _, answer = raw_post(endpoint, body, headers)
    return status, answer


def wrong_type(shape):
    return {"string": 12345, "integer": "seven", "long": "seven", "boolean": "yes", "list": "x",
            "structure": "x", "map": ["x"], "timestamp": "yesterday", "blob": 12345,
            "double": "x", "float": "x"}.get(shape.type_name, None)


def filled(shape, string, number, depth=0):
    """A value of `shape` whose strings are `string` and numbers `number`, one level deep."""
    kind = shape.type_name
    if kind == "string":
        return string
    if kind in ("integer", "long", "double", "float"):
        return number
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return 0
    if kind == "blob":
        return string
    if depth > 1:
        return None
    if kind == "list":
        inner = filled(shape.member, string, number, depth + 1)
        return [] if inner is None else [inner]
    if kind == "map":
        inner = filled(shape.value, string, number, depth + 1)
        return {} if inner is None else {(string or "k"): inner}
    if kind == "structure":
        members = {name: filled(member, string, number, depth + 1) for name, member in shape.members.items()}
        return {name: value for name, value in members.items() if value is not None}
    return None


def json_variants(operation):
    shape = operation.input_shape
    members = shape.members if shape is not None else {}
    yield "empty body", b""
    yield "wrong types", json.dumps({name: wrong_type(member) for name, member in members.items()}).encode()
    for label, string, number in [("empty strings", "", 0), ("huge strings", HUGE, 1), ("numbers out of range", "x", -(2**40))]:
        body = {name: filled(member, string, number) for name, member in members.items()}
        yield label, json.dumps({name: value for name, value in body.items() if value is not None}).encode()


def flattened(name, shape, string, depth=0):
    """Query-protocol parameters for one member, filled with `string`."""
    kind = shape.type_name
    if kind in ("string", "blob", "timestamp"):
        return {name: string}
    if kind in ("integer", "long", "double", "float", "boolean"):
        return {name: "not-a-number"}
    if depth > 1:
        return {}
    if kind == "list":
        return flattened(f"{name}.member.1", shape.member, string, depth + 1)
    if kind == "map":
        return {f"{name}.entry.1.key": string or "k", **flattened(f"{name}.entry.1.value", shape.value, string, depth + 1)}
    if kind == "structure":
        out = {}
        for member_name, member in shape.members.items():
            out.update(flattened(f"{name}.{member_name}", member, string, depth + 1))
        return out
    return {}


def query_variants(operation):
    shape = operation.input_shape
    members = shape.members if shape is not None else {}
    base = {"Action": operation.name, "Version": "2010-03-31"}
    yield "no parameters", base
    for label, string in [("empty strings", ""), ("huge strings", HUGE)]:
        params = dict(base)
        for name, member in members.items():
            params.update(flattened(name, member, string))
        yield label, params


def answer_problem(status, body, json_protocol):
    if status >= 500:
        return f"{status}"
    if status >= 400 and json_protocol:
        try:
            if "__type" not in json.loads(body):
                return f"{status} without __type"
        except ValueError:
            return f"{status} with a body that is not JSON"
    return None


def test_no_operation_answers_5xx_to_malformed_input(server):
    problems = []
    count = 0
    for service_name, prefix, version in JSON_SERVICES:
        model = LOADER.get_service_model(service_name)
        for operation_name in model.operation_names:
            operation = model.operation_model(operation_name)
            for label, body in json_variants(operation):
                headers = {"X-Amz-Target": f"{prefix}.{operation_name}", "Content-Type": f"application/x-amz-json-{version}"}
                status, answer = post(server.endpoint, body, headers)
                count += 1
                problem = answer_problem(status, answer, json_protocol=True)
                if problem:
                    problems.append(f"{prefix}.{operation_name} [{label}]: {problem} {answer[:300]!r}")
    sns = LOADER.get_service_model("sns")
    for operation_name in sns.operation_names:
        for label, params in query_variants(sns.operation_model(operation_name)):
            status, answer = post(server.endpoint, urlencode(params).encode(), {"Content-Type": "application/x-www-form-urlencoded"})
            count += 1
            problem = answer_problem(status, answer, json_protocol=False)
            if problem:
                problems.append(f"SNS {operation_name} [{label}]: {problem} {answer[:300]!r}")
    assert count > 400
    assert problems == [], f"{len(problems)} of {count} requests failed:\n" + "\n".join(problems)
