package import EventLog
import Memberwise
import Runtime

/// A request to start an execution, written as an ``EngineRecordKind/startRequested``
/// record in the transaction that decides it and applied once from the log.
///
/// A parent's `states:startExecution` task writes one with the step that schedules the
/// task; a rule or pipe gets one from ``Engine/startCommand(of:named:input:at:)`` for its
/// own transaction. The engine applies each committed command exactly once: it starts
/// the execution with an ``EngineRecordKind/startApplied`` record in the start's own
/// transaction (or, when it refuses, in the transaction that fails the parent's task),
/// and the `engine.startCommands` view holds the commands that have no such record yet,
/// which is what recovery applies after a crash.
///
/// Why a record rather than a call after the parent's step commits: a crash between the
/// commit and the call lost the start, and a retried call needed a name derived for
/// idempotency to find the child it had started. What if not: a rule delivery or a
/// parent task could start its execution twice, or never.
@MemberwiseInit(.package)
package struct StartCommand: RecordPayload, Sendable, Hashable {
    package static let recordName = "start command"

    /// The state machine to run (`""` when a parent's task named none: refused when applied).
    package var stateMachineArn: String
    package var name: String
    /// JSON text, parsed when applied (a malformed one is refused then, as by `StartExecution`).
    package var input: String
    /// When the command was decided, milliseconds since the Unix epoch.
    package var time: Int64
    /// The parent task that asked for the start, if any.
    package var parent: Parent? = nil

    /// The `states:startExecution` task of a parent execution.
    package struct Parent: Codable, Sendable, Hashable {
        package var executionArn: String
        package var taskId: Int
        /// The task's resource: plain, `.sync` or `.sync:2` says how the parent waits.
        package var resource: String
    }

    /// The command as a record (version 1) on `stream`.
    package func record(stream: StreamID) -> Record {
        record(EngineRecordKind.startRequested, timestamp: time * 1000, stream: stream)
    }

    /// The key of a command in the `engine.startCommands` view: its sequence number.
    package static func key(_ sequence: SequenceNumber) -> [UInt8] { Keys.bigEndian(sequence.rawValue) }
}

/// How a start command was applied when no start step says so: refused (the parent's
/// task fails with it), or the execution was already running with the same input
/// (``EngineRecordKind/startApplied``, with the start step when there is one).
@MemberwiseInit(.package)
package struct StartApplied: RecordPayload, Sendable, Hashable {
    package static let recordName = "applied start command"

    /// The sequence number of the ``StartCommand`` record.
    package var command: SequenceNumber
    /// The execution started, or found running.
    package var executionArn: String? = nil
    /// Why the command was refused: a `StepFunctions.…Exception` name or `States.Runtime`.
    package var error: String? = nil
    package var cause: String? = nil

    /// The record (version 1) on `stream`, at `time` (milliseconds).
    package func record(stream: StreamID, at time: Int64) -> Record {
        record(EngineRecordKind.startApplied, timestamp: time * 1000, stream: stream)
    }
}
