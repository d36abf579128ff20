public import EventLog
import JSON
public import LMDB

/// The queues' contents, derived from ``QueueRecordKind`` records alone and
/// rebuilt byte for byte by `stepline verify`.
///
/// | database | key | value |
/// |---|---|---|
/// | `queues2.queues` | queue ARN | `{arn, name, attributes, created, modified}` |
/// | `queues2.messages` | queue ARN, 0, sequence, position | the message row |
/// | `queues2.visible` | queue ARN, 0, visible at (ms), sequence, position | empty |
/// | `queues2.groups` | queue ARN, 0, group, 0, sequence, position | empty (FIFO messages only) |
/// | `queues2.dedup` | queue ARN, 0, deduplication id | `{id, time}` of the first message sent with it |
/// | `queues2.moveTasks` | task handle | the move task |
///
/// `visible` orders each queue's messages by the time they may next be
/// received, so `ReceiveMessage` reads only messages it can return (plus, in a
/// FIFO queue, those of groups it skips) instead of the whole queue; `groups`
/// orders each FIFO group by arrival, so the head of a group is one seek.
///
/// The index is named `queues.v2`: a log written before `visible` and `groups`
/// existed has its queue views rebuilt from the records at open (an index with a
/// new name is caught up from the first record), rather than read half-built.
public struct QueueIndex: LogIndex {
    public let name = "queues.v2"
    public let databaseNames = [
        "queues2.queues", "queues2.messages", "queues2.visible", "queues2.groups", "queues2.dedup", "queues2.moveTasks",
    ]

    enum DB: Int { case queues, messages, visible, groups, dedup, moveTasks }

    public init() {}

    public func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws {
        let kind = entry.header.kind
        guard QueueRecordKind.all.contains(kind) else { return }
        let fields = try RecordFields(bytes: entry.payload, what: "queue record")
        let time = try fields.integer("time")
        let store = MessageStore(databases: databases, transaction: transaction)
        switch kind {
        case QueueRecordKind.created:
            let arn = try fields.string("arn")
            let row: JSONValue = [
                "arn": .string(arn), "name": .string(try fields.string("name")),
                "attributes": try fields.value("attributes"), "created": .integer(time), "modified": .integer(time),
            ]
            try transaction.put(row.bytes, forKey: QueueKeys.text(arn), in: store.db(.queues))
        case QueueRecordKind.attributesSet:
            let key = QueueKeys.text(try fields.string("arn"))
            guard let current = try transaction.value(forKey: key, in: store.db(.queues)) else { return }
            var row = try QueueKeys.object(current)
            var attributes = row["attributes"]?.objectValue ?? JSONObject()
            for (name, value) in try fields.value("attributes").objectValue?.entries ?? JSONObject().entries {
                attributes[name] = value == .string("") ? nil : value
            }
            row["attributes"] = .object(attributes)
            row["modified"] = .integer(time)
            try transaction.put(JSONValue.object(row).bytes, forKey: key, in: store.db(.queues))
        case QueueRecordKind.deleted:
            let arn = try fields.string("arn")
            _ = try transaction.delete(key: QueueKeys.text(arn), in: store.db(.queues))
            for which in [DB.messages, .visible, .groups, .dedup] {
                try store.removeAll(prefix: QueueKeys.queuePrefix(arn), in: which)
            }
        case QueueRecordKind.purged:
            let arn = try fields.string("arn")
            for which in [DB.messages, .visible, .groups] {
                try store.removeAll(prefix: QueueKeys.queuePrefix(arn), in: which)
            }
        case QueueRecordKind.sent:
            let arn = try fields.string("arn")
            for (position, message) in (try fields.value("messages").arrayValue ?? []).enumerated() {
                let key = QueueKeys.message(arn, sequence: Int(entry.sequence.rawValue), position: position)
                try store.put(try QueueKeys.object(message), at: key, arn: arn, replacing: nil)
                if let dedup = message["dedup"]?.stringValue {
                    let value: JSONValue = ["id": message["id"] ?? .null, "time": .integer(time)]
                    try transaction.put(value.bytes, forKey: QueueKeys.dedup(arn, dedup), in: store.db(.dedup))
                }
            }
        case QueueRecordKind.received:
            let arn = try fields.string("arn")
            for item in try fields.value("received").arrayValue ?? [] {
                let key = try QueueKeys.message(arn, item)
                guard let current = try store.message(at: key) else { continue }
                var message = current
                message["count"] = item["count"]
                message["visible"] = item["visible"]
                message["handle"] = item["handle"]
                if message["first"] == nil { message["first"] = .integer(time) }
                try store.put(message, at: key, arn: arn, replacing: current)
            }
            let moves = try (try fields.value("moved").arrayValue ?? []).map { move in
                var move = try QueueKeys.object(move)
                move["from"] = .string(arn)
                return JSONValue.object(move)
            }
            try applyMoves(moves, sequence: entry.sequence, time: time, store)
        case QueueRecordKind.messagesDeleted:
            let arn = try fields.string("arn")
            for item in try fields.value("messages").arrayValue ?? [] {
                let key = try QueueKeys.message(arn, item)
                guard let current = try store.message(at: key, keeping: MessageStore.orderFields) else { continue }
                try store.remove(current, at: key, arn: arn)
            }
        case QueueRecordKind.visibilityChanged:
            let arn = try fields.string("arn")
            for item in try fields.value("changes").arrayValue ?? [] {
                let key = try QueueKeys.message(arn, item)
                guard let current = try store.message(at: key) else { continue }
                var message = current
                message["visible"] = item["visible"]
                try store.put(message, at: key, arn: arn, replacing: current)
            }
        case QueueRecordKind.moveTask:
            var task = try QueueKeys.object(try fields.value("task"))
            guard let handle = task["TaskHandle"]?.stringValue else { throw RecordDecodingError("move task has no TaskHandle") }
            if let upTo = fields.optional("upTo") { task[MoveTaskRow.upToKey] = upTo }
            try transaction.put(JSONValue.object(task).bytes, forKey: QueueKeys.text(handle), in: store.db(.moveTasks))
            try applyMoves(try fields.value("moves").arrayValue ?? [], sequence: entry.sequence, time: time, store)
        default:
            break
        }
    }

    /// Moves messages between queues; the moved message's key in its new queue is
    /// this record's sequence and the move's position, so order there is arrival order.
    private func applyMoves(_ moves: [JSONValue], sequence: SequenceNumber, time: Int, _ store: MessageStore) throws {
        for (position, move) in moves.enumerated() {
            guard let from = move["from"]?.stringValue, let to = move["to"]?.stringValue else {
                throw RecordDecodingError("queue move has no from/to")
            }
            let key = try QueueKeys.message(from, move)
            guard let current = try store.message(at: key) else { continue }
            try store.remove(current, at: key, arn: from)
            var message = current
            if message["source"] == nil { message["source"] = .string(from) }
            if move["toSource"] == .bool(true) { message["source"] = nil }
            message["visible"] = .integer(time)
            message["handle"] = nil
            if move["reset"] == .bool(true) {
                message["count"] = 0
                message["first"] = nil
            }
            let target = QueueKeys.message(to, sequence: Int(sequence.rawValue), position: position)
            try store.put(message, at: target, arn: to, replacing: nil)
        }
    }
}

/// The message rows of ``QueueIndex`` with their `visible` and `groups` entries,
/// changed together so the secondary orders never disagree with the rows.
struct MessageStore {
    let databases: IndexDatabases
    let transaction: WriteTransaction

    func db(_ which: QueueIndex.DB) -> Database { databases[which.rawValue] }

    func message(at key: [UInt8]) throws -> JSONObject? {
        guard let bytes = try transaction.value(forKey: key, in: db(.messages)) else { return nil }
        return try QueueKeys.object(bytes)
    }

    /// The fields ``remove(_:at:arn:)`` reads: where the message sits in `visible` and `groups`.
    static let orderFields = ["visible", "seqno", "group"]

    /// Only the fields of the message at `key` named in `fields`; enough to remove it
    /// without building its body and attributes.
    func message(at key: [UInt8], keeping fields: [String]) throws -> JSONObject? {
        guard let bytes = try transaction.value(forKey: key, in: db(.messages)) else { return nil }
        return try JSONParser.parse(bytes: bytes, keeping: fields)
    }

    /// Writes `row` at `key`, moving its `visible` entry from where `previous` had it.
    func put(_ row: JSONObject, at key: [UInt8], arn: String, replacing previous: JSONObject?) throws {
        let location = QueueKeys.location(key)
        if let previous {
            let old = QueueKeys.visible(arn, at: Self.visible(previous), location)
            _ = try transaction.delete(key: old, in: db(.visible))
        } else if let group = Self.fifoGroup(row) {
            try transaction.put([], forKey: QueueKeys.group(arn, group, location), in: db(.groups))
        }
        try transaction.put(JSONValue.object(row).bytes, forKey: key, in: db(.messages))
        try transaction.put([], forKey: QueueKeys.visible(arn, at: Self.visible(row), location), in: db(.visible))
    }

    func remove(_ row: JSONObject, at key: [UInt8], arn: String) throws {
        let location = QueueKeys.location(key)
        _ = try transaction.delete(key: key, in: db(.messages))
        _ = try transaction.delete(key: QueueKeys.visible(arn, at: Self.visible(row), location), in: db(.visible))
        if let group = Self.fifoGroup(row) {
            _ = try transaction.delete(key: QueueKeys.group(arn, group, location), in: db(.groups))
        }
    }

    func removeAll(prefix: [UInt8], in which: QueueIndex.DB) throws {
        try transaction.deleteAll(withPrefix: prefix, in: db(which))
    }

    static func visible(_ row: JSONObject) -> Int { row["visible"]?.integerValue ?? 0 }

    /// The group of a FIFO message (one with a sequence number); standard queues keep no group order.
    static func fifoGroup(_ row: JSONObject) -> String? {
        guard row["seqno"] != nil else { return nil }
        return row["group"]?.stringValue
    }
}

/// Key encodings of the ``QueueIndex`` databases.
enum QueueKeys {
    static func text(_ value: String) -> [UInt8] { Array(value.utf8) }

    static func queuePrefix(_ arn: String) -> [UInt8] { Keys.text(arn, separated: true) }

    static func message(_ arn: String, sequence: Int, position: Int) -> [UInt8] {
        Keys.text(arn, separated: true, then: UInt64(sequence), UInt64(position))
    }

    /// The key of a message location `{s, i}` in a record.
    static func message(_ arn: String, _ location: JSONValue) throws -> [UInt8] {
        guard let sequence = location["s"]?.integerValue, let position = location["i"]?.integerValue else {
            throw RecordDecodingError("queue message location has no s/i")
        }
        return message(arn, sequence: sequence, position: position)
    }

    /// A message's entry in the `visible` order: big-endian milliseconds sort
    /// numerically (times before 1970 clamp to 0; messages never have them).
    static func visible(_ arn: String, at time: Int, _ location: (sequence: Int, position: Int)) -> [UInt8] {
        Keys.text(
            arn, separated: true, then: UInt64(max(0, time)), UInt64(location.sequence), UInt64(location.position))
    }

    /// The first key of `visible` entries of `arn` due after `time`: every key below it is receivable.
    static func visibleBound(_ arn: String, after time: Int) -> [UInt8] {
        Keys.text(arn, separated: true, then: UInt64(max(0, time) + 1))
    }

    /// The prefix of a FIFO group's entries; group ids cannot contain a 0 byte.
    static func groupPrefix(_ arn: String, _ group: String) -> [UInt8] { Keys.joined(arn, group, "") }

    static func group(_ arn: String, _ group: String, _ location: (sequence: Int, position: Int)) -> [UInt8] {
        var key = Keys.joined(arn, group, "")
        Keys.appendBigEndian(UInt64(location.sequence), to: &key)
        Keys.appendBigEndian(UInt64(location.position), to: &key)
        return key
    }

    /// A stored JSON object.
    static func object(_ bytes: [UInt8]) throws -> JSONObject {
        try object(try JSONParser.parse(bytes: bytes))
    }

    static func object(_ value: JSONValue) throws -> JSONObject {
        guard let object = value.objectValue else { throw RecordDecodingError("queue value is not a JSON object") }
        return object
    }

    static func dedup(_ arn: String, _ id: String) -> [UInt8] { Keys.joined(arn, id) }

    /// The `{s, i}` location at the end of a `messages`, `visible` or `groups` key.
    static func location(_ key: [UInt8]) -> (sequence: Int, position: Int) {
        let tail = key.suffix(16)
        let sequence = tail.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let position = tail.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return (Int(sequence), Int(position))
    }
}
