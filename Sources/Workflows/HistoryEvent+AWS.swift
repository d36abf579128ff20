public import JSON
import Runtime
public import StatesLanguage

extension HistoryEvent {
    /// The event as `GetExecutionHistory` returns it: `timestamp` (epoch
    /// seconds), `type`, `id`, `previousEventId` and the `<type>EventDetails`
    /// object AWS uses for its type. Without `includeExecutionData`, inputs and
    /// outputs are left out, as AWS does.
    public func awsJSON(includeExecutionData: Bool = true) -> JSONValue {
        var object: JSONObject = [
            "timestamp": .double(Double(timestamp.millisecondsSinceEpoch) / 1000), "type": .string(type),
            "id": .integer(id), "previousEventId": .integer(previousEventId),
        ]
        var details = JSONObject()
        func data(_ key: String, _ value: JSONValue) {
            guard includeExecutionData else { return }
            details[key] = .string(value.serialized)
            details[key + "Details"] = ["truncated": false]
        }
        func failure(_ error: String?, _ cause: String?) {
            if let error { details["error"] = .string(error) }
            if let cause { details["cause"] = .string(cause) }
        }
        func resource(_ text: String) {
            let (type, name) = Self.resourceParts(text)
            details["resourceType"] = .string(type)
            details["resource"] = .string(name)
        }
        let key: String?
        switch self.details {
        case .executionStarted(let start):
            key = "executionStartedEventDetails"
            data("input", start.input)
            details["roleArn"] = .string(start.roleArn)
        case .executionRedriven(let redriveCount):
            key = "executionRedrivenEventDetails"
            details["redriveCount"] = .integer(redriveCount)
        case .executionSucceeded(let output):
            key = "executionSucceededEventDetails"
            data("output", output)
        case .executionFailed(let error, let cause):
            key = "executionFailedEventDetails"
            failure(error, cause)
        case .executionTimedOut(let error, let cause):
            key = "executionTimedOutEventDetails"
            failure(error, cause)
        case .executionAborted(let error, let cause):
            key = "executionAbortedEventDetails"
            failure(error, cause)
        case .stateEntered(_, let name, let input):
            key = "stateEnteredEventDetails"
            details["name"] = .string(name)
            data("input", input)
        case .stateExited(_, let name, let output, let assigned):
            key = "stateExitedEventDetails"
            details["name"] = .string(name)
            data("output", output)
            if let assigned, includeExecutionData {
                details["assignedVariables"] = .object(JSONObject(assigned.entries.map { ($0.0, JSONValue.string($0.1.serialized)) }))
            }
        case .taskScheduled(let task):
            key = "taskScheduledEventDetails"
            resource(task.resource)
            details["region"] = .string(Self.region(task.resource))
            if includeExecutionData { details["parameters"] = .string(task.parameters.serialized) }
            if let timeout = task.timeoutSeconds { details["timeoutInSeconds"] = .integer(timeout) }
            if let heartbeat = task.heartbeatSeconds { details["heartbeatInSeconds"] = .integer(heartbeat) }
        case .taskStarted(_, let name, _):
            key = "taskStartedEventDetails"
            resource(name)
        case .taskSucceeded(_, let name, let output):
            key = "taskSucceededEventDetails"
            resource(name)
            data("output", output)
        case .taskFailed(_, let name, let error, let cause):
            key = "taskFailedEventDetails"
            resource(name)
            failure(error, cause)
        case .taskTimedOut(_, let name, let error, let cause):
            key = "taskTimedOutEventDetails"
            resource(name)
            failure(error, cause)
        case .mapStateStarted(let length, _, _, _):
            key = "mapStateStartedEventDetails"
            details["length"] = .integer(length)
        case .mapIterationStarted(let name, let index, _, _), .mapIterationSucceeded(let name, let index, _),
            .mapIterationAborted(let name, let index):
            key = "\(Self.lowerFirst(type))EventDetails"
            details["name"] = .string(name)
            details["index"] = .integer(index)
        case .mapIterationFailed(let name, let index, _, _):
            key = "mapIterationFailedEventDetails"
            details["name"] = .string(name)
            details["index"] = .integer(index)
        case .mapRunStarted(let mapRunArn):
            key = "mapRunStartedEventDetails"
            details["mapRunArn"] = .string(mapRunArn)
        case .mapRunFailed(let error, let cause):
            key = "mapRunFailedEventDetails"
            failure(error, cause)
        case .evaluationFailed(let state, let error, let cause):
            key = "evaluationFailedEventDetails"
            failure(error, cause)
            details["state"] = .string(state)
        default:
            key = nil
        }
        if let key { object[key] = .object(details) }
        return .object(object)
    }

    /// `arn:aws:states:::lambda:invoke.waitForTaskToken` → (`lambda`, `invoke.waitForTaskToken`);
    /// a Lambda function ARN → (`lambda`, `invoke`); an activity → (`activity`, its ARN).
    package static func resourceParts(_ resource: String) -> (String, String) {
        let parts = resource.split(separator: ":", maxSplits: 6, omittingEmptySubsequences: false).map(String.init)
        if parts.count >= 7, parts[2] == "states", parts[3].isEmpty, parts[4].isEmpty { return (parts[5], parts[6]) }
        if parts.count >= 3, parts[2] == "lambda" { return ("lambda", "invoke") }
        if resource.contains(":activity:") { return ("activity", resource) }
        return (parts.count > 2 ? parts[2] : "unknown", resource)
    }

    package static func region(_ resource: String) -> String {
        let parts = resource.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 3 && !parts[3].isEmpty ? String(parts[3]) : "us-east-1"
    }

    package static func lowerFirst(_ text: String) -> String { text.prefix(1).lowercased() + text.dropFirst() }
}
