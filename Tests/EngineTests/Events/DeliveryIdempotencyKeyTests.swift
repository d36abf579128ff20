import EventBuses
import Foundation
import JSON
import Runtime
import SteplineTesting
import TestSupport
import Testing
import Workflows

/// The idempotency keys bus deliveries carry (``IdempotencyKey``): one per effect,
/// the same across that effect's retries.
@Suite struct DeliveryIdempotencyKeyTests {
    @Test func twoRulesMatchingOneEventDeliverUnderTwoKeysThatTheirRetriesKeep() async throws {
        let directory = TemporaryDirectory()
        let ledger = directory.path + "/keys.txt"
        let clock = ManualClock()
        // Records each key it is called with and fails the first call of each, so every
        // delivery is retried once.
        let script = """
            cat >/dev/null; echo "$STEPLINE_IDEMPOTENCY_KEY" >> '\(ledger)'; \
            [ "$(grep -cxF "$STEPLINE_IDEMPOTENCY_KEY" '\(ledger)')" -ge 2 ]
            """
        let handlers = TaskHandlerMap([
            (
                pattern: "arn:stepline:handler:record",
                handler: .command(arguments: ["/bin/sh", "-c", script], workingDirectory: nil, timeoutSeconds: 5)
            )
        ])
        try await withBuses(directory.path, clock: clock, handlers: handlers) { (_: Engine, buses: EventBuses) async throws in
            for rule in ["first", "second"] {
                _ = try await buses.putRule(RuleDefinition(name: rule, eventPattern: uploadPattern))
                _ = try await buses.putTargets(bus: nil, rule: rule, targets: [["Id": "record", "Arn": "arn:stepline:handler:record"]])
            }
            let eventId = try #require(try await buses.putEvents([upload("a.mp4")]).first?.eventId)
            #expect(
                try await eventually {
                    clock.advance(milliseconds: 60_000)
                    return try buses.pendingDeliveries().isEmpty
                }
            )
            let keys = try String(contentsOfFile: ledger, encoding: .utf8).split(separator: "\n").map(String.init)
            let expected = ["first", "second"].map {
                IdempotencyKey.eventDelivery(
                    eventId: eventId, ruleArn: "arn:aws:events:us-east-1:123456789012:rule/\($0)", targetId: "record")
            }
            #expect(keys.sorted() == (expected + expected).sorted())
            #expect(try buses.deadLetters().isEmpty)
        }
    }

    @Test func keysNameWhatIsDeliveredAndWhoReceivesIt() {
        #expect(IdempotencyKey.taskAttempt(executionArn: "arn:x", enteredEventId: 4, attempt: 1, redriveCount: 0) == "arn:x/4/1")
        #expect(IdempotencyKey.taskAttempt(executionArn: "arn:x", enteredEventId: 4, attempt: 1, redriveCount: 2) == "arn:x/4/1/redrive-2")
        #expect(
            IdempotencyKey.topicDelivery(messageId: "m", subscriptionArn: "arn:s:1")
                != IdempotencyKey.topicDelivery(messageId: "m", subscriptionArn: "arn:s:2"))
        #expect(IdempotencyKey.pipeStep(pipe: "p", batchId: "b", step: "target") == "pipe/p/b/target")
    }
}
