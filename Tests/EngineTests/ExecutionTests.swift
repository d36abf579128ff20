import EventLog
import JSON
import Runtime
import StatesLanguage
import TestSupport
import Testing
import Workflows

@Suite("Executions on the log")
struct ExecutionTests {
    @Test("a Pass/Choice/Succeed execution finishes, and its description and history survive a reopen")
    func passChoiceSucceedSurvivesReopen() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path
        let (arn, historyTypes) = try await withEngine(path) { engine in
            let machine = try await engine.createStateMachine(name: "chain", definition: passChain)
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "one", input: #"{"go": true}"#)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .succeeded)
            #expect(done.output == ["go": true, "p1": ["n": 1]])
            return (started.executionArn, try engine.history(executionArn: started.executionArn).events.map(\.type))
        }
        #expect(historyTypes.first == "ExecutionStarted")
        #expect(historyTypes.last == "ExecutionSucceeded")
        #expect(historyTypes.contains("ChoiceStateExited"))
        try await withEngine(path) { engine in
            let row = try await engine.describeExecution(arn: arn)
            #expect(row.status == .succeeded)
            #expect(try engine.history(executionArn: arn).events.map(\.type) == historyTypes)
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("a Fail state fails the execution with its error and cause and puts it in the dead-letter view")
    func failStateFailsExecution() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path) { engine in
            let machine = try await engine.createStateMachine(name: "chain", definition: passChain)
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "bad", input: #"{"go": false}"#)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .failed)
            #expect(done.error == "Custom.Bad")
            #expect(done.cause == "go was not true")
            #expect(try engine.deadLetters().map(\.executionArn) == [started.executionArn])
        }
    }

    @Test("starting the same name with the same input returns the running execution; other input is ExecutionAlreadyExists")
    func startIsIdempotentByName() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        try await withEngine(directory.path, clock: clock) { engine in
            let machine = try await engine.createStateMachine(
                name: "waits",
                definition: #"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}}"#
            )
            let first = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "n", input: #"{"a": 1}"#)
            let again = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "n", input: #"{ "a" : 1 }"#)
            #expect(first == again)
            await #expect(throws: EngineError(.executionAlreadyExists, "Execution Already Exists: '\(first.executionArn)'")) {
                try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "n", input: #"{"a": 2}"#)
            }
            let listed = try engine.listExecutions(stateMachineArn: machine.stateMachineArn, status: .running)
            #expect(listed.executions.map(\.executionArn) == [first.executionArn])
        }
    }

    @Test("a Wait timer armed before a restart fires after it, late, exactly once")
    func waitTimerFiresAfterRestart() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path
        let clock = ManualClock()
        let arn = try await withEngine(path, clock: clock) { engine in
            let machine = try await engine.createStateMachine(
                name: "waits",
                definition: #"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "Next": "P"}, "P": {"Type": "Pass", "End": true}}}"#
            )
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "w")
            #expect(try await engine.describeExecution(arn: started.executionArn).status == .running)
            return started.executionArn
        }
        clock.advance(milliseconds: 120_000)
        try await withEngine(path, clock: clock) { engine in
            #expect(await engine.recoveredExecutions == 1)
            let done = try await engine.awaitCompletion(executionArn: arn)
            #expect(done.status == .succeeded)
            let types = try engine.allEvents(executionArn: arn).map(\.type)
            #expect(types.filter { $0 == "SteplineTimerFired" }.count == 1)
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("a running execution keeps its definition when the state machine is updated")
    func runningExecutionKeepsItsRevision() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        try await withEngine(directory.path, clock: clock) { engine in
            let machine = try await engine.createStateMachine(
                name: "m",
                definition:
                    #"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "Next": "P"}, "P": {"Type": "Pass", "Result": "old", "End": true}}}"#
            )
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "e")
            let updated = try await engine.updateStateMachine(
                arn: machine.stateMachineArn,
                definition: #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "new", "End": true}}}"#,
                roleArn: nil
            )
            #expect(updated.revisionId != machine.revisionId)
            clock.advance(milliseconds: 10_000)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.output == "old")
            #expect(done.revisionId == machine.revisionId)
        }
    }

    @Test("stopping a running execution aborts it")
    func stopAbortsExecution() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path, clock: ManualClock()) { engine in
            let machine = try await engine.createStateMachine(
                name: "m",
                definition: #"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": true}}}"#
            )
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "e")
            let stopped = try await engine.stopExecution(arn: started.executionArn, error: "Why", cause: "because")
            #expect(stopped.status == .aborted)
            #expect(try engine.history(executionArn: started.executionArn, reverseOrder: true).events.first?.type == "ExecutionAborted")
        }
    }

    @Test("stopping a parent stops the children it waits for with .sync and .sync:2, not fire-and-forget ones")
    func stopParentStopsSyncChildren() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path
        let (parentArn, children) = try await withEngine(path, clock: ManualClock()) { engine in
            let wait = #"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}}"#
            let child = try await engine.createStateMachine(name: "child", definition: wait)
            func start(_ suffix: String, _ name: String) -> String {
                #"{"StartAt": "\#(name)", "States": {"\#(name)": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution\#(suffix)", "Parameters": {"StateMachineArn": "\#(child.stateMachineArn)", "Name": "\#(name)"}, "End": true}}}"#
            }
            let parent = try await engine.createStateMachine(
                name: "parent",
                definition: """
                    {"StartAt": "All", "States": {"All": {"Type": "Parallel", "End": true, "Branches": [
                      \(start(".sync", "synced")), \(start(".sync:2", "synced2")), \(start("", "free"))]}}}
                    """
            )
            let started = try await engine.startExecution(stateMachineArn: parent.stateMachineArn, name: "p")
            let children = ["synced", "synced2", "free"].map { "arn:aws:states:us-east-1:123456789012:execution:child:\($0)" }
            #expect(try await eventually { try engine.listExecutions(stateMachineArn: child.stateMachineArn).executions.count == 3 })
            let stopped = try await engine.stopExecution(arn: started.executionArn, error: "Operator", cause: "cancelled")
            #expect(stopped.status == .aborted)
            return (started.executionArn, children)
        }
        // After a restart (the stops are on the log): the synced children are aborted, the free one runs on.
        try await withEngine(path, clock: ManualClock()) { engine in
            #expect(try await engine.describeExecution(arn: parentArn).status == .aborted)
            let statuses = try await children.asyncMap { try await engine.describeExecution(arn: $0).status }
            #expect(statuses == [.aborted, .aborted, .running])
            let aborted = try #require(try engine.history(executionArn: children[0], reverseOrder: true).events.first)
            #expect(aborted.stepFunctionsJSON()?["executionAbortedEventDetails"]?["cause"]?.stringValue?.contains(parentArn) == true)
            #expect(try engine.log.verify().isClean)
        }
    }
}

extension Array where Element: Sendable {
    /// `map` with an async transform, in order.
    func asyncMap<Mapped>(_ transform: (Element) async throws -> Mapped) async rethrows -> [Mapped] {
        var mapped: [Mapped] = []
        for element in self { mapped.append(try await transform(element)) }
        return mapped
    }
}

@Suite("History shapes")
struct HistoryShapeTests {
    @Test("history events render as GetExecutionHistory shapes, with or without execution data")
    func awsShapes() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path) { engine in
            let machine = try await engine.createStateMachine(name: "chain", definition: passChain)
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, input: #"{"go": true}"#)
            let events = try engine.history(executionArn: started.executionArn).events
            let first = try #require(events[0].stepFunctionsJSON())
            #expect(first["type"] == "ExecutionStarted")
            #expect(first["id"] == 1)
            #expect(first["executionStartedEventDetails"]?["input"] == #"{"go":true}"#)
            let entered = try #require(events[1].stepFunctionsJSON(includeExecutionData: false))
            #expect(entered["stateEnteredEventDetails"] == ["name": "P1"])
            let page = try engine.history(executionArn: started.executionArn, reverseOrder: true, maxResults: 2)
            #expect(page.events.map(\.id) == [events.count, events.count - 1])
            let rest = try engine.history(executionArn: started.executionArn, reverseOrder: true, maxResults: 100, nextToken: page.nextToken)
            #expect(rest.events.count == events.count - 2)
            #expect(rest.nextToken == nil)
        }
    }
}
