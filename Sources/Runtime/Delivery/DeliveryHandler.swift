package import EventLog
package import JSON
package import LMDB

/// The service side of a ``DeliveryLifecycle``: how one attempt is made, what a
/// dead letter sends to a dead-letter queue, how the service's views are read
/// and how its errors are named.
///
/// The lifecycle holds its handler weakly (the service owns the lifecycle), so
/// a handler is a class or an actor. The synchronous requirements run inside a
/// writer's transaction or a read, so an actor implements them `nonisolated`.
package protocol DeliveryHandler<Delivery>: AnyObject, Sendable {
    associatedtype Delivery: LifecycleDelivery

    /// Makes one attempt. A delivery whose effect is itself a record (a send to
    /// one of Stepline's queues) writes its success record with the effect and
    /// answers ``DeliveryAttemptOutcome/succeededAndRecorded``.
    func attempt(_ delivery: Delivery) async -> DeliveryAttemptOutcome<Delivery.Failure>

    /// Sends a delivery that is being dead-lettered to its dead-letter queue, if
    /// it has one, inside the transaction of its dead-letter record (written
    /// after this returns). Returns the members the record adds after `time`
    /// and `condition`. (A queue that got a message wakes its receivers from the
    /// commit itself: ``EventLog/EventLog/observeCommits(of:_:)``.)
    func sendToDeadLetterQueue(
        _ delivery: Delivery, failure: Delivery.Failure, condition: String?, time: Int64, in append: AppendTransaction
    ) throws -> DeadLetterQueueSend

    /// The pending delivery `deliveryId` as the service's pending view holds it.
    func pendingDelivery(_ deliveryId: String, in transaction: ReadTransaction) throws -> Delivery?
    /// Whether the dead-letter view holds `deliveryId`.
    func isDeadLetter(_ deliveryId: String, in transaction: ReadTransaction) throws -> Bool
    /// Where `deliveryId` stands in the review view.
    func reviewState(_ deliveryId: String, in transaction: ReadTransaction) throws -> DeliveryReviewState

    /// The service's own error for `rejection`: its code, and a message that
    /// says what to do.
    func error(for rejection: DeliveryRejection) -> any Error
}

/// How one attempt ended.
package enum DeliveryAttemptOutcome<Failure: Sendable>: Sendable {
    /// Delivered; the lifecycle records the success.
    case succeeded
    /// Delivered, and the success record committed with the effect.
    case succeededAndRecorded
    /// Not delivered: retried or dead-lettered as the delivery's policy says.
    case failed(Failure)
}

/// What ``DeliveryHandler/sendToDeadLetterQueue(_:failure:condition:time:in:)`` did.
package struct DeadLetterQueueSend: Sendable {
    /// Members added to the dead-letter record (`deadLetterQueue` for topics).
    package var fields: [(String, JSONValue)]

    package init(fields: [(String, JSONValue)] = []) {
        self.fields = fields
    }

    /// Nothing added.
    package static let none = DeadLetterQueueSend()
}

/// Where a delivery stands in a review view.
package enum DeliveryReviewState: Sendable, Hashable {
    /// Not in the view.
    case missing
    /// Waiting for a person.
    case open
    /// Resolved, with this reason.
    case resolved(String)
}

/// Why a redrive or a review action was refused; each service words it as its
/// own error (``DeliveryHandler/error(for:)``).
package enum DeliveryRejection: Sendable, Hashable {
    /// `redrive` of a delivery that is not a dead letter.
    case noDeadLetter(deliveryId: String)
    /// A review action on a delivery that does not wait for review.
    case noReviewItem(deliveryId: String)
    /// `retry` of a resolved review item.
    case retryOfResolved(deliveryId: String, resolution: String)
    /// `resolve` of a resolved review item.
    case resolveOfResolved(deliveryId: String, resolution: String)
    /// `resolve` without a reason.
    case missingReason(deliveryId: String)

    /// Whether the delivery is not where the action needs it (a not-found error),
    /// rather than in a state that refuses it (a validation error).
    package var isNotFound: Bool {
        switch self {
        case .noDeadLetter, .noReviewItem: true
        case .retryOfResolved, .resolveOfResolved, .missingReason: false
        }
    }

    /// The request member at fault, if one is.
    package var field: String? {
        if case .missingReason = self { "Reason" } else { nil }
    }

    /// What was refused and what to do, with the service's name for a review
    /// item (`Review item`, `Topic review item`) and how to list them.
    package func message(item: String, listedBy listing: String) -> String {
        switch self {
        case .noDeadLetter(let id): "Dead letter \(id) does not exist."
        case .noReviewItem(let id): "\(item) \(id) does not exist; list them with \(listing)."
        case .retryOfResolved(let id, let resolution): "\(item) \(id) was resolved (\(resolution)); it cannot be retried."
        case .resolveOfResolved(let id, let resolution): "\(item) \(id) was resolved (\(resolution)); it cannot be resolved again."
        case .missingReason(let id): "A reason is required to resolve \(item.lowercased()) \(id)."
        }
    }
}
