import Engine
import EventLog
import JSON
import StatesLanguage
import Testing

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
}
