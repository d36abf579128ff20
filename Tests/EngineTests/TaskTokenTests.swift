import EventLog
import JSON
import Runtime
import StatesLanguage
import TestSupport
import Testing
@testable import Workflows

/// A state machine whose one Task is performed by activity `worker`.
func activityMachine(_ activityArn: String, extra: String = "") -> String {
    #"{"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "\#(activityArn)"\#(extra), "End": true}}}"#
}

/// Starts a machine whose one Task is activity `worker` with `HeartbeatSeconds: 10`
/// and picks its task up: the execution's ARN and the task token.
func startHeartbeatTask(_ engine: Engine) async throws -> (String, String) {
    let activity = try await engine.createActivity(name: "worker")
    let machine = try await engine.createStateMachine(
        name: "m",
        definition: activityMachine(activity.activityArn, extra: #", "HeartbeatSeconds": 10"#)
    )
    let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn)
    let task = try #require(try await engine.getActivityTask(activityArn: activity.activityArn))
    return (started.executionArn, task.taskToken)
}

@Suite("Task tokens and activities")
struct TaskTokenTests {
    @Test("an activity worker's SendTaskSuccess completes the task once; the same token again is TaskTimedOut")
    func successThenTokenUsedTwice() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path, clock: ManualClock()) { engine in
            let activity = try await engine.createActivity(name: "worker")
            let machine = try await engine.createStateMachine(name: "m", definition: activityMachine(activity.activityArn))
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, input: #"{"job": 7}"#)
            let task = try #require(try await engine.getActivityTask(activityArn: activity.activityArn, workerName: "w1"))
            #expect(try JSONParser.parse(task.input) == ["job": 7])
            #expect(task.idempotencyKey.hasPrefix(started.executionArn + "/"))
            try await engine.sendTaskSuccess(token: task.taskToken, output: #"{"done": true}"#)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .succeeded)
            #expect(done.output == ["done": true])
            let error = await #expect(throws: EngineError.self) {
                try await engine.sendTaskSuccess(token: task.taskToken, output: "{}")
            }
            #expect(error?.code == .taskTimedOut)
            #expect(try engine.history(executionArn: started.executionArn).events.map(\.type).contains("TaskStarted"))
        }
    }

    @Test("$$.Task.Token passed in Parameters is the token the engine accepts, once")
    func contextTokenIsTheRegisteredToken() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path, clock: ManualClock()) { engine in
            let activity = try await engine.createActivity(name: "reviewer")
            let machine = try await engine.createStateMachine(
                name: "m",
                definition: activityMachine(activity.activityArn, extra: #", "Parameters": {"token.$": "$$.Task.Token"}"#)
            )
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn)
            let task = try #require(try await engine.getActivityTask(activityArn: activity.activityArn))
            let token = try #require(try JSONParser.parse(task.input)["token"]?.stringValue)
            #expect(token == task.taskToken)
            try await engine.sendTaskSuccess(token: token, output: #"{"approved": true}"#)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .succeeded)
            #expect(done.output == ["approved": true])
            let error = await #expect(throws: EngineError.self) {
                try await engine.sendTaskSuccess(token: token, output: "{}")
            }
            #expect(error?.code == .taskTimedOut)
        }
    }

    @Test("SendTaskFailure fails the task with the worker's error and cause")
    func failure() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path, clock: ManualClock()) { engine in
            let activity = try await engine.createActivity(name: "worker")
            let machine = try await engine.createStateMachine(name: "m", definition: activityMachine(activity.activityArn))
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn)
            let task = try #require(try await engine.getActivityTask(activityArn: activity.activityArn))
            try await engine.sendTaskFailure(token: task.taskToken, error: "Media.Corrupt", cause: "bad frame")
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .failed)
            #expect(done.error == "Media.Corrupt")
            #expect(done.cause == "bad frame")
        }
    }

    @Test("heartbeats keep a task alive; a missed heartbeat times it out with States.HeartbeatTimeout")
    func heartbeatAndHeartbeatTimeout() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        try await withEngine(directory.path, clock: clock) { engine in
            let start = clock.now()
            let (arn, token) = try await startHeartbeatTask(engine)
            clock.advance(milliseconds: 6_000)
            try await engine.sendTaskHeartbeat(token: token)
            clock.advance(milliseconds: 6_000)
            // 12 s after the start, 6 s after the heartbeat: the first deadline passed, the renewed one did not.
            // The heartbeat moved the token's one deadline on the scheduler, so nothing due at 10 s is left to fire.
            #expect(engine.scheduler.due(of: Scheduler.Key("engine.heartbeat", token)) == start + 16_000)
            #expect(try await engine.describeExecution(arn: arn).status == .running)
            clock.advance(milliseconds: 5_000)
            let done = try await engine.awaitCompletion(executionArn: arn)
            #expect(done.status == .failed)
            #expect(done.error == StatesError.Name.heartbeatTimeout)
            #expect(try engine.history(executionArn: arn).events.map(\.type).contains("TaskTimedOut"))
            let error = await #expect(throws: EngineError.self) { try await engine.sendTaskHeartbeat(token: token) }
            #expect(error?.code == .taskTimedOut)
        }
    }

    @Test("TimeoutSeconds times the task out with States.Timeout")
    func taskTimeout() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        try await withEngine(directory.path, clock: clock) { engine in
            let activity = try await engine.createActivity(name: "worker")
            let machine = try await engine.createStateMachine(
                name: "m",
                definition: activityMachine(activity.activityArn, extra: #", "TimeoutSeconds": 30"#)
            )
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn)
            clock.advance(milliseconds: 31_000)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .failed)
            #expect(done.error == StatesError.Name.timeout)
        }
    }

    @Test("a token that is not one is InvalidToken; a well-formed unknown one is TaskDoesNotExist")
    func unknownTokens() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path, clock: ManualClock()) { engine in
            let invalid = await #expect(throws: EngineError.self) { try await engine.sendTaskSuccess(token: "nope", output: "{}") }
            #expect(invalid?.code == .invalidToken)
            let forged = String(repeating: "_", count: 43)
            let unknown = await #expect(throws: EngineError.self) { try await engine.sendTaskFailure(token: forged) }
            #expect(unknown?.code == .taskDoesNotExist)
        }
    }

    @Test("the token of a stopped execution is TaskTimedOut")
    func tokenOfStoppedExecution() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path, clock: ManualClock()) { engine in
            let activity = try await engine.createActivity(name: "worker")
            let machine = try await engine.createStateMachine(name: "m", definition: activityMachine(activity.activityArn))
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn)
            let task = try #require(try await engine.getActivityTask(activityArn: activity.activityArn))
            try await engine.stopExecution(arn: started.executionArn)
            let error = await #expect(throws: EngineError.self) { try await engine.sendTaskSuccess(token: task.taskToken, output: "{}") }
            #expect(error?.code == .taskTimedOut)
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("a heartbeat deadline that lapses while the engine is down times the task out after the restart, once")
    func heartbeatDeadlineSurvivesRestart() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path
        let clock = ManualClock()
        let (arn, token) = try await withEngine(path, clock: clock) { engine in
            let (arn, token) = try await startHeartbeatTask(engine)
            clock.advance(milliseconds: 6_000)
            try await engine.sendTaskHeartbeat(token: token)
            return (arn, token)
        }
        // Down from 6 s to 12 s: the deadline (16 s, from the heartbeat) has not passed;
        // one re-armed from the restart's time would be 22 s.
        clock.advance(milliseconds: 6_000)
        try await withEngine(path, clock: clock) { engine in
            #expect(try await engine.describeExecution(arn: arn).status == .running)
            clock.advance(milliseconds: 1_000)
            try await engine.sendTaskHeartbeat(token: token)  // new deadline: 23 s
        }
        // Down from 13 s to 40 s: the deadline lapses while nothing runs.
        clock.advance(milliseconds: 27_000)
        try await withEngine(path, clock: clock) { engine in
            let done = try await engine.awaitCompletion(executionArn: arn)
            #expect(done.status == .failed)
            #expect(done.error == StatesError.Name.heartbeatTimeout)
            let error = await #expect(throws: EngineError.self) { try await engine.sendTaskHeartbeat(token: token) }
            #expect(error?.code == .taskTimedOut)
        }
        clock.advance(milliseconds: 60_000)
        try await withEngine(path, clock: clock) { engine in
            let types = try engine.history(executionArn: arn).events.map(\.type)
            #expect(types.filter { $0 == "TaskTimedOut" }.count == 1)
            #expect(try await engine.describeExecution(arn: arn).status == .failed)
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("an open activity task is handed out again after a restart, with its token")
    func activityTaskSurvivesRestart() async throws {
        let directory = TemporaryDirectory()
        let path = directory.path
        let clock = ManualClock()
        let (activityArn, arn) = try await withEngine(path, clock: clock) { engine in
            let activity = try await engine.createActivity(name: "worker")
            let machine = try await engine.createStateMachine(name: "m", definition: activityMachine(activity.activityArn))
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn)
            return (activity.activityArn, started.executionArn)
        }
        try await withEngine(path, clock: clock) { engine in
            let task = try #require(try await engine.getActivityTask(activityArn: activityArn))
            try await engine.sendTaskSuccess(token: task.taskToken, output: "1")
            #expect(try await engine.awaitCompletion(executionArn: arn).output == 1)
        }
    }

    @Test("a worker already waiting in GetActivityTask is handed the task when it is scheduled")
    func waitingPollerGetsTheTask() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path, clock: ManualClock()) { engine in
            let activity = try await engine.createActivity(name: "worker")
            let machine = try await engine.createStateMachine(name: "m", definition: activityMachine(activity.activityArn))
            async let polled = engine.getActivityTask(activityArn: activity.activityArn, workerName: "early", timeout: .seconds(60))
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, input: #"{"n": 1}"#)
            let task = try #require(try await polled)
            #expect(try JSONParser.parse(task.input) == ["n": 1])
            try await engine.sendTaskSuccess(token: task.taskToken, output: "2")
            #expect(try await engine.awaitCompletion(executionArn: started.executionArn).output == 2)
        }
    }

    @Test("GetActivityTask answers no task once its long poll ends, and at once when the activity is deleted")
    func pollEndsEmpty() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path, clock: ManualClock()) { engine in
            let activity = try await engine.createActivity(name: "idle")
            #expect(try await engine.getActivityTask(activityArn: activity.activityArn, timeout: .milliseconds(20)) == nil)
            async let polled = engine.getActivityTask(activityArn: activity.activityArn, timeout: .seconds(600))
            #expect(try await eventually { await engine.waitingPolls(of: activity.activityArn) == 1 })
            try await engine.deleteActivity(arn: activity.activityArn)
            #expect(try await polled == nil)
        }
    }

    @Test("a Task of an activity that was deleted fails with States.Runtime before it is scheduled")
    func deletedActivityFailsTheTask() async throws {
        let directory = TemporaryDirectory()
        try await withEngine(directory.path, clock: ManualClock()) { engine in
            let activity = try await engine.createActivity(name: "gone")
            try await engine.deleteActivity(arn: activity.activityArn)
            let machine = try await engine.createStateMachine(name: "m", definition: activityMachine(activity.activityArn))
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .failed)
            #expect(done.error == StatesError.Name.runtime)
            #expect(done.cause?.hasSuffix("The activity \(activity.activityArn) does not exist.") == true)
            let types = try engine.history(executionArn: started.executionArn).events.map(\.type)
            #expect(types == ["ExecutionStarted", "TaskStateEntered", "ExecutionFailed"])
        }
    }
}
