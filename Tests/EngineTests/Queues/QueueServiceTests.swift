import EventLog
import Foundation
import JSON
import Messaging
import Queues
import Runtime
import Stepline
import SteplineTesting
import TestSupport
import Testing
import Workflows

/// The queues of ``withStepline(_:clock:running:configure:_:)`` and its manual clock.
func withQueues<Result: Sendable>(
    _ directory: String, clock: ManualClock = ManualClock(),
    _ body: @Sendable (QueueService, ManualClock) async throws -> Result
) async throws -> Result {
    try await withStepline(directory, clock: clock) { try await body($0.queues, clock) }
}

extension Result {
    var succeeded: Success? { if case .success(let value) = self { value } else { nil } }
}

@Suite struct QueueServiceTests {
    @Test func createWithSameAttributesReturnsTheQueueAndDifferentAttributesFail() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, _ in
            let first = try await queues.createQueue(name: "jobs", attributes: ["VisibilityTimeout": "10"])
            let again = try await queues.createQueue(name: "jobs", attributes: ["VisibilityTimeout": "10"])
            #expect(first.arn == "arn:aws:sqs:us-east-1:123456789012:jobs")
            #expect(again == first)
            await #expect(throws: QueueError.self) { try await queues.createQueue(name: "jobs", attributes: ["VisibilityTimeout": "20"]) }
            await #expect(throws: QueueError.self) { try await queues.createQueue(name: "bad", attributes: ["Colour": "blue"]) }
        }
    }

    @Test func sendAnswersSQSDigestsAndReceiveHidesTheMessageUntilTheTimeoutLapses() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, clock in
            let queue = try await queues.createQueue(name: "jobs", attributes: ["VisibilityTimeout": "30"])
            let attributes: JSONObject = ["color": ["DataType": "String", "StringValue": "blue"]]
            let sent = try #require(try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "hello", attributes: attributes)]).first?.succeeded)
            #expect(sent.md5OfBody == "5d41402abc4b2a76b9719d911017c592")
            let first = try await queues.receive(queueArn: queue.arn, waitSeconds: 0)
            #expect(first.map(\.messageId) == [sent.messageId])
            #expect(first.first?.systemAttributes["ApproximateReceiveCount"] == "1")
            #expect(try await queues.receive(queueArn: queue.arn, waitSeconds: 0).isEmpty)
            #expect(try queues.attributes(queueArn: queue.arn)["ApproximateNumberOfMessagesNotVisible"] == "1")
            clock.advance(milliseconds: 30_000)
            let again = try await queues.receive(queueArn: queue.arn, waitSeconds: 0)
            #expect(again.first?.systemAttributes["ApproximateReceiveCount"] == "2")
            let deleted = try await queues.delete(queueArn: queue.arn, handles: again.map(\.receiptHandle))
            #expect(deleted.allSatisfy { $0.succeeded != nil })
            clock.advance(milliseconds: 60_000)
            #expect(try await queues.receive(queueArn: queue.arn, waitSeconds: 0).isEmpty)
        }
    }

    @Test func fifoDeliversEachGroupInOrderWithConcurrentSenders() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, _ in
            let queue = try await queues.createQueue(name: "orders.fifo", attributes: ["FifoQueue": "true", "ContentBasedDeduplication": "true"])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for sender in 0..<4 {
                    group.addTask {
                        for number in 0..<10 {
                            _ = try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "\(sender):\(number)", groupId: "g\(sender)")])
                        }
                    }
                }
                try await group.waitForAll()
            }
            var seen: [String: [Int]] = [:]
            while true {
                let batch = try await queues.receive(queueArn: queue.arn, maxMessages: 10, waitSeconds: 0)
                if batch.isEmpty { break }
                for message in batch {
                    let parts = message.body.split(separator: ":")
                    seen[String(parts[0]), default: []].append(Int(parts[1])!)
                }
                _ = try await queues.delete(queueArn: queue.arn, handles: batch.map(\.receiptHandle))
            }
            #expect(seen.count == 4)
            for numbers in seen.values { #expect(numbers == Array(0..<10)) }
        }
    }

    @Test func fifoGroupWithAMessageInFlightDeliversNothingMore() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, _ in
            let queue = try await queues.createQueue(name: "g.fifo", attributes: ["FifoQueue": "true"])
            _ = try await queues.send(queueArn: queue.arn, messages: [
                OutgoingMessage(body: "a1", groupId: "a", deduplicationId: "1"), OutgoingMessage(body: "a2", groupId: "a", deduplicationId: "2"),
            ])
            let first = try await queues.receive(queueArn: queue.arn, maxMessages: 1, waitSeconds: 0)
            #expect(first.map(\.body) == ["a1"])
            #expect(try await queues.receive(queueArn: queue.arn, maxMessages: 10, waitSeconds: 0).isEmpty)
            _ = try await queues.delete(queueArn: queue.arn, handles: first.map(\.receiptHandle))
            #expect(try await queues.receive(queueArn: queue.arn, maxMessages: 10, waitSeconds: 0).map(\.body) == ["a2"])
        }
    }

    @Test func fifoDeduplicatesWithinFiveMinutesOnly() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, clock in
            let queue = try await queues.createQueue(name: "d.fifo", attributes: ["FifoQueue": "true", "ContentBasedDeduplication": "true"])
            let one = try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "same", groupId: "g")])
            let two = try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "same", groupId: "g")])
            #expect(one.first?.succeeded?.messageId == two.first?.succeeded?.messageId)
            #expect(try queues.attributes(queueArn: queue.arn)["ApproximateNumberOfMessages"] == "1")
            clock.advance(milliseconds: 5 * 60 * 1000)
            let three = try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "same", groupId: "g")])
            #expect(three.first?.succeeded?.messageId != one.first?.succeeded?.messageId)
            #expect(try queues.attributes(queueArn: queue.arn)["ApproximateNumberOfMessages"] == "2")
        }
    }

    @Test func theReceiveExceedingMaxReceiveCountMovesTheMessageToItsDeadLetterQueueAndAMoveTaskBringsItBack() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, clock in
            let dlq = try await queues.createQueue(name: "dlq", attributes: [:])
            let policy = #"{"deadLetterTargetArn":"\#(dlq.arn)","maxReceiveCount":"2"}"#
            let source = try await queues.createQueue(name: "work", attributes: ["RedrivePolicy": policy, "VisibilityTimeout": "5"])
            _ = try await queues.send(queueArn: source.arn, messages: [OutgoingMessage(body: "poison")])
            for _ in 0..<2 {
                #expect(try await queues.receive(queueArn: source.arn, waitSeconds: 0).count == 1)
                clock.advance(milliseconds: 5_000)
            }
            #expect(try await queues.receive(queueArn: source.arn, waitSeconds: 0).isEmpty)
            let dead = try await queues.receive(queueArn: dlq.arn, visibilityTimeout: 0, waitSeconds: 0)
            #expect(dead.map(\.body) == ["poison"])
            #expect(try queues.deadLetterSourceQueues(of: dlq.arn).map(\.arn) == [source.arn])
            let task = try await queues.startMessageMoveTask(sourceArn: dlq.arn, destinationArn: nil)
            #expect(try queues.listMessageMoveTasks(sourceArn: dlq.arn).first?["TaskHandle"]?.stringValue == task)
            #expect(try await queues.advanceMoveTasks() == 1)
            #expect(try queues.listMessageMoveTasks(sourceArn: dlq.arn).first?["Status"] == "COMPLETED")
            #expect(try queues.attributes(queueArn: dlq.arn)["ApproximateNumberOfMessages"] == "0")
            #expect(try await queues.receive(queueArn: source.arn, waitSeconds: 0).map(\.body) == ["poison"])
        }
    }

    @Test func queueContentsSurviveReopenAndVerifyRebuildsThem() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let arn = try await withQueues(directory.path, clock: clock) { queues, _ in
            let queue = try await queues.createQueue(name: "kept", attributes: [:])
            _ = try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "one"), OutgoingMessage(body: "two", delaySeconds: 60)])
            let received = try await queues.receive(queueArn: queue.arn, waitSeconds: 0)
            _ = try await queues.delete(queueArn: queue.arn, handles: received.map(\.receiptHandle))
            _ = try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "three")])
            return queue.arn
        }
        try await withQueues(directory.path, clock: clock) { queues, _ in
            let attributes = try queues.attributes(queueArn: arn)
            #expect(attributes["ApproximateNumberOfMessages"] == "1")
            #expect(attributes["ApproximateNumberOfMessagesDelayed"] == "1")
            let report = try queues.log.verify()
            #expect(report.isClean)
        }
    }

    @Test func longPollingWakesWhenAMessageIsCommitted() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, _ in
            let queue = try await queues.createQueue(name: "poll", attributes: [:])
            async let received = queues.receive(queueArn: queue.arn, waitSeconds: 20)
            // Send only once the receive is parked, so it is the commit that wakes it.
            #expect(try await eventually { queues.waitingReceivers == 1 })
            _ = try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "late")])
            #expect(try await received.map(\.body) == ["late"])
        }
    }
}
