public import EventLog
import JSON
public import LMDB
import Runtime

/// The event buses' views of the log, maintained in the transaction that
/// appends each record and rebuilt by `stepline verify` from the records alone.
///
/// | database | key | value |
/// |---|---|---|
/// | `events.buses` | bus name | the bus (`Name`, `Arn`, `Description`, `CreationTime`) |
/// | `events.rules` | bus, 0, rule name | the rule as `DescribeRule` shows it |
/// | `events.targets` | bus, 0, rule, 0, target id | the target as `PutTargets` gave it |
/// | `events.pending` | delivery id | an ``EventDelivery`` not yet done: what recovery re-runs |
/// | `events.deadLetters` | delivery id | a delivery that exhausted its retries, with AWS's error attributes |
/// | `events.review` | delivery id | a redriven delivery that failed again: ``DeliveryReviewItem`` |
/// | `events.connections` | connection name | the connection, secrets included |
/// | `events.apiDestinations` | destination name | the API destination |
/// | `events.idempotency` | key | the event id accepted with that idempotency key (webhooks) |
///
/// Every value is a function of the records: times come from the records, and
/// the deliveries of an event were decided when it was accepted. Deliveries
/// also carry `log`, the sequence numbers of the records that concern them, so
/// a review item shows its whole history without scanning the log.
public struct EventsIndex: LogIndex {
    public let name = "events"
    public let databaseNames = [
        "events.buses", "events.rules", "events.targets", "events.pending", "events.deadLetters", "events.review",
        "events.connections", "events.apiDestinations", "events.idempotency",
    ]

    package enum DB: Int {
        case buses, rules, targets, pending, deadLetters, review, connections, apiDestinations, idempotency
    }

    public init() {}

    public func wants(_ kind: RecordKind) -> Bool { EventsRecordKind.range.contains(kind) }

    public func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws {
        func db(_ which: DB) -> Database { databases[which.rawValue] }
        let kind = entry.header.kind
        guard EventsRecordKind.range.contains(kind) else { return }
        // Most accepted events cause no delivery and carry no idempotency key: nothing to
        // index, and finding that out by bytes is much cheaper than parsing the event.
        if kind == EventsRecordKind.eventAccepted, !Self.contains(entry.payload, Self.deliveryIdMarker),
            !Self.contains(entry.payload, Self.idempotencyKeyMarker)
        {
            return
        }
        let sequence = Int(entry.sequence.rawValue)
        let what = "events record at \(entry.sequence)"
        // An accepted event's index entries need three of its fields, not the event itself,
        // and its deliveries are copied with one member added.
        let fields =
            kind == EventsRecordKind.eventAccepted
            ? try RecordFields(raw: entry.payload[...], what: what)
            : try RecordFields(bytes: entry.payload, what: what)
        switch kind {
        case EventsRecordKind.busCreated:
            let bus: JSONValue = [
                "Name": try fields.value("name"), "Arn": try fields.value("arn"),
                "Description": fields.optional("description") ?? .null,
                "CreationTime": try fields.value("time"),
            ]
            try transaction.put(bus.bytes, forKey: EventKeys.bus(try fields.string("name")), in: db(.buses))
        case EventsRecordKind.busDeleted:
            let name = try fields.string("name")
            try transaction.delete(key: EventKeys.bus(name), in: db(.buses))
            for which in [DB.rules, .targets] {
                try transaction.deleteAll(withPrefix: EventKeys.bus(name) + [0], in: db(which))
            }
        case EventsRecordKind.rulePut:
            let rule = try fields.value("rule")
            let bus = rule["EventBusName"]?.stringValue ?? ""
            let name = rule["Name"]?.stringValue ?? ""
            try transaction.put(rule.bytes, forKey: EventKeys.rule(bus, name), in: db(.rules))
        case EventsRecordKind.ruleDeleted:
            let (bus, name) = (try fields.string("bus"), try fields.string("name"))
            try transaction.delete(key: EventKeys.rule(bus, name), in: db(.rules))
            try transaction.deleteAll(withPrefix: EventKeys.rule(bus, name) + [0], in: db(.targets))
        case EventsRecordKind.targetsPut:
            let (bus, rule) = (try fields.string("bus"), try fields.string("rule"))
            for target in try fields.value("targets").arrayValue ?? [] {
                let id = target["Id"]?.stringValue ?? ""
                try transaction.put(target.bytes, forKey: EventKeys.target(bus, rule, id), in: db(.targets))
            }
        case EventsRecordKind.targetsRemoved:
            let (bus, rule) = (try fields.string("bus"), try fields.string("rule"))
            for id in try fields.value("ids").arrayValue ?? [] {
                try transaction.delete(key: EventKeys.target(bus, rule, id.stringValue ?? ""), in: db(.targets))
            }
        case EventsRecordKind.eventAccepted:
            _ = try fields.raw("deliveries")
            for var object in try fields.objects(inArray: "deliveries") {
                object.set("log", [.integer(sequence)])
                let id = object.member("deliveryId")?.stringValue ?? ""
                try transaction.put(object.bytes, forKey: EventKeys.text(id), in: db(.pending))
            }
            if let key = fields.optionalString("idempotencyKey") {
                try transaction.put(try fields.value("id").bytes, forKey: EventKeys.text(key), in: db(.idempotency))
            }
        case EventsRecordKind.deliverySucceeded:
            try transaction.delete(key: EventKeys.text(try fields.string("deliveryId")), in: db(.pending))
        case EventsRecordKind.deliveryRetried:
            let key = EventKeys.text(try fields.string("deliveryId"))
            guard var delivery = try delivery(key, in: db(.pending), transaction) else { return }
            delivery.attempt = try fields.integer("attempt")
            delivery.due = Int64(try fields.integer("due"))
            delivery.lastError = try fields.string("error")
            delivery.lastMessage = try fields.string("message")
            delivery.history.append(sequence)
            try transaction.put(delivery.recordBytes, forKey: key, in: db(.pending))
        case EventsRecordKind.deliveryDeadLettered:
            let key = EventKeys.text(try fields.string("deliveryId"))
            guard var delivery = try delivery(key, in: db(.pending), transaction) else { return }
            delivery.history.append(sequence)
            let letter = DeadLetter(
                delivery: delivery,
                errorCode: try fields.string("error"),
                errorMessage: try fields.string("message"),
                time: Int64(try fields.integer("time")),
                exhaustedRetryCondition: fields.optionalString("condition")
            )
            try transaction.delete(key: key, in: db(.pending))
            // A delivery that fails again after a redrive waits for a person instead.
            if delivery.redriveCount > 0 {
                try transaction.put(DeliveryReviewItem(letter: letter).recordBytes, forKey: key, in: db(.review))
            } else {
                try transaction.put(letter.recordBytes, forKey: key, in: db(.deadLetters))
            }
        case EventsRecordKind.deliveryRedriven, EventsRecordKind.reviewRetried:
            // A dead letter (redrive) or a review item (a person's retry) is pending again.
            let from: DB = kind == EventsRecordKind.deliveryRedriven ? .deadLetters : .review
            let key = EventKeys.text(try fields.string("deliveryId"))
            guard let bytes = try transaction.value(forKey: key, in: db(from)) else { return }
            var delivery =
                from == .deadLetters
                ? try DeadLetter(recordBytes: bytes).delivery : try DeliveryReviewItem(recordBytes: bytes).letter.delivery
            delivery.restart(due: Int64(try fields.integer("due")), record: sequence)
            try transaction.delete(key: key, in: db(from))
            try transaction.put(delivery.recordBytes, forKey: key, in: db(.pending))
        case EventsRecordKind.reviewResolved:
            let key = EventKeys.text(try fields.string("deliveryId"))
            guard let bytes = try transaction.value(forKey: key, in: db(.review)) else { return }
            var item = try DeliveryReviewItem(recordBytes: bytes)
            item.resolution = try fields.string("reason")
            item.resolvedTime = Int64(try fields.integer("time"))
            item.letter.delivery.history.append(sequence)
            try transaction.put(item.recordBytes, forKey: key, in: db(.review))
        case EventsRecordKind.connectionPut, EventsRecordKind.apiDestinationPut:
            // Both are kept by name, as the API shows them (connections with their secrets).
            let (member, which): (String, DB) =
                kind == EventsRecordKind.connectionPut ? ("connection", .connections) : ("destination", .apiDestinations)
            let resource = try fields.value(member)
            try transaction.put(resource.bytes, forKey: EventKeys.text(resource["Name"]?.stringValue ?? ""), in: db(which))
        case EventsRecordKind.connectionDeleted, EventsRecordKind.apiDestinationDeleted:
            let which: DB = kind == EventsRecordKind.connectionDeleted ? .connections : .apiDestinations
            try transaction.delete(key: EventKeys.text(try fields.string("name")), in: db(which))
        default:
            break
        }
    }

    package static let deliveryIdMarker = Array(#""deliveryId""#.utf8)
    package static let idempotencyKeyMarker = Array(#""idempotencyKey""#.utf8)

    /// Whether `needle` occurs in `haystack` (a false positive only costs a parse).
    package static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var matched = 1
                while matched < needle.count, haystack[index + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            index += 1
        }
        return false
    }

    private func delivery(_ key: [UInt8], in database: Database, _ transaction: WriteTransaction) throws -> EventDelivery? {
        guard let bytes = try transaction.value(forKey: key, in: database) else { return nil }
        return try EventDelivery(recordBytes: bytes)
    }

}

/// Key encodings of the ``EventsIndex`` databases: names joined by a 0 byte,
/// which no bus, rule or target name may contain, so a bus's keys are one range.
package enum EventKeys {
    package static func text(_ value: String) -> [UInt8] { Array(value.utf8) }
    package static func bus(_ name: String) -> [UInt8] { text(name) }
    package static func rule(_ bus: String, _ name: String) -> [UInt8] { Keys.joined(bus, name) }
    package static func target(_ bus: String, _ rule: String, _ id: String) -> [UInt8] { Keys.joined(bus, rule, id) }
}
