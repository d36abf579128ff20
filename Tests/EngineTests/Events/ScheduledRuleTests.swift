import EventBuses
import EventLog
import Foundation
import JSON
import Runtime
import TestSupport
import Testing
import Workflows

/// A Pass state machine and a rule target that starts it, so each delivered event is one execution.
func recordingTarget(_ engine: Engine, _ buses: EventBuses, rule: String, machine: String = "record") async throws -> String {
    let created = try await engine.createStateMachine(
        name: machine, definition: #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#)
    let failed = try await buses.putTargets(bus: nil, rule: rule, targets: [["Id": "record", "Arn": .string(created.stateMachineArn)]])
    #expect(failed.isEmpty)
    return created.stateMachineArn
}

/// The inputs of the executions of `machine`, oldest first, once no delivery is pending
/// and the engine applied the start commands of those delivered.
func deliveredInputs(_ engine: Engine, _ buses: EventBuses, _ machine: String) async throws -> [JSONValue] {
    #expect(try await eventually { try buses.pendingDeliveries().isEmpty })
    #expect(try await startCommandsApplied(engine))
    return try engine.listExecutions(stateMachineArn: machine).executions.sorted { $0.startDate < $1.startDate }.map(\.input)
}

@Suite struct ScheduledRuleTests {
    @Test("with EventBusClock running, a rate rule fires when the clock reaches its time, and not before")
    func theClockFiresARateRuleOnTheScheduler() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        try await withBuses(directory.path, clock: clock) { (engine: Engine, buses: EventBuses) async throws in
            _ = try await buses.putRule(RuleDefinition(name: "every5", scheduleExpression: "rate(5 minutes)"))
            let machine = try await recordingTarget(engine, buses, rule: "every5")
            try await withThrowingTaskGroup(of: Void.self) { (group: inout ThrowingTaskGroup<Void, any Error>) async throws in
                group.addTask { try await EventBusClock(buses: buses).run() }
                defer { group.cancelAll() }
                let start = clock.now()
                // The next fire waits on the scheduler at its time: nothing is due before it.
                #expect(try await eventually { engine.scheduler.due(of: Scheduler.Key("events.clock")) == start + 5 * 60_000 })
                clock.advance(milliseconds: 5 * 60_000)
                #expect(try await eventually { try engine.listExecutions(stateMachineArn: machine).executions.count == 1 })
                #expect(try await eventually { engine.scheduler.due(of: Scheduler.Key("events.clock")) == start + 10 * 60_000 })
                clock.advance(milliseconds: 5 * 60_000)
                #expect(try await eventually { try engine.listExecutions(stateMachineArn: machine).executions.count == 2 })
            }
        }
    }

    @Test func aRateRuleFiresAScheduledEventToItsTargetsOncePerPeriod() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        try await withBuses(directory.path, clock: clock) { (engine: Engine, buses: EventBuses) async throws in
            let arn = try await buses.putRule(RuleDefinition(name: "every5", scheduleExpression: "rate(5 minutes)"))
            let machine = try await recordingTarget(engine, buses, rule: "every5")
            #expect(try await buses.fireDueSchedules() == 0)
            clock.advance(milliseconds: 5 * 60_000)
            #expect(try await buses.fireDueSchedules() == 1)
            #expect(try await buses.fireDueSchedules() == 0)
            let inputs = try await deliveredInputs(engine, buses, machine)
            #expect(inputs.count == 1)
            let event = try #require(inputs.first)
            #expect(event["source"] == "aws.events")
            #expect(event["detail-type"] == "Scheduled Event")
            #expect(event["resources"] == [.string(arn)])
            #expect(event["detail"] == [:])
            #expect(event["time"] == "2023-11-14T22:18:20Z")
            #expect(try buses.describeRule(bus: nil, name: "every5")["ScheduleExpression"] == "rate(5 minutes)")
        }
    }

    @Test func missedFiresAreSentOnceAfterAPauseAndARestart() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let machine = try await withBuses(directory.path, clock: clock) { (engine: Engine, buses: EventBuses) async throws in
            _ = try await buses.putRule(RuleDefinition(name: "hourly", scheduleExpression: "rate(1 hour)"))
            let machine = try await recordingTarget(engine, buses, rule: "hourly")
            clock.advance(milliseconds: 3 * 3_600_000 + 60_000)
            #expect(try await buses.fireDueSchedules() == 1)
            #expect(try await deliveredInputs(engine, buses, machine).map { $0["time"] } == ["2023-11-15T01:13:20Z"])
            return machine
        }
        // Down for five hours: one fire on waking, for the latest hour, then on schedule.
        clock.advance(milliseconds: 5 * 3_600_000)
        try await withBuses(directory.path, clock: clock) { (engine: Engine, buses: EventBuses) async throws in
            #expect(try await buses.fireDueSchedules() == 1)
            #expect(try await buses.fireDueSchedules() == 0)
            clock.advance(milliseconds: 3_600_000)
            #expect(try await buses.fireDueSchedules() == 1)
            let times = try await deliveredInputs(engine, buses, machine).compactMap { $0["time"]?.stringValue }.sorted()
            #expect(times == ["2023-11-15T01:13:20Z", "2023-11-15T06:13:20Z", "2023-11-15T07:13:20Z"])
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test func twoConcurrentCallersFireADueScheduleOnce() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        try await withBuses(directory.path, clock: clock) { (engine: Engine, buses: EventBuses) async throws in
            _ = try await buses.putRule(RuleDefinition(name: "minute", scheduleExpression: "rate(1 minute)"))
            let machine = try await recordingTarget(engine, buses, rule: "minute")
            clock.advance(milliseconds: 60_000)
            async let first = buses.fireDueSchedules()
            async let second = buses.fireDueSchedules()
            #expect(try await first + second == 1)
            #expect(try await deliveredInputs(engine, buses, machine).count == 1)
        }
    }

    @Test func aCronRuleFiresAtItsMinuteAndADisabledRuleDoesNot() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        try await withBuses(directory.path, clock: clock) { (engine: Engine, buses: EventBuses) async throws in
            _ = try await buses.putRule(RuleDefinition(name: "noon", scheduleExpression: "cron(0 12 * * ? *)"))
            _ = try await buses.putRule(RuleDefinition(name: "off", scheduleExpression: "rate(1 minute)", state: "DISABLED"))
            let machine = try await recordingTarget(engine, buses, rule: "noon")
            // 2023-11-14T22:13:20Z to 2023-11-15T11:59:59Z.
            clock.advance(milliseconds: 49_599_000)
            #expect(try await buses.fireDueSchedules() == 0)
            clock.advance(milliseconds: 1_000)
            #expect(try await buses.fireDueSchedules() == 1)
            #expect(try await deliveredInputs(engine, buses, machine).map { $0["time"] } == ["2023-11-15T12:00:00Z"])
        }
    }

    @Test func invalidSchedulesAndSchedulesOffTheDefaultBusAreRefused() async throws {
        let directory = TemporaryDirectory()
        try await withBuses(directory.path) { (_: Engine, buses: EventBuses) async throws in
            let invalid = await #expect(throws: EngineError.self) {
                try await buses.putRule(RuleDefinition(name: "bad", scheduleExpression: "rate(5 minute)"))
            }
            #expect(invalid?.code == .validation)
            #expect(invalid?.message.contains("rate() unit") == true)
            _ = try await buses.createEventBus(name: "partners", description: nil)
            let offDefault = await #expect(throws: EngineError.self) {
                try await buses.putRule(RuleDefinition(name: "tick", eventBusName: "partners", scheduleExpression: "rate(1 minute)"))
            }
            #expect(offDefault?.message == "ScheduleExpression is supported only on the default event bus.")
        }
    }
}
