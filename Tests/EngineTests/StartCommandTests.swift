import EventLog
import JSON
import Runtime
import StatesLanguage
import Stepline
import SteplineTesting
import TestSupport
import Testing
import Workflows

/// The records of `kind` in the whole log.
private func records(_ log: EventLog, of kind: RecordKind) throws -> [LogEntry] {
    try log.entries(from: .first).filter { $0.header.kind == kind }
}

private let waitForever = #"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}}"#

@Suite("Start commands")
struct StartCommandTests {
    @Test("a start command committed by another service's transaction is applied exactly once, also across a reopen")
    func foreignCommandAppliedOnce() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path
        // Committed while the engine does not run: recovery applies it at the next open.
        let machineArn = try await withStepline(path, running: false) { stepline in
            let engine = stepline.engine
            let machine = try await engine.createStateMachine(name: "target", definition: waitForever)
            let command = engine.startCommand(of: machine.stateMachineArn, named: "from-rule", input: #"{"n": 1}"#, at: 1_000)
            try await engine.log.append([command])
            #expect(try engine.pendingStartCommands().count == 1)
            return machine.stateMachineArn
        }
        try await withStepline(path) { stepline in
            let engine = stepline.engine
            #expect(try await eventually { try engine.pendingStartCommands().isEmpty })
            let first = try await engine.describeExecution(arn: "arn:aws:states:us-east-1:123456789012:execution:target:from-rule")
            #expect(first.input == ["n": 1])
            // Committed while it runs: the engine follows the log and applies it.
            let command = engine.startCommand(of: machineArn, named: "live", input: "{}", at: 2_000)
            try await engine.log.append([command])
            #expect(try await eventually { try engine.pendingStartCommands().isEmpty })
            #expect(try engine.listExecutions(stateMachineArn: machineArn).executions.count == 2)
        }
        try await withStepline(path) { stepline in
            let engine = stepline.engine
            // Nothing is applied again after the reopen.
            #expect(try engine.listExecutions(stateMachineArn: machineArn).executions.map(\.name).sorted() == ["from-rule", "live"])
            let applied = try records(engine.log, of: EngineRecordKind.startApplied)
            #expect(applied.count == 2)
            let requested = try records(engine.log, of: EngineRecordKind.startRequested).map(\.sequence)
            let marks = try applied.map { try StartApplied(recordJSON: try JSONParser.parse(bytes: $0.payload)).command }
            #expect(marks == requested)
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("a start command for a state machine that does not exist is marked applied with the refusal")
    func refusedForeignCommand() async throws {
        let directory = TemporaryDirectory()
        try await withStepline(directory.path) { stepline in
            let engine = stepline.engine
            let missing = "arn:aws:states:us-east-1:123456789012:stateMachine:missing"
            try await engine.log.append([engine.startCommand(of: missing, named: "x", input: "{}", at: 1)])
            #expect(try await eventually { try records(engine.log, of: EngineRecordKind.startApplied).count == 1 })
            let mark = try StartApplied(
                recordJSON: try JSONParser.parse(bytes: try records(engine.log, of: EngineRecordKind.startApplied)[0].payload))
            #expect(mark.error == "StepFunctions.StateMachineDoesNotExistException")
            #expect(try engine.pendingStartCommands().isEmpty)
        }
    }

    @Test("a parent's states:startExecution step carries the child's start command, applied after a restart when it was not before")
    func parentCommandAppliedAfterRestart() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path
        let parentArn = try await withStepline(path, running: false) { stepline in
            let engine = stepline.engine
            let child = try await engine.createStateMachine(name: "child", definition: waitForever)
            let parent = try await engine.createStateMachine(
                name: "parent",
                definition: """
                    {"StartAt": "Start", "States": {"Start": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
                      "Parameters": {"StateMachineArn": "\(child.stateMachineArn)", "Name": "kid", "Input": {"x": 1}}, "End": true}}}
                    """
            )
            let started = try await engine.startExecution(stateMachineArn: parent.stateMachineArn, name: "p")
            // The step that scheduled the task committed its command; nothing applied it yet.
            let commands = try engine.pendingStartCommands()
            #expect(commands.map(\.command.name) == ["kid"])
            #expect(commands.first?.command.parent?.executionArn == started.executionArn)
            return started.executionArn
        }
        try await withStepline(path) { stepline in
            let engine = stepline.engine
            let done = try await engine.awaitCompletion(executionArn: parentArn)
            #expect(done.status == .succeeded)
            let childArn = "arn:aws:states:us-east-1:123456789012:execution:child:kid"
            #expect(done.output?["ExecutionArn"] == .string(childArn))
            let kid = try await engine.describeExecution(arn: childArn)
            #expect(kid.parentExecutionArn == parentArn)
            #expect(kid.input == ["x": 1])
            #expect(try engine.pendingStartCommands().isEmpty)
        }
        try await withStepline(path) { stepline in
            let engine = stepline.engine
            let children = try engine.listExecutions(stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:child")
            #expect(children.executions.count == 1)
            #expect(try records(engine.log, of: EngineRecordKind.startApplied).count == 1)
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("a parent's task naming a state machine that does not exist fails with the refusal, in the step that marks the command applied")
    func parentCommandRefused() async throws {
        let directory = TemporaryDirectory()
        try await withStepline(directory.path) { stepline in
            let engine = stepline.engine
            let parent = try await engine.createStateMachine(
                name: "parent",
                definition: """
                    {"StartAt": "Start", "States": {"Start": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
                      "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:gone"}, "End": true}}}
                    """
            )
            let started = try await engine.startExecution(stateMachineArn: parent.stateMachineArn)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .failed)
            #expect(done.error == "StepFunctions.StateMachineDoesNotExistException")
            let mark = try #require(try records(engine.log, of: EngineRecordKind.startApplied).first)
            let failure = try #require(
                try engine.log.entries(ofStream: mark.header.stream).last { $0.header.kind == EngineRecordKind.executionStep })
            #expect(failure.sequence.next == mark.sequence || failure.sequence == mark.sequence.next)
            #expect(try engine.pendingStartCommands().isEmpty)
        }
    }
}

@Suite("Record appliers")
struct RecordApplierTests {
    @Test("every version the engine's kinds register has an index applier, and no applier has a version the log would refuse")
    func appliersMatchRegisteredVersions() {
        let kinds = EngineRecordKind.all
        for kind in EngineIndex.appliers.kinds {
            let registration = kinds[kind]
            #expect(registration != nil, "\(kind) has an applier but no registration")
            if let registration {
                #expect(EngineIndex.appliers.versions(of: kind) == Array(registration.versions), "\(registration.name)")
            }
        }
    }
}
