package import EventLog
package import JSON
import Memberwise

/// A Stepline service that a Task state reaches through one of AWS's optimized
/// integrations (`arn:aws:states:::sqs:sendMessage`, `sns:publish`, `events:putEvents`),
/// so a definition written for AWS runs unchanged.
///
/// Each is an effect on Stepline's own resources, so it happens in the log transaction
/// of the step that opens the task: the message or event is accepted exactly when the
/// step commits, never twice, and what the service answered is stored with the open
/// task, from where the task's result is delivered after the commit (and again after a
/// crash) without sending anything a second time. The workflow engine looks an
/// integration up by the task's resource; it never knows the service's type.
package protocol TaskIntegration: Sendable {
    /// The resources it runs, without `.waitForTaskToken` (`arn:aws:states:::sqs:sendMessage`).
    var integratedResources: [String] { get }

    /// What `task` asks for, decided before the step's transaction (anything that must
    /// await happens here); the effect runs inside it.
    func prepare(_ task: IntegrationTask) async -> IntegrationEffect
}

/// One Task state's call of an integration, as its step is about to be recorded.
@MemberwiseInit(.package)
package struct IntegrationTask: Sendable {
    /// The Task's `Resource`, with its suffix (`.waitForTaskToken`).
    package var resource: String
    /// The Task's effective parameters.
    package var parameters: JSONValue
    package var executionArn: String
    package var stateMachineArn: String
    /// The step's time, in milliseconds since the epoch.
    package var time: Int64
}

/// What an integration does for one task.
package enum IntegrationEffect: Sendable {
    /// The task cannot be done at all: its failure, with nothing written.
    case refused(TaskOutcome)
    /// Appends what the task does in the step's transaction and returns the task's
    /// outcome (a thrown error fails the whole transaction: a storage failure). Nothing
    /// runs after the commit: what follows from the records (deliveries, woken
    /// receivers) is each service's commit observer's.
    case perform(@Sendable (AppendTransaction) throws -> TaskOutcome)
}

extension TaskOutcome {
    /// How an integration's outcome is stored with its open task:
    /// `{"output": …}` or `{"error": …, "cause": …}`.
    package var recordJSON: JSONValue {
        switch self {
        case .succeeded(let output): ["output": output]
        case .failed(let error, let cause): ["error": .string(error), "cause": .string(cause)]
        }
    }

    package init?(recordJSON json: JSONValue) {
        if let output = json["output"] {
            self = .succeeded(output)
        } else if let error = json["error"]?.stringValue {
            self = .failed(error: error, cause: json["cause"]?.stringValue ?? "")
        } else {
            return nil
        }
    }
}
