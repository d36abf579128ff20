import EventBuses
import JSON
import Runtime
import TestSupport
import Testing
import Workflows

/// `ListRuleNamesByTarget` read from the targets view, and `PutRule`'s empty pattern.
@Suite struct RuleNamesByTargetTests {
    @Test func rulesOfATargetAreNamedOncePerBusAndSurviveAReopen() async throws {
        let directory = TemporaryDirectory()
        let queue = "arn:aws:sqs:us-east-1:123456789012:jobs"
        try await withBuses(directory.path) { (_: Engine, buses: EventBuses) async throws in
            for name in ["b", "a", "c"] { _ = try await buses.putRule(RuleDefinition(name: name, eventPattern: uploadPattern)) }
            _ = try await buses.putTargets(bus: nil, rule: "b", targets: [["Id": "1", "Arn": .string(queue)], ["Id": "2", "Arn": .string(queue)]])
            _ = try await buses.putTargets(bus: nil, rule: "a", targets: [["Id": "1", "Arn": .string(queue)]])
            _ = try await buses.putTargets(bus: nil, rule: "c", targets: [["Id": "1", "Arn": "arn:aws:sqs:us-east-1:123456789012:other"]])
            _ = try await buses.createEventBus(name: "orders", description: nil)
            _ = try await buses.putRule(RuleDefinition(name: "z", eventBusName: "orders", eventPattern: uploadPattern))
            _ = try await buses.putTargets(bus: "orders", rule: "z", targets: [["Id": "1", "Arn": .string(queue)]])
            #expect(try buses.listRuleNames(byTarget: queue, bus: nil) == ["a", "b"])
            try await buses.removeTargets(bus: nil, rule: "a", ids: ["1"])
        }
        try await withBuses(directory.path) { (_: Engine, buses: EventBuses) async throws in
            #expect(try buses.listRuleNames(byTarget: queue, bus: nil) == ["b"])
            #expect(try buses.listRuleNames(byTarget: queue, bus: "orders") == ["z"])
            #expect(throws: EngineError.self) { try buses.listRuleNames(byTarget: queue, bus: "missing") }
        }
    }

    @Test func anEmptyPatternIsNoPattern() async throws {
        let directory = TemporaryDirectory()
        try await withBuses(directory.path) { (_: Engine, buses: EventBuses) async throws in
            await #expect(throws: EngineError.self) { _ = try await buses.putRule(RuleDefinition(name: "empty", eventPattern: "")) }
            _ = try await buses.putRule(RuleDefinition(name: "hourly", eventPattern: "", scheduleExpression: "rate(1 hour)"))
            let rule = try buses.describeRule(bus: nil, name: "hourly")
            #expect(rule["EventPattern"] == nil)
            #expect(rule["ScheduleExpression"]?.stringValue == "rate(1 hour)")
        }
    }
}
