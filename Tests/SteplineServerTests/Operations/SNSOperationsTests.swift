import Foundation
import HTTPTypes
import Testing

@testable import SteplineServer

@Suite("SNS operation table")
struct SNSOperationsTests {
    static let topicPrefix = "arn:aws:sns:us-east-1:123456789012:"

    /// The text of the first `<tag>` element of `xml`.
    static func field(_ tag: String, in xml: String) -> String? {
        guard let start = xml.range(of: "<\(tag)>"), let end = xml.range(of: "</\(tag)>", range: start.upperBound..<xml.endIndex) else { return nil }
        return String(xml[start.upperBound..<end.lowerBound])
    }

    @Test("a topic is created, described, listed and deleted")
    func topicCycle() async throws {
        try await OperationTables.test { client in
            let created = try await OperationTables.query(client, "CreateTopic", [("Name", "alerts")])
            #expect(created.status == .ok)
            let arn = try #require(Self.field("TopicArn", in: created.body))
            #expect(arn.hasSuffix(":alerts"))

            let described = try await OperationTables.query(client, "GetTopicAttributes", [("TopicArn", arn)])
            #expect(described.status == .ok)
            #expect(described.body.contains("<key>TopicArn</key><value>\(arn)</value>"))
            let listed = try await OperationTables.query(client, "ListTopics")
            #expect(Self.field("TopicArn", in: listed.body) == arn)

            let deleted = try await OperationTables.query(client, "DeleteTopic", [("TopicArn", arn)])
            #expect(deleted.status == .ok)
            let gone = try await OperationTables.query(client, "GetTopicAttributes", [("TopicArn", arn)])
            OperationTables.expectQueryError(gone, .notFound, "NotFound")
        }
    }

    @Test("a missing parameter is InvalidParameter with status 400")
    func validation() async throws {
        try await OperationTables.test { client in
            let unnamed = try await OperationTables.query(client, "CreateTopic")
            OperationTables.expectQueryError(unnamed, .badRequest, "InvalidParameter")
            let malformed = try await OperationTables.query(client, "GetTopicAttributes", [("TopicArn", "not-an-arn")])
            OperationTables.expectQueryError(malformed, .badRequest, "InvalidParameter")
        }
    }

    @Test("a topic that does not exist is NotFound with status 404")
    func notFound() async throws {
        try await OperationTables.test { client in
            let answer = try await OperationTables.query(client, "Publish", [("TopicArn", Self.topicPrefix + "absent"), ("Message", "hi")])
            OperationTables.expectQueryError(answer, .notFound, "NotFound")
        }
    }

    @Test("a deduplication id over 128 characters is InvalidParameter, not a server fault")
    func keyTooLong() async throws {
        try await OperationTables.test { client in
            let created = try await OperationTables.query(
                client,
                "CreateTopic",
                [("Name", "alerts.fifo"), ("Attributes.entry.1.key", "FifoTopic"), ("Attributes.entry.1.value", "true")]
            )
            let arn = try #require(Self.field("TopicArn", in: created.body))
            // SNS allows 128 characters; the id would become part of a key, and 1,000 bytes is more than LMDB's 511.
            let answer = try await OperationTables.query(
                client,
                "Publish",
                [("TopicArn", arn), ("Message", "m"), ("MessageGroupId", "g"), ("MessageDeduplicationId", String(repeating: "d", count: 1000))]
            )
            OperationTables.expectQueryError(answer, .badRequest, "InvalidParameter")
            #expect(answer.body.contains("MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length."))
        }
    }
}
