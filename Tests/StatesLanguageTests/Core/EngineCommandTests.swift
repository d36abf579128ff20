import JSON
import StatesLanguage
import Testing

/// The commands the engine used to run beside `decide` (a heartbeat deadline, a redrive)
/// and what it used to be asked while deciding (does this activity exist): all of it is
/// in the command now, so the same state and command always give the same events.
@Suite struct EngineCommandTests {
    static let t0 = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)
    static let activity = "arn:aws:states:us-east-1:1:activity:review"

    func definition(_ text: String) throws -> StateMachineDefinition {
        let result = StateMachineDefinition.parse(text)
        return try #require(result.definition, "invalid definition: \(result.diagnostics)")
    }

    func command(_ kind: ExecutionCommand.Kind, entropy: UInt64 = 1, activities: Set<String>? = nil) -> ExecutionCommand {
        ExecutionCommand(now: Self.t0, entropy: entropy, resources: ResourceCatalog(activities: activities), kind)
    }

    func start() -> ExecutionCommand.Kind {
        .start(
            ExecutionStart(
                input: [:], executionArn: "arn:aws:states:us-east-1:1:execution:sm:e", executionName: "e",
                stateMachineArn: "arn:aws:states:us-east-1:1:stateMachine:sm", stateMachineName: "sm", roleArn: "role"))
    }

    var activityMachine: String {
        #"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"\#(Self.activity)","HeartbeatSeconds":5,"End":true}}}"#
    }

    @Test func anActivityMissingFromTheCommandsCatalogFailsTheTaskStateBeforeItIsScheduled() throws {
        let state = ExecutionState(definition: try definition(activityMachine))
        let events = try state.decide(command(start(), activities: ["arn:aws:states:us-east-1:1:activity:other"]))
        #expect(!events.contains { $0.type == "TaskScheduled" })
        guard case .executionFailed(let error, let cause)? = events.last?.details else {
            Issue.record("expected ExecutionFailed, got \(events.map(\.type))")
            return
        }
        #expect(error == "States.Runtime")
        #expect(cause?.hasSuffix("The activity \(Self.activity) does not exist.") == true)
        // The same state and command decide the same events: nothing is looked up.
        #expect(try state.decide(command(start(), activities: ["arn:aws:states:us-east-1:1:activity:other"])) == events)
    }

    @Test func anActivityInTheCatalogIsScheduledWithTheCoresToken() throws {
        var state = ExecutionState(definition: try definition(activityMachine))
        try state.handle(command(start(), activities: [Self.activity]))
        let task = try #require(state.openTasks.values.first)
        #expect(task.taskToken?.utf8.count == 32)
        #expect(TaskResource.takesToken(task.resource))
    }

    @Test func aHeartbeatTimeoutCommandTimesTheTaskOutWithStatesHeartbeatTimeout() throws {
        var state = ExecutionState(definition: try definition(activityMachine))
        try state.handle(command(start()))
        let taskId = try #require(state.openTasks.keys.first)
        let events = try state.handle(command(.taskHeartbeatTimedOut(taskId: taskId), entropy: 2))
        #expect(events.map(\.type).prefix(1) == ["TaskTimedOut"])
        #expect(state.status == .failed)
        #expect(state.error == "States.HeartbeatTimeout")
        #expect(throws: CommandRejection.self) { try state.handle(command(.taskHeartbeatTimedOut(taskId: taskId), entropy: 3)) }
    }

    @Test func aRedriveCommandResumesARebuiltStateAndIsRefusedOnOneThatIsNotRunning() throws {
        let machine = try definition(
            #"{"StartAt":"F","TimeoutSeconds":60,"States":{"F":{"Type":"Fail","Error":"Bad"}}}"#)
        var failed = ExecutionState(definition: machine)
        let events = try failed.handle(command(start()))
        #expect(failed.status == .failed)
        #expect(throws: CommandRejection.self) { try failed.handle(command(.redrive(redriveCount: 1, reenter: nil))) }
        // Rebuilt from the events before the failure, then resumed at the Fail state.
        let entered = try #require(events.firstIndex { $0.type == "FailStateEntered" })
        var rebuilt = ExecutionState(definition: machine)
        for event in events[..<entered] { rebuilt.apply(event) }
        rebuilt.prepareForRedrive(lastHistoryEventId: events.map(\.id).max() ?? 0)
        let reentry = ExecutionState.Reentry(frame: 0, name: "F", input: [:])
        let redriven = try rebuilt.handle(command(.redrive(redriveCount: 1, reenter: reentry)))
        #expect(redriven.first?.type == "ExecutionRedriven")
        #expect(redriven.contains { $0.type == "FailStateEntered" })
        #expect(rebuilt.status == .failed)
    }
}
