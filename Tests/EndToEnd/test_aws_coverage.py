"""docs/aws-coverage.md says which operations of botocore's models the server answers:
tools/aws-coverage's survey of a running server must print the table the page holds."""

import importlib.machinery
import importlib.util
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def coverage_tool():
    loader = importlib.machinery.SourceFileLoader("aws_coverage", os.path.join(ROOT, "tools", "aws-coverage"))
    spec = importlib.util.spec_from_loader("aws_coverage", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_the_coverage_page_lists_what_the_server_answers(server):
    tool = coverage_tool()
    found = tool.survey(server.endpoint.rstrip("/"))
    # Operations every client of these services reaches first are answered.
    for service, operation in [("stepfunctions", "StartExecution"), ("events", "PutEvents"),
                               ("sqs", "SendMessage"), ("sns", "Publish")]:
        assert found[service][operation]
    with open(os.path.join(ROOT, "docs", "aws-coverage.md")) as f:
        page = f.read()
    table = page[page.index(tool.START) + len(tool.START):page.index(tool.END)].strip()
    assert table == tool.table(found), "docs/aws-coverage.md is out of date: run tools/aws-coverage --write"
