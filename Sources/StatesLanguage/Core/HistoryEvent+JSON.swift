public import JSON

/// Why a stored event could not be read back.
public struct HistoryEventDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the field.
    public var message: String

    public var description: String { message }
}

/// The log encoding of history events: the Engine's `execution.step` records
/// store each event as ``HistoryEvent/json`` (schema version 1 of that record
/// kind), and replay reads it back with ``HistoryEvent/init(json:)``.
///
/// Each event is a JSON object with its id, previous id, time, frame and type
/// name under one-letter keys (`i`, `p`, `t`, `f`, `k`), plus the fields of its
/// details. The encoding is frozen once shipped: the record kind's version says
/// which encoding a record holds, so a change of meaning gets a new record
/// version and a decoder for the old one, never an edit here.
extension HistoryEvent {
    /// The event as the log stores it. Read it back with ``init(json:)``.
    public var json: JSONValue {
        var object = JSONObject()
        object["i"] = .integer(id)
        object["p"] = .integer(previousEventId)
        object["t"] = .integer(Int(timestamp.millisecondsSinceEpoch))
        object["f"] = .integer(frame)
        object["k"] = .string(details.typeName)
        func set(_ key: String, _ value: JSONValue?) { if let value { object[key] = value } }
        func text(_ value: String?) -> JSONValue? { value.map(JSONValue.string) }
        switch details {
        case .executionStarted(let start):
            set("start", Self.encoded(start))
        case .executionSucceeded(let output):
            set("output", output)
        case .executionRedriven(let redriveCount):
            set("redriveCount", .integer(redriveCount))
        case .executionFailed(let error, let cause), .executionTimedOut(let error, let cause),
            .executionAborted(let error, let cause), .mapStateFailed(let error, let cause),
            .mapRunFailed(let error, let cause), .parallelStateFailed(let error, let cause):
            set("error", text(error))
            set("cause", text(cause))
        case .evaluationFailed(let state, let error, let cause):
            set("name", .string(state))
            set("error", text(error))
            set("cause", text(cause))
        case .stateEntered(let type, let name, let input):
            set("type", .string(type.rawValue))
            set("name", .string(name))
            set("input", input)
        case .stateExited(let type, let name, let output, let assigned):
            set("type", .string(type.rawValue))
            set("name", .string(name))
            set("output", output)
            set("assigned", assigned.map(JSONValue.object))
        case .taskScheduled(let task):
            set("task", Self.encoded(task))
        case .taskStarted(let taskId, let resource, let workerName):
            set("task", .integer(taskId))
            set("resource", .string(resource))
            set("worker", text(workerName))
        case .taskSucceeded(let taskId, let resource, let output):
            set("task", .integer(taskId))
            set("resource", .string(resource))
            set("output", output)
        case .taskFailed(let taskId, let resource, let error, let cause),
            .taskTimedOut(let taskId, let resource, let error, let cause):
            set("task", .integer(taskId))
            set("resource", .string(resource))
            set("error", text(error))
            set("cause", text(cause))
        case .mapStateStarted(let length, let items, let maxConcurrency, let tolerance):
            set("length", .integer(length))
            set("items", .array(items))
            set("maxConcurrency", .integer(maxConcurrency))
            set("toleratedCount", tolerance.count.map(JSONValue.integer))
            set("toleratedPercentage", tolerance.percentage.map(JSONValue.double))
        case .mapStateSucceeded, .mapStateAborted, .mapRunSucceeded, .parallelStateSucceeded, .parallelStateAborted:
            break
        case .mapIterationStarted(let name, let index, let input, let childFrame):
            set("name", .string(name))
            set("index", .integer(index))
            set("input", input)
            set("child", .integer(childFrame))
        case .mapIterationSucceeded(let name, let index, let output):
            set("name", .string(name))
            set("index", .integer(index))
            set("output", output)
        case .mapIterationFailed(let name, let index, let error, let cause):
            set("name", .string(name))
            set("index", .integer(index))
            set("error", text(error))
            set("cause", text(cause))
        case .mapIterationAborted(let name, let index):
            set("name", .string(name))
            set("index", .integer(index))
        case .mapRunStarted(let mapRunArn):
            set("mapRunArn", .string(mapRunArn))
        case .parallelStateStarted(let branches, let input):
            set("branches", .integer(branches))
            set("input", input)
        case .timerScheduled(let timerId, let due, let reason):
            set("timer", .integer(timerId))
            set("due", .integer(Int(due.millisecondsSinceEpoch)))
            set("reason", reason.json)
        case .timerFired(let timerId):
            set("timer", .integer(timerId))
        case .branchStarted(let index, let input, let childFrame):
            set("index", .integer(index))
            set("input", input)
            set("child", .integer(childFrame))
        case .branchSucceeded(let index, let output):
            set("index", .integer(index))
            set("output", output)
        case .branchFailed(let index, let error, let cause):
            set("index", .integer(index))
            set("error", text(error))
            set("cause", text(cause))
        case .branchAborted(let index):
            set("index", .integer(index))
        }
        return .object(object)
    }

    /// Reads an event written by ``json``.
    /// - Throws: ``HistoryEventDecodingError`` naming the missing or malformed field.
    public init(json: JSONValue) throws(HistoryEventDecodingError) {
        let fields = try FieldReader(json, what: "history event")
        let kind = try fields.string("k")
        func error() -> String? { fields.optionalString("error") }
        func cause() -> String? { fields.optionalString("cause") }
        /// The kinds that carry only an error and a cause, built by their case.
        func failure(_ details: (String?, String?) -> Details) -> Details { details(error(), cause()) }
        func taskFailure(
            _ details: (Int, String, String?, String?) -> Details
        ) throws(HistoryEventDecodingError) -> Details {
            details(try fields.integer("task"), try fields.string("resource"), error(), cause())
        }
        let details: Details
        switch kind {
        case "ExecutionStarted": details = .executionStarted(try Self.decoded(try fields.value("start"), "execution start"))
        case "ExecutionSucceeded": details = .executionSucceeded(output: fields.optional("output") ?? .null)
        case "ExecutionRedriven": details = .executionRedriven(redriveCount: try fields.integer("redriveCount"))
        case "ExecutionFailed": details = failure(Details.executionFailed)
        case "ExecutionTimedOut": details = failure(Details.executionTimedOut)
        case "ExecutionAborted": details = failure(Details.executionAborted)
        case "TaskScheduled": details = .taskScheduled(try Self.decoded(try fields.value("task"), "scheduled task"))
        case "TaskStarted":
            details = .taskStarted(
                taskId: try fields.integer("task"),
                resource: try fields.string("resource"),
                workerName: fields.optionalString("worker")
            )
        case "TaskSucceeded":
            details = .taskSucceeded(
                taskId: try fields.integer("task"),
                resource: try fields.string("resource"),
                output: fields.optional("output") ?? .null
            )
        case "TaskFailed": details = try taskFailure(Details.taskFailed)
        case "TaskTimedOut": details = try taskFailure(Details.taskTimedOut)
        case "MapStateStarted":
            details = .mapStateStarted(
                length: try fields.integer("length"),
                items: fields.optional("items")?.arrayValue ?? [],
                maxConcurrency: try fields.integer("maxConcurrency"),
                tolerance: FailureTolerance(
                    count: fields.optional("toleratedCount")?.integerValue,
                    percentage: fields.optional("toleratedPercentage")?.doubleValue
                )
            )
        case "MapStateSucceeded": details = .mapStateSucceeded
        case "MapStateFailed": details = failure(Details.mapStateFailed)
        case "EvaluationFailed":
            details = .evaluationFailed(state: try fields.string("name"), error: error(), cause: cause())
        case "MapStateAborted": details = .mapStateAborted
        case "MapIterationStarted":
            details = .mapIterationStarted(
                name: try fields.string("name"),
                index: try fields.integer("index"),
                input: fields.optional("input") ?? .null,
                childFrame: try fields.integer("child")
            )
        case "MapIterationSucceeded":
            details = .mapIterationSucceeded(
                name: try fields.string("name"),
                index: try fields.integer("index"),
                output: fields.optional("output") ?? .null
            )
        case "MapIterationFailed":
            details = .mapIterationFailed(
                name: try fields.string("name"),
                index: try fields.integer("index"),
                error: error(),
                cause: cause()
            )
        case "MapIterationAborted":
            details = .mapIterationAborted(name: try fields.string("name"), index: try fields.integer("index"))
        case "MapRunStarted": details = .mapRunStarted(mapRunArn: try fields.string("mapRunArn"))
        case "MapRunSucceeded": details = .mapRunSucceeded
        case "MapRunFailed": details = failure(Details.mapRunFailed)
        case "ParallelStateStarted":
            details = .parallelStateStarted(branches: try fields.integer("branches"), input: fields.optional("input") ?? .null)
        case "ParallelStateSucceeded": details = .parallelStateSucceeded
        case "ParallelStateFailed": details = failure(Details.parallelStateFailed)
        case "ParallelStateAborted": details = .parallelStateAborted
        case "SteplineTimerScheduled":
            details = .timerScheduled(
                timerId: try fields.integer("timer"),
                due: Timestamp(millisecondsSinceEpoch: Int64(try fields.integer("due"))),
                reason: try TimerReason(json: try fields.value("reason"))
            )
        case "SteplineTimerFired": details = .timerFired(timerId: try fields.integer("timer"))
        case "SteplineBranchStarted":
            details = .branchStarted(
                index: try fields.integer("index"),
                input: fields.optional("input") ?? .null,
                childFrame: try fields.integer("child")
            )
        case "SteplineBranchSucceeded":
            details = .branchSucceeded(index: try fields.integer("index"), output: fields.optional("output") ?? .null)
        case "SteplineBranchFailed": details = .branchFailed(index: try fields.integer("index"), error: error(), cause: cause())
        case "SteplineBranchAborted": details = .branchAborted(index: try fields.integer("index"))
        default:
            guard let type = StateType(rawValue: fields.optionalString("type") ?? "") else {
                throw HistoryEventDecodingError(message: "history event has unknown type \(kind)")
            }
            if kind == type.enteredEventType {
                details = .stateEntered(type, name: try fields.string("name"), input: fields.optional("input") ?? .null)
            } else if kind == type.exitedEventType {
                details = .stateExited(
                    type,
                    name: try fields.string("name"),
                    output: fields.optional("output") ?? .null,
                    assignedVariables: fields.optional("assigned")?.objectValue
                )
            } else {
                throw HistoryEventDecodingError(message: "history event has unknown type \(kind)")
            }
        }
        self.init(
            id: try fields.integer("i"),
            previousEventId: try fields.integer("p"),
            timestamp: Timestamp(millisecondsSinceEpoch: Int64(try fields.integer("t"))),
            frame: try fields.integer("f"),
            details: details
        )
    }

    /// A `Codable` member (``ExecutionStart``, ``ScheduledTask``): its members in
    /// the order its coding keys give.
    private static func encoded(_ value: some Encodable) -> JSONValue {
        do { return try JSONValueEncoder().encode(value) } catch {
            // Only an unsigned integer beyond `Int.max` fails, and these members have none.
            preconditionFailure("\(Swift.type(of: value)) cannot be encoded: \(error)")
        }
    }

    private static func decoded<Member: Decodable>(_ json: JSONValue, _ what: String) throws(HistoryEventDecodingError) -> Member {
        do { return try JSONValueDecoder().decode(Member.self, from: json) } catch {
            throw HistoryEventDecodingError(message: "\(what) \(JSONValueDecoder.describe(error))")
        }
    }
}

extension TimerReason {
    /// The reason as a `SteplineTimerScheduled` event stores it.
    var json: JSONValue {
        switch self {
        case .wait: ["kind": "wait"]
        case .executionTimeout: ["kind": "executionTimeout"]
        case .taskTimeout(let taskId): ["kind": "taskTimeout", "task": .integer(taskId)]
        case .retry(let retrier, let attempt, let error, let cause):
            [
                "kind": "retry", "retrier": .integer(retrier), "attempt": .integer(attempt), "error": .string(error),
                "cause": .string(cause),
            ]
        }
    }

    init(json: JSONValue) throws(HistoryEventDecodingError) {
        let fields = try FieldReader(json, what: "timer reason")
        switch try fields.string("kind") {
        case "wait": self = .wait
        case "executionTimeout": self = .executionTimeout
        case "taskTimeout": self = .taskTimeout(taskId: try fields.integer("task"))
        case "retry":
            self = .retry(
                retrier: try fields.integer("retrier"),
                attempt: try fields.integer("attempt"),
                error: try fields.string("error"),
                cause: fields.optionalString("cause") ?? ""
            )
        case let other: throw HistoryEventDecodingError(message: "timer reason has unknown kind \(other)")
        }
    }
}

/// Typed access to the fields of a stored event, with errors that name the field
/// (`history event has no field task`), worded as the Engine's record errors are.
private struct FieldReader {
    let object: JSONObject
    let what: String

    init(_ json: JSONValue, what: String) throws(HistoryEventDecodingError) {
        guard case .object(let object) = json else {
            throw HistoryEventDecodingError(message: "\(what) is not a JSON object")
        }
        self.object = object
        self.what = what
    }

    func value(_ key: String) throws(HistoryEventDecodingError) -> JSONValue {
        guard let value = object[key] else { throw HistoryEventDecodingError(message: "\(what) has no field \(key)") }
        return value
    }

    /// The field `key`, or `nil` when it is absent or `null`.
    func optional(_ key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    func string(_ key: String) throws(HistoryEventDecodingError) -> String {
        guard let text = try value(key).stringValue else {
            throw HistoryEventDecodingError(message: "\(what) field \(key) is not a string")
        }
        return text
    }

    func optionalString(_ key: String) -> String? { optional(key)?.stringValue }

    func integer(_ key: String) throws(HistoryEventDecodingError) -> Int {
        guard let number = try value(key).integerValue else {
            throw HistoryEventDecodingError(message: "\(what) field \(key) is not an integer")
        }
        return number
    }
}
