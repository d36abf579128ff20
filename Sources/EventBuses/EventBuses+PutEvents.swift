package import EventLog
import Foundation
package import JSON
import LMDB
import Memberwise
import Messaging
import Queues
import Runtime

/// One `PutEvents` entry, as the request gives it.
@MemberwiseInit(.public)
public struct EventEntry: Sendable {
    public var source: String?
    public var detailType: String?
    /// JSON text of an object.
    public var detail: String?
    public var resources: [String] = []
    /// The event's time in milliseconds since the epoch; `nil` means now.
    public var time: Int64? = nil
    /// The bus name or ARN; `nil` means `default`.
    public var eventBusName: String? = nil

    /// The size AWS counts against the 256 KiB request limit: 14 bytes for the
    /// time plus the UTF-8 lengths of source, detail type, detail and resources.
    public var size: Int {
        14 + (source?.utf8.count ?? 0) + (detailType?.utf8.count ?? 0) + (detail?.utf8.count ?? 0)
            + resources.reduce(0) { $0 + $1.utf8.count }
    }
}

/// The answer for one `PutEvents` entry: an event id, or an error code and message.
public struct PutEventsResultEntry: Sendable, Hashable {
    public var eventId: String?
    public var errorCode: String?
    public var errorMessage: String?
}

extension EventBuses {
    /// Accepts events: each valid entry becomes one ``EventsRecordKind/eventAccepted``
    /// record carrying the deliveries its bus's enabled rules cause, all entries
    /// of the request in one transaction. The answer comes after the commit.
    ///
    /// Entries are checked one by one, as AWS does: an invalid entry gets an
    /// error code and message and the others are still accepted.
    /// - Throws: ``EngineError`` `ValidationException` for more than 10 entries or
    ///   more than 256 KiB; a storage ``ServiceError`` when the log cannot commit.
    public func putEvents(_ entries: [EventEntry]) async throws -> [PutEventsResultEntry] {
        guard (1...Self.maximumEntries).contains(entries.count) else {
            throw EngineError(
                .validation,
                "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to \(Self.maximumEntries)"
            )
        }
        guard entries.reduce(0, { $0 + $1.size }) <= Self.maximumRequestBytes else {
            throw EngineError(.validation, "Total size of the entries in the request is over the limit.")
        }
        let time = now()
        let accepted = accept(entries, at: time)
        if !accepted.records.isEmpty { _ = try await commit(accepted, at: time) }
        return accepted.results
    }

    /// Appends an acceptance's records in one transaction and delivers its targets
    /// that are Stepline's own resources (queues, topics, state machines) in that
    /// same transaction: exactly once. The others are scheduled by the commit
    /// (``scheduleDeliveries(recordedIn:)``).
    ///
    /// With an `idempotencyKey` already in `events.idempotency` (checked in the
    /// writer's transaction), nothing is written and the earlier event id is
    /// returned; otherwise `nil`.
    package func commit(_ accepted: Acceptance, at time: Int64, idempotencyKey: String? = nil) async throws -> String? {
        // Serialized here, not in the writer's transaction: the writer is the one thread every commit waits on.
        let records = accepted.records.map { Self.record($0.0, $0.1, time: time) }
        let deliveries = accepted.deliveries
        let database = db(.idempotency)
        return try await transact(about: "event bus") { append in
            if let key = idempotencyKey, let bytes = try append.transaction.value(forKey: EventKeys.text(key), in: database) {
                return try JSONParser.parse(bytes: bytes).stringValue
            }
            try self.appendAccepted(records, deliveries, in: append, time: time)
            return nil
        }
    }

    /// Appends the records that accept events and, in the same transaction, makes the
    /// deliveries they carry to Stepline's own queues, topics and state machines
    /// (``deliverInTransaction(_:in:time:)``): exactly once, with their success records.
    /// One that fails stays pending and is retried; the others are scheduled by the
    /// commit (``scheduleDeliveries(recordedIn:)``). Every writer of accepted events
    /// (`PutEvents`, a webhook, a Task state's `events:putEvents`, a pipe) goes through it.
    package nonisolated func appendAccepted(_ records: [Record], _ deliveries: [EventDelivery], in append: AppendTransaction, time: Int64) throws {
        for record in records { try append.append(record) }
        for delivery in deliveries where delivery.deliversInTransaction { _ = try deliverInTransaction(delivery, in: append, time: time) }
    }

    /// What accepting some entries decides: the answer per entry, the records to
    /// append and the deliveries those records carry.
    package struct Acceptance {
        package var results: [PutEventsResultEntry] = []
        package var records: [(RecordKind, JSONValue)] = []
        package var deliveries: [EventDelivery] = []
    }

    /// Checks and routes `entries` at `time` without writing anything, so a caller
    /// can commit the records in its own transaction (`PutEvents`, or a Task
    /// state's `events:putEvents` in the step that schedules it).
    package func accept(_ entries: [EventEntry], at time: Int64) -> Acceptance {
        var accepted = Acceptance()
        for entry in entries {
            let bus = busName(entry.eventBusName)
            let detail: JSONValue
            do {
                detail = try Self.validated(entry)
            } catch {
                accepted.results.append(PutEventsResultEntry(errorCode: error.code, errorMessage: error.message))
                continue
            }
            guard routes[bus] != nil else {
                accepted.results.append(
                    PutEventsResultEntry(errorCode: "ResourceNotFoundException", errorMessage: "Event bus \(scopedName(bus).name) does not exist.")
                )
                continue
            }
            let id = UUID().uuidString.lowercased()
            // The event is the bus's account's and region's, as on AWS.
            let scope = scopedName(bus).scope
            let event: JSONValue = [
                "version": "0", "id": .string(id), "detail-type": .string(entry.detailType ?? ""),
                "source": .string(entry.source ?? ""), "account": .string(scope.account),
                "time": .string(Self.isoTime(entry.time ?? time)), "region": .string(scope.region),
                "resources": .array(entry.resources.map { .string($0) }), "detail": detail,
            ]
            route(event, on: bus, at: time, hops: 0, records: &accepted.records, deliveries: &accepted.deliveries)
            accepted.results.append(PutEventsResultEntry(eventId: id))
        }
        return accepted
    }

    /// Matches `event` against `bus`'s enabled rules and adds its record and its
    /// deliveries. A target that is another bus is not a delivery: the event is
    /// accepted on that bus in the same transaction (exactly once), up to
    /// ``maximumHops`` buses deep. `ruleNames`, when given, replaces the
    /// matching rules of `bus` (a schedule fires its own rule; a replay may
    /// narrow its rules).
    package func route(
        _ event: JSONValue,
        on bus: String,
        at time: Int64,
        hops: Int,
        records: inout [(RecordKind, JSONValue)],
        deliveries: inout [EventDelivery],
        ruleNames: [String]? = nil
    ) {
        guard let routes = routes[bus] else { return }
        let eventId = event["id"]?.stringValue ?? ""
        var own: [EventDelivery] = []
        var forwards: [String] = []
        for ruleName in ruleNames ?? routes.matcher.matches(event).sorted() {
            guard let rule = routes.rules[ruleName], rule.enabled else { continue }
            let context = TargetInputContext(ruleName: ruleName, ruleArn: rule.arn, ingestionTime: Self.isoTime(time))
            for target in rule.targets.values.sorted(by: { $0.id < $1.id }) {
                if let range = target.arn.range(of: ":event-bus/"), target.arn.hasPrefix("arn:aws:events:") {
                    forwards.append(String(target.arn[range.upperBound...]))
                    continue
                }
                // AWS delivers nothing when the input path selects nothing.
                guard let body = target.input.body(for: event, context: context) else { continue }
                own.append(
                    EventDelivery(
                        deliveryId: "\(eventId)/\(bus)/\(ruleName)/\(target.id)",
                        eventId: eventId,
                        busName: bus,
                        ruleName: ruleName,
                        ruleArn: rule.arn,
                        targetId: target.id,
                        targetArn: target.arn,
                        body: body,
                        eventTime: time,
                        due: time,
                        maximumRetryAttempts: target.maximumRetryAttempts,
                        maximumEventAgeSeconds: target.maximumEventAgeSeconds,
                        deadLetterArn: target.deadLetterArn,
                        messageGroupId: target.messageGroupId,
                        event: target.deadLetterArn == nil ? nil : event.serialized
                    )
                )
            }
        }
        records.append(
            (
                EventsRecordKind.eventAccepted,
                [
                    "bus": .string(bus), "id": .string(eventId), "event": event, "time": .integer(Int(time)),
                    "deliveries": .array(own.map(\.recordJSON)),
                ]
            )
        )
        deliveries += own
        if hops + 1 < Self.maximumHops {
            for next in forwards where next != bus {
                route(event, on: next, at: time, hops: hops + 1, records: &records, deliveries: &deliveries)
            }
        }
    }

    package struct EntryError: Error {
        package var code: String
        package var message: String
    }

    /// AWS's per-entry checks; returns the parsed detail.
    package static func validated(_ entry: EventEntry) throws(EntryError) -> JSONValue {
        func missing(_ member: String) -> EntryError {
            EntryError(code: "InvalidArgument", message: "Parameter \(member) is not valid. Reason: \(member) is a required argument.")
        }
        guard let source = entry.source, !source.isEmpty else { throw missing("Source") }
        guard let detailType = entry.detailType, !detailType.isEmpty else { throw missing("DetailType") }
        guard let detail = entry.detail, !detail.isEmpty else { throw missing("Detail") }
        guard let parsed = try? JSONParser.parse(detail), case .object = parsed else {
            throw EntryError(code: "MalformedDetail", message: "Detail is malformed.")
        }
        // The event's record holds the detail two levels down (record, event): a
        // detail that parses can still make a record the log cannot read back.
        let depth = JSONNesting.depth(of: detail.utf8)
        guard JSONNesting.isReadable(depth: depth + 2) else {
            throw EntryError(
                code: "MalformedDetail",
                message: "Detail is nested \(depth) levels deep; an event holds at most \(JSONParser.maximumDepth - 2)."
            )
        }
        return parsed
    }

    /// `2026-11-25T15:51:00Z`: AWS's event time format, from milliseconds since the epoch.
    package static func isoTime(_ milliseconds: Int64) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let date = CivilDate(daysSinceEpoch: days)
        let (year, month, day) = (Int64(date.year), Int64(date.month), Int64(date.day))
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }
}
