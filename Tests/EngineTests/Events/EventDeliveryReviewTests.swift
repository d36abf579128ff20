import EventBuses
import EventLog
import Foundation
import JSON
import Queues
import Runtime
import TestSupport
import Testing
import Workflows

/// A handler map with one local command, `arn:stepline:handler:publish`, that
/// succeeds only once `marker` exists: a target that is broken until fixed.
func publishHandler(succeedingOnceExists marker: String) -> TaskHandlerMap {
    TaskHandlerMap([
        (
            pattern: "arn:stepline:handler:publish",
            handler: .command(
                arguments: ["/bin/sh", "-c", "cat >/dev/null; test -f '\(marker)' || { echo publish failed >&2; exit 1; }"],
                workingDirectory: nil,
                timeoutSeconds: 5
            )
        )
    ])
}

/// The member names of every record of `kinds` in `log`, in payload order, by kind:
/// the shared delivery lifecycle must write what each service wrote before it.
func recordMembers(_ log: EventLog, kinds: [RecordKind]) throws -> [RecordKind: Set<[String]>] {
    var members: [RecordKind: Set<[String]>] = [:]
    for entry in try log.entries(from: .first) where kinds.contains(entry.header.kind) {
        members[entry.header.kind, default: []].insert(try JSONParser.parse(bytes: entry.payload).objectValue?.keys ?? [])
    }
    return members
}

@Suite struct EventDeliveryReviewTests {
    @Test func queueTargetsReceiveTheEventInTheTransactionThatAcceptsIt() async throws {
        let directory = TemporaryDirectory()
        try await withBuses(directory.path) { (_: Engine, buses: EventBuses) async throws in
            let jobs = try await buses.queues.createQueue(name: "jobs", attributes: [:])
            let ordered = try await buses.queues.createQueue(name: "ordered.fifo", attributes: ["FifoQueue": "true"])
            _ = try await buses.putRule(RuleDefinition(name: "uploads", eventPattern: uploadPattern))
            await #expect(throws: EngineError.self) {
                _ = try await buses.putTargets(bus: nil, rule: "uploads", targets: [["Id": "fifo", "Arn": .string(ordered.arn)]])
            }
            let failed = try await buses.putTargets(
                bus: nil,
                rule: "uploads",
                targets: [
                    ["Id": "jobs", "Arn": .string(jobs.arn), "InputPath": "$.detail"],
                    ["Id": "fifo", "Arn": .string(ordered.arn), "SqsParameters": ["MessageGroupId": "uploads"]],
                ]
            )
            #expect(failed.isEmpty)
            let results = try await buses.putEvents([upload("a.mp4"), upload("b.mp4")])
            // Nothing is left to deliver once PutEvents answered: the messages committed with the events.
            #expect(try buses.pendingDeliveries().isEmpty)
            let received = try await buses.queues.receive(queueArn: jobs.arn, maxMessages: 10, waitSeconds: 0)
            #expect(Set(received.map(\.body)) == [#"{"key":"a.mp4","kind":"video"}"#, #"{"key":"b.mp4","kind":"video"}"#])
            let fifo = try await buses.queues.receive(queueArn: ordered.arn, maxMessages: 10, waitSeconds: 0)
            let ids = fifo.compactMap { try? JSONParser.parse($0.body)["id"]?.stringValue }
            #expect(ids == results.compactMap(\.eventId))
            #expect(fifo.allSatisfy { $0.systemAttributes["MessageGroupId"] == "uploads" })
            #expect(try buses.log.verify().isClean)
        }
    }

    @Test func aMissingQueueTargetIsDeadLetteredToTheTargetsQueueWithAWSAttributes() async throws {
        let directory = TemporaryDirectory()
        try await withBuses(directory.path) { (_: Engine, buses: EventBuses) async throws in
            let dlq = try await buses.queues.createQueue(name: "uploads-dlq", attributes: [:])
            _ = try await buses.putRule(RuleDefinition(name: "uploads", eventPattern: uploadPattern))
            _ = try await buses.putTargets(
                bus: nil,
                rule: "uploads",
                targets: [
                    [
                        "Id": "gone", "Arn": "arn:aws:sqs:us-east-1:123456789012:missing", "InputPath": "$.detail",
                        "DeadLetterConfig": ["Arn": .string(dlq.arn)],
                    ]
                ]
            )
            let eventId = try #require(try await buses.putEvents([upload("a.mp4")]).first?.eventId)
            // A target that does not exist is not retried (AWS sends it to the DLQ at once).
            #expect(try await eventually { try buses.deadLetters().count == 1 })
            let messages = try await buses.queues.receive(queueArn: dlq.arn, maxMessages: 10, waitSeconds: 0)
            let message = try #require(messages.first)
            #expect(messages.count == 1)
            #expect(try JSONParser.parse(message.body)["id"]?.stringValue == eventId)
            let attributes = message.attributes
            #expect(attributes["ERROR_CODE"]?["StringValue"] == "RESOURCE_NOT_FOUND")
            #expect(attributes["RULE_ARN"]?["StringValue"] == "arn:aws:events:us-east-1:123456789012:rule/uploads")
            #expect(attributes["TARGET_ARN"]?["StringValue"] == "arn:aws:sqs:us-east-1:123456789012:missing")
            #expect(attributes["RETRY_ATTEMPTS"]?["StringValue"] == "0")
            #expect(attributes["ERROR_MESSAGE"]?["StringValue"] != nil)
        }
    }

    @Test func aRedriveThatFailsAgainWaitsForReviewWithItsWholeHistoryAndIsRebuiltFromTheLog() async throws {
        let directory = TemporaryDirectory()
        let marker = directory.path + "/fixed"
        let clock = ManualClock()
        let deliveryId = try await withBuses(directory.path, clock: clock, handlers: publishHandler(succeedingOnceExists: marker)) {
            (engine: Engine, buses: EventBuses) async throws in
            let dlq = try await buses.queues.createQueue(name: "publish-dlq", attributes: [:])
            _ = try await buses.putRule(RuleDefinition(name: "uploads", eventPattern: uploadPattern))
            _ = try await buses.putTargets(
                bus: nil,
                rule: "uploads",
                targets: [
                    [
                        "Id": "publish", "Arn": "arn:stepline:handler:publish", "RetryPolicy": ["MaximumRetryAttempts": 1],
                        "DeadLetterConfig": ["Arn": .string(dlq.arn)],
                    ]
                ]
            )
            _ = try await buses.putEvents([upload("a.mp4")])
            #expect(
                try await eventually {
                    clock.advance(milliseconds: 60_000)
                    return try buses.deadLetters().count == 1
                }
            )
            let letter = try #require(try buses.deadLetters().first)
            #expect(letter.exhaustedRetryCondition == "MaximumRetryAttempts")
            #expect(letter.attributes["RETRY_ATTEMPTS"] == "1")
            try await buses.redrive(deliveryId: letter.delivery.deliveryId)
            #expect(
                try await eventually {
                    clock.advance(milliseconds: 60_000)
                    return try buses.reviewItems().count == 1
                }
            )
            #expect(try buses.deadLetters().isEmpty)
            let item = try #require(try buses.reviewItems().first)
            #expect(item.letter.delivery.redriveCount == 1)
            let types = try buses.history(of: item.letter.delivery).map(\.type)
            #expect(
                types == [
                    "events.event.accepted", "events.delivery.retried", "events.delivery.deadLettered", "events.delivery.redriven",
                    "events.delivery.retried", "events.delivery.deadLettered",
                ]
            )
            // Each exhaustion went to the dead-letter queue.
            #expect(try await buses.queues.receive(queueArn: dlq.arn, maxMessages: 10, waitSeconds: 0).count == 2)
            // Retried from review while still broken: back in review, one redrive more.
            try await buses.retryReviewItem(deliveryId: item.letter.delivery.deliveryId)
            #expect(
                try await eventually {
                    clock.advance(milliseconds: 60_000)
                    return try buses.reviewItems().first?.letter.delivery.redriveCount == 2
                }
            )
            try await buses.resolveReviewItem(deliveryId: item.letter.delivery.deliveryId, reason: "partner re-sent the file")
            #expect(try buses.reviewItems().isEmpty)
            await #expect(throws: EngineError.self) {
                try await buses.retryReviewItem(deliveryId: item.letter.delivery.deliveryId)
            }
            // The review view is derived: dropping and rebuilding the indexes gives the same bytes.
            #expect(try engine.log.verify().isClean)
            // Old logs replay: each record keeps the members, in the order, written before the lifecycle was shared.
            let kinds = (27...32).map { RecordKind(UInt16($0)) }
            #expect(
                try recordMembers(engine.log, kinds: kinds) == [
                    EventsRecordKind.deliveryRetried: [["deliveryId", "attempt", "due", "error", "message"]],
                    EventsRecordKind.deliveryDeadLettered: [["deliveryId", "error", "message", "time", "condition"]],
                    EventsRecordKind.deliveryRedriven: [["deliveryId", "due"]],
                    EventsRecordKind.reviewRetried: [["deliveryId", "due", "time"]],
                    EventsRecordKind.reviewResolved: [["deliveryId", "reason", "time"]],
                ])
            return item.letter.delivery.deliveryId
        }
        try await withBuses(directory.path) { (_: Engine, buses: EventBuses) async throws in
            let resolved = try #require(try buses.reviewItems(includeResolved: true).first)
            #expect(resolved.letter.delivery.deliveryId == deliveryId)
            #expect(resolved.resolution == "partner re-sent the file")
            #expect(try buses.history(of: resolved.letter.delivery).last?.type == "events.review.resolved")
        }
    }

    @Test func aRedrivenDeliveryThatSucceedsLeavesBothViews() async throws {
        let directory = TemporaryDirectory()
        let marker = directory.path + "/fixed"
        let clock = ManualClock()
        try await withBuses(directory.path, clock: clock, handlers: publishHandler(succeedingOnceExists: marker)) {
            (engine: Engine, buses: EventBuses) async throws in
            _ = try await buses.putRule(RuleDefinition(name: "uploads", eventPattern: uploadPattern))
            _ = try await buses.putTargets(
                bus: nil,
                rule: "uploads",
                targets: [["Id": "publish", "Arn": "arn:stepline:handler:publish", "RetryPolicy": ["MaximumRetryAttempts": 0]]]
            )
            _ = try await buses.putEvents([upload("a.mp4")])
            #expect(try await eventually { try buses.deadLetters().count == 1 })
            #expect(FileManager.default.createFile(atPath: marker, contents: Data()))
            try await buses.redrive(deliveryId: try #require(try buses.deadLetters().first).delivery.deliveryId)
            #expect(try await eventually { try buses.pendingDeliveries().isEmpty })
            #expect(try buses.deadLetters().isEmpty)
            #expect(try buses.reviewItems(includeResolved: true).isEmpty)
            #expect(try engine.log.verify().isClean)
        }
    }
}
