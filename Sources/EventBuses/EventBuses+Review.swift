import EventLog
import JSON
public import Runtime

extension EventBuses {
    // MARK: Manual review

    /// Deliveries that failed again after a redrive, oldest failure first;
    /// resolved ones only when `includeResolved`.
    public nonisolated func reviewItems(includeResolved: Bool = false) throws -> [DeliveryReviewItem] {
        try values(in: .review)
            .map { try DeliveryReviewItem(recordJSON: $0) }
            .filter { includeResolved || !$0.isResolved }
            .sorted { ($0.letter.time, $0.letter.delivery.deliveryId) < ($1.letter.time, $1.letter.delivery.deliveryId) }
    }

    /// One review item.
    /// - Throws: ``EngineError`` `ResourceNotFoundException` when no delivery of that id waits for review.
    public nonisolated func reviewItem(deliveryId: String) throws -> DeliveryReviewItem {
        guard let value = try stored(EventKeys.text(deliveryId), in: .review) else {
            throw EngineError(.resourceNotFound, "Review item \(deliveryId) does not exist; list them with ListReviewItems.")
        }
        return try DeliveryReviewItem(recordJSON: value)
    }

    /// The records of a delivery's life, read back from the log: the event's
    /// acceptance, each retry, dead letter, redrive, retry from review and resolution.
    public nonisolated func history(of delivery: EventDelivery) throws -> [DeliveryHistoryEntry] {
        try DeliveryHistoryEntry.read(delivery.history, from: log) { kind, payload in
            kind == EventsRecordKind.eventAccepted ? ["bus": payload["bus"] ?? .null, "event": payload["event"] ?? .null] : payload
        }
    }

    /// Sends a review item's delivery again, with fresh attempts; if it fails
    /// again it comes back to review.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`; `ValidationException` when it was resolved.
    public func retryReviewItem(deliveryId: String) async throws {
        let item = try reviewItem(deliveryId: deliveryId)
        if let resolution = item.resolution {
            throw EngineError(.validation, "Review item \(deliveryId) was resolved (\(resolution)); it cannot be retried.")
        }
        let time = now()
        try await append(
            [
                (
                    EventsRecordKind.reviewRetried,
                    ["deliveryId": .string(deliveryId), "due": .integer(Int(time)), "time": .integer(Int(time))]
                )
            ],
            about: deliveryId
        )
        if let value = try stored(EventKeys.text(deliveryId), in: .pending) {
            queue(try EventDelivery(recordJSON: value))
        }
    }

    /// Closes a review item with what was done about it; it stays in the view, resolved.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`; `ValidationException`
    ///   for an empty reason or an item already resolved.
    public func resolveReviewItem(deliveryId: String, reason: String) async throws {
        let item = try reviewItem(deliveryId: deliveryId)
        guard !reason.isEmpty else {
            throw EngineError(.validation, "A reason is required to resolve review item \(deliveryId).")
        }
        if let resolution = item.resolution {
            throw EngineError(.validation, "Review item \(deliveryId) is already resolved (\(resolution)).")
        }
        try await append(
            [
                (
                    EventsRecordKind.reviewResolved,
                    ["deliveryId": .string(deliveryId), "reason": .string(reason), "time": .integer(Int(now()))]
                )
            ],
            about: deliveryId
        )
    }
}
