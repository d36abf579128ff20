import EventLog
import JSON
import Messaging
import Queues
import Runtime
import Synchronization
import TestSupport
import Testing
import Topics
import Workflows

@Suite struct TopicReviewTests {
    /// Subscribes the flaky lambda to a new topic with no retries, so each attempt that fails dead-letters.
    static func subscribeWithoutRetries(_ topics: TopicService, _ queues: QueueService) async throws -> (topic: String, dlq: String) {
        let topic = try await topics.createTopic(name: "thumbnails", attributes: [:])
        let dlq = try await queues.createQueue(name: "thumbnails-dlq", attributes: [:])
        _ = try await topics.subscribe(
            topicArn: topic, protocol: "lambda", endpoint: TopicServiceTests.lambdaArn,
            attributes: [
                ("RedrivePolicy", #"{"deadLetterTargetArn": "\#(dlq.arn)"}"#),
                ("DeliveryPolicy", #"{"healthyRetryPolicy": {"minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 0}}"#),
            ])
        return (topic, dlq.arn)
    }

    @Test func aRedrivenTopicDeliveryThatFailsAgainWaitsForReviewThenIsRetriedAndResolved() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let handler = FlakyHandler()
        let deliveryId = try await withTopics(directory.path, clock: clock, handler: handler) { topics, queues in
            let (topic, dlq) = try await Self.subscribeWithoutRetries(topics, queues)
            _ = try await topics.publish(topicArn: topic, entries: [PublishEntry(message: "frame")])
            #expect(try await eventually { try topics.deadLetters().count == 1 })
            let letter = try #require(try topics.deadLetters().first)
            #expect(try topics.reviewItems().isEmpty)

            // Redriven while the subscriber is still down: it leaves the DLQ for review, not back to it.
            try await topics.redrive(deliveryId: letter.delivery.deliveryId)
            #expect(try await eventually { try topics.reviewItems().count == 1 })
            #expect(try topics.deadLetters().isEmpty)
            let item = try #require(try topics.reviewItems().first)
            #expect(item.letter.delivery.redriveCount == 1 && !item.isResolved)
            #expect(item.letter.error == "Unavailable: the handler is down")
            #expect(
                try topics.history(of: item.letter.delivery).map(\.type) == [
                    "topic.published", "topic.deliveryDeadLettered", "topic.deliveryRedriven", "topic.deliveryDeadLettered",
                ])
            // Each exhaustion went to the subscription's dead-letter queue.
            #expect(try await queues.receive(queueArn: dlq, maxMessages: 10, visibilityTimeout: nil, waitSeconds: 0).count == 2)

            // Retried from review while still broken: back in review, one redrive more.
            try await topics.retryReviewItem(deliveryId: item.letter.delivery.deliveryId)
            #expect(try await eventually { try topics.reviewItems().first?.letter.delivery.redriveCount == 2 })
            #expect(handler.calls.withLock { $0.count } == 3)

            await #expect(throws: TopicError.self) { try await topics.resolveReviewItem(deliveryId: item.letter.delivery.deliveryId, reason: "") }
            try await topics.resolveReviewItem(deliveryId: item.letter.delivery.deliveryId, reason: "partner re-sent the frame")
            #expect(try topics.reviewItems().isEmpty)
            await #expect(throws: TopicError.self) { try await topics.retryReviewItem(deliveryId: item.letter.delivery.deliveryId) }
            await #expect(throws: TopicError.self) { try await topics.retryReviewItem(deliveryId: "no-such-delivery") }
            // The review view is derived: dropping and rebuilding the indexes gives the same bytes.
            #expect(try topics.log.verify().isClean)
            // Old logs replay: each record keeps the members, in the order, written before the lifecycle was shared.
            let kinds = (69...74).map { RecordKind(UInt16($0)) }
            #expect(
                try recordMembers(topics.log, kinds: kinds) == [
                    TopicRecordKind.deliveryDeadLettered: [["deliveryId", "error", "time", "deadLetterQueue"]],
                    TopicRecordKind.deliveryRedriven: [["deliveryId", "due"]],
                    TopicRecordKind.reviewRetried: [["deliveryId", "due", "time"]],
                    TopicRecordKind.reviewResolved: [["deliveryId", "reason", "time"]],
                ])
            return item.letter.delivery.deliveryId
        }
        try await withTopics(directory.path, clock: clock, handler: handler, runDeliveries: false) { topics, _ in
            let resolved = try #require(try topics.reviewItems(includeResolved: true).first)
            #expect(resolved.letter.delivery.deliveryId == deliveryId)
            #expect(resolved.resolution == "partner re-sent the frame")
            #expect(try topics.history(of: resolved.letter.delivery).last?.type == "topic.review.resolved")
            #expect(try topics.reviewItem(deliveryId: deliveryId) == resolved)
        }
    }

    @Test func aRetriedReviewItemThatSucceedsLeavesReview() async throws {
        let directory = TemporaryDirectory()
        let handler = FlakyHandler()
        try await withTopics(directory.path, clock: ManualClock(), handler: handler) { topics, queues in
            let (topic, _) = try await Self.subscribeWithoutRetries(topics, queues)
            _ = try await topics.publish(topicArn: topic, entries: [PublishEntry(message: "frame")])
            #expect(try await eventually { try topics.deadLetters().count == 1 })
            try await topics.redrive(deliveryId: try #require(try topics.deadLetters().first).delivery.deliveryId)
            #expect(try await eventually { try topics.reviewItems().count == 1 })
            handler.failing.withLock { $0 = false }
            try await topics.retryReviewItem(deliveryId: try #require(try topics.reviewItems().first).letter.delivery.deliveryId)
            #expect(try await eventually { try topics.pendingDeliveries().isEmpty && topics.reviewItems(includeResolved: true).isEmpty })
            #expect(handler.calls.withLock { $0.count } == 3)
            #expect(try topics.log.verify().isClean)
        }
    }
}
