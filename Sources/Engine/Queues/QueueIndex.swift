public import EventLog
import JSON
public import LMDB

/// The queues' contents, derived from ``QueueRecordKind`` records alone and
/// rebuilt byte for byte by `stepline verify`.
///
/// | database | key | value |
/// |---|---|---|
/// | `queues.queues` | queue ARN | `{arn, name, attributes, created, modified}` |
/// | `queues.messages` | queue ARN, 0, sequence, position | the message (``QueuedMessage``) |
/// | `queues.dedup` | queue ARN, 0, deduplication id | `{id, time}` of the first message sent with it |
/// | `queues.moveTasks` | task handle | the move task |
public struct QueueIndex: LogIndex {
    public let name = "queues"
    public let databaseNames = ["queues.queues", "queues.messages", "queues.dedup", "queues.moveTasks"]

    enum DB: Int { case queues, messages, dedup, moveTasks }

    public init() {}

    public func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws {
        func db(_ which: DB) -> Database { databases[which.rawValue] }
        let kind = entry.header.kind
        guard (QueueRecordKind.created.rawValue...QueueRecordKind.moveTask.rawValue).contains(kind.rawValue) else { return }
        let fields = try RecordFields(bytes: entry.payload, what: "queue record")
        let time = try fields.integer("time")
        switch kind {
        case QueueRecordKind.created:
            let arn = try fields.string("arn")
            let row: JSONValue = [
                "arn": .string(arn), "name": .string(try fields.string("name")),
                "attributes": try fields.value("attributes"), "created": .integer(time), "modified": .integer(time),
            ]
            try transaction.put(row.bytes, forKey: QueueKeys.text(arn), in: db(.queues))
        case QueueRecordKind.attributesSet:
            let key = QueueKeys.text(try fields.string("arn"))
            guard let current = try transaction.value(forKey: key, in: db(.queues)) else { return }
            var row = try QueueKeys.object(current)
            var attributes = row["attributes"]?.objectValue ?? JSONObject()
            for (name, value) in try fields.value("attributes").objectValue?.entries ?? JSONObject().entries {
                attributes[name] = value == .string("") ? nil : value
            }
            row["attributes"] = .object(attributes)
            row["modified"] = .integer(time)
            try transaction.put(JSONValue.object(row).bytes, forKey: key, in: db(.queues))
        case QueueRecordKind.deleted:
            let arn = try fields.string("arn")
            _ = try transaction.delete(key: QueueKeys.text(arn), in: db(.queues))
            try removeAll(prefix: QueueKeys.queuePrefix(arn), in: db(.messages), transaction)
            try removeAll(prefix: QueueKeys.queuePrefix(arn), in: db(.dedup), transaction)
        case QueueRecordKind.purged:
            try removeAll(prefix: QueueKeys.queuePrefix(try fields.string("arn")), in: db(.messages), transaction)
        case QueueRecordKind.sent:
            let arn = try fields.string("arn")
            for (position, message) in (try fields.value("messages").arrayValue ?? []).enumerated() {
                let key = QueueKeys.message(arn, sequence: Int(entry.sequence.rawValue), position: position)
                try transaction.put(message.bytes, forKey: key, in: db(.messages))
                if let dedup = message["dedup"]?.stringValue {
                    let value: JSONValue = ["id": message["id"] ?? .null, "time": .integer(time)]
                    try transaction.put(value.bytes, forKey: QueueKeys.dedup(arn, dedup), in: db(.dedup))
                }
            }
        case QueueRecordKind.received:
            let arn = try fields.string("arn")
            for item in try fields.value("received").arrayValue ?? [] {
                let key = try QueueKeys.message(arn, item)
                guard let current = try transaction.value(forKey: key, in: db(.messages)) else { continue }
                var message = try QueueKeys.object(current)
                message["count"] = item["count"]
                message["visible"] = item["visible"]
                message["handle"] = item["handle"]
                if message["first"] == nil { message["first"] = .integer(time) }
                try transaction.put(JSONValue.object(message).bytes, forKey: key, in: db(.messages))
            }
            try applyMoves(
                try (try fields.value("moved").arrayValue ?? []).map { move in
                    var move = try QueueKeys.object(move)
                    move["from"] = .string(arn)
                    return .object(move)
                },
                sequence: entry.sequence, time: time, db, transaction)
        case QueueRecordKind.messagesDeleted:
            let arn = try fields.string("arn")
            for item in try fields.value("messages").arrayValue ?? [] {
                _ = try transaction.delete(key: try QueueKeys.message(arn, item), in: db(.messages))
            }
        case QueueRecordKind.visibilityChanged:
            let arn = try fields.string("arn")
            for item in try fields.value("changes").arrayValue ?? [] {
                let key = try QueueKeys.message(arn, item)
                guard let current = try transaction.value(forKey: key, in: db(.messages)) else { continue }
                var message = try QueueKeys.object(current)
                message["visible"] = item["visible"]
                try transaction.put(JSONValue.object(message).bytes, forKey: key, in: db(.messages))
            }
        case QueueRecordKind.moveTask:
            let task = try fields.value("task")
            guard let handle = task["TaskHandle"]?.stringValue else { throw RecordDecodingError("move task has no TaskHandle") }
            try transaction.put(task.bytes, forKey: QueueKeys.text(handle), in: db(.moveTasks))
            try applyMoves(try fields.value("moves").arrayValue ?? [], sequence: entry.sequence, time: time, db, transaction)
        default:
            break
        }
    }

    /// Moves messages between queues; the moved message's key in its new queue is
    /// this record's sequence and the move's position, so order there is arrival order.
    private func applyMoves(
        _ moves: [JSONValue], sequence: SequenceNumber, time: Int, _ db: (DB) -> Database, _ transaction: WriteTransaction
    ) throws {
        for (position, move) in moves.enumerated() {
            guard let from = move["from"]?.stringValue, let to = move["to"]?.stringValue else {
                throw RecordDecodingError("queue move has no from/to")
            }
            let key = try QueueKeys.message(from, move)
            guard let current = try transaction.value(forKey: key, in: db(.messages)) else { continue }
            _ = try transaction.delete(key: key, in: db(.messages))
            var message = try QueueKeys.object(current)
            if message["source"] == nil { message["source"] = .string(from) }
            if move["toSource"] == .bool(true) { message["source"] = nil }
            message["visible"] = .integer(time)
            message["handle"] = nil
            if move["reset"] == .bool(true) {
                message["count"] = 0
                message["first"] = nil
            }
            try transaction.put(
                JSONValue.object(message).bytes, forKey: QueueKeys.message(to, sequence: Int(sequence.rawValue), position: position), in: db(.messages))
        }
    }

    private func removeAll(prefix: [UInt8], in database: Database, _ transaction: WriteTransaction) throws {
        var keys: [[UInt8]] = []
        try transaction.withCursor(on: database) { cursor in
            var more = try cursor.seek(atLeast: prefix)
            while more {
                let key = try cursor.key()
                guard key.starts(with: prefix) else { break }
                keys.append(key)
                more = try cursor.next()
            }
        }
        for key in keys { _ = try transaction.delete(key: key, in: database) }
    }
}

/// Key encodings of the ``QueueIndex`` databases.
enum QueueKeys {
    static func text(_ value: String) -> [UInt8] { Array(value.utf8) }

    static func queuePrefix(_ arn: String) -> [UInt8] { text(arn) + [0] }

    static func message(_ arn: String, sequence: Int, position: Int) -> [UInt8] {
        queuePrefix(arn) + Keys.bigEndian(UInt64(sequence)) + Keys.bigEndian(UInt64(position))
    }

    /// The key of a message location `{s, i}` in a record.
    static func message(_ arn: String, _ location: JSONValue) throws -> [UInt8] {
        guard let sequence = location["s"]?.integerValue, let position = location["i"]?.integerValue else {
            throw RecordDecodingError("queue message location has no s/i")
        }
        return message(arn, sequence: sequence, position: position)
    }

    /// A stored JSON object.
    static func object(_ bytes: [UInt8]) throws -> JSONObject {
        try object(try JSONParser.parse(bytes: bytes))
    }

    static func object(_ value: JSONValue) throws -> JSONObject {
        guard let object = value.objectValue else { throw RecordDecodingError("queue value is not a JSON object") }
        return object
    }

    static func dedup(_ arn: String, _ id: String) -> [UInt8] { queuePrefix(arn) + text(id) }

    /// The `{s, i}` location of a message key, the inverse of ``message(_:sequence:position:)``.
    static func location(_ key: [UInt8]) -> (sequence: Int, position: Int) {
        let tail = key.suffix(16)
        let sequence = tail.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let position = tail.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return (Int(sequence), Int(position))
    }
}
