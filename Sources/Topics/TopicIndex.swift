public import EventLog
import JSON
public import LMDB
import Queues
import Runtime

/// The topics' views, derived from ``TopicRecordKind`` records alone and rebuilt
/// byte for byte by `stepline verify`.
///
/// | database | key | value |
/// |---|---|---|
/// | `topics.topics` | topic ARN | `{arn, name, attributes, tags, created}` |
/// | `topics.subscriptions` | subscription ARN | `{arn, topic, protocol, endpoint, attributes, pending, token?}` |
/// | `topics.byTopic` | topic ARN, 0, subscription ARN | empty: a topic's subscriptions, in ARN order |
/// | `topics.dedup` | topic ARN, 0, deduplication id | `{id, seq?, time}` of the first message published with it |
/// | `topics.pending` | delivery id | a ``TopicDelivery`` not yet done: what recovery re-runs |
/// | `topics.deadLetters` | delivery id | `{delivery, error, time, deadLetterQueue?}` |
/// | `topics.review` | delivery id | a redriven delivery that failed again: ``TopicReviewItem`` |
///
/// Deliveries carry `history`, the sequence numbers of the records about them, so a
/// review item shows its whole life without scanning the log.
public struct TopicIndex: LogIndex {
    public let name = "topics"
    public let databaseNames = [
        "topics.topics", "topics.subscriptions", "topics.byTopic", "topics.dedup", "topics.pending", "topics.deadLetters", "topics.review",
    ]

    package enum DB: Int { case topics, subscriptions, byTopic, dedup, pending, deadLetters, review }

    public init() {}

    public func wants(_ kind: RecordKind) -> Bool {
        (TopicRecordKind.topicCreated.rawValue...TopicRecordKind.reviewResolved.rawValue).contains(kind.rawValue)
    }

    public func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws {
        let kind = entry.header.kind
        guard wants(kind) else { return }
        func db(_ which: DB) -> Database { databases[which.rawValue] }
        func put(_ value: JSONValue, _ key: [UInt8], _ which: DB) throws { try transaction.put(value.bytes, forKey: key, in: db(which)) }
        func get(_ key: [UInt8], _ which: DB) throws -> JSONObject? {
            guard let bytes = try transaction.value(forKey: key, in: db(which)) else { return nil }
            return try QueueKeys.object(bytes)
        }
        let fields = try RecordFields(bytes: entry.payload, what: "topic record at \(entry.sequence)")
        let sequence = JSONValue.integer(Int(entry.sequence.rawValue))
        func recorded(_ delivery: inout JSONObject) {
            delivery["history"] = .array((delivery["history"]?.arrayValue ?? []) + [sequence])
        }
        /// A redriven or retried delivery: pending again with fresh attempts, one more redrive.
        func restart(_ delivery: inout JSONObject) throws {
            delivery["attempt"] = 0
            delivery["due"] = try fields.value("due")
            delivery["redriveCount"] = .integer((delivery["redriveCount"]?.integerValue ?? 0) + 1)
            recorded(&delivery)
        }
        switch kind {
        case TopicRecordKind.topicCreated:
            let arn = try fields.string("arn")
            let row: JSONValue = [
                "arn": .string(arn), "name": try fields.value("name"), "attributes": try fields.value("attributes"),
                "tags": fields.optional("tags") ?? .object([:]), "created": try fields.value("time"),
            ]
            try put(row, QueueKeys.text(arn), .topics)
        case TopicRecordKind.topicAttributesSet, TopicRecordKind.subscriptionAttributesSet:
            let which: DB = kind == TopicRecordKind.topicAttributesSet ? .topics : .subscriptions
            let key = QueueKeys.text(try fields.string("arn"))
            guard var row = try get(key, which) else { return }
            var attributes = row["attributes"]?.objectValue ?? JSONObject()
            for (name, value) in try fields.value("attributes").objectValue?.entries ?? JSONObject().entries { attributes[name] = value }
            row["attributes"] = .object(attributes)
            try put(.object(row), key, which)
        case TopicRecordKind.topicDeleted:
            let arn = try fields.string("arn")
            _ = try transaction.delete(key: QueueKeys.text(arn), in: db(.topics))
            for key in try transaction.keys(withPrefix: QueueKeys.queuePrefix(arn), in: db(.byTopic)) {
                _ = try transaction.delete(key: key, in: db(.byTopic))
                _ = try transaction.delete(key: Array(key.dropFirst(arn.utf8.count + 1)), in: db(.subscriptions))
            }
            for key in try transaction.keys(withPrefix: QueueKeys.queuePrefix(arn), in: db(.dedup)) {
                _ = try transaction.delete(key: key, in: db(.dedup))
            }
        case TopicRecordKind.subscribed:
            let arn = try fields.string("arn")
            let topic = try fields.string("topic")
            var row: JSONObject = [
                "arn": .string(arn), "topic": .string(topic), "protocol": try fields.value("protocol"),
                "endpoint": try fields.value("endpoint"), "attributes": try fields.value("attributes"),
                "pending": try fields.value("pending"),
            ]
            if let token = fields.optional("token") { row["token"] = token }
            try put(.object(row), QueueKeys.text(arn), .subscriptions)
            try transaction.put([], forKey: QueueKeys.queuePrefix(topic) + QueueKeys.text(arn), in: db(.byTopic))
            try addDeliveries(fields, sequence, put)
        case TopicRecordKind.subscriptionConfirmed:
            let key = QueueKeys.text(try fields.string("arn"))
            guard var row = try get(key, .subscriptions) else { return }
            row["pending"] = false
            try put(.object(row), key, .subscriptions)
        case TopicRecordKind.unsubscribed:
            let arn = try fields.string("arn")
            guard let row = try get(QueueKeys.text(arn), .subscriptions) else { return }
            _ = try transaction.delete(key: QueueKeys.text(arn), in: db(.subscriptions))
            if let topic = row["topic"]?.stringValue {
                _ = try transaction.delete(key: QueueKeys.queuePrefix(topic) + QueueKeys.text(arn), in: db(.byTopic))
            }
        case TopicRecordKind.tagsChanged:
            let key = QueueKeys.text(try fields.string("arn"))
            guard var row = try get(key, .topics) else { return }
            var tags = row["tags"]?.objectValue ?? JSONObject()
            for (name, value) in try fields.value("tags").objectValue?.entries ?? JSONObject().entries { tags[name] = value }
            for name in try fields.value("removed").arrayValue ?? [] { if let name = name.stringValue { tags[name] = nil } }
            row["tags"] = .object(tags)
            try put(.object(row), key, .topics)
        case TopicRecordKind.published:
            let topic = try fields.string("topic")
            let time = try fields.value("time")
            for message in try fields.value("messages").arrayValue ?? [] {
                guard let dedup = message["dedup"]?.stringValue else { continue }
                var value: JSONObject = ["id": message["id"] ?? .null, "time": time]
                if let seq = message["seq"] { value["seq"] = seq }
                try put(.object(value), QueueKeys.dedup(topic, dedup), .dedup)
            }
            try addDeliveries(fields, sequence, put)
        case TopicRecordKind.deliverySucceeded:
            _ = try transaction.delete(key: QueueKeys.text(try fields.string("deliveryId")), in: db(.pending))
        case TopicRecordKind.deliveryRetried:
            let key = QueueKeys.text(try fields.string("deliveryId"))
            guard var delivery = try get(key, .pending) else { return }
            delivery["attempt"] = try fields.value("attempt")
            delivery["due"] = try fields.value("due")
            delivery["lastError"] = try fields.value("error")
            recorded(&delivery)
            try put(.object(delivery), key, .pending)
        case TopicRecordKind.deliveryDeadLettered:
            let key = QueueKeys.text(try fields.string("deliveryId"))
            guard var delivery = try get(key, .pending) else { return }
            delivery["lastError"] = try fields.value("error")
            recorded(&delivery)
            _ = try transaction.delete(key: key, in: db(.pending))
            var letter: JSONObject = ["delivery": .object(delivery), "error": try fields.value("error"), "time": try fields.value("time")]
            if let queue = fields.optional("deadLetterQueue") { letter["deadLetterQueue"] = queue }
            // A delivery that fails again after a redrive waits for a person instead.
            if (delivery["redriveCount"]?.integerValue ?? 0) > 0 {
                try put(["letter": .object(letter)], key, .review)
            } else {
                try put(.object(letter), key, .deadLetters)
            }
        case TopicRecordKind.deliveryRedriven:
            let key = QueueKeys.text(try fields.string("deliveryId"))
            guard let letter = try get(key, .deadLetters), var delivery = letter["delivery"]?.objectValue else { return }
            _ = try transaction.delete(key: key, in: db(.deadLetters))
            try restart(&delivery)
            try put(.object(delivery), key, .pending)
        case TopicRecordKind.reviewRetried:
            let key = QueueKeys.text(try fields.string("deliveryId"))
            guard let item = try get(key, .review), item["resolution"] == nil,
                var delivery = item["letter"]?["delivery"]?.objectValue
            else { return }
            _ = try transaction.delete(key: key, in: db(.review))
            try restart(&delivery)
            try put(.object(delivery), key, .pending)
        case TopicRecordKind.reviewResolved:
            let key = QueueKeys.text(try fields.string("deliveryId"))
            guard var item = try get(key, .review), var letter = item["letter"]?.objectValue,
                var delivery = letter["delivery"]?.objectValue
            else { return }
            recorded(&delivery)
            letter["delivery"] = .object(delivery)
            item["letter"] = .object(letter)
            item["resolution"] = try fields.value("reason")
            item["resolvedTime"] = try fields.value("time")
            try put(.object(item), key, .review)
        default:
            break
        }
    }

    private func addDeliveries(_ fields: RecordFields, _ sequence: JSONValue, _ put: (JSONValue, [UInt8], DB) throws -> Void) throws {
        for delivery in fields.optional("deliveries")?.arrayValue ?? [] {
            guard var object = delivery.objectValue, let id = object["deliveryId"]?.stringValue else {
                throw RecordDecodingError("topic delivery has no deliveryId")
            }
            object["history"] = [sequence]
            try put(.object(object), QueueKeys.text(id), .pending)
        }
    }
}
