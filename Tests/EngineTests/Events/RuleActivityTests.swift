import EventBuses
import Foundation
import JSON
import TestSupport
import Testing
import Workflows

/// The counts the console's buses page shows, read from the log in one pass or incrementally.
@Suite struct RuleActivityTests {
    @Test func matchesInvocationsAndFailuresAreCountedPerRuleAndTargetAndAnIncrementalCountAgrees() async throws {
        let directory = TemporaryDirectory()
        try await withBuses(directory.path) { (engine: Engine, buses: EventBuses) async throws in
            let machine = try await engine.createStateMachine(
                name: "ingest",
                definition: #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#
            )
            _ = try await buses.putRule(RuleDefinition(name: "uploads", eventPattern: uploadPattern))
            // No handler serves the function: every attempt fails (RESOURCE_NOT_FOUND, not retried).
            let gone = "arn:aws:lambda:us-east-1:123456789012:function:retired"
            let failed = try await buses.putTargets(
                bus: nil,
                rule: "uploads",
                targets: [["Id": "ingest", "Arn": .string(machine.stateMachineArn)], ["Id": "gone", "Arn": .string(gone)]]
            )
            #expect(failed.isEmpty)
            _ = try await buses.putEvents([upload("a.mp4"), upload("b.mp4"), upload("c.jpg", kind: "image")])
            #expect(try await eventually { try buses.pendingDeliveries().isEmpty })
            var tally = RuleActivityTally()
            try buses.updateRuleActivity(&tally)
            let first = try #require(tally.rules["default\u{0}uploads"])
            #expect(first.matches == 2)
            #expect(
                first.targets["ingest"]
                    == {
                        var activity = TargetActivity()
                        activity.invocations = 2
                        return activity
                    }()
            )
            #expect(first.targets["gone"]?.invocations == 2)
            #expect(first.targets["gone"]?.failures == 2)
            let scanned = tally.scannedThrough

            _ = try await buses.putEvents([upload("d.mp4")])
            #expect(try await eventually { try buses.pendingDeliveries().isEmpty })
            try buses.updateRuleActivity(&tally)
            #expect(tally.scannedThrough > scanned)
            #expect(tally.rules["default\u{0}uploads"]?.matches == 3)
            #expect(tally.rules == (try buses.ruleActivity()))
        }
    }
}
