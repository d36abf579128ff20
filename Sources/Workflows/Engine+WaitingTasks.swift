public import EventLog
import Foundation
public import JSON
import LMDB
import Memberwise
public import Runtime
package import StatesLanguage

/// A task whose result a person or an activity worker is to send by token:
/// one row of the review queue.
public struct WaitingTask: Sendable, Hashable {
    /// The token `SendTaskSuccess`/`SendTaskFailure` name the task by.
    public var token: String
    /// The execution that waits.
    public var executionArn: String
    /// Its state machine.
    public var stateMachineArn: String
    /// The Task state's name.
    public var stateName: String
    /// The Task resource (`….waitForTaskToken` or an activity ARN).
    public var resource: String
    /// What the task was given: the resolved `Parameters` (or the effective input).
    public var payload: JSONValue
    /// When the task was scheduled, milliseconds since the Unix epoch.
    public var scheduledDate: Int64
    /// When the task times out (`TimeoutSeconds` after it was scheduled), if it can.
    public var timeoutDate: Int64?
    /// When it times out unless a heartbeat comes first (`HeartbeatSeconds`), if it can.
    public var heartbeatDeadline: Int64?
    /// For an activity a worker has taken (`TaskStarted`): the worker's name, or `""` if it gave none.
    public var workerName: String?
}

/// A person's answer to a waiting task, recorded on the log with who gave it.
@MemberwiseInit(.public)
public struct TaskDecision: Sendable, Hashable {
    /// Approve with the task's output, or reject with an error and a cause.
    public enum Outcome: Sendable, Hashable {
        /// `SendTaskSuccess` with `output` (JSON text).
        case approve(output: String)
        /// `SendTaskFailure`; the Task state's `Retry` and `Catch` apply.
        case reject(error: String?, cause: String?)
    }

    /// What was decided.
    public var outcome: Outcome
    /// Who decided: the access key id a console session signed in with, or `local`.
    public var decidedBy: String
}

/// A ``TaskDecision`` as the log holds it (``EngineRecordKind/taskDecided``).
public struct RecordedTaskDecision: RecordPayload, Sendable, Hashable {
    package static let recordName = "task decision"

    /// The execution whose task was answered.
    public var executionArn: String
    /// The Task state that waited.
    public var stateName: String
    /// `approve` or `reject`.
    public var outcome: String
    /// The access key id of the console session, or `local`.
    public var decidedBy: String
    /// The output an approval sent.
    public var output: JSONValue?
    /// The error and cause a rejection sent.
    public var error: String?
    public var cause: String?
    /// Milliseconds since the Unix epoch.
    public var time: Int64

    /// The members in the order of the record's bytes.
    private enum CodingKeys: String, CodingKey {
        case executionArn, stateName, outcome, decidedBy, time, output, error, cause
    }

    package init(
        executionArn: String,
        stateName: String,
        decision: TaskDecision,
        output: JSONValue?,
        time: Int64
    ) {
        self.executionArn = executionArn
        self.stateName = stateName
        self.decidedBy = decision.decidedBy
        self.time = time
        self.output = output
        switch decision.outcome {
        case .approve:
            outcome = "approve"
        case .reject(let error, let cause):
            outcome = "reject"
            self.error = error
            self.cause = cause
        }
    }
}

extension EngineRecordKind {
    /// A person approved or rejected a waiting task (``RecordedTaskDecision``), written on
    /// the execution's stream after the answer itself committed. Console range: 80–89.
    public static let taskDecided = RecordKind(80)
}

extension Engine {
    /// The open task tokens (activities and `.waitForTaskToken` tasks), newest first.
    ///
    /// The open tasks are taken from the executions the engine holds (what
    /// `engine.pendingTasks` held at recovery, kept current since) in one isolation step;
    /// the time each was scheduled and the worker that took it are then read from the
    /// execution's history outside the actor, so a long queue does not hold up commands.
    /// The cost grows with the histories of the executions that wait: fine for a review
    /// page, not for a hot path.
    public nonisolated func waitingTasks() async throws -> [WaitingTask] {
        var tasks: [WaitingTask] = []
        for waiting in await openTokenSnapshot() {
            var scheduledAt: [Int: Int64] = [:]
            var workers: [Int: String] = [:]
            for event in try allEvents(executionArn: waiting.executionArn) {
                switch event.details {
                case .taskScheduled(let task): scheduledAt[task.taskId] = event.timestamp.millisecondsSinceEpoch
                case .taskStarted(let taskId, _, let workerName): workers[taskId] = workerName ?? ""
                default: continue
                }
            }
            for (token, task, heartbeat) in waiting.tasks {
                let scheduled = scheduledAt[task.taskId] ?? waiting.startDate
                tasks.append(
                    WaitingTask(
                        token: token,
                        executionArn: waiting.executionArn,
                        stateMachineArn: waiting.stateMachineArn,
                        stateName: task.stateName,
                        resource: task.resource,
                        payload: task.parameters,
                        scheduledDate: scheduled,
                        timeoutDate: task.timeoutSeconds.map { scheduled + Int64($0) * 1000 },
                        heartbeatDeadline: heartbeat,
                        workerName: workers[task.taskId]
                    )
                )
            }
        }
        return tasks.sorted { ($0.scheduledDate, $0.token) > ($1.scheduledDate, $1.token) }
    }

    /// The open executions that have tokens, with their open tasks, as of now.
    package struct OpenTokens: Sendable {
        package var executionArn: String
        package var stateMachineArn: String
        package var startDate: Int64
        package var tasks: [(token: String, task: ScheduledTask, heartbeat: Int64?)]
    }

    package func openTokenSnapshot() -> [OpenTokens] {
        open.compactMap { arn, execution in
            let tasks = execution.tokens.compactMap { taskId, token in
                execution.state.openTasks[taskId].map { (token: token, task: $0, heartbeat: heartbeatDeadlines[token]) }
            }
            guard !tasks.isEmpty else { return nil }
            return OpenTokens(
                executionArn: arn,
                stateMachineArn: execution.row.stateMachineArn,
                startDate: execution.row.startDate,
                tasks: tasks
            )
        }
    }

    /// Answers a waiting task for a person: the same code as `SendTaskSuccess` and
    /// `SendTaskFailure`, with a ``EngineRecordKind/taskDecided`` record saying who
    /// decided, committed in the answer's own transaction: the log holds both or neither.
    /// - Throws: ``EngineError`` as ``sendTaskSuccess(token:output:)`` and
    ///   ``sendTaskFailure(token:error:cause:)`` do.
    public func decideTask(token: String, _ decision: TaskDecision) async throws {
        if let location = tokens[token] { await settle(location.executionArn) }
        guard let location = tokens[token], let execution = open[location.executionArn],
            let task = execution.state.openTasks[location.taskId]
        else { throw closedTokenError(token) }
        let command: (Int) -> ExecutionCommand.Kind
        var output: JSONValue?
        switch decision.outcome {
        case .approve(let text):
            let value = try Self.parseTaskOutput(text)
            output = value
            command = { .taskSucceeded(taskId: $0, output: value) }
        case .reject(let error, let cause):
            command = { .taskFailed(taskId: $0, error: error ?? "", cause: cause ?? "") }
        }
        let time = now()
        let record = RecordedTaskDecision(
            executionArn: location.executionArn,
            stateName: task.stateName,
            decision: decision,
            output: output,
            time: time
        )
        let companion = Record(
            kind: EngineRecordKind.taskDecided,
            timestamp: time * 1000,
            stream: StreamID(execution.row.stream),
            payload: record.recordBytes
        )
        // An approval whose output is too deep to record is refused; the task stays open.
        let unrecordable: Unrecordable = output == nil ? .failExecution(orRefuse: .storage) : .refuse(.invalidOutput)
        try await answer(token, companions: [companion], unrecordable: unrecordable, command)
    }

    /// The decisions people made on an execution's tasks, oldest first.
    /// - Throws: ``EngineError`` `ExecutionDoesNotExist`.
    public nonisolated func taskDecisions(executionArn: String) throws -> [RecordedTaskDecision] {
        guard let row = try storedExecution(executionArn) else {
            throw EngineError(.executionDoesNotExist, "Execution Does Not Exist: '\(executionArn)'")
        }
        var decisions: [RecordedTaskDecision] = []
        for entry in try log.entries(ofStream: StreamID(row.stream)) where entry.header.kind == EngineRecordKind.taskDecided {
            decisions.append(try RecordedTaskDecision(recordBytes: entry.payload))
        }
        return decisions
    }
}
