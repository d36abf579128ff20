import JSON
import Messaging
import Testing

@Suite struct QueuePolicyTests {
    static let arn = "arn:aws:sqs:us-east-1:123456789012:q"

    @Test("AddPermission writes SQS's default policy document, one statement per label")
    func addingWritesTheDefaultPolicy() throws {
        let one = try QueuePolicy.adding(label: "send", accounts: ["111122223333"], actions: ["SendMessage"], to: nil, queueArn: Self.arn)
        #expect(
            one
                == #"{"Version":"2012-10-17","Id":"arn:aws:sqs:us-east-1:123456789012:q/SQSDefaultPolicy","Statement":[{"Sid":"send","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"SQS:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:q"}]}"#
        )
        let two = try QueuePolicy.adding(
            label: "many",
            accounts: ["111122223333", "444455556666"],
            actions: ["ReceiveMessage", "DeleteMessage"],
            to: one,
            queueArn: Self.arn
        )
        let statement = try #require(try JSONParser.parse(two)["Statement"]?[1])
        #expect(statement["Principal"]?["AWS"] == ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"])
        #expect(statement["Action"] == ["SQS:ReceiveMessage", "SQS:DeleteMessage"])
        #expect(try QueuePolicy.removing(label: "send", from: two).map { try JSONParser.parse($0)["Statement"]?.arrayValue?.count } == 1)
        #expect(try QueuePolicy.removing(label: "send", from: one) == nil)
    }

    @Test("a repeated or malformed label, an unknown action, no account, and removing an absent label are refused")
    func refusals() throws {
        let one = try QueuePolicy.adding(label: "send", accounts: ["111122223333"], actions: ["*"], to: nil, queueArn: Self.arn)
        #expect(throws: QueueError.self) {
            try QueuePolicy.adding(label: "send", accounts: ["1"], actions: ["SendMessage"], to: one, queueArn: Self.arn)
        }
        #expect(throws: QueueError.self) {
            try QueuePolicy.adding(label: "bad label", accounts: ["1"], actions: ["SendMessage"], to: nil, queueArn: Self.arn)
        }
        #expect(throws: QueueError.self) {
            try QueuePolicy.adding(label: "x", accounts: ["1"], actions: ["CreateQueue"], to: nil, queueArn: Self.arn)
        }
        #expect(throws: QueueError.self) { try QueuePolicy.adding(label: "x", accounts: [], actions: ["SendMessage"], to: nil, queueArn: Self.arn) }
        #expect(throws: QueueError.self) { try QueuePolicy.removing(label: "other", from: one) }
        #expect(throws: QueueError.self) { try QueuePolicy.removing(label: "other", from: nil) }
    }

    @Test("tag keys are 1 to 128 characters, values at most 256, and a queue holds at most 50")
    func tagLimits() throws {
        #expect(try QueueTags.merging(["a": "2"], into: ["a": "1", "b": "1"], queueName: "q") == ["a": "2", "b": "1"])
        #expect(throws: QueueError.self) { try QueueTags.merging(["": "v"], into: [:], queueName: "q") }
        #expect(throws: QueueError.self) { try QueueTags.merging([String(repeating: "k", count: 129): "v"], into: [:], queueName: "q") }
        #expect(throws: QueueError.self) { try QueueTags.merging(["k": String(repeating: "v", count: 257)], into: [:], queueName: "q") }
        let fifty = Dictionary(uniqueKeysWithValues: (0..<50).map { ("k\($0)", "v") })
        #expect(throws: QueueError.self) { try QueueTags.merging(["k50": "v"], into: fifty, queueName: "q") }
    }
}
