public import EventLog
import JSON
public import LMDB
import Runtime

/// The views of scheduled rules, archives and replays, derived from
/// ``EventArchiveRecordKind`` records and the rules' ``EventsRecordKind/rulePut``
/// records, rebuilt byte for byte by `stepline verify`.
///
/// | database | key | value |
/// |---|---|---|
/// | `events.schedules` | bus, 0, rule name | `{expression, start, last}`: when the schedule started (the put that gave the rule this expression, ms) and its last fire |
/// | `events.archives` | archive name | the archive as `DescribeArchive` shows it |
/// | `events.replays` | replay name | the replay as `DescribeReplay` shows it, with its position in the log |
///
/// There is no copy of archived events: the log is the archive. An archive's
/// events are the events accepted on its bus since it was created that match its
/// pattern and are not themselves replays.
public struct EventArchiveIndex: LogIndex {
    public let name = "events.archives"
    public let databaseNames = ["events.schedules", "events.archives", "events.replays"]

    package enum DB: Int { case schedules, archives, replays }

    public init() {}

    public func wants(_ kind: RecordKind) -> Bool {
        kind == EventsRecordKind.ruleDeleted || kind == EventsRecordKind.rulePut || EventArchiveRecordKind.all.contains(kind)
    }

    public func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws {
        func db(_ which: DB) -> Database { databases[which.rawValue] }
        let kind = entry.header.kind
        if kind == EventsRecordKind.ruleDeleted {
            let fields = try RecordFields(bytes: entry.payload, what: "events record at \(entry.sequence)")
            _ = try transaction.delete(key: Self.scheduleKey(try fields.string("bus"), try fields.string("name")), in: db(.schedules))
            return
        }
        if kind == EventsRecordKind.rulePut {
            let fields = try RecordFields(bytes: entry.payload, what: "events record at \(entry.sequence)")
            let rule = try fields.value("rule")
            let key = Self.scheduleKey(rule["EventBusName"]?.stringValue ?? "", rule["Name"]?.stringValue ?? "")
            let current = try transaction.jsonValue(forKey: key, in: db(.schedules))
            let expression = rule["ScheduleExpression"]?.stringValue
            // A schedule starts when the rule first gets it, and restarts when it changes.
            guard let expression, current?["expression"]?.stringValue != expression else {
                if expression == nil, current != nil { _ = try transaction.delete(key: key, in: db(.schedules)) }
                return
            }
            let start = Int(entry.header.timestamp / 1000)
            let row: JSONValue = ["expression": .string(expression), "start": .integer(start), "last": .integer(start)]
            try transaction.put(row.bytes, forKey: key, in: db(.schedules))
            return
        }
        guard EventArchiveRecordKind.all.contains(kind) else { return }
        let fields = try RecordFields(bytes: entry.payload, what: "archive record at \(entry.sequence)")
        switch kind {
        case EventArchiveRecordKind.scheduleFired:
            let key = Self.scheduleKey(try fields.string("bus"), try fields.string("rule"))
            guard case .object(var row) = try transaction.jsonValue(forKey: key, in: db(.schedules)) else { return }
            row["last"] = try fields.value("scheduled")
            try transaction.put(JSONValue.object(row).bytes, forKey: key, in: db(.schedules))
        case EventArchiveRecordKind.archivePut:
            let archive = try fields.value("archive")
            guard let name = archive["ArchiveName"]?.stringValue else { throw RecordDecodingError("archive has no ArchiveName") }
            try transaction.put(archive.bytes, forKey: Array(name.utf8), in: db(.archives))
        case EventArchiveRecordKind.archiveDeleted:
            _ = try transaction.delete(key: Array(try fields.string("name").utf8), in: db(.archives))
        case EventArchiveRecordKind.replayPut:
            let replay = try fields.value("replay")
            guard let name = replay["ReplayName"]?.stringValue else { throw RecordDecodingError("replay has no ReplayName") }
            try transaction.put(replay.bytes, forKey: Array(name.utf8), in: db(.replays))
        default:
            break
        }
    }

    package static func scheduleKey(_ bus: String, _ rule: String) -> [UInt8] { Array(bus.utf8) + [0] + Array(rule.utf8) }
}
