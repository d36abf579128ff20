public import JSON

extension HistoryEvent {
    /// The event as one entry of GetExecutionHistory's `events` list, or `nil` for
    /// Stepline-internal events, which that API does not show.
    ///
    /// Payloads are JSON text, as AWS sends them (`"input": "{\"a\":1}"`), and
    /// the timestamp is epoch seconds, as the AWS JSON protocol encodes dates.
    /// A Task whose resource is an activity ARN reports `Activity…` events, as
    /// AWS does for activities. Without `includeExecutionData` the `input` and
    /// `output` payloads (and their `…Details`) are left out, as AWS does.
    ///
    /// This is the one rendering of an event: the API, the CLI and the console
    /// all show it.
    public func stepFunctionsJSON(includeExecutionData: Bool = true) -> JSONValue? {
        guard id > 0, details.isStepFunctionsEvent else { return nil }
        var object = JSONObject()
        object["timestamp"] = .double(Double(timestamp.millisecondsSinceEpoch) / 1000)
        object["type"] = .string(stepFunctionsType)
        object["id"] = .integer(id)
        object["previousEventId"] = .integer(previousEventId)
        if let (key, value) = stepFunctionsDetails(includeExecutionData: includeExecutionData) { object[key] = .object(value) }
        return .object(object)
    }

    private var isActivity: Bool {
        switch details {
        case .taskScheduled(let task): task.resource.contains(":activity:")
        case .taskStarted(_, let resource, _), .taskSucceeded(_, let resource, _), .taskFailed(_, let resource, _, _),
            .taskTimedOut(_, let resource, _, _):
            resource.contains(":activity:")
        default: false
        }
    }

    /// The AWS type name (`ActivityScheduled` instead of `TaskScheduled` for activities).
    public var stepFunctionsType: String {
        isActivity && type.hasPrefix("Task") ? "Activity" + type.dropFirst(4) : type
    }

    private func stepFunctionsDetails(includeExecutionData: Bool) -> (String, JSONObject)? {
        func payload(_ key: String, _ value: JSONValue, into object: inout JSONObject) {
            guard includeExecutionData else { return }
            object[key] = .string(value.serialized)
            object["\(key)Details"] = ["truncated": false]
        }
        func errorCause(_ error: String?, _ cause: String?) -> JSONObject {
            var o = JSONObject()
            o.setOptional("error", error)
            o.setOptional("cause", cause)
            return o
        }
        /// `arn:aws:states:::lambda:invoke` → (`lambda`, `invoke`), as AWS splits Task resources.
        func resourceFields(_ resource: String) -> JSONObject {
            var o = JSONObject()
            if isActivity {
                o["resource"] = .string(resource)
                return o
            }
            let parts = resource.split(separator: ":", omittingEmptySubsequences: false)
            if resource.hasPrefix("arn:") && parts.count >= 7 && parts[2] == "states" {
                o["resourceType"] = .string(String(parts[5]))
                o["resource"] = .string(parts[6...].joined(separator: ":"))
            } else {
                o["resourceType"] = .string("stepline")
                o["resource"] = .string(resource)
            }
            return o
        }
        switch details {
        case .executionStarted(let start):
            var o = JSONObject()
            payload("input", start.input, into: &o)
            o["roleArn"] = .string(start.roleArn)
            return ("executionStartedEventDetails", o)
        case .executionSucceeded(let output):
            var o = JSONObject()
            payload("output", output, into: &o)
            return ("executionSucceededEventDetails", o)
        case .executionFailed(let error, let cause): return ("executionFailedEventDetails", errorCause(error, cause))
        case .executionTimedOut(let error, let cause): return ("executionTimedOutEventDetails", errorCause(error, cause))
        case .executionAborted(let error, let cause): return ("executionAbortedEventDetails", errorCause(error, cause))
        case .executionRedriven(let redriveCount):
            var o = JSONObject()
            o["redriveCount"] = .integer(redriveCount)
            return ("executionRedrivenEventDetails", o)
        case .stateEntered(_, let name, let input):
            var o = JSONObject()
            o["name"] = .string(name)
            payload("input", input, into: &o)
            return ("stateEnteredEventDetails", o)
        case .stateExited(_, let name, let output, let assigned):
            var o = JSONObject()
            o["name"] = .string(name)
            payload("output", output, into: &o)
            if let assigned {
                o["assignedVariables"] = .object(JSONObject(assigned.entries.map { ($0, .string($1.serialized)) }))
                o["assignedVariablesDetails"] = ["truncated": false]
            }
            return ("stateExitedEventDetails", o)
        case .taskScheduled(let task):
            var o = resourceFields(task.resource)
            if isActivity {
                payload("input", task.parameters, into: &o)
            } else {
                o["region"] = .string(task.resource.split(separator: ":", omittingEmptySubsequences: false).dropFirst(3).first.map(String.init) ?? "")
                o["parameters"] = .string(task.parameters.serialized)
            }
            if let timeout = task.timeoutSeconds { o["timeoutInSeconds"] = .integer(timeout) }
            if let heartbeat = task.heartbeatSeconds { o["heartbeatInSeconds"] = .integer(heartbeat) }
            return (isActivity ? "activityScheduledEventDetails" : "taskScheduledEventDetails", o)
        case .taskStarted(_, let resource, let workerName):
            var o = isActivity ? JSONObject() : resourceFields(resource)
            if isActivity { o.setOptional("workerName", workerName) }
            return (isActivity ? "activityStartedEventDetails" : "taskStartedEventDetails", o)
        case .taskSucceeded(_, let resource, let output):
            var o = isActivity ? JSONObject() : resourceFields(resource)
            payload("output", output, into: &o)
            return (isActivity ? "activitySucceededEventDetails" : "taskSucceededEventDetails", o)
        case .taskFailed(_, let resource, let error, let cause):
            var o = isActivity ? JSONObject() : resourceFields(resource)
            o.setOptional("error", error)
            o.setOptional("cause", cause)
            return (isActivity ? "activityFailedEventDetails" : "taskFailedEventDetails", o)
        case .taskTimedOut(_, let resource, let error, let cause):
            var o = isActivity ? JSONObject() : resourceFields(resource)
            o.setOptional("error", error)
            o.setOptional("cause", cause)
            return (isActivity ? "activityTimedOutEventDetails" : "taskTimedOutEventDetails", o)
        case .mapStateStarted(let length, _, _, _):
            return ("mapStateStartedEventDetails", ["length": .integer(length)])
        case .mapIterationStarted(let name, let index, _, _):
            return ("mapIterationStartedEventDetails", ["name": .string(name), "index": .integer(index)])
        case .mapIterationSucceeded(let name, let index, _):
            return ("mapIterationSucceededEventDetails", ["name": .string(name), "index": .integer(index)])
        case .mapIterationFailed(let name, let index, _, _):
            return ("mapIterationFailedEventDetails", ["name": .string(name), "index": .integer(index)])
        case .mapIterationAborted(let name, let index):
            return ("mapIterationAbortedEventDetails", ["name": .string(name), "index": .integer(index)])
        case .mapRunStarted(let arn):
            return ("mapRunStartedEventDetails", ["mapRunArn": .string(arn)])
        case .mapRunFailed(let error, let cause):
            return ("mapRunFailedEventDetails", errorCause(error, cause))
        case .evaluationFailed(let state, let error, let cause):
            var details = errorCause(error, cause)
            details["state"] = .string(state)
            return ("evaluationFailedEventDetails", details)
        default:
            return nil
        }
    }
}

extension JSONObject {
    mutating func setOptional(_ key: String, _ value: String?) {
        if let value { self[key] = .string(value) }
    }
}
