package import EventLog
package import JSON
import Memberwise
package import Runtime
package import StatesLanguage

/// The payload of one ``EngineRecordKind/executionStep`` record: the history
/// events one decision produced and the changes they make to the Engine's views.
///
/// The view changes (the execution's new row, timers armed and cleared, tasks
/// opened and closed, task tokens issued and retired) are a function of the
/// events and the state they were applied to, computed once by the Engine when
/// it decides and stored with the events, so the index applier never re-runs
/// the interpreter and `verify` rebuilds the views from records alone.
///
/// Encoding: a 4-byte big-endian length, the summary as compact JSON, then the
/// events as a JSON array. The summary comes first so an index reads it without
/// parsing the events.
///
/// Versions (the decoders of both are kept, ``EngineIndex`` applies each):
/// - 1: each opened task (`tasks+`) is `{task, token?, heartbeatDue?, outcome?}`,
///   its token beside the task.
/// - 2 (current): `{task, heartbeatDue?, outcome?}`: the token is the task's own
///   `taskToken`, the one the core drew (tasks get their token in one place).
///   The `engine.pendingTasks` rows keep version 1's shape, so a log with both
///   versions has one kind of row and `verify` rebuilds them byte for byte.
package struct ExecutionStep {
    /// The version ``payload`` writes.
    package static let version: UInt16 = 2

    /// The execution after the step.
    package var row: ExecutionDescription
    /// Whether this step started the execution (or a redrive of it).
    package var started: Bool = false
    package var redriven: Bool = false
    /// For a redrive: how many of the execution's effective events to keep (the failure tail is cut off).
    package var redriveCut: Int?
    package var timersArmed: [TimerKey] = []
    package var timersCleared: [TimerKey] = []
    package var tasksOpened: [OpenTask] = []
    package var tasksClosed: [Int] = []
    package var events: [HistoryEvent] = []

    /// A durable timer: due time and the core's timer id.
    package struct TimerKey: Hashable {
        package var due: Int64
        package var timerId: Int
    }

    /// A task waiting for its result, with what a re-dispatch after a crash needs:
    /// an `engine.pendingTasks` row as it is (version 1's shape), and, without its
    /// `token`, an opened task of a version 2 step (``stepJSON``).
    ///
    /// ``IndexView`` reads a step's opened tasks in place (`RawJSONObject`) and
    /// copies their bytes into the rows; this type is the one definition of them.
    @MemberwiseInit(.package)
    package struct OpenTask: RecordPayload, Hashable {
        package static let recordName = "open task"

        package var task: ScheduledTask
        /// The task token, for activities and `.waitForTaskToken` (unguessable, chosen when scheduled).
        package var token: String?
        /// When the task times out with `States.HeartbeatTimeout` unless a heartbeat
        /// comes first (milliseconds since the epoch); moved by each
        /// ``EngineRecordKind/taskHeartbeat`` record, so recovery re-arms it where it was.
        package var heartbeatDue: Int64? = nil
        /// What a Stepline service integration (`events:putEvents`, `sqs:sendMessage`)
        /// did in the transaction of this step (see `Engine+Integrations.swift`), so a re-dispatch
        /// after a crash delivers it instead of doing it again.
        package var outcome: JSONValue? = nil

        /// The task as a version 2 step holds it: the token is the task's own.
        package var stepJSON: JSONValue {
            var withoutToken = self
            withoutToken.token = nil
            return withoutToken.recordJSON
        }

        /// Decodes an opened task of a step record of `version`: from version 2 on,
        /// its token is the task's `taskToken`.
        package init(recordJSON json: JSONValue, version: UInt16) throws(RecordDecodingError) {
            try self.init(recordJSON: json)
            if version >= 2 { token = task.taskToken }
        }
    }

    package var summaryJSON: JSONValue {
        var object: JSONObject = ["row": row.recordJSON]
        if started { object["started"] = true }
        if redriven { object["redriven"] = true }
        if let redriveCut { object["cut"] = .integer(redriveCut) }
        func timers(_ keys: [TimerKey]) -> JSONValue {
            .array(keys.map { [.integer(Int($0.due)), .integer($0.timerId)] })
        }
        if !timersArmed.isEmpty { object["timers+"] = timers(timersArmed) }
        if !timersCleared.isEmpty { object["timers-"] = timers(timersCleared) }
        if !tasksOpened.isEmpty { object["tasks+"] = .array(tasksOpened.map(\.stepJSON)) }
        if !tasksClosed.isEmpty {
            object["tasks-"] = .array(tasksClosed.map { JSONValue.integer($0) })
        }
        return .object(object)
    }

    /// The record, version ``version``, at `time` (milliseconds) on `stream`.
    package func record(stream: UInt64, at time: Int64) -> Record {
        Record(kind: EngineRecordKind.executionStep, version: Self.version, timestamp: time * 1000, stream: StreamID(stream), payload: payload)
    }

    /// The record payload (version ``version``).
    package var payload: [UInt8] {
        let summary = summaryJSON.bytes
        let count = UInt32(summary.count)
        var bytes: [UInt8] = [
            UInt8(truncatingIfNeeded: count >> 24), UInt8(truncatingIfNeeded: count >> 16),
            UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count),
        ]
        bytes.reserveCapacity(summary.count + 4 + events.count * 128)
        bytes += summary
        bytes += JSONValue.array(events.map(\.recordJSON)).bytes
        return bytes
    }

    /// Decodes the summary of a step record of `version` only; `events` stays empty.
    package static func decodeSummary(_ payload: [UInt8], version: UInt16) throws(RecordDecodingError) -> ExecutionStep {
        let (summary, _) = try split(payload)
        let fields = try RecordFields(bytes: summary, what: "execution step")
        var step = ExecutionStep(row: try ExecutionDescription(recordJSON: try fields.value("row")))
        step.started = fields.optional("started") == .bool(true)
        step.redriven = fields.optional("redriven") == .bool(true)
        step.redriveCut = fields.optional("cut")?.integerValue
        step.timersArmed = try timers(fields.optional("timers+"), key: "timers+")
        step.timersCleared = try timers(fields.optional("timers-"), key: "timers-")
        for value in fields.optional("tasks+")?.arrayValue ?? [] {
            step.tasksOpened.append(try OpenTask(recordJSON: value, version: version))
        }
        step.tasksClosed = (fields.optional("tasks-")?.arrayValue ?? []).compactMap(\.integerValue)
        return step
    }

    /// Decodes the events only (the same in every version).
    package static func decodeEvents(_ payload: [UInt8]) throws(RecordDecodingError) -> [HistoryEvent] {
        let (_, events) = try split(payload)
        let json: JSONValue
        do { json = try JSONParser.parse(bytes: events) } catch {
            throw RecordDecodingError("execution step events are not valid JSON: \(error)")
        }
        guard let array = json.arrayValue else { throw RecordDecodingError("execution step events are not an array") }
        var decoded: [HistoryEvent] = []
        decoded.reserveCapacity(array.count)
        for event in array { decoded.append(try HistoryEvent(recordJSON: event)) }
        return decoded
    }

    fileprivate static func split(_ payload: [UInt8]) throws(RecordDecodingError) -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
        guard payload.count >= 4 else { throw RecordDecodingError("execution step payload is shorter than its length prefix") }
        let count = Int(payload[0]) << 24 | Int(payload[1]) << 16 | Int(payload[2]) << 8 | Int(payload[3])
        guard payload.count >= 4 + count else { throw RecordDecodingError("execution step summary is truncated") }
        return (payload[4..<(4 + count)], payload[(4 + count)...])
    }
}

extension ExecutionStep {
    /// What ``EngineIndex`` needs of a step, read without building the execution
    /// row or the opened tasks: they are stored as the bytes the step holds.
    ///
    /// Copying the bytes gives the same index values as decoding and encoding
    /// them (what the index did before, and what a live index built then holds)
    /// except for one thing the decoders drop, a `null` in an optional member
    /// (`output` of the row, `outcome` of a task, `credentials` of its task), so
    /// those members are dropped here too.
    package struct IndexView {
        package var row: RawJSONObject
        package var executionArn: String
        package var stateMachineArn: String
        package var startDate: Int64
        package var status: ExecutionStatus
        package var redriveCount: Int
        package var stream: UInt64
        package var started: Bool
        package var redriven: Bool
        package var timersArmed: [TimerKey]
        package var timersCleared: [TimerKey]
        /// The opened tasks: id, token and the value of their `pendingTasks` entry.
        package var tasksOpened: [(taskId: Int, token: String?, value: [UInt8])]
        package var tasksClosed: [Int]

        /// Reads a step record of `version`; the opened tasks' rows have version 1's
        /// shape whatever the version (see ``ExecutionStep``).
        package init(payload: [UInt8], version: UInt16) throws(RecordDecodingError) {
            let (summary, _) = try ExecutionStep.split(payload)
            let fields = try RecordFields(raw: summary, what: "execution step")
            row = try fields.object("row")
            let rowFields = RecordFields(row, what: "execution row")
            Self.dropNull("output", of: &row)
            guard let status = ExecutionStatus(rawValue: try rowFields.string("status")) else {
                throw RecordDecodingError("execution field status is not an execution status")
            }
            self.status = status
            executionArn = try rowFields.string("executionArn")
            stateMachineArn = try rowFields.string("stateMachineArn")
            startDate = Int64(try rowFields.integer("startDate"))
            redriveCount = rowFields.optional("redriveCount")?.integerValue ?? 0
            stream = UInt64(try rowFields.integer("stream"))
            started = fields.optional("started") == .bool(true)
            redriven = fields.optional("redriven") == .bool(true)
            timersArmed = try ExecutionStep.timers(fields.optional("timers+"), key: "timers+")
            timersCleared = try ExecutionStep.timers(fields.optional("timers-"), key: "timers-")
            tasksOpened = []
            for var open in try fields.objects(inArray: "tasks+") {
                Self.dropNull("outcome", of: &open)
                var task = try RecordFields(open, what: "open task").object("task")
                if Self.dropNull("credentials", of: &task) { open.setRaw("task", task.bytes[...]) }
                guard let taskId = task.member("taskId")?.integerValue else {
                    throw RecordDecodingError("scheduled task field taskId is not an integer")
                }
                if version >= 2 { open = try Self.withToken(open, task.member("taskToken")?.stringValue) }
                tasksOpened.append((taskId, open.member("token")?.stringValue, open.bytes))
            }
            tasksClosed = (fields.optional("tasks-")?.arrayValue ?? []).compactMap(\.integerValue)
        }

        /// The execution row, built (for the dead-letter and review views).
        package var description: ExecutionDescription {
            get throws(RecordDecodingError) {
                let json: JSONValue
                do { json = try JSONParser.parse(bytes: row.bytes) } catch {
                    throw RecordDecodingError("execution row is not valid JSON: \(error)")
                }
                return try ExecutionDescription(recordJSON: json)
            }
        }

        /// A version 2 task as version 1 wrote it: `token` right after `task`.
        private static func withToken(_ open: RawJSONObject, _ token: String?) throws(RecordDecodingError) -> RawJSONObject {
            guard let token else { return open }
            var row: RawJSONObject
            do { row = try RawJSONObject(bytes: Array("{}".utf8)) } catch {
                throw RecordDecodingError("an empty JSON object did not parse: \(error)")
            }
            for key in open.keys {
                row.setRaw(key, open[raw: key])
                if key == "task" { row.set("token", .string(token)) }
            }
            return row
        }

        /// Removes `key` when its value is `null`, as the record decoders do; whether it did.
        @discardableResult
        private static func dropNull(_ key: String, of object: inout RawJSONObject) -> Bool {
            guard let value = object[raw: key], value.elementsEqual("null".utf8) else { return false }
            object.setRaw(key, nil)
            return true
        }
    }

    /// The timers of a summary member `[[due, id], …]`.
    fileprivate static func timers(_ value: JSONValue?, key: String) throws(RecordDecodingError) -> [TimerKey] {
        var keys: [TimerKey] = []
        for value in value?.arrayValue ?? [] {
            guard let pair = value.arrayValue, pair.count == 2, let due = pair[0].integerValue,
                let id = pair[1].integerValue
            else { throw RecordDecodingError("execution step field \(key) holds a malformed timer") }
            keys.append(TimerKey(due: Int64(due), timerId: id))
        }
        return keys
    }
}
