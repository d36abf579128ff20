import EventLog
import Foundation
import JSON
import Messaging
import Queues
import Runtime
import TestSupport
import Testing
import Workflows

@Suite struct QueueReceiveTests {
    @Test("a long-polling receive returns a message when the clock reaches the end of its visibility timeout, which commits nothing")
    func longPollWakesWhenAMessageBecomesVisible() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, clock in
            let queue = try await queues.createQueue(name: "visibility", attributes: ["VisibilityTimeout": "30"])
            _ = try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "again")])
            let first = try #require(try await queues.receive(queueArn: queue.arn, waitSeconds: 0).first)
            async let polled = queues.receive(queueArn: queue.arn, waitSeconds: 20)
            clock.advance(milliseconds: 30_000)
            let again = try #require(try await polled.first)
            #expect(again.messageId == first.messageId)
        }
    }

    @Test func receiptHandlesDoNotContainTheMessageIdAndDifferOnEachReceive() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, clock in
            let queue = try await queues.createQueue(name: "handles", attributes: ["VisibilityTimeout": "10"])
            _ = try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "x")])
            let first = try #require(try await queues.receive(queueArn: queue.arn, waitSeconds: 0).first)
            clock.advance(milliseconds: 10_000)
            let second = try #require(try await queues.receive(queueArn: queue.arn, waitSeconds: 0).first)
            #expect(first.messageId == second.messageId)
            #expect(first.receiptHandle != second.receiptHandle)
            for handle in [first.receiptHandle, second.receiptHandle] {
                let decoded = Data(base64Encoded: handle.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "===".prefix((4 - handle.count % 4) % 4)) ?? Data()
                #expect(!String(decoding: decoded, as: UTF8.self).contains(first.messageId))
                #expect(!handle.contains(first.messageId))
            }
        }
    }

    @Test func aStaleHandleDeletesNothingAndCannotChangeVisibility() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, clock in
            let queue = try await queues.createQueue(name: "stale", attributes: ["VisibilityTimeout": "10"])
            _ = try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "x")])
            let first = try #require(try await queues.receive(queueArn: queue.arn, waitSeconds: 0).first)
            clock.advance(milliseconds: 10_000)
            let second = try #require(try await queues.receive(queueArn: queue.arn, waitSeconds: 0).first)
            let stale = try await queues.delete(queueArn: queue.arn, handles: [first.receiptHandle])
            #expect(stale.first?.succeeded != nil)
            #expect(try queues.attributes(queueArn: queue.arn)["ApproximateNumberOfMessagesNotVisible"] == "1")
            let change = try await queues.changeVisibility(queueArn: queue.arn, changes: [(first.receiptHandle, 0)])
            #expect(Self.code(change.first) == QueueError.Code.messageNotInflight.rawValue)
            let current = try await queues.delete(queueArn: queue.arn, handles: [second.receiptHandle])
            #expect(current.first?.succeeded != nil)
            #expect(try queues.attributes(queueArn: queue.arn)["ApproximateNumberOfMessagesNotVisible"] == "0")
        }
    }

    @Test func madeUpOrMangledHandlesAreInvalid() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, _ in
            let queue = try await queues.createQueue(name: "invalid", attributes: [:])
            _ = try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "x")])
            let received = try #require(try await queues.receive(queueArn: queue.arn, waitSeconds: 0).first)
            let truncated = String(received.receiptHandle.dropLast(4))
            for handle in ["not a handle", received.messageId, truncated, ""] {
                let results = try await queues.delete(queueArn: queue.arn, handles: [handle])
                #expect(Self.code(results.first) == QueueError.Code.receiptHandleIsInvalid.rawValue, "handle \(handle)")
            }
            #expect(try queues.attributes(queueArn: queue.arn)["ApproximateNumberOfMessagesNotVisible"] == "1")
        }
    }

    @Test func aFifoMessageWhoseTimeoutLapsedIsRedeliveredBeforeLaterMessagesOfItsGroup() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, clock in
            let queue = try await queues.createQueue(name: "lapse.fifo", attributes: ["FifoQueue": "true", "ContentBasedDeduplication": "true", "VisibilityTimeout": "30"])
            _ = try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "1", groupId: "g")])
            let first = try await queues.receive(queueArn: queue.arn, waitSeconds: 0)
            #expect(first.map(\.body) == ["1"])
            clock.advance(milliseconds: 1_000)
            _ = try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "2", groupId: "g"), OutgoingMessage(body: "3", groupId: "g")])
            #expect(try await queues.receive(queueArn: queue.arn, maxMessages: 10, waitSeconds: 0).isEmpty)
            clock.advance(milliseconds: 30_000)
            let again = try await queues.receive(queueArn: queue.arn, maxMessages: 10, waitSeconds: 0)
            #expect(again.map(\.body) == ["1", "2", "3"])
            #expect(again.first?.systemAttributes["ApproximateReceiveCount"] == "2")
        }
    }

    @Test func receiveReturnsDueMessagesInVisibilityOrderAndSkipsOnesInFlight() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, clock in
            let queue = try await queues.createQueue(name: "order", attributes: ["VisibilityTimeout": "60"])
            let bodies = (0..<30).map { OutgoingMessage(body: "m\($0)") }
            for start in stride(from: 0, to: 30, by: 10) {
                _ = try await queues.send(queueArn: queue.arn, messages: Array(bodies[start..<start + 10]))
            }
            let held = try await queues.receive(queueArn: queue.arn, maxMessages: 10, waitSeconds: 0)
            #expect(held.map(\.body) == (0..<10).map { "m\($0)" })
            _ = try await queues.send(queueArn: queue.arn, messages: [OutgoingMessage(body: "late", delaySeconds: 30)])
            var rest: [String] = []
            while true {
                let batch = try await queues.receive(queueArn: queue.arn, maxMessages: 7, waitSeconds: 0)
                if batch.isEmpty { break }
                rest += batch.map(\.body)
            }
            #expect(rest == (10..<30).map { "m\($0)" })
            clock.advance(milliseconds: 30_000)
            #expect(try await queues.receive(queueArn: queue.arn, maxMessages: 10, waitSeconds: 0).map(\.body) == ["late"])
            clock.advance(milliseconds: 30_000)
            #expect(try await queues.receive(queueArn: queue.arn, maxMessages: 10, waitSeconds: 0).count == 10)
            #expect(try queues.log.verify().isClean)
        }
    }

    static func code(_ result: Result<Void, QueueError>?) -> String? {
        if case .failure(let error) = result { error.code.rawValue } else { nil }
    }
}
