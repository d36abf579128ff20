public import JSON

/// Why a stored event could not be read back.
public struct HistoryEventDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the field.
    public var message: String

    public var description: String { message }
}

extension HistoryEvent {
    /// The version of ``json`` this code writes. Readers accept every version up
    /// to this one; a change of meaning gets a new version, never an edit.
    public static let encodingVersion = 1

    /// The event as a JSON value, for the Engine's log records: stable, versioned
    /// (`"v"`), with every field `apply` needs. Read it back with ``init(json:)``.
    public var json: JSONValue {
        var object = JSONObject()
        object["v"] = .integer(Self.encodingVersion)
        object["id"] = .integer(id)
        object["prev"] = .integer(previousEventId)
        object["ts"] = .integer(Int(timestamp.millisecondsSinceEpoch))
        object["frame"] = .integer(frame)
        object["type"] = .string(type)
        object["details"] = .object(details.fields)
        return .object(object)
    }

    /// Reads an event written by ``json``.
    public init(json: JSONValue) throws(HistoryEventDecodingError) {
        let reader = FieldReader(json, at: "event")
        let version = try reader.integer("v")
        guard version >= 1, version <= Self.encodingVersion else {
            throw HistoryEventDecodingError(message: "event encoding version \(version) is not supported")
        }
        self.init(
            id: try reader.integer("id"),
            previousEventId: try reader.integer("prev"),
            timestamp: Timestamp(millisecondsSinceEpoch: Int64(try reader.integer("ts"))),
            frame: try reader.integer("frame"),
            details: try Details(type: try reader.string("type"), fields: try reader.object("details"))
        )
    }
}

extension HistoryEvent.Details {
    var fields: JSONObject {
        var o = JSONObject()
        switch self {
        case .executionStarted(let start):
            o["input"] = start.input
            o["executionArn"] = .string(start.executionArn)
            o["executionName"] = .string(start.executionName)
            o["stateMachineArn"] = .string(start.stateMachineArn)
            o["stateMachineName"] = .string(start.stateMachineName)
            o["roleArn"] = .string(start.roleArn)
            o["redriveCount"] = .integer(start.redriveCount)
        case .executionSucceeded(let output):
            o["output"] = output
        case .executionRedriven(let redriveCount):
            o["redriveCount"] = .integer(redriveCount)
        case .executionFailed(let error, let cause), .executionTimedOut(let error, let cause),
            .executionAborted(let error, let cause), .mapStateFailed(let error, let cause),
            .parallelStateFailed(let error, let cause), .mapRunFailed(let error, let cause):
            o.setOptional("error", error)
            o.setOptional("cause", cause)
        case .evaluationFailed(let state, let error, let cause):
            o["state"] = .string(state)
            o.setOptional("error", error)
            o.setOptional("cause", cause)
        case .stateEntered(let type, let name, let input):
            o["stateType"] = .string(type.rawValue)
            o["name"] = .string(name)
            o["input"] = input
        case .stateExited(let type, let name, let output, let assigned):
            o["stateType"] = .string(type.rawValue)
            o["name"] = .string(name)
            o["output"] = output
            if let assigned { o["assignedVariables"] = .object(assigned) }
        case .taskScheduled(let task):
            o["taskId"] = .integer(task.taskId)
            o["stateName"] = .string(task.stateName)
            o["resource"] = .string(task.resource)
            o["parameters"] = task.parameters
            if let timeout = task.timeoutSeconds { o["timeoutSeconds"] = .integer(timeout) }
            if let heartbeat = task.heartbeatSeconds { o["heartbeatSeconds"] = .integer(heartbeat) }
            o["attempt"] = .integer(task.attempt)
            o["enteredEventId"] = .integer(task.enteredEventId)
            if let credentials = task.credentials { o["credentials"] = credentials }
            o.setOptional("taskToken", task.taskToken)
        case .taskStarted(let taskId, let resource, let workerName):
            o["taskId"] = .integer(taskId)
            o["resource"] = .string(resource)
            o.setOptional("workerName", workerName)
        case .taskSucceeded(let taskId, let resource, let output):
            o["taskId"] = .integer(taskId)
            o["resource"] = .string(resource)
            o["output"] = output
        case .taskFailed(let taskId, let resource, let error, let cause),
            .taskTimedOut(let taskId, let resource, let error, let cause):
            o["taskId"] = .integer(taskId)
            o["resource"] = .string(resource)
            o.setOptional("error", error)
            o.setOptional("cause", cause)
        case .mapStateStarted(let length, let items, let maxConcurrency, let tolerance):
            o["length"] = .integer(length)
            o["items"] = .array(items)
            o["maxConcurrency"] = .integer(maxConcurrency)
            if let count = tolerance.count { o["toleratedFailureCount"] = .integer(count) }
            if let percentage = tolerance.percentage { o["toleratedFailurePercentage"] = .double(percentage) }
        case .mapStateSucceeded, .mapStateAborted, .mapRunSucceeded, .parallelStateSucceeded, .parallelStateAborted:
            break
        case .mapIterationStarted(let name, let index, let input, let child):
            o["name"] = .string(name)
            o["index"] = .integer(index)
            o["input"] = input
            o["childFrame"] = .integer(child)
        case .mapIterationSucceeded(let name, let index, let output):
            o["name"] = .string(name)
            o["index"] = .integer(index)
            o["output"] = output
        case .mapIterationFailed(let name, let index, let error, let cause):
            o["name"] = .string(name)
            o["index"] = .integer(index)
            o.setOptional("error", error)
            o.setOptional("cause", cause)
        case .mapIterationAborted(let name, let index):
            o["name"] = .string(name)
            o["index"] = .integer(index)
        case .mapRunStarted(let arn):
            o["mapRunArn"] = .string(arn)
        case .parallelStateStarted(let branches, let input):
            o["branches"] = .integer(branches)
            o["input"] = input
        case .timerScheduled(let timerId, let due, let reason):
            o["timerId"] = .integer(timerId)
            o["due"] = .integer(Int(due.millisecondsSinceEpoch))
            switch reason {
            case .wait: o["reason"] = "wait"
            case .executionTimeout: o["reason"] = "executionTimeout"
            case .taskTimeout(let taskId):
                o["reason"] = "taskTimeout"
                o["taskId"] = .integer(taskId)
            case .retry(let retrier, let attempt, let error, let cause):
                o["reason"] = "retry"
                o["retrier"] = .integer(retrier)
                o["attempt"] = .integer(attempt)
                o["error"] = .string(error)
                o["cause"] = .string(cause)
            }
        case .timerFired(let timerId):
            o["timerId"] = .integer(timerId)
        case .branchStarted(let index, let input, let child):
            o["index"] = .integer(index)
            o["input"] = input
            o["childFrame"] = .integer(child)
        case .branchSucceeded(let index, let output):
            o["index"] = .integer(index)
            o["output"] = output
        case .branchFailed(let index, let error, let cause):
            o["index"] = .integer(index)
            o.setOptional("error", error)
            o.setOptional("cause", cause)
        case .branchAborted(let index):
            o["index"] = .integer(index)
        }
        return o
    }

    init(type: String, fields: JSONObject) throws(HistoryEventDecodingError) {
        let r = FieldReader(.object(fields), at: type)
        func stateType() throws(HistoryEventDecodingError) -> StateType {
            let name = try r.string("stateType")
            guard let type = StateType(rawValue: name) else {
                throw HistoryEventDecodingError(message: "\(type): unknown stateType '\(name)'")
            }
            return type
        }
        switch type {
        case "ExecutionStarted":
            self = .executionStarted(
                ExecutionStart(
                    input: try r.value("input"),
                    executionArn: try r.string("executionArn"),
                    executionName: try r.string("executionName"),
                    stateMachineArn: try r.string("stateMachineArn"),
                    stateMachineName: try r.string("stateMachineName"),
                    roleArn: try r.string("roleArn"),
                    redriveCount: try r.integer("redriveCount")
                )
            )
        case "ExecutionSucceeded": self = .executionSucceeded(output: try r.value("output"))
        case "ExecutionFailed": self = .executionFailed(error: r.optionalString("error"), cause: r.optionalString("cause"))
        case "ExecutionTimedOut":
            self = .executionTimedOut(error: r.optionalString("error"), cause: r.optionalString("cause"))
        case "ExecutionAborted":
            self = .executionAborted(error: r.optionalString("error"), cause: r.optionalString("cause"))
        case "ExecutionRedriven": self = .executionRedriven(redriveCount: try r.integer("redriveCount"))
        case "TaskScheduled":
            self = .taskScheduled(
                ScheduledTask(
                    taskId: try r.integer("taskId"),
                    stateName: try r.string("stateName"),
                    resource: try r.string("resource"),
                    parameters: try r.value("parameters"),
                    timeoutSeconds: fields["timeoutSeconds"]?.integerValue,
                    heartbeatSeconds: fields["heartbeatSeconds"]?.integerValue,
                    attempt: try r.integer("attempt"),
                    enteredEventId: try r.integer("enteredEventId"),
                    credentials: fields["credentials"],
                    taskToken: r.optionalString("taskToken")
                )
            )
        case "TaskStarted":
            self = .taskStarted(
                taskId: try r.integer("taskId"),
                resource: try r.string("resource"),
                workerName: r.optionalString("workerName")
            )
        case "TaskSucceeded":
            self = .taskSucceeded(
                taskId: try r.integer("taskId"),
                resource: try r.string("resource"),
                output: try r.value("output")
            )
        case "TaskFailed":
            self = .taskFailed(
                taskId: try r.integer("taskId"),
                resource: try r.string("resource"),
                error: r.optionalString("error"),
                cause: r.optionalString("cause")
            )
        case "TaskTimedOut":
            self = .taskTimedOut(
                taskId: try r.integer("taskId"),
                resource: try r.string("resource"),
                error: r.optionalString("error"),
                cause: r.optionalString("cause")
            )
        case "MapStateStarted":
            self = .mapStateStarted(
                length: try r.integer("length"),
                items: try r.value("items").arrayValue ?? [],
                maxConcurrency: try r.integer("maxConcurrency"),
                tolerance: FailureTolerance(
                    count: fields["toleratedFailureCount"]?.integerValue,
                    percentage: fields["toleratedFailurePercentage"]?.doubleValue
                )
            )
        case "MapStateSucceeded": self = .mapStateSucceeded
        case "MapStateFailed": self = .mapStateFailed(error: r.optionalString("error"), cause: r.optionalString("cause"))
        case "EvaluationFailed":
            self = .evaluationFailed(
                state: try r.string("state"),
                error: r.optionalString("error"),
                cause: r.optionalString("cause")
            )
        case "MapStateAborted": self = .mapStateAborted
        case "MapIterationStarted":
            self = .mapIterationStarted(
                name: try r.string("name"),
                index: try r.integer("index"),
                input: try r.value("input"),
                childFrame: try r.integer("childFrame")
            )
        case "MapIterationSucceeded":
            self = .mapIterationSucceeded(
                name: try r.string("name"),
                index: try r.integer("index"),
                output: try r.value("output")
            )
        case "MapIterationFailed":
            self = .mapIterationFailed(
                name: try r.string("name"),
                index: try r.integer("index"),
                error: r.optionalString("error"),
                cause: r.optionalString("cause")
            )
        case "MapIterationAborted": self = .mapIterationAborted(name: try r.string("name"), index: try r.integer("index"))
        case "MapRunStarted": self = .mapRunStarted(mapRunArn: try r.string("mapRunArn"))
        case "MapRunSucceeded": self = .mapRunSucceeded
        case "MapRunFailed": self = .mapRunFailed(error: r.optionalString("error"), cause: r.optionalString("cause"))
        case "ParallelStateStarted":
            self = .parallelStateStarted(branches: try r.integer("branches"), input: try r.value("input"))
        case "ParallelStateSucceeded": self = .parallelStateSucceeded
        case "ParallelStateFailed":
            self = .parallelStateFailed(error: r.optionalString("error"), cause: r.optionalString("cause"))
        case "ParallelStateAborted": self = .parallelStateAborted
        case "SteplineTimerScheduled":
            let reason: TimerReason
            switch try r.string("reason") {
            case "wait": reason = .wait
            case "executionTimeout": reason = .executionTimeout
            case "taskTimeout": reason = .taskTimeout(taskId: try r.integer("taskId"))
            case "retry":
                reason = .retry(
                    retrier: try r.integer("retrier"),
                    attempt: try r.integer("attempt"),
                    error: try r.string("error"),
                    cause: try r.string("cause")
                )
            case let other: throw HistoryEventDecodingError(message: "\(type): unknown timer reason '\(other)'")
            }
            self = .timerScheduled(
                timerId: try r.integer("timerId"),
                due: Timestamp(millisecondsSinceEpoch: Int64(try r.integer("due"))),
                reason: reason
            )
        case "SteplineTimerFired": self = .timerFired(timerId: try r.integer("timerId"))
        case "SteplineBranchStarted":
            self = .branchStarted(
                index: try r.integer("index"),
                input: try r.value("input"),
                childFrame: try r.integer("childFrame")
            )
        case "SteplineBranchSucceeded": self = .branchSucceeded(index: try r.integer("index"), output: try r.value("output"))
        case "SteplineBranchFailed":
            self = .branchFailed(
                index: try r.integer("index"),
                error: r.optionalString("error"),
                cause: r.optionalString("cause")
            )
        case "SteplineBranchAborted": self = .branchAborted(index: try r.integer("index"))
        default:
            if type.hasSuffix("StateEntered") {
                self = .stateEntered(try stateType(), name: try r.string("name"), input: try r.value("input"))
            } else if type.hasSuffix("StateExited") {
                self = .stateExited(
                    try stateType(),
                    name: try r.string("name"),
                    output: try r.value("output"),
                    assignedVariables: fields["assignedVariables"]?.objectValue
                )
            } else {
                throw HistoryEventDecodingError(message: "unknown event type '\(type)'")
            }
        }
    }
}

extension JSONObject {
    mutating func setOptional(_ key: String, _ value: String?) {
        if let value { self[key] = .string(value) }
    }
}

/// Typed access to the fields of a stored event, with errors that name the field.
struct FieldReader {
    let value: JSONValue
    let location: String

    init(_ value: JSONValue, at location: String) {
        self.value = value
        self.location = location
    }

    func value(_ key: String) throws(HistoryEventDecodingError) -> JSONValue {
        guard let field = value[key] else {
            throw HistoryEventDecodingError(message: "\(location): missing field '\(key)'")
        }
        return field
    }

    func integer(_ key: String) throws(HistoryEventDecodingError) -> Int {
        guard let number = try value(key).integerValue else {
            throw HistoryEventDecodingError(message: "\(location): field '\(key)' must be an integer")
        }
        return number
    }

    func string(_ key: String) throws(HistoryEventDecodingError) -> String {
        guard let text = try value(key).stringValue else {
            throw HistoryEventDecodingError(message: "\(location): field '\(key)' must be a string")
        }
        return text
    }

    func object(_ key: String) throws(HistoryEventDecodingError) -> JSONObject {
        guard let object = try value(key).objectValue else {
            throw HistoryEventDecodingError(message: "\(location): field '\(key)' must be an object")
        }
        return object
    }

    func optionalString(_ key: String) -> String? { value[key]?.stringValue }
}
