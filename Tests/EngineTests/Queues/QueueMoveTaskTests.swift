import EventLog
import Foundation
import JSON
import Messaging
import Queues
import Runtime
import TestSupport
import Testing
import Workflows

/// Creates `work` with dead-letter queue `dlq` (maxReceiveCount 1) and puts `count` messages in `dlq`.
func deadLetters(_ queues: QueueService, _ clock: ManualClock, count: Int) async throws -> (source: String, dlq: String) {
    let dlq = try await queues.createQueue(name: "dlq", attributes: [:])
    let policy = #"{"deadLetterTargetArn":"\#(dlq.arn)","maxReceiveCount":"1"}"#
    let source = try await queues.createQueue(name: "work", attributes: ["RedrivePolicy": policy, "VisibilityTimeout": "5"])
    _ = try await queues.send(queueArn: source.arn, messages: (0..<count).map { OutgoingMessage(body: "m\($0)") })
    #expect(try await queues.receive(queueArn: source.arn, maxMessages: 10, waitSeconds: 0).count == count)
    clock.advance(milliseconds: 5_000)
    #expect(try await queues.receive(queueArn: source.arn, maxMessages: 10, waitSeconds: 0).isEmpty)
    #expect(try queues.attributes(queueArn: dlq.arn)["ApproximateNumberOfMessages"] == String(count))
    return (source.arn, dlq.arn)
}

@Suite struct QueueMoveTaskTests {
    @Test("while run() runs, a move task steps on the scheduler: once when it starts, then once per interval of the clock")
    func runStepsAMoveTaskOnTheScheduler() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, clock in
            let (source, dlq) = try await deadLetters(queues, clock, count: 5)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await queues.run() }
                defer { group.cancelAll() }
                _ = try await queues.startMessageMoveTask(sourceArn: dlq, destinationArn: nil, maxPerSecond: 2)
                #expect(try await eventually { try queues.attributes(queueArn: source)["ApproximateNumberOfMessages"] == "2" })
                // The next step waits for the clock: a second later on the manual clock, not in real time.
                #expect(try await eventually { queues.scheduler.due(of: Scheduler.Key("queues.moveTasks")) == clock.now() + 1_000 })
                clock.advance(milliseconds: 1_000)
                #expect(try await eventually { try queues.attributes(queueArn: source)["ApproximateNumberOfMessages"] == "4" })
                #expect(try await eventually { queues.scheduler.due(of: Scheduler.Key("queues.moveTasks")) == clock.now() + 1_000 })
                clock.advance(milliseconds: 1_000)
                #expect(try await eventually { try queues.listMessageMoveTasks(sourceArn: dlq).first?["Status"] == "COMPLETED" })
                #expect(try queues.attributes(queueArn: source)["ApproximateNumberOfMessages"] == "5")
            }
        }
    }

    @Test func aMoveTaskMovesAtMostItsRatePerStepAndCancelStopsItMidway() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, clock in
            let (source, dlq) = try await deadLetters(queues, clock, count: 5)
            let handle = try await queues.startMessageMoveTask(sourceArn: dlq, destinationArn: nil, maxPerSecond: 2)
            let started = try #require(try queues.listMessageMoveTasks(sourceArn: dlq).first)
            #expect(started["Status"] == "RUNNING")
            #expect(started["ApproximateNumberOfMessagesToMove"] == 5)
            #expect(started["MaxNumberOfMessagesPerSecond"] == 2)
            await #expect(throws: QueueError.self) { try await queues.startMessageMoveTask(sourceArn: dlq, destinationArn: nil) }
            #expect(try await queues.advanceMoveTasks() == 2)
            #expect(try queues.attributes(queueArn: source)["ApproximateNumberOfMessages"] == "2")
            #expect(try await queues.cancelMessageMoveTask(handle: handle) == 2)
            #expect(try await queues.advanceMoveTasks() == 0)
            let cancelled = try #require(try queues.listMessageMoveTasks(sourceArn: dlq).first)
            #expect(cancelled["Status"] == "CANCELLED")
            #expect(cancelled["ApproximateNumberOfMessagesMoved"] == 2)
            #expect(try queues.attributes(queueArn: dlq)["ApproximateNumberOfMessages"] == "3")
            let again = await #expect(throws: QueueError.self) { try await queues.cancelMessageMoveTask(handle: handle) }
            #expect(again?.code == .unsupportedOperation)
        }
    }

    @Test func aMoveTaskResumesAfterARestartAndLeavesLaterDeadLettersAlone() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let dlq = try await withQueues(directory.path, clock: clock) { queues, clock in
            let (source, dlq) = try await deadLetters(queues, clock, count: 5)
            _ = try await queues.startMessageMoveTask(sourceArn: dlq, destinationArn: nil, maxPerSecond: 2)
            #expect(try await queues.advanceMoveTasks() == 2)
            // A message that becomes a dead letter after the start is not the task's.
            _ = try await queues.send(queueArn: source, messages: [OutgoingMessage(body: "later")])
            #expect(try await queues.receive(queueArn: source, maxMessages: 10, waitSeconds: 0).count == 3)
            return dlq
        }
        try await withQueues(directory.path, clock: clock) { queues, clock in
            clock.advance(milliseconds: 5_000)
            var moved = 0
            for _ in 0..<5 { moved += try await queues.advanceMoveTasks() }
            #expect(moved == 3)
            let task = try #require(try queues.listMessageMoveTasks(sourceArn: dlq).first)
            #expect(task["Status"] == "COMPLETED")
            #expect(task["ApproximateNumberOfMessagesMoved"] == 5)
            #expect(task["SteplineUpToSequence"] == nil)
            #expect(try queues.attributes(queueArn: dlq)["ApproximateNumberOfMessages"] == "0")
            #expect(try queues.log.verify().isClean)
        }
    }

    @Test func movedMessagesGoToTheDestinationWithAFreshReceiveCount() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, clock in
            let (_, dlq) = try await deadLetters(queues, clock, count: 2)
            let other = try await queues.createQueue(name: "other", attributes: [:])
            _ = try await queues.startMessageMoveTask(sourceArn: dlq, destinationArn: other.arn)
            #expect(try await queues.advanceMoveTasks() == 2)
            let received = try await queues.receive(queueArn: other.arn, maxMessages: 10, waitSeconds: 0)
            #expect(received.map(\.body) == ["m0", "m1"])
            #expect(received.allSatisfy { $0.systemAttributes["ApproximateReceiveCount"] == "1" })
        }
    }

    @Test func startRefusesAQueueNoQueueUsesAsItsDeadLetterQueueAndAnOutOfRangeRate() async throws {
        let directory = TemporaryDirectory()
        try await withQueues(directory.path) { queues, clock in
            let plain = try await queues.createQueue(name: "plain", attributes: [:])
            let notDLQ = await #expect(throws: QueueError.self) { try await queues.startMessageMoveTask(sourceArn: plain.arn, destinationArn: nil) }
            #expect(notDLQ?.code == .invalidParameterValue)
            let (_, dlq) = try await deadLetters(queues, clock, count: 1)
            let rate = await #expect(throws: QueueError.self) { try await queues.startMessageMoveTask(sourceArn: dlq, destinationArn: nil, maxPerSecond: 501) }
            #expect(rate?.code == .invalidParameterValue)
            let missing = await #expect(throws: QueueError.self) { try await queues.cancelMessageMoveTask(handle: "nope") }
            #expect(missing?.code == .resourceNotFound)
        }
    }
}
