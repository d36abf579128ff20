import EventLog
import HeapModule
import JSON
import LMDB
import Logging
import Memberwise
import Synchronization

/// The one life of a delivery outside the transaction that decided it: attempts
/// on the shared ``Scheduler``, retries by the delivery's policy, a dead letter
/// (sent to a dead-letter queue in the same transaction), redrive, and manual
/// review (retry or resolve) of a delivery that failed again after a redrive.
///
/// Bus-target deliveries (`EventBuses`) and topic deliveries (`TopicService`)
/// both run on it; each service supplies a ``LifecycleDelivery`` type (what is
/// sent, its retry policy, its record kinds) and a ``DeliveryHandler`` (how an
/// attempt is made, its dead-letter queue, its views and errors).
///
/// Every transition is a record, and the service's index derives the
/// `pending`, `deadLetters` and `review` views from those records alone:
///
/// ```
///  decided ─► pending ─attempt─► succeeded
///               ▲  │ failed: retried (due later) ──┐
///               │  ├◄──────────────────────────────┘
///               │  └ limit reached: dead-lettered ─► dead letter ─redrive─► pending
///               │                                   (redriven before: review item)
///               └────────────── review retried ◄── review item ─resolve─► resolved
/// ```
///
/// This type keeps only what is scheduled: the pending deliveries, a due-time
/// heap, the attempts in flight (at most ``maxConcurrentAttempts``). Nothing
/// polls: one key on the scheduler is due at the earliest delivery. A delivery
/// interrupted by a crash is still pending in the log; the service schedules its
/// pending view again when it opens.
///
/// ## Topics
/// - ``schedule(_:)``
/// - ``scheduleUnknown(from:)``
/// - ``redrive(deliveryId:)``
/// - ``retryReviewItem(deliveryId:)``
/// - ``resolveReviewItem(deliveryId:reason:)``
@MemberwiseInit(.package)
package final class DeliveryLifecycle<Delivery: LifecycleDelivery>: Sendable {
    private struct Due: Comparable {
        var due: Int64
        var deliveryId: String
        static func < (lhs: Due, rhs: Due) -> Bool { (lhs.due, lhs.deliveryId) < (rhs.due, rhs.deliveryId) }
    }

    private struct State {
        var pending: [String: Delivery] = [:]
        /// Stale entries (a delivery since retried, finished or redriven) stay until they reach the top.
        var due = Heap<Due>()
        var inFlight: Set<String> = []
        /// Due while their previous attempt was still recording its outcome (a redrive of
        /// a dead letter whose record just committed): queued again when that attempt ends.
        var blocked: [Due] = []
    }

    /// Weak: the service owns the lifecycle, and the scheduler outlives both.
    private struct HandlerReference {
        weak var handler: (any DeliveryHandler<Delivery>)?
    }

    /// The log, clock, scheduler and logger the deliveries use.
    package let context: ServiceContext
    /// The scheduler key of the earliest due delivery.
    package let key: Scheduler.Key
    /// How many attempts run at once.
    package let maxConcurrentAttempts: Int
    private let state = Mutex(State())
    private let reference = Mutex(HandlerReference())

    /// Names the service that attempts the deliveries; call it once, before scheduling.
    package func connect(_ handler: any DeliveryHandler<Delivery>) {
        reference.withLock { $0.handler = handler }
    }

    private var handler: (any DeliveryHandler<Delivery>)? { reference.withLock { $0.handler } }

    // MARK: Scheduling

    /// Queues `delivery` to be attempted when it is due (replacing what was queued under its id).
    package func schedule(_ delivery: Delivery) {
        state.withLock { state in
            state.pending[delivery.deliveryId] = delivery
            state.due.insert(Due(due: delivery.due, deliveryId: delivery.deliveryId))
        }
        armDue()
    }

    /// Queues the deliveries `read` returns that are not queued yet: the pending
    /// view after a commit made elsewhere (another service's transaction that
    /// decided deliveries of this one).
    ///
    /// `read` runs while the state is held: a delivery leaves the state only after
    /// the record that finishes it committed, so the view read cannot list a
    /// delivery this lifecycle already finished.
    package func scheduleUnknown(from read: () throws -> [Delivery]) rethrows {
        try state.withLock { state in
            for delivery in try read() where state.pending[delivery.deliveryId] == nil {
                state.pending[delivery.deliveryId] = delivery
                state.due.insert(Due(due: delivery.due, deliveryId: delivery.deliveryId))
            }
        }
        armDue()
    }

    /// The deliveries queued here (pending, in flight included), by due time.
    package var scheduled: [Delivery] {
        state.withLock { $0.pending.values.sorted { ($0.due, $0.deliveryId) < ($1.due, $1.deliveryId) } }
    }

    /// Schedules ``runDue()`` at the earliest due delivery, unless it is already
    /// scheduled as early or no attempt can start (one ending schedules again).
    private func armDue() {
        let earliest = state.withLock { state in
            state.inFlight.count < maxConcurrentAttempts ? state.due.min?.due : nil
        }
        guard let earliest else { return }
        let scheduler = context.scheduler
        if let scheduled = scheduler.due(of: key), scheduled <= earliest { return }
        scheduler.schedule(key, at: earliest) { [weak self] in await self?.runDue() }
    }

    /// Attempts what is due, having scheduled the next due delivery.
    private func runDue() async {
        let due = takeDue()
        armDue()
        await withDiscardingTaskGroup { group in
            for delivery in due { group.addTask { await self.attempt(delivery) } }
        }
    }

    private func takeDue() -> [Delivery] {
        let time = context.now()
        return state.withLock { state in
            var due: [Delivery] = []
            while state.inFlight.count < maxConcurrentAttempts, let first = state.due.min, first.due <= time {
                state.due.removeMin()
                guard let delivery = state.pending[first.deliveryId], delivery.due == first.due else { continue }
                guard state.inFlight.insert(first.deliveryId).inserted else {
                    state.blocked.append(first)
                    continue
                }
                due.append(delivery)
            }
            return due
        }
    }

    // MARK: Attempts

    private func attempt(_ delivery: Delivery) async {
        guard let handler else { return }
        let outcome = await handler.attempt(delivery)
        await finish(delivery, outcome: outcome, handler: handler)
    }

    /// Records an attempt's outcome: success, a retry when the delivery's policy
    /// allows one, or a dead letter, sent to the dead-letter queue in the
    /// transaction of its record. A delivery whose outcome could not be recorded
    /// is still pending in the log and is attempted again a second later.
    private func finish(_ delivery: Delivery, outcome: DeliveryAttemptOutcome<Delivery.Failure>, handler: any DeliveryHandler<Delivery>) async {
        let time = context.now()
        let kinds = Delivery.recordKinds
        let id = JSONValue.string(delivery.deliveryId)
        var retry: Delivery?
        do {
            switch outcome {
            case .succeededAndRecorded:
                break
            case .succeeded:
                try await transact(about: delivery.deliveryId) { append in
                    try Self.append(kinds.succeeded, [("deliveryId", id), ("time", .integer(Int(time)))], time: time, in: append)
                }
            case .failed(let failure):
                let attempts = delivery.attempt + 1
                switch delivery.decision(afterAttempt: attempts, failedWith: failure, at: time) {
                case .retry(let due):
                    var next = delivery
                    next.attempt = attempts
                    next.due = due
                    next.noteFailure(failure)
                    let fields: [(String, JSONValue)] = [("deliveryId", id), ("attempt", .integer(attempts)), ("due", .integer(Int(due)))]
                    try await transact(about: delivery.deliveryId) { append in
                        try Self.append(kinds.retried, fields + Delivery.recordFields(of: failure), time: time, in: append)
                    }
                    retry = next
                case .deadLetter(let condition):
                    try await transact(about: delivery.deliveryId) { append in
                        let send = try handler.sendToDeadLetterQueue(delivery, failure: failure, condition: condition, time: time, in: append)
                        var fields: [(String, JSONValue)] = [("deliveryId", id)] + Delivery.recordFields(of: failure)
                        fields.append(("time", .integer(Int(time))))
                        if let condition { fields.append(("condition", .string(condition))) }
                        try Self.append(kinds.deadLettered, fields + send.fields, time: time, in: append)
                    }
                }
            }
        } catch {
            context.logger.info(
                "delivery outcome not recorded", metadata: ["delivery": "\(delivery.deliveryId)", "error": "\(error)"])
            retry = delivery
            retry?.due = time + 1000
        }
        state.withLock { state in
            state.inFlight.remove(delivery.deliveryId)
            if let retry {
                state.pending[delivery.deliveryId] = retry
                state.due.insert(Due(due: retry.due, deliveryId: retry.deliveryId))
            } else if state.pending[delivery.deliveryId]?.redriveCount == delivery.redriveCount {
                // Not if a redrive queued it again while this outcome was being recorded.
                state.pending[delivery.deliveryId] = nil
            }
            for entry in state.blocked { state.due.insert(entry) }
            state.blocked.removeAll()
        }
        armDue()
    }

    // MARK: Redrive and review

    /// Sends a dead letter again: it becomes pending with fresh attempts, and
    /// waits for review if it fails again.
    /// - Throws: the service's error for ``DeliveryRejection/noDeadLetter(deliveryId:)``;
    ///   ``ServiceError`` when the log fails.
    package func redrive(deliveryId: String) async throws {
        try await restart(deliveryId, kind: Delivery.recordKinds.redriven, timeMember: false) { handler, transaction in
            try handler.isDeadLetter(deliveryId, in: transaction) ? nil : DeliveryRejection.noDeadLetter(deliveryId: deliveryId)
        }
    }

    /// Sends a review item's delivery again with fresh attempts; if it fails again
    /// it comes back to review.
    /// - Throws: the service's error for ``DeliveryRejection/noReviewItem(deliveryId:)``
    ///   and ``DeliveryRejection/retryOfResolved(deliveryId:resolution:)``.
    package func retryReviewItem(deliveryId: String) async throws {
        try await restart(deliveryId, kind: Delivery.recordKinds.reviewRetried, timeMember: true) { handler, transaction in
            switch try handler.reviewState(deliveryId, in: transaction) {
            case .missing: .noReviewItem(deliveryId: deliveryId)
            case .resolved(let resolution): .retryOfResolved(deliveryId: deliveryId, resolution: resolution)
            case .open: nil
            }
        }
    }

    /// Closes a review item with what was done about it; it stays in the view, resolved.
    /// - Throws: the service's error for ``DeliveryRejection/noReviewItem(deliveryId:)``,
    ///   ``DeliveryRejection/missingReason(deliveryId:)`` and
    ///   ``DeliveryRejection/resolveOfResolved(deliveryId:resolution:)``.
    package func resolveReviewItem(deliveryId: String, reason: String) async throws {
        let handler = try requireHandler(deliveryId)
        let time = context.now()
        let kind = Delivery.recordKinds.reviewResolved
        try await transact(about: deliveryId, handler: handler) { append in
            // Read in the transaction that acts on it, so two people acting at once cannot both succeed.
            let review = try handler.reviewState(deliveryId, in: append.transaction)
            if review == .missing { throw Rejection(.noReviewItem(deliveryId: deliveryId)) }
            if reason.isEmpty { throw Rejection(.missingReason(deliveryId: deliveryId)) }
            if case .resolved(let resolution) = review {
                throw Rejection(.resolveOfResolved(deliveryId: deliveryId, resolution: resolution))
            }
            let fields: [(String, JSONValue)] = [
                ("deliveryId", .string(deliveryId)), ("reason", .string(reason)), ("time", .integer(Int(time))),
            ]
            try Self.append(kind, fields, time: time, in: append)
        }
    }

    /// Appends a record that makes a dead letter or review item pending again,
    /// once `check` found no reason to refuse it in the same transaction, and schedules the
    /// delivery as the pending view then holds it.
    private func restart(
        _ deliveryId: String, kind: RecordKind, timeMember: Bool,
        check: @escaping @Sendable (any DeliveryHandler<Delivery>, ReadTransaction) throws -> DeliveryRejection?
    ) async throws {
        let handler = try requireHandler(deliveryId)
        let time = context.now()
        let delivery = try await transact(about: deliveryId, handler: handler) { append in
            if let rejection = try check(handler, append.transaction) { throw Rejection(rejection) }
            var fields: [(String, JSONValue)] = [("deliveryId", .string(deliveryId)), ("due", .integer(Int(time)))]
            if timeMember { fields.append(("time", .integer(Int(time)))) }
            try Self.append(kind, fields, time: time, in: append)
            // The index applied the record in this transaction: the view holds the restarted delivery.
            return try handler.pendingDelivery(deliveryId, in: append.transaction)
        }
        if let delivery { schedule(delivery) }
    }

    // MARK: Records

    /// A refusal thrown inside a transaction, rethrown as the service's error after it.
    private struct Rejection: Error {
        var rejection: DeliveryRejection
        init(_ rejection: DeliveryRejection) { self.rejection = rejection }
    }

    private func requireHandler(_ deliveryId: String) throws -> any DeliveryHandler<Delivery> {
        guard let handler else {
            throw ServiceError(.internal, "The service of delivery \(deliveryId) was closed; open it again to act on the delivery.")
        }
        return handler
    }

    /// Runs `body` in the writer's transaction and waits for the commit; a
    /// ``Rejection`` becomes the service's error, any other failure a storage error.
    private func transact<Result: Sendable>(
        about deliveryId: String, handler: (any DeliveryHandler<Delivery>)? = nil,
        _ body: @escaping @Sendable (AppendTransaction) throws -> Result
    ) async throws -> Result {
        do { return try await context.log.transact(body) } catch let rejected as Rejection {
            guard let handler else { throw ServiceError(.internal, "Delivery \(deliveryId) was refused: \(rejected.rejection)") }
            throw handler.error(for: rejected.rejection)
        } catch {
            throw ServiceError.storage(error, about: deliveryId)
        }
    }

    /// A record stamped with `time` (milliseconds; headers hold microseconds).
    private static func append(_ kind: RecordKind, _ fields: [(String, JSONValue)], time: Int64, in append: AppendTransaction) throws {
        _ = try append.append(Record(kind: kind, timestamp: time * 1000, payload: JSONValue.object(JSONObject(fields)).bytes))
    }
}
