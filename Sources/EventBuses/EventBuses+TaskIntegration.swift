import EventLog
import JSON
import Messaging
package import Runtime

/// `arn:aws:states:::events:putEvents`: a Task state puts `Parameters.Entries` on the
/// buses in the log transaction of the step that opens it (with the deliveries to
/// Stepline's own queues, topics and state machines, as `PutEvents` does) and answers
/// `{"Entries": [{"EventId": …}], "FailedEntryCount": 0}`; a failed entry fails the task
/// with `EventBridge.FailedEntry`, as on AWS.
extension EventBuses: TaskIntegration {
    package nonisolated var integratedResources: [String] { ["arn:aws:states:::events:putEvents"] }

    package func prepare(_ task: IntegrationTask) async -> IntegrationEffect {
        // The execution's account and region have a default bus, as every scope does on AWS,
        // even if no EventBridge request reached it yet. Made before the step, in its own
        // commit: should that fail, an entry for it fails as for a bus that does not exist.
        let scope = context.scope(ofArn: task.executionArn)
        if scope != context.defaultScope { try? await ensureDefaultBus(in: scope) }
        let (outcome, acceptance) = putEvents(task)
        guard let acceptance else { return .refused(outcome) }
        let records = acceptance.records.map { Self.record($0.0, $0.1, time: task.time) }
        let deliveries = acceptance.deliveries
        return .perform({ append in
            try self.appendAccepted(records, deliveries, in: append, time: task.time)
            return outcome
        })
    }

    /// Decides an `events:putEvents` task: its outcome and, when a bus accepted
    /// entries, the records and deliveries to commit with the step.
    package func putEvents(
        _ task: IntegrationTask
    ) -> (TaskOutcome, EventBuses.Acceptance?) {
        let (executionArn, stateMachineArn, time) = (task.executionArn, task.stateMachineArn, task.time)
        guard let given = task.parameters["Entries"]?.arrayValue else {
            return (Self.eventBridgeValidation("Parameters.Entries must be an array of entries."), nil)
        }
        var entries: [EventEntry] = []
        for (position, value) in given.enumerated() {
            guard let entry = value.objectValue else {
                return (Self.eventBridgeValidation("Parameters.Entries[\(position)] must be an object."), nil)
            }
            let detail: String? =
                switch entry["Detail"] {
                case .string(let text)?: text
                case let other?: other.serialized
                case nil: nil
                }
            // AWS appends the execution and state machine ARNs to every entry's Resources.
            let resources = (entry["Resources"]?.arrayValue ?? []).compactMap(\.stringValue) + [executionArn, stateMachineArn]
            entries.append(
                EventEntry(
                    source: entry["Source"]?.stringValue,
                    detailType: entry["DetailType"]?.stringValue,
                    detail: detail,
                    resources: resources,
                    // A bus name is one of the execution's account and region.
                    eventBusName: busName(entry["EventBusName"]?.stringValue, in: context.scope(ofArn: executionArn))
                )
            )
        }
        guard (1...EventBuses.maximumEntries).contains(entries.count) else {
            return (Self.eventBridgeValidation("Parameters.Entries must hold 1 to \(EventBuses.maximumEntries) entries, not \(entries.count)."), nil)
        }
        guard entries.reduce(0, { $0 + $1.size }) <= EventBuses.maximumRequestBytes else {
            return (Self.eventBridgeValidation("Total size of the entries in the request is over the limit."), nil)
        }
        let acceptance = accept(entries, at: time)
        let answers: [JSONValue] = acceptance.results.map { result in
            if let id = result.eventId { return ["EventId": .string(id)] }
            return ["ErrorCode": .string(result.errorCode ?? ""), "ErrorMessage": .string(result.errorMessage ?? "")]
        }
        let failed = acceptance.results.filter { $0.eventId == nil }.count
        let response: JSONValue = ["Entries": .array(answers), "FailedEntryCount": .integer(failed)]
        // Entries that were accepted stay accepted, as on AWS, even when the task fails.
        let outcome: TaskOutcome = failed == 0 ? .succeeded(response) : .failed(error: "EventBridge.FailedEntry", cause: response.serialized)
        return (outcome, acceptance.records.isEmpty ? nil : acceptance)
    }

    package static func eventBridgeValidation(_ message: String) -> TaskOutcome {
        .failed(
            error: "EventBridge.AmazonEventBridgeException",
            cause: "\(message) (Service: AmazonEventBridge; Status Code: 400; Error Code: ValidationException)"
        )
    }
}
