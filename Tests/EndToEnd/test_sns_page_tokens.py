"""A ListTopics NextToken issued before a restart still pages after it: the token's key
is kept in the data directory, not made afresh by each process."""

import os
import tempfile

import boto3

from conftest import Server


def sns_client(endpoint):
    return boto3.client("sns", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")


def test_list_topics_token_pages_after_a_restart(binary):
    with tempfile.TemporaryDirectory(prefix="stepline-e2e-") as tmp:
        data_dir = os.path.join(tmp, "data")
        server = Server(binary, data_dir)
        sns = sns_client(server.endpoint)
        created = {sns.create_topic(Name=f"paged-{n:03d}")["TopicArn"] for n in range(101)}
        first = sns.list_topics()
        token = first["NextToken"]
        assert len(first["Topics"]) == 100
        assert server.stop() == 0

        restarted = Server(binary, data_dir)
        try:
            second = sns_client(restarted.endpoint).list_topics(NextToken=token)
            assert "NextToken" not in second
            seen = {t["TopicArn"] for t in first["Topics"]} | {t["TopicArn"] for t in second["Topics"]}
            assert seen == created
            assert len(first["Topics"]) + len(second["Topics"]) == 101
        finally:
            assert restarted.stop() == 0
