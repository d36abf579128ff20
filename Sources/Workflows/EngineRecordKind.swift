public import EventLog
import Runtime

/// The record kinds the Engine writes, with their schema versions.
///
/// Numbers are frozen once shipped; a payload change adds a version and keeps
/// the decoder of the old one, so an old log replays after an upgrade.
public enum EngineRecordKind {
    /// A state machine was created: `{arn, name, definition, roleArn, type, revisionId, time}`.
    public static let stateMachineCreated = RecordKind(1)
    /// A state machine's definition or role changed: a new revision.
    public static let stateMachineUpdated = RecordKind(2)
    /// A state machine was deleted.
    public static let stateMachineDeleted = RecordKind(3)
    /// An activity was created: `{arn, name, time}`.
    public static let activityCreated = RecordKind(4)
    /// An activity was deleted.
    public static let activityDeleted = RecordKind(5)
    /// One decision of an execution: its history events and the index changes
    /// they cause (``ExecutionStep``).
    public static let executionStep = RecordKind(10)
    /// A manual-review item was resolved with a reason.
    public static let reviewResolved = RecordKind(11)
    /// A worker's `SendTaskHeartbeat`: `{executionArn, taskId, due}`, the task's
    /// new heartbeat deadline. A record (not a history event, as in AWS) so that
    /// a deadline that lapses while the process is down still fires after a restart.
    public static let taskHeartbeat = RecordKind(12)
    /// A command to start an execution (`StartCommand`): `{stateMachineArn, name,
    /// input, time, parent?: {executionArn, taskId, resource}}`, written in the
    /// transaction that decides it (a parent's step, a rule's delivery) and applied
    /// once from the log; `engine.startCommands` holds it until it is applied.
    public static let startRequested = RecordKind(13)
    /// A start command applied (`StartApplied`): `{command, executionArn?, error?,
    /// cause?}`, in the transaction of the execution's start step, or of the parent
    /// step that fails its task with the refusal, or alone.
    public static let startApplied = RecordKind(14)

    /// Every kind, for ``EventLog/Configuration/kinds``.
    public static var all: RecordKinds {
        var kinds = RecordKinds()
        kinds.register(stateMachineCreated, name: "stateMachine.created", versions: 1...1)
        kinds.register(stateMachineUpdated, name: "stateMachine.updated", versions: 1...1)
        kinds.register(stateMachineDeleted, name: "stateMachine.deleted", versions: 1...1)
        kinds.register(activityCreated, name: "activity.created", versions: 1...1)
        kinds.register(activityDeleted, name: "activity.deleted", versions: 1...1)
        kinds.register(executionStep, name: "execution.step", versions: 1...ExecutionStep.version)
        kinds.register(reviewResolved, name: "review.resolved", versions: 1...1)
        kinds.register(taskHeartbeat, name: "task.heartbeat", versions: 1...1)
        kinds.register(startRequested, name: "execution.startRequested", versions: 1...1)
        kinds.register(startApplied, name: "execution.startApplied", versions: 1...1)
        kinds.register(taskDecided, name: "console.task.decided", versions: 1...1)
        return kinds
    }
}
