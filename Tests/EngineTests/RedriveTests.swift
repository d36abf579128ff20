import EventLog
import JSON
import Runtime
import StatesLanguage
import TestSupport
import Testing
import Workflows

/// Answers activity tasks with `answer(input)` until `count` tasks were handled; returns the inputs seen.
func work(
    _ engine: Engine,
    _ activityArn: String,
    count: Int,
    _ answer: @Sendable (JSONValue) -> Result<JSONValue, TestFailure>
) async throws -> [JSONValue] {
    var inputs: [JSONValue] = []
    while inputs.count < count {
        guard let task = try await engine.getActivityTask(activityArn: activityArn, timeout: .seconds(10)) else { break }
        let input = try JSONParser.parse(task.input)
        inputs.append(input)
        switch answer(input) {
        case .success(let output): try await engine.sendTaskSuccess(token: task.taskToken, output: output.serialized)
        case .failure(let failure): try await engine.sendTaskFailure(token: task.taskToken, error: failure.error, cause: "item \(input.serialized)")
        }
    }
    return inputs
}

struct TestFailure: Error {
    var error: String
}

@Suite("Redrive, dead letters and manual review")
struct RedriveTests {
    @Test("redriving a failed Map iteration runs only that iteration again and keeps the others' results")
    func redriveMapIteration() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path, clock: ManualClock()) { engine in
            let activity = try await engine.createActivity(name: "item")
            let definition = """
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1,
                  "ItemProcessor": {"StartAt": "Do", "States": {"Do": {"Type": "Task", "Resource": "\(activity.activityArn)", "End": true}}},
                  "End": true}}}
                """
            let machine = try await engine.createStateMachine(name: "map", definition: definition)
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, input: #"{"items": [1, 2, 3]}"#)
            let firstRun = try await work(engine, activity.activityArn, count: 2) { input in
                input == 2 ? .failure(TestFailure(error: "Item.Bad")) : .success(.integer((input.integerValue ?? 0) * 10))
            }
            #expect(firstRun == [1, 2])
            let failed = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(failed.status == .failed)
            #expect(try engine.deadLetters().map(\.executionArn) == [started.executionArn])

            try await engine.redriveExecution(arn: started.executionArn)
            #expect(try engine.deadLetters().isEmpty)
            let secondRun = try await work(engine, activity.activityArn, count: 2) { .success(.integer(($0.integerValue ?? 0) * 10)) }
            #expect(secondRun == [2, 3])
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .succeeded)
            #expect(done.output == [10, 20, 30])
            #expect(done.redriveCount == 1)
            #expect(try engine.reviewItems().isEmpty)
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("redriving a failed Parallel branch runs only that branch again")
    func redriveParallelBranch() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path, clock: ManualClock()) { engine in
            let activity = try await engine.createActivity(name: "branch")
            let task = #"{"Type": "Task", "Resource": "\#(activity.activityArn)", "End": true}"#
            let definition = """
                {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": true, "Branches": [
                  {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "a", "Next": "TA"}, "TA": \(task)}},
                  {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": "b", "Next": "TB"}, "TB": \(task)}}]}}}
                """
            let machine = try await engine.createStateMachine(name: "par", definition: definition)
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn)
            _ = try await work(engine, activity.activityArn, count: 2) { input in
                input == "b" ? .failure(TestFailure(error: "Branch.Bad")) : .success(.string("A!"))
            }
            #expect(try await engine.awaitCompletion(executionArn: started.executionArn).status == .failed)
            try await engine.redriveExecution(arn: started.executionArn)
            let rerun = try await work(engine, activity.activityArn, count: 1) { _ in .success(.string("B!")) }
            #expect(rerun == ["b"])
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .succeeded)
            #expect(done.output == ["A!", "B!"])
        }
    }

    @Test("a Task whose redrive fails again moves from the dead letters to manual review, where it is resolved with a reason")
    func redriveTaskFailsAgainIntoReview() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path
        let arn = try await withEngine(path, clock: ManualClock()) { engine in
            let activity = try await engine.createActivity(name: "worker")
            let machine = try await engine.createStateMachine(name: "m", definition: activityMachine(activity.activityArn))
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn)
            _ = try await work(engine, activity.activityArn, count: 1) { _ in .failure(TestFailure(error: "First")) }
            #expect(try await engine.awaitCompletion(executionArn: started.executionArn).status == .failed)
            #expect(try engine.deadLetters().count == 1)
            #expect(try engine.reviewItems().isEmpty)
            try await engine.redriveExecution(arn: started.executionArn)
            _ = try await work(engine, activity.activityArn, count: 1) { _ in .failure(TestFailure(error: "Second")) }
            let again = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(again.error == "Second")
            #expect(try engine.deadLetters().isEmpty)
            #expect(try engine.reviewItems().map(\.error) == ["Second"])
            try await engine.resolveReview(executionArn: started.executionArn, reason: "file was corrupt at the source")
            #expect(try engine.reviewItems().isEmpty)
            #expect(try engine.reviewItems(includeResolved: true).map(\.resolution) == ["file was corrupt at the source"])
            return started.executionArn
        }
        // Every view rebuilds from the log alone.
        try await withEngine(path, clock: ManualClock()) { engine in
            let report = try engine.log.verify()
            #expect(report.isClean)
            #expect(report.indexes.contains("engine"))
            #expect(try await engine.describeExecution(arn: arn).redriveCount == 1)
        }
    }

    @Test("a running or succeeded execution cannot be redriven")
    func notRedrivable() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path, clock: ManualClock()) { engine in
            let machine = try await engine.createStateMachine(name: "chain", definition: passChain)
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, input: #"{"go": true}"#)
            let error = await #expect(throws: EngineError.self) { try await engine.redriveExecution(arn: started.executionArn) }
            #expect(error?.code == .executionNotRedrivable)
        }
    }

    @Test("a Choice with no match in a Parallel branch is redrivable: the branch enters it again and sees $$.Execution.RedriveCount")
    func redriveChoiceWithoutMatchInBranch() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path, clock: ManualClock()) { engine in
            let definition = """
                {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": true, "Branches": [
                  {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "a", "End": true}}},
                  {"StartAt": "Again", "States": {
                    "Again": {"Type": "Choice", "Choices": [{"Variable": "$$.Execution.RedriveCount", "NumericGreaterThan": 0, "Next": "B"}]},
                    "B": {"Type": "Pass", "Result": "b", "End": true}}}]}}}
                """
            let machine = try await engine.createStateMachine(name: "choice", definition: definition)
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn)
            let failed = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(failed.status == .failed)
            #expect(failed.error == StatesError.Name.noChoiceMatched)
            #expect(failed.redriveStatus == "REDRIVABLE")
            try await engine.redriveExecution(arn: started.executionArn)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .succeeded)
            #expect(done.output == ["a", "b"])
            let history = try engine.history(executionArn: started.executionArn).events
            let redriven = try #require(history.first { $0.type == "ExecutionRedriven" })
            #expect(redriven.stepFunctionsJSON()?["executionRedrivenEventDetails"] == ["redriveCount": 1])
            #expect(history.filter { $0.type == "ChoiceStateEntered" }.count == 2)
            #expect(history.filter { $0.type == "PassStateEntered" }.count == 2)  // A once, B once
            #expect(zip(history, history.dropFirst()).allSatisfy { $0.id + 1 == $1.id })
        }
    }

    @Test("a Fail state reached in a Map iteration is redrivable: only that iteration enters it again, and fails again into review")
    func redriveFailStateInMapIteration() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path, clock: ManualClock()) { engine in
            let activity = try await engine.createActivity(name: "check")
            let definition = """
                {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1,
                  "ItemProcessor": {"StartAt": "Check", "States": {
                    "Check": {"Type": "Task", "Resource": "\(activity.activityArn)", "Next": "Ok?"},
                    "Ok?": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Fine"}], "Default": "Bad"},
                    "Bad": {"Type": "Fail", "Error": "Item.Bad", "Cause": "not ok"},
                    "Fine": {"Type": "Succeed"}}},
                  "End": true}}}
                """
            let machine = try await engine.createStateMachine(name: "map", definition: definition)
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, input: #"{"items": [1, 2]}"#)
            let checked = try await work(engine, activity.activityArn, count: 2) { .success(["ok": .bool($0 == 1)]) }
            #expect(checked == [1, 2])
            #expect(try await engine.awaitCompletion(executionArn: started.executionArn).error == "Item.Bad")
            #expect(try engine.deadLetters().map(\.executionArn) == [started.executionArn])

            try await engine.redriveExecution(arn: started.executionArn)
            let again = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(again.status == .failed)
            #expect(again.error == "Item.Bad")
            // No task ran again: the failed iteration resumed at its Fail state.
            #expect(try await engine.getActivityTask(activityArn: activity.activityArn, timeout: .zero) == nil)
            let types = try engine.history(executionArn: started.executionArn).events.map(\.type)
            #expect(types.filter { $0 == "FailStateEntered" }.count == 2)
            #expect(types.filter { $0 == "MapIterationStarted" }.count == 2)
            #expect(types.filter { $0 == "ExecutionRedriven" }.count == 1)
            #expect(try engine.deadLetters().isEmpty)
            #expect(try engine.reviewItems().map(\.executionArn) == [started.executionArn])
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("an execution that timed out is redrivable: what was running runs again under a fresh execution timeout")
    func redriveTimedOutExecution() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        try await withEngine(directory.path, clock: clock) { engine in
            let activity = try await engine.createActivity(name: "slow")
            let definition = #"{"TimeoutSeconds": 30, "StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "\#(activity.activityArn)", "End": true}}}"#
            let machine = try await engine.createStateMachine(name: "slow", definition: definition)
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn)
            clock.advance(milliseconds: 31_000)
            let timedOut = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(timedOut.status == .timedOut)
            #expect(try engine.deadLetters().map(\.status) == ["TIMED_OUT"])

            try await engine.redriveExecution(arn: started.executionArn)
            let task = try #require(try await engine.getActivityTask(activityArn: activity.activityArn))
            clock.advance(milliseconds: 20_000)  // 51 s after the start, 20 s after the redrive
            try await engine.sendTaskSuccess(token: task.taskToken, output: #""late but fine""#)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .succeeded)
            #expect(done.output == "late but fine")
        }
    }

    @Test("an aborted execution is a dead letter with its status, and a redrive dispatches its task again")
    func redriveAbortedExecution() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path, clock: ManualClock()) { engine in
            let activity = try await engine.createActivity(name: "worker")
            let machine = try await engine.createStateMachine(name: "m", definition: activityMachine(activity.activityArn))
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn)
            try await engine.stopExecution(arn: started.executionArn, error: "Operator.Stop", cause: "paused for maintenance")
            #expect(try engine.deadLetters().map(\.status) == ["ABORTED"])
            try await engine.redriveExecution(arn: started.executionArn)
            #expect(try engine.deadLetters().isEmpty)
            let task = try #require(try await engine.getActivityTask(activityArn: activity.activityArn))
            try await engine.sendTaskSuccess(token: task.taskToken, output: "{}")
            #expect(try await engine.awaitCompletion(executionArn: started.executionArn).status == .succeeded)
        }
    }

    @Test("redriveStatus and its reason follow AWS: running and succeeded are not redrivable, nor a failure older than 14 days")
    func redriveStatusAndReason() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        try await withEngine(directory.path, clock: clock) { engine in
            let activity = try await engine.createActivity(name: "worker")
            let machine = try await engine.createStateMachine(name: "m", definition: activityMachine(activity.activityArn))
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn)
            let running = try await engine.describeExecution(arn: started.executionArn)
            #expect(running.redriveStatus == "NOT_REDRIVABLE")
            #expect(running.redriveStatusReason == "Execution is RUNNING and cannot be redriven.")
            _ = try await work(engine, activity.activityArn, count: 1) { _ in .failure(TestFailure(error: "Broken")) }
            let failed = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(failed.redriveStatus == "REDRIVABLE")
            #expect(failed.redriveStatusReason == nil)
            clock.advance(milliseconds: 15 * 24 * 3600 * 1000)
            let old = try await engine.describeExecution(arn: started.executionArn)
            #expect(old.redriveStatus == "NOT_REDRIVABLE")
            #expect(old.redriveStatusReason == "Execution redrivable period exceeded.")
            let error = await #expect(throws: EngineError.self) { try await engine.redriveExecution(arn: started.executionArn) }
            #expect(error?.code == .executionNotRedrivable)

            let chain = try await engine.createStateMachine(name: "chain", definition: passChain)
            let succeeded = try await engine.startExecution(stateMachineArn: chain.stateMachineArn, input: #"{"go": true}"#)
            let described = try await engine.describeExecution(arn: succeeded.executionArn)
            #expect(described.redriveStatusReason == "Execution is SUCCEEDED and cannot be redriven.")
        }
    }
}
