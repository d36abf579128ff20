import EventBuses
import EventLog
import Foundation
import JSON
import Runtime
import Stepline
import SteplineTesting
import TestSupport
import Testing
import Workflows

/// The engine and event buses of ``withStepline(_:clock:running:configure:_:)``,
/// on the system clock unless `clock` is given.
func withBuses<Result: Sendable>(
    _ directory: String,
    clock: any RuntimeClock = SystemClock(),
    handlers: TaskHandlerMap = TaskHandlerMap(),
    _ body: @Sendable (Engine, EventBuses) async throws -> Result
) async throws -> Result {
    try await withStepline(directory, clock: clock, configure: { $0.handlers = handlers }) { try await body($0.engine, $0.buses) }
}

/// Waits until the engine applied every start command committed so far (those of rule
/// and pipe state-machine targets): their executions exist from then on.
func startCommandsApplied(_ engine: Engine) async throws -> Bool {
    try await eventually { try engine.pendingStartCommands().isEmpty }
}

private let passMachine = #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#

let uploadPattern = #"{"source": ["partner.uploads"], "detail": {"kind": ["video"]}}"#

func upload(_ key: String, kind: String = "video", bus: String? = nil) -> EventEntry {
    EventEntry(
        source: "partner.uploads",
        detailType: "Object Created",
        detail: #"{"key": "\#(key)", "kind": "\#(kind)"}"#,
        eventBusName: bus
    )
}

@Suite struct EventBusTests {
    @Test func aMatchingEventStartsExactlyOneExecutionWithTheTransformedInput() async throws {
        let directory = TemporaryDirectory()
        let machineArn = try await withBuses(directory.path) { (engine: Engine, buses: EventBuses) async throws in
            let machine = try await engine.createStateMachine(
                name: "ingest",
                definition: #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#
            )
            _ = try await buses.putRule(RuleDefinition(name: "uploads", eventPattern: uploadPattern))
            let failed = try await buses.putTargets(
                bus: nil,
                rule: "uploads",
                targets: [
                    [
                        "Id": "ingest", "Arn": .string(machine.stateMachineArn),
                        "InputTransformer": [
                            "InputPathsMap": ["key": "$.detail.key"], "InputTemplate": #"{"object": <key>, "rule": <aws.events.rule-name>}"#,
                        ],
                    ]
                ]
            )
            #expect(failed.isEmpty)
            let results = try await buses.putEvents([upload("a.mp4"), upload("b.jpg", kind: "image")])
            #expect(results.allSatisfy { $0.eventId != nil })
            #expect(try await eventually { try buses.pendingDeliveries().isEmpty })
            #expect(try await startCommandsApplied(engine))
            let executions = try engine.listExecutions(stateMachineArn: machine.stateMachineArn).executions
            #expect(executions.count == 1)
            #expect(executions.first?.input == ["object": "a.mp4", "rule": "uploads"])
            #expect(try engine.log.verify().isClean)
            return machine.stateMachineArn
        }
        // Reopening (recovery) finds nothing pending and starts nothing again.
        try await withBuses(directory.path) { (engine: Engine, buses: EventBuses) async throws in
            #expect(try buses.pendingDeliveries().isEmpty)
            #expect(try engine.listExecutions(stateMachineArn: machineArn).executions.count == 1)
            #expect(try buses.listRules(bus: nil, namePrefix: "up").count == 1)
            #expect(try buses.listTargets(bus: nil, rule: "uploads").count == 1)
        }
    }

    @Test func aFailingHandlerTargetIsRetriedThenDeadLetteredAndRedriven() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        // A local handler command that always fails (an unreachable HTTP endpoint
        // takes AsyncHTTPClient's whole connect timeout per attempt).
        let handlers = TaskHandlerMap([
            (
                pattern: "arn:stepline:handler:publish",
                handler: .command(
                    arguments: ["/bin/sh", "-c", "cat >/dev/null; echo publish failed >&2; exit 1"],
                    workingDirectory: nil,
                    timeoutSeconds: 5
                )
            )
        ])
        try await withBuses(directory.path, clock: clock, handlers: handlers) { (engine: Engine, buses: EventBuses) async throws in
            _ = try await buses.putRule(RuleDefinition(name: "uploads", eventPattern: uploadPattern))
            _ = try await buses.putTargets(
                bus: nil,
                rule: "uploads",
                targets: [
                    [
                        "Id": "publish", "Arn": "arn:stepline:handler:publish",
                        "RetryPolicy": ["MaximumRetryAttempts": 2],
                        "DeadLetterConfig": ["Arn": "arn:aws:sqs:us-east-1:123456789012:uploads-dlq"],
                    ]
                ]
            )
            _ = try await buses.putEvents([upload("a.mp4")])
            let deadLettered = try await eventually {
                clock.advance(milliseconds: 60_000)
                return try buses.deadLetters().count == 1
            }
            let stillPending = try buses.pendingDeliveries().map { "\($0.attempt) \($0.lastMessage ?? "")" }
            #expect(deadLettered, "pending: \(stillPending)")
            let letter = try #require(try buses.deadLetters().first)
            #expect(letter.delivery.attempt == 2)
            #expect(letter.attributes["ERROR_CODE"] == "SDK_CLIENT_ERROR")
            #expect(letter.attributes["RULE_ARN"] == "arn:aws:events:us-east-1:123456789012:rule/uploads")
            #expect(letter.attributes["TARGET_ARN"] == "arn:stepline:handler:publish")
            #expect(letter.delivery.deadLetterArn == "arn:aws:sqs:us-east-1:123456789012:uploads-dlq")
            #expect(try buses.pendingDeliveries().isEmpty)
            try await buses.redrive(deliveryId: letter.delivery.deliveryId)
            #expect(try buses.deadLetters().isEmpty)
            // Failing again after the redrive, it waits for a person rather than in the dead letters.
            #expect(
                try await eventually {
                    clock.advance(milliseconds: 60_000)
                    return try buses.reviewItems().first?.letter.delivery.redriveCount == 1
                }
            )
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("a rule's start command commits with the event and starts one execution, also when the process stopped before applying it")
    func aRuleStartCommandCommittedWithTheEventStartsOneExecutionAcrossAReopen() async throws {
        let directory = TemporaryDirectory()
        // The engine does not run: the process stops after the event's commit, before the start.
        let machineArn = try await withStepline(directory.path, clock: SystemClock(), running: false) { stepline in
            let (engine, buses) = (stepline.engine, stepline.buses)
            let machine = try await engine.createStateMachine(name: "ingest", definition: passMachine)
            _ = try await buses.putRule(RuleDefinition(name: "uploads", eventPattern: uploadPattern))
            let target: JSONValue = ["Id": "ingest", "Arn": .string(machine.stateMachineArn), "InputPath": "$.detail"]
            _ = try await buses.putTargets(bus: nil, rule: "uploads", targets: [target])
            _ = try await buses.putEvents([upload("a.mp4")])
            // Delivered in the event's own transaction: the success and the command committed with it.
            #expect(try buses.pendingDeliveries().isEmpty)
            #expect(try engine.pendingStartCommands().map(\.command.stateMachineArn) == [machine.stateMachineArn])
            #expect(try engine.listExecutions(stateMachineArn: machine.stateMachineArn).executions.isEmpty)
            return machine.stateMachineArn
        }
        try await withBuses(directory.path) { (engine: Engine, buses: EventBuses) async throws in
            #expect(try await startCommandsApplied(engine))
            #expect(try engine.listExecutions(stateMachineArn: machineArn).executions.map(\.input) == [["key": "a.mp4", "kind": "video"]])
            #expect(try buses.pendingDeliveries().isEmpty)
        }
        try await withBuses(directory.path) { (engine: Engine, _: EventBuses) async throws in
            #expect(try engine.listExecutions(stateMachineArn: machineArn).executions.count == 1)
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test func aTargetNamingAMissingStateMachineIsDeadLetteredAndRedrivenOnceItExistsStartsOneExecution() async throws {
        let directory = TemporaryDirectory()
        try await withBuses(directory.path) { (engine: Engine, buses: EventBuses) async throws in
            let arn = "arn:aws:states:us-east-1:123456789012:stateMachine:later"
            _ = try await buses.putRule(RuleDefinition(name: "uploads", eventPattern: uploadPattern))
            _ = try await buses.putTargets(bus: nil, rule: "uploads", targets: [["Id": "later", "Arn": .string(arn)]])
            _ = try await buses.putEvents([upload("a.mp4")])
            // Not retried, as AWS does not retry a target that does not exist; no start command written.
            #expect(try await eventually { try buses.deadLetters().count == 1 })
            let letter = try #require(try buses.deadLetters().first)
            #expect(letter.attributes["ERROR_CODE"] == "RESOURCE_NOT_FOUND")
            #expect(try engine.pendingStartCommands().isEmpty)
            #expect(try engine.log.entries(from: .first).allSatisfy { $0.header.kind != EngineRecordKind.startRequested })
            _ = try await engine.createStateMachine(name: "later", definition: passMachine)
            try await buses.redrive(deliveryId: letter.delivery.deliveryId)
            #expect(try await eventually { try buses.pendingDeliveries().isEmpty && buses.deadLetters().isEmpty })
            #expect(try await startCommandsApplied(engine))
            #expect(try engine.listExecutions(stateMachineArn: arn).executions.count == 1)
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test func anEventForwardedToAnotherBusIsAcceptedThereOnce() async throws {
        let directory = TemporaryDirectory()
        try await withBuses(directory.path) { (engine: Engine, buses: EventBuses) async throws in
            let machine = try await engine.createStateMachine(
                name: "archive",
                definition: #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#
            )
            let partnerArn = try await buses.createEventBus(name: "partner", description: "partner events")
            _ = try await buses.putRule(RuleDefinition(name: "forward", eventPattern: uploadPattern))
            _ = try await buses.putTargets(bus: nil, rule: "forward", targets: [["Id": "bus", "Arn": .string(partnerArn)]])
            _ = try await buses.putRule(RuleDefinition(name: "archive", eventBusName: "partner", eventPattern: uploadPattern))
            _ = try await buses.putTargets(
                bus: "partner",
                rule: "archive",
                targets: [["Id": "sm", "Arn": .string(machine.stateMachineArn), "InputPath": "$.detail"]]
            )
            _ = try await buses.putEvents([upload("c.mp4")])
            #expect(try await eventually { try buses.pendingDeliveries().isEmpty })
            #expect(try await startCommandsApplied(engine))
            let executions = try engine.listExecutions(stateMachineArn: machine.stateMachineArn).executions
            #expect(executions.map(\.input) == [["key": "c.mp4", "kind": "video"]])
        }
    }

    @Test func invalidRequestsAreRefusedWithAWSErrors() async throws {
        let directory = TemporaryDirectory()
        try await withBuses(directory.path) { (_: Engine, buses: EventBuses) async throws in
            await #expect(throws: EngineError.self) { try await buses.putRule(RuleDefinition(name: "bad", eventPattern: #"{"source": "x"}"#)) }
            do {
                _ = try await buses.putRule(RuleDefinition(name: "bad", eventPattern: #"{"source": "x"}"#))
            } catch let error as EngineError {
                #expect(error.code == .invalidEventPattern)
            }
            do {
                _ = try buses.describeEventBus(name: "nope")
                Issue.record("an unknown bus was described")
            } catch let error as EngineError {
                #expect(error.code == .resourceNotFound)
            }
            do {
                _ = try await buses.putEvents(Array(repeating: upload("x"), count: 11))
                Issue.record("11 entries were accepted")
            } catch let error as EngineError {
                #expect(error.code == .validation)
            }
            let results = try await buses.putEvents([
                EventEntry(source: "s", detailType: "t", detail: "[1]"), upload("y", bus: "missing"), upload("z"),
            ])
            #expect(results.map(\.errorCode) == ["MalformedDetail", "ResourceNotFoundException", nil])
            _ = try await buses.putRule(RuleDefinition(name: "keep", eventPattern: uploadPattern))
            _ = try await buses.putTargets(bus: nil, rule: "keep", targets: [["Id": "h", "Arn": "http://127.0.0.1:9/"]])
            do {
                try await buses.deleteRule(bus: nil, name: "keep")
                Issue.record("a rule with targets was deleted")
            } catch let error as EngineError {
                #expect(error.message == "Rule can't be deleted since it has targets.")
            }
            try await buses.removeTargets(bus: nil, rule: "keep", ids: ["h"])
            try await buses.deleteRule(bus: nil, name: "keep")
            #expect(try buses.listRules(bus: nil, namePrefix: nil).isEmpty)
        }
    }
}
