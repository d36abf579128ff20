public import EventLog
package import JSON
public import LMDB
import Runtime

/// The queues' contents, derived from ``QueueRecordKind`` records alone and
/// rebuilt byte for byte by `stepline verify`.
///
/// | database | key | value |
/// |---|---|---|
/// | `queues2.queues` | queue ARN | `{arn, name, attributes, created, modified, tags?}` (`tags` only once tagged) |
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

    package enum DB: Int { case queues, messages, visible, groups, dedup, moveTasks }

    public init() {}

    public func wants(_ kind: RecordKind) -> Bool { QueueRecordKind.all.contains(kind) }

    public func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws {
        let kind = entry.header.kind
        guard QueueRecordKind.all.contains(kind) else { return }
        // Members stay bytes until read: a send copies its messages into rows unchanged.
        let fields = try RecordFields(raw: entry.payload[...], what: "queue record")
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
        case QueueRecordKind.tagged:
            let key = QueueKeys.text(try fields.string("arn"))
            guard let current = try transaction.value(forKey: key, in: store.db(.queues)) else { return }
            var row = try QueueKeys.object(current)
            var tags = row["tags"]?.objectValue ?? JSONObject()
            for (name, value) in try fields.value("tags").objectValue?.entries ?? JSONObject().entries { tags[name] = value }
            for case .string(let name) in try fields.value("untagged").arrayValue ?? [] { tags[name] = nil }
            row["tags"] = tags.keys.isEmpty ? nil : .object(tags)
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
            for (position, message) in try fields.objects(inArray: "messages").enumerated() {
                let key = QueueKeys.message(arn, sequence: Int(entry.sequence.rawValue), position: position)
                try store.put(message, at: key, arn: arn, replacing: nil)
                if let dedup = message.string("dedup") {
                    let value: JSONValue = ["id": message.member("id") ?? .null, "time": .integer(time)]
                    try transaction.put(value.bytes, forKey: QueueKeys.dedup(arn, dedup), in: store.db(.dedup))
                }
            }
        // The items of receive, visibility and delete records stay bytes: a row's
        // changed members are the items' member bytes, which the serializer wrote
        // as it would write the values built from them (see `RawJSONObject`).
        case QueueRecordKind.received:
            let arn = try fields.string("arn")
            let first = JSONValue.integer(time).serializedBytes[...]
            for item in try fields.objects(inArray: "received") {
                let key = try QueueKeys.message(arn, item)
                guard var message = try store.message(at: key) else { continue }
                let previous = MessageOrder(message)
                message.setRaw("count", item[raw: "count"])
                message.setRaw("visible", item[raw: "visible"])
                message.setRaw("handle", item[raw: "handle"])
                if message[raw: "first"] == nil { message.setRaw("first", first) }
                try store.put(message, at: key, arn: arn, replacing: previous)
            }
            try applyMoves(try fields.objects(inArray: "moved"), from: arn, sequence: entry.sequence, time: time, store)
        case QueueRecordKind.messagesDeleted:
            let arn = try fields.string("arn")
            for item in try fields.objects(inArray: "messages") {
                let key = try QueueKeys.message(arn, item)
                guard let order = try store.order(at: key) else { continue }
                try store.remove(order, at: key, arn: arn)
            }
        case QueueRecordKind.visibilityChanged:
            let arn = try fields.string("arn")
            for item in try fields.objects(inArray: "changes") {
                let key = try QueueKeys.message(arn, item)
                guard var message = try store.message(at: key) else { continue }
                let previous = MessageOrder(message)
                message.setRaw("visible", item[raw: "visible"])
                try store.put(message, at: key, arn: arn, replacing: previous)
            }
        case QueueRecordKind.moveTask:
            var task = try QueueKeys.object(try fields.value("task"))
            guard let handle = task["TaskHandle"]?.stringValue else { throw RecordDecodingError("move task has no TaskHandle") }
            if let upTo = fields.optional("upTo") { task[MoveTaskRow.upToKey] = upTo }
            try transaction.put(JSONValue.object(task).bytes, forKey: QueueKeys.text(handle), in: store.db(.moveTasks))
            try applyMoves(try fields.objects(inArray: "moves"), from: nil, sequence: entry.sequence, time: time, store)
        default:
            break
        }
    }

    /// Moves messages between queues; the moved message's key in its new queue is
    /// this record's sequence and the move's position, so order there is arrival order.
    /// `from` is the source queue of every move (a receive's), or `nil` when each move names its own.
    private func applyMoves(_ moves: [RawJSONObject], from source: String?, sequence: SequenceNumber, time: Int, _ store: MessageStore) throws {
        for (position, move) in moves.enumerated() {
            guard let from = source ?? move.member("from")?.stringValue, let to = move.member("to")?.stringValue else {
                throw RecordDecodingError("queue move has no from/to")
            }
            let key = try QueueKeys.message(from, move)
            guard var message = try store.message(at: key) else { continue }
            try store.remove(MessageOrder(message), at: key, arn: from)
            if message[raw: "source"] == nil { message.set("source", .string(from)) }
            if move.member("toSource") == .bool(true) { message.set("source", nil) }
            message.set("visible", .integer(time))
            message.set("handle", nil)
            if move.member("reset") == .bool(true) {
                message.set("count", 0)
                message.set("first", nil)
            }
            let target = QueueKeys.message(to, sequence: Int(sequence.rawValue), position: position)
            try store.put(message, at: target, arn: to, replacing: nil)
        }
    }
}

/// The message rows of ``QueueIndex`` with their `visible` and `groups` entries,
/// changed together so the secondary orders never disagree with the rows.
package struct MessageStore {
    package let databases: IndexDatabases
    package let transaction: WriteTransaction

    package func db(_ which: QueueIndex.DB) -> Database { databases[which.rawValue] }

    /// The row at `key`, its members left as bytes.
    package func message(at key: [UInt8]) throws -> RawJSONObject? {
        guard let bytes = try transaction.value(forKey: key, in: db(.messages)) else { return nil }
        return try QueueKeys.rawObject(bytes[...])
    }

    /// The fields ``order(at:)`` reads: where the message sits in `visible` and `groups`.
    package static let orderFields = ["visible", "seqno", "group"]

    /// Where the message at `key` sits in `visible` and `groups`; enough to remove it
    /// without building its body and attributes.
    package func order(at key: [UInt8]) throws -> MessageOrder? {
        guard let bytes = try transaction.value(forKey: key, in: db(.messages)) else { return nil }
        return MessageOrder(try JSONParser.parse(bytes: bytes, keeping: Self.orderFields))
    }

    /// Writes `row` at `key`, moving its `visible` entry from where `previous` had it.
    package func put(_ row: RawJSONObject, at key: [UInt8], arn: String, replacing previous: MessageOrder?) throws {
        let order = MessageOrder(row)
        let location = QueueKeys.location(key)
        if let previous {
            let old = QueueKeys.visible(arn, at: previous.visible, location)
            _ = try transaction.delete(key: old, in: db(.visible))
        } else if let group = order.group {
            try transaction.put([], forKey: QueueKeys.group(arn, group, location), in: db(.groups))
        }
        try transaction.put(row.bytes, forKey: key, in: db(.messages))
        try transaction.put([], forKey: QueueKeys.visible(arn, at: order.visible, location), in: db(.visible))
    }

    package func remove(_ order: MessageOrder, at key: [UInt8], arn: String) throws {
        let location = QueueKeys.location(key)
        _ = try transaction.delete(key: key, in: db(.messages))
        _ = try transaction.delete(key: QueueKeys.visible(arn, at: order.visible, location), in: db(.visible))
        if let group = order.group {
            _ = try transaction.delete(key: QueueKeys.group(arn, group, location), in: db(.groups))
        }
    }

    package func removeAll(prefix: [UInt8], in which: QueueIndex.DB) throws {
        try transaction.deleteAll(withPrefix: prefix, in: db(which))
    }

    /// The group of a FIFO message (one with a sequence number); standard queues keep no group order.
    package static func fifoGroup(_ row: JSONObject) -> String? { MessageOrder(row).group }
}

/// Where a message row sits in the `visible` and `groups` orders of ``QueueIndex``.
package struct MessageOrder {
    /// When it may next be received (ms); 0 when the row has none.
    package var visible: Int
    /// Its FIFO group: only messages with a sequence number (FIFO queues) keep a group order.
    package var group: String?

    package init(_ row: JSONObject) {
        visible = row["visible"]?.integerValue ?? 0
        group = row["seqno"] != nil ? row["group"]?.stringValue : nil
    }

    package init(_ row: RawJSONObject) {
        visible = row.integer("visible") ?? 0
        group = row[raw: "seqno"] != nil ? row.string("group") : nil
    }
}

/// Key encodings of the ``QueueIndex`` databases.
package enum QueueKeys {
    package static func text(_ value: String) -> [UInt8] { Array(value.utf8) }

    package static func queuePrefix(_ arn: String) -> [UInt8] { Keys.text(arn, separated: true) }

    package static func message(_ arn: String, sequence: Int, position: Int) -> [UInt8] {
        Keys.text(arn, separated: true, then: UInt64(sequence), UInt64(position))
    }

    /// The key of a message location `{s, i}` in a record.
    package static func message(_ arn: String, _ location: RawJSONObject) throws -> [UInt8] {
        guard let sequence = location.integer("s"), let position = location.integer("i") else {
            throw RecordDecodingError("queue message location has no s/i")
        }
        return message(arn, sequence: sequence, position: position)
    }

    /// A message's entry in the `visible` order: big-endian milliseconds sort
    /// numerically (times before 1970 clamp to 0; messages never have them).
    package static func visible(_ arn: String, at time: Int, _ location: (sequence: Int, position: Int)) -> [UInt8] {
        Keys.text(
            arn, separated: true, then: UInt64(max(0, time)), UInt64(location.sequence), UInt64(location.position))
    }

    /// The first key of `visible` entries of `arn` due after `time`: every key below it is receivable.
    package static func visibleBound(_ arn: String, after time: Int) -> [UInt8] {
        Keys.text(arn, separated: true, then: UInt64(max(0, time) + 1))
    }

    /// The prefix of a FIFO group's entries; group ids cannot contain a 0 byte.
    package static func groupPrefix(_ arn: String, _ group: String) -> [UInt8] { Keys.joined(arn, group, "") }

    package static func group(_ arn: String, _ group: String, _ location: (sequence: Int, position: Int)) -> [UInt8] {
        var key = Keys.joined(arn, group, "")
        Keys.appendBigEndian(UInt64(location.sequence), to: &key)
        Keys.appendBigEndian(UInt64(location.position), to: &key)
        return key
    }

    /// A stored JSON object.
    package static func object(_ bytes: [UInt8]) throws -> JSONObject {
        try object(try JSONParser.parse(bytes: bytes))
    }

    /// A stored JSON object, its members left as bytes.
    package static func rawObject(_ bytes: ArraySlice<UInt8>) throws -> RawJSONObject {
        do { return try RawJSONObject(slice: bytes) } catch {
            throw RecordDecodingError("queue value is not a JSON object: \(error)")
        }
    }

    package static func object(_ value: JSONValue) throws -> JSONObject {
        guard let object = value.objectValue else { throw RecordDecodingError("queue value is not a JSON object") }
        return object
    }

    package static func dedup(_ arn: String, _ id: String) -> [UInt8] { Keys.joined(arn, id) }

    /// The `{s, i}` location at the end of a `messages`, `visible` or `groups` key.
    package static func location(_ key: [UInt8]) -> (sequence: Int, position: Int) {
        let tail = key.suffix(16)
        let sequence = tail.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let position = tail.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return (Int(sequence), Int(position))
    }
}
