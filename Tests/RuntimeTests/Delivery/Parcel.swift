import EventLog
import JSON
import LMDB
import Runtime
import Synchronization

/// A fake delivery for the lifecycle's tests: EventBridge's backoff policy, its
/// own record kinds (1…7) and views (``ParcelIndex``).
struct Parcel: LifecycleDelivery {
    var deliveryId: String
    var due: Int64
    var attempt = 0
    var redriveCount = 0
    var maximumRetryAttempts: Int
    var decidedAt: Int64
    var lastError: String?

    static let decided = RecordKind(1)
    static let recordKinds = DeliveryRecordKinds(
        succeeded: RecordKind(2), retried: RecordKind(3), deadLettered: RecordKind(4), redriven: RecordKind(5),
        reviewRetried: RecordKind(6), reviewResolved: RecordKind(7))

    func decision(afterAttempt attempts: Int, failedWith failure: String, at time: Int64) -> DeliveryRetryDecision {
        ExponentialBackoffPolicy(maximumRetryAttempts: maximumRetryAttempts, maximumAgeSeconds: 3_600, startTime: decidedAt)
            .decision(afterAttempt: attempts, at: time)
    }

    static func recordFields(of failure: String) -> [(String, JSONValue)] { [("error", .string(failure))] }

    mutating func noteFailure(_ failure: String) { lastError = failure }

    var json: JSONValue {
        var object: JSONObject = [
            "deliveryId": .string(deliveryId), "due": .integer(Int(due)), "attempt": .integer(attempt),
            "redriveCount": .integer(redriveCount), "maximumRetryAttempts": .integer(maximumRetryAttempts),
            "decidedAt": .integer(Int(decidedAt)),
        ]
        if let lastError { object["lastError"] = .string(lastError) }
        return .object(object)
    }

    init(deliveryId: String, due: Int64, maximumRetryAttempts: Int) {
        self.deliveryId = deliveryId
        self.due = due
        self.maximumRetryAttempts = maximumRetryAttempts
        self.decidedAt = due
    }

    init(json: JSONValue) throws {
        let fields = try RecordFields(json, what: "parcel")
        deliveryId = try fields.string("deliveryId")
        due = Int64(try fields.integer("due"))
        attempt = try fields.integer("attempt")
        redriveCount = try fields.integer("redriveCount")
        maximumRetryAttempts = try fields.integer("maximumRetryAttempts")
        decidedAt = Int64(try fields.integer("decidedAt"))
        lastError = fields.optionalString("lastError")
    }
}

/// The parcels' views, derived from their records: `pending`, `deadLetters`
/// (`{parcel, error, condition?}`) and `review` (the same, with `resolution`).
struct ParcelIndex: LogIndex {
    let name = "parcels"
    let databaseNames = ["parcels.pending", "parcels.deadLetters", "parcels.review"]
    enum DB: Int { case pending, deadLetters, review }

    func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws {
        let fields = try RecordFields(bytes: entry.payload, what: "parcel record")
        let kinds = Parcel.recordKinds
        func get(_ key: [UInt8], _ which: DB) throws -> JSONValue? {
            try transaction.value(forKey: key, in: databases[which.rawValue]).map { try JSONParser.parse(bytes: $0) }
        }
        func put(_ value: JSONValue, _ key: [UInt8], _ which: DB) throws {
            try transaction.put(value.bytes, forKey: key, in: databases[which.rawValue])
        }
        func delete(_ key: [UInt8], _ which: DB) throws { _ = try transaction.delete(key: key, in: databases[which.rawValue]) }
        func restart(_ letter: JSONValue) throws -> JSONValue {
            var parcel = try Parcel(json: letter["parcel"] ?? .null)
            parcel.attempt = 0
            parcel.due = Int64(try fields.integer("due"))
            parcel.redriveCount += 1
            return parcel.json
        }
        if entry.header.kind == Parcel.decided {
            let parcel = try fields.value("parcel")
            try put(parcel, Array((parcel["deliveryId"]?.stringValue ?? "").utf8), .pending)
            return
        }
        let key = Array(try fields.string("deliveryId").utf8)
        switch entry.header.kind {
        case kinds.succeeded:
            try delete(key, .pending)
        case kinds.retried:
            guard let value = try get(key, .pending) else { return }
            var parcel = try Parcel(json: value)
            parcel.attempt = try fields.integer("attempt")
            parcel.due = Int64(try fields.integer("due"))
            parcel.lastError = try fields.string("error")
            try put(parcel.json, key, .pending)
        case kinds.deadLettered:
            guard let parcel = try get(key, .pending) else { return }
            try delete(key, .pending)
            var letter: JSONObject = ["parcel": parcel, "error": try fields.value("error")]
            if let condition = fields.optional("condition") { letter["condition"] = condition }
            if let queue = fields.optional("dlq") { letter["dlq"] = queue }
            try put(.object(letter), key, (try Parcel(json: parcel).redriveCount) > 0 ? .review : .deadLetters)
        case kinds.redriven:
            guard let letter = try get(key, .deadLetters) else { return }
            try delete(key, .deadLetters)
            try put(try restart(letter), key, .pending)
        case kinds.reviewRetried:
            guard let letter = try get(key, .review), letter["resolution"] == nil else { return }
            try delete(key, .review)
            try put(try restart(letter), key, .pending)
        case kinds.reviewResolved:
            guard var letter = try get(key, .review)?.objectValue else { return }
            letter["resolution"] = try fields.value("reason")
            try put(.object(letter), key, .review)
        default:
            break
        }
    }
}

/// Why the fake refused a redrive or review action.
struct ParcelRejection: Error, Equatable {
    var rejection: DeliveryRejection
}

/// The fake service: attempts fail while ``failing`` is set; a dead letter goes to
/// a pretend dead-letter queue named in its record.
final class Courier: DeliveryHandler {
    let log: EventLog
    let lifecycle: DeliveryLifecycle<Parcel>
    let failing = Mutex(true)
    /// While set, attempts wait (in flight) before they answer.
    let held = Mutex(false)
    /// The clock time of every attempt, by delivery id.
    let attempts = Mutex([String: [Int64]]())
    let deadLetterQueue = Mutex([String]())
    /// How many attempts ran at once, now and at the most.
    let inFlight = Mutex(0)
    let maximumInFlight = Mutex(0)

    init(context: ServiceContext, maxConcurrentAttempts: Int = 4) {
        log = context.log
        lifecycle = DeliveryLifecycle(context: context, key: Scheduler.Key("parcels"), maxConcurrentAttempts: maxConcurrentAttempts)
        lifecycle.connect(self)
    }

    /// Records a parcel's decision and schedules it, as a service does after the commit.
    func decide(_ parcel: Parcel) async throws {
        let payload: JSONValue = ["parcel": parcel.json]
        _ = try await log.append([Record(kind: Parcel.decided, timestamp: parcel.due * 1000, payload: payload.bytes)])
        lifecycle.schedule(parcel)
    }

    func attempt(_ delivery: Parcel) async -> DeliveryAttemptOutcome<String> {
        attempts.withLock { $0[delivery.deliveryId, default: []].append(self.lifecycle.context.now()) }
        let running = inFlight.withLock { count in
            count += 1
            return count
        }
        maximumInFlight.withLock { $0 = max($0, running) }
        // Gives another attempt, were one started beside this one, the time to show.
        for _ in 0..<5 { await Task.yield() }
        while held.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(1)) }
        inFlight.withLock { $0 -= 1 }
        return failing.withLock { $0 } ? .failed("courier is down") : .succeeded
    }

    func sendToDeadLetterQueue(
        _ delivery: Parcel, failure: String, condition: String?, time: Int64, in append: AppendTransaction
    ) throws -> DeadLetterQueueSend {
        deadLetterQueue.withLock { $0.append(delivery.deliveryId) }
        return DeadLetterQueueSend(fields: [("dlq", "parcels-dlq")])
    }


    func view(_ which: ParcelIndex.DB, _ deliveryId: String, in transaction: ReadTransaction) throws -> JSONValue? {
        guard let databases = log.databases(ofIndex: "parcels") else { return nil }
        return try transaction.value(forKey: Array(deliveryId.utf8), in: databases[which.rawValue]).map { try JSONParser.parse(bytes: $0) }
    }

    func view(_ which: ParcelIndex.DB, _ deliveryId: String) throws -> JSONValue? {
        try log.read { try view(which, deliveryId, in: $0) }
    }

    func pendingDelivery(_ deliveryId: String, in transaction: ReadTransaction) throws -> Parcel? {
        try view(.pending, deliveryId, in: transaction).map { try Parcel(json: $0) }
    }

    func isDeadLetter(_ deliveryId: String, in transaction: ReadTransaction) throws -> Bool {
        try view(.deadLetters, deliveryId, in: transaction) != nil
    }

    func reviewState(_ deliveryId: String, in transaction: ReadTransaction) throws -> DeliveryReviewState {
        guard let item = try view(.review, deliveryId, in: transaction) else { return .missing }
        return item["resolution"]?.stringValue.map(DeliveryReviewState.resolved) ?? .open
    }

    func error(for rejection: DeliveryRejection) -> any Error { ParcelRejection(rejection: rejection) }
}
