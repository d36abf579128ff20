import HTTPTypes
import JSON
import Testing

@testable import SteplineServer

@Suite("SQS operation table")
struct SQSOperationsTests {
    @Test("a queue is created, found by name, described, listed and deleted")
    func queueCycle() async throws {
        try await OperationTables.test { client in
            let created = try await OperationTables.call(
                client,
                .sqs,
                "CreateQueue",
                ["QueueName": "jobs", "Attributes": ["VisibilityTimeout": "45"]]
            )
            #expect(created.status == .ok)
            let url = try #require(created.json["QueueUrl"]?.stringValue)
            #expect(url.hasSuffix("/jobs"))

            let found = try await OperationTables.call(client, .sqs, "GetQueueUrl", ["QueueName": "jobs"])
            #expect(found.json["QueueUrl"]?.stringValue == url)
            let attributes = try await OperationTables.call(
                client,
                .sqs,
                "GetQueueAttributes",
                ["QueueUrl": .string(url), "AttributeNames": ["VisibilityTimeout"]]
            )
            #expect(attributes.json["Attributes"]?["VisibilityTimeout"] == "45")
            let listed = try await OperationTables.call(client, .sqs, "ListQueues")
            #expect(listed.json["QueueUrls"] == [.string(url)])

            let deleted = try await OperationTables.call(client, .sqs, "DeleteQueue", ["QueueUrl": .string(url)])
            #expect(deleted.status == .ok)
            let gone = try await OperationTables.call(client, .sqs, "GetQueueUrl", ["QueueName": "jobs"])
            OperationTables.expectError(gone, .badRequest, "QueueDoesNotExist", queryCode: "AWS.SimpleQueueService.NonExistentQueue")
        }
    }

    @Test("an attribute SQS refuses is InvalidAttributeName and a bad value InvalidAttributeValue, with their query codes")
    func validation() async throws {
        try await OperationTables.test { client in
            let name = try await OperationTables.call(client, .sqs, "CreateQueue", ["QueueName": "jobs", "Attributes": ["Colour": "blue"]])
            OperationTables.expectError(name, .badRequest, "InvalidAttributeName", queryCode: "InvalidAttributeName")
            let value = try await OperationTables.call(client, .sqs, "CreateQueue", ["QueueName": "jobs", "Attributes": ["VisibilityTimeout": "-1"]])
            OperationTables.expectError(value, .badRequest, "InvalidAttributeValue", queryCode: "InvalidAttributeValue")
        }
    }

    @Test("a queue that does not exist is QueueDoesNotExist, which boto3 matches by its legacy code")
    func notFound() async throws {
        try await OperationTables.test { client in
            let answer = try await OperationTables.call(
                client,
                .sqs,
                "GetQueueAttributes",
                ["QueueUrl": .string(OperationTables.queueBase + "/123456789012/absent")]
            )
            OperationTables.expectError(answer, .badRequest, "QueueDoesNotExist", queryCode: "AWS.SimpleQueueService.NonExistentQueue")
        }
    }

    @Test("a message group id over 128 characters is InvalidParameterValue in SQS's words, not a server fault")
    func keyTooLong() async throws {
        try await OperationTables.test { client in
            let created = try await OperationTables.call(
                client,
                .sqs,
                "CreateQueue",
                ["QueueName": "jobs.fifo", "Attributes": ["FifoQueue": "true"]]
            )
            let url = try #require(created.json["QueueUrl"]?.stringValue)
            // SQS allows 128 characters; the group would become part of a key, and 1,000 bytes is more than LMDB's 511.
            let answer = try await OperationTables.call(
                client,
                .sqs,
                "SendMessage",
                [
                    "QueueUrl": .string(url), "MessageBody": "b", "MessageGroupId": .string(String(repeating: "g", count: 1000)),
                    "MessageDeduplicationId": "d",
                ]
            )
            OperationTables.expectError(answer, .badRequest, "InvalidParameterValue", queryCode: "InvalidParameterValue")
            #expect(answer.json["message"]?.stringValue?.contains("MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.") == true)
            // Nothing was stored: the queue is empty.
            let received = try await OperationTables.call(client, .sqs, "ReceiveMessage", ["QueueUrl": .string(url)])
            #expect(received.json["Messages"] == nil || received.json["Messages"] == [])
        }
    }
}

@Suite("SQS MessageAttributeNames")
struct SQSMessageAttributeNamesTests {
    @Test(
        "All and .* select every attribute, NAME.* those under the prefix NAME., others exact names",
        arguments: [
            (["All"], "anything", true), ([".*"], "anything", true), (["order.*"], "order.id", true),
            (["order.*"], "orderly", false), (["order.*"], "order", false), (["trace"], "trace", true),
            (["trace"], "Trace", false), ([], "trace", false),
        ])
    func selection(patterns: [String], name: String, selected: Bool) {
        #expect(SQSOperations.selects(patterns, name) == selected)
    }
}
