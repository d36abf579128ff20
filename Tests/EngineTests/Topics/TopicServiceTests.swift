import EventLog
import Foundation
import JSON
import Messaging
import Queues
import Runtime
import Stepline
import SteplineTesting
import Synchronization
import TestSupport
import Testing
import Topics
import Workflows

/// A subscriber handler that fails while `failing` is set and counts its calls.
final class FlakyHandler: Sendable {
    let failing = Mutex(true)
    let calls = Mutex<[JSONValue]>([])

    func handle(_ input: JSONValue) throws -> JSONValue {
        calls.withLock { $0.append(input) }
        if failing.withLock({ $0 }) { throw TaskFailure(error: "Unavailable", cause: "the handler is down") }
        return .null
    }
}

/// The topics and queues of ``withStepline(_:clock:running:configure:_:)`` on `clock`, with
/// `handler` answering `lambdaArn`; `runDeliveries: false` leaves every service stopped.
func withTopics<Result: Sendable>(
    _ directory: String, clock: ManualClock, handler: FlakyHandler? = nil, runDeliveries: Bool = true,
    _ body: @Sendable (TopicService, QueueService) async throws -> Result
) async throws -> Result {
    try await withStepline(
        directory, clock: clock, running: runDeliveries,
        configure: { configuration in
            if let handler { configuration.inProcessHandlers[TopicServiceTests.lambdaArn] = { try handler.handle($0) } }
        }
    ) { try await body($0.topics, $0.queues) }
}

@Suite struct TopicServiceTests {
    static let lambdaArn = "arn:aws:lambda:us-east-1:123456789012:function:thumbnail"

    @Test func aPublishReachesEveryMatchingQueueInItsOwnTransactionAndSkipsFilteredOnes() async throws {
        let directory = TemporaryDirectory()
        try await withTopics(directory.path, clock: ManualClock()) { topics, queues in
            let topic = try await topics.createTopic(name: "media", attributes: [:])
            let all = try await queues.createQueue(name: "all", attributes: [:])
            let video = try await queues.createQueue(name: "video", attributes: [:])
            _ = try await topics.subscribe(topicArn: topic, protocol: "sqs", endpoint: all.arn, attributes: [])
            _ = try await topics.subscribe(
                topicArn: topic, protocol: "sqs", endpoint: video.arn,
                attributes: [("FilterPolicy", #"{"kind": ["video"]}"#), ("RawMessageDelivery", "true")])
            let before = try #require(topics.log.lastSequence)
            let results = try await topics.publish(
                topicArn: topic,
                entries: [
                    PublishEntry(message: "clip", attributes: [("kind", MessageAttribute(dataType: "String", stringValue: "video"))]),
                    PublishEntry(message: "photo", attributes: [("kind", MessageAttribute(dataType: "String", stringValue: "image"))]),
                ])
            #expect(results.allSatisfy { $0.succeeded != nil })
            // One group commit: the topic record and one queue record per receiving queue.
            let records = try topics.log.entries(from: before.next, limit: 10).map(\.header.kind)
            #expect(records.count == 3)
            #expect(Set(records) == [TopicRecordKind.published, QueueRecordKind.sent])
            let everything = try await queues.receive(queueArn: all.arn, maxMessages: 10, visibilityTimeout: nil, waitSeconds: 0)
            #expect(everything.map { try? JSONParser.parse($0.body)["Message"] } == [.string("clip"), .string("photo")])
            let videos = try await queues.receive(queueArn: video.arn, maxMessages: 10, visibilityTimeout: nil, waitSeconds: 0)
            #expect(videos.map(\.body) == ["clip"])
            #expect(videos.first?.attributes["kind"] == ["DataType": "String", "StringValue": "video"])
        }
    }

    @Test func aFIFOTopicDropsDuplicatesForFiveMinutesThenAcceptsThemAgain() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        try await withTopics(directory.path, clock: clock) { topics, queues in
            let topic = try await topics.createTopic(name: "assets.fifo", attributes: ["FifoTopic": "true", "ContentBasedDeduplication": "true"])
            let queue = try await queues.createQueue(name: "assets.fifo", attributes: ["FifoQueue": "true"])
            _ = try await topics.subscribe(topicArn: topic, protocol: "sqs", endpoint: queue.arn, attributes: [("RawMessageDelivery", "true")])
            let missingGroup = try await topics.publish(topicArn: topic, entries: [PublishEntry(message: "x")])
            #expect(missingGroup.first?.succeeded == nil)
            let first = try await topics.publish(topicArn: topic, entries: [PublishEntry(message: "a", groupId: "g")])[0].get()
            let duplicate = try await topics.publish(topicArn: topic, entries: [PublishEntry(message: "a", groupId: "g")])[0].get()
            #expect(duplicate == first)
            #expect(first.sequenceNumber?.count == 20)
            clock.advance(milliseconds: 5 * 60 * 1000)
            let later = try await topics.publish(topicArn: topic, entries: [PublishEntry(message: "a", groupId: "g")])[0].get()
            #expect(later.messageId != first.messageId)
            #expect(try #require(later.sequenceNumber) > first.sequenceNumber ?? "")
        }
    }

    @Test func aFailingSubscriberIsRetriedThenDeadLetteredToItsQueueAndARedriveDeliversIt() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let handler = FlakyHandler()
        try await withTopics(directory.path, clock: clock, handler: handler) { topics, queues in
            let topic = try await topics.createTopic(name: "thumbnails", attributes: [:])
            let dlq = try await queues.createQueue(name: "thumbnails-dlq", attributes: [:])
            _ = try await topics.subscribe(
                topicArn: topic, protocol: "lambda", endpoint: Self.lambdaArn,
                attributes: [
                    ("RedrivePolicy", #"{"deadLetterTargetArn": "\#(dlq.arn)"}"#),
                    ("DeliveryPolicy", #"{"healthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 2}}"#),
                ])
            let id = try await topics.publish(topicArn: topic, entries: [PublishEntry(message: "frame")])[0].get().messageId
            for expected in 1...3 {
                let reached = try await eventually {
                    let attempt = try topics.pendingDeliveries().first?.attempt ?? 3
                    return handler.calls.withLock { $0.count } == expected && attempt == expected
                }
                #expect(reached)
                clock.advance(milliseconds: 1000)
            }
            let deadLettered = try await eventually { try !topics.deadLetters().isEmpty }
            #expect(deadLettered)
            let letter = try #require(try topics.deadLetters().first)
            #expect(letter.deadLetterQueue == dlq.arn && letter.delivery.messageId == id)
            let dead = try await queues.receive(queueArn: dlq.arn, maxMessages: 10, visibilityTimeout: nil, waitSeconds: 0)
            #expect(dead.count == 1)
            let event = try JSONParser.parse(try #require(dead.first).body)
            #expect(event["Records"]?[0]?["Sns"]?["MessageId"] == .string(id))

            handler.failing.withLock { $0 = false }
            try await topics.redrive(deliveryId: letter.delivery.deliveryId)
            let drained = try await eventually { try topics.deadLetters().isEmpty && topics.pendingDeliveries().isEmpty }
            #expect(drained)
            #expect(handler.calls.withLock { $0.count } == 4)
            await #expect(throws: TopicError.self) { try await topics.redrive(deliveryId: letter.delivery.deliveryId) }
        }
    }

    @Test func deliveriesPendingAtShutdownRunAfterReopening() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let handler = FlakyHandler()
        handler.failing.withLock { $0 = false }
        try await withTopics(directory.path, clock: clock, handler: handler, runDeliveries: false) { topics, _ in
            let topic = try await topics.createTopic(name: "later", attributes: [:])
            _ = try await topics.subscribe(topicArn: topic, protocol: "lambda", endpoint: Self.lambdaArn, attributes: [])
            _ = try await topics.publish(topicArn: topic, entries: [PublishEntry(message: "one"), PublishEntry(message: "two")])
            #expect(try topics.pendingDeliveries().count == 2)
        }
        #expect(handler.calls.withLock { $0.isEmpty })
        try await withTopics(directory.path, clock: clock, handler: handler) { topics, _ in
            let delivered = try await eventually { try topics.pendingDeliveries().isEmpty }
            #expect(delivered)
            #expect(handler.calls.withLock { $0.count } == 2)
        }
    }
}
