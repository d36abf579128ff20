#!/usr/bin/env python3
"""Writes the seed corpora in Tests/Fuzz/corpus/<target>/ from the test fixtures and
the shared conformance data (../shared/conformance), plus a few hand-written edge cases.

Run from the repository root: python3 Tests/Fuzz/make-corpus.py. It only adds
`seed-*` files (overwriting earlier seeds); reproducers of fixed crashes (`crash-*`)
and inputs past a limit (`limit-*`) are never touched. Seeds are kept few and small (a fuzzer grows its
own corpus; these only show it the shapes of real inputs).
"""
import hashlib
import json
import pathlib
import random

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT.parent / "shared" / "conformance"
CORPUS = ROOT / "Tests" / "Fuzz" / "corpus"
MAX_SEEDS = 60
MAX_BYTES = 4096
rng = random.Random(7)


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_BYTES:
        return False
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ("seed-" + hashlib.sha1(data).hexdigest()[:12])).write_bytes(data)
    return True


def pair(first, second):
    return first.encode() + b"\0" + json.dumps(second).encode()


def sample(items, count=MAX_SEEDS):
    items = list(items)
    rng.shuffle(items)
    return items[:count]


def compact(value):
    return json.dumps(value, separators=(",", ":"))


asl_files = sorted((CONFORMANCE / "asl").glob("*.json"))
asl_cases = [json.loads(path.read_text()) for path in asl_files]

# json: conformance inputs and definitions, plus edge cases of the grammar.
for case in sample(asl_cases, 40):
    write("json", json.dumps(case.get("input", {}), indent=1))
for text in ['{"a":[1,-0,1e308,-1.5e-308,123456789012345678901234567890]}', '"\\ud83d\\ude00 \\u00e9 \\\\ \\/"',
             "[" * 40 + "]" * 40, '{"a":{"b":{"c":null}}}', "[true,false,null,\"\",{},[]]", "1E+2", "-0.0e-0",
             '"\\u0000"', " \n\t[1 , 2 ]\r\n"]:
    write("json", text)

# jsonpath: paths of the ASL corpus (InputPath, ResultPath, …) over their execution input.
paths = set()


def collect(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("Path") and isinstance(item, str):
                paths.add(item)
            elif key.endswith(".$") and isinstance(item, str) and item.startswith("$"):
                paths.add(item)
            collect(item)
    elif isinstance(value, list):
        for item in value:
            collect(item)


for case in asl_cases:
    collect(case.get("definition"))
document = {"a": [{"b": 1, "c": "x"}, {"b": 2, "c": "y"}], "d": {"e": [1, 2, 3]}, "f": "text"}
for path in sample(sorted(paths), 40) + ["$..b", "$.a[?(@.b > 1)].c", "$.a[0:2]", "$.d.e[-1:]", "$['f']", "$.a[*].b",
                                          "$.a[?(@.c == 'x')]", "$.a[?(@.b)]", "$.d.e[1]"]:
    write("jsonpath", pair(path, document))

# asl: small conformance definitions, one per category first.
by_category = {}
for case in asl_cases:
    by_category.setdefault(case.get("category", ""), []).append(case)
seeds = 0
for category, cases in sorted(by_category.items()):
    for case in sorted(cases, key=lambda c: len(json.dumps(c["definition"])))[:3]:
        if seeds < MAX_SEEDS and write("asl", json.dumps(case["definition"], indent=1)):
            seeds += 1

# jsonata: expressions of the JSONata test suite with their data (or {}).
suite = CONFORMANCE / "jsonata" / "suite"
datasets = {path.stem: json.loads(path.read_text()) for path in (suite / "datasets").glob("*.json")}
cases = []
for path in sorted((suite / "groups").glob("*/*.json")):
    case = json.loads(path.read_text())
    for item in case if isinstance(case, list) else [case]:
        if isinstance(item, dict) and isinstance(item.get("expr"), str):
            cases.append((path.parent.name, item))
seen_groups = set()
seeds = 0
for group, item in sample(cases, len(cases)):
    if group in seen_groups or seeds >= 80:
        continue
    data = item.get("data", datasets.get(item.get("dataset") or "", {}))
    if write("jsonata", pair(item["expr"], data)):
        seen_groups.add(group)
        seeds += 1

# intrinsics: every States.* call of the ASL corpus, over its execution input.
calls = []


def intrinsic_calls(value, input_value):
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and item.startswith("States."):
                calls.append((item, input_value))
            intrinsic_calls(item, input_value)
    elif isinstance(value, list):
        for item in value:
            intrinsic_calls(item, input_value)


for case in asl_cases:
    intrinsic_calls(case.get("definition"), case.get("input", {}))
unique = {call: input_value for call, input_value in calls}
for call in sample(sorted(unique), 50):
    write("intrinsics", pair(call, unique[call]))
for call in ["States.Format('{} and {}', $.a, States.Array(1, 2))", "States.ArrayRange(1, 9, 2)",
             "States.StringSplit('a,b,,c', ',')", "States.JsonToString(States.StringToJson('{\"x\":[1]}'))",
             "States.Hash('abc', 'SHA-256')", "States.Base64Decode(States.Base64Encode('\\{x\\}'))",
             "States.MathAdd(1, -2)", "States.ArrayPartition(States.ArrayRange(1, 10, 1), 3)",
             "States.UUID()", "States.MathRandom(1, 10, 3)", "States.ArrayGetItem($.a, 0)", "States.ArrayUnique($.a)"]:
    write("intrinsics", pair(call, {"a": [1, 2, 2, 3]}))

# event-pattern: the conformance patterns with their events (and a filter policy shape).
for line in sample((CONFORMANCE / "event-patterns" / "test-event-pattern.jsonl").read_text().splitlines(), 70):
    case = json.loads(line)
    pattern = case["pattern"] if isinstance(case["pattern"], str) else compact(case["pattern"])
    event = case["event"] if isinstance(case["event"], str) else compact(case["event"])
    write("event-pattern", pattern.encode() + b"\0" + event.encode())
write("event-pattern", pair(compact({"store": ["example_corp"], "price_usd": [{"numeric": [">=", 100]}],
                                     "$or": [{"color": [{"prefix": "r"}]}, {"size": [{"wildcard": "*L*"}]}]}),
                            {"store": "example_corp", "price_usd": 150, "color": "red", "size": ["XL"]}))

# sns-query: form bodies of the SNS actions botocore sends.
for body in [
    "Action=CreateTopic&Name=orders&Version=2010-03-31&Attributes.entry.1.key=FifoTopic&Attributes.entry.1.value=true"
    "&Tags.member.1.Key=team&Tags.member.1.Value=media",
    "Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3Aorders&Message=hello+world%21"
    "&MessageAttributes.entry.1.Name=color&MessageAttributes.entry.1.Value.DataType=String"
    "&MessageAttributes.entry.1.Value.StringValue=red&MessageAttributes.entry.2.Name=n"
    "&MessageAttributes.entry.2.Value.DataType=Number&MessageAttributes.entry.2.Value.StringValue=3.5",
    "Action=PublishBatch&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A0%3At&PublishBatchRequestEntries.member.1.Id=a"
    "&PublishBatchRequestEntries.member.1.Message=x&PublishBatchRequestEntries.member.2.Id=b"
    "&PublishBatchRequestEntries.member.2.Message=%E2%82%AC",
    "Action=Subscribe&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A0%3At&Protocol=sqs&Endpoint=arn%3Aaws%3Asqs%3Aus-east-1%3A0%3Aq"
    "&Attributes.entry.1.key=FilterPolicy&Attributes.entry.1.value=%7B%22color%22%3A%5B%22red%22%5D%7D",
    "Action=UntagResource&ResourceArn=arn%3Aaws%3Asns%3Aus-east-1%3A0%3At&TagKeys.member.1=team&TagKeys.member.2=env",
    "Action=ListTopics&NextToken=abc%3D%3D",
    "Action=Publish&MessageAttributes.entry.1.Name=b&MessageAttributes.entry.1.Value.DataType=Binary"
    "&MessageAttributes.entry.1.Value.BinaryValue=AAEC",
]:
    write("sns-query", body)

# sigv4: the botocore-signed requests of the server's SigV4 tests, as request text.
for vector in json.loads((ROOT / "Tests" / "SteplineServerTests" / "Fixtures" / "sigv4-botocore.json").read_text()):
    target = vector["path"] + ("?" + vector["query"] if vector["query"] else "")
    lines = [vector["method"] + " " + target] + [f"{name}: {value}" for name, value in vector["headers"]]
    write("sigv4", "\n".join(lines) + "\n\n" + vector["body"])
