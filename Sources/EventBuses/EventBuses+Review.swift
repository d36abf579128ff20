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
            throw error(for: .noReviewItem(deliveryId: deliveryId))
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
    public nonisolated func retryReviewItem(deliveryId: String) async throws {
        try await deliveries.retryReviewItem(deliveryId: deliveryId)
    }

    /// Closes a review item with what was done about it; it stays in the view, resolved.
    /// - Throws: ``EngineError`` `ResourceNotFoundException`; `ValidationException`
    ///   for an empty reason or an item already resolved.
    public nonisolated func resolveReviewItem(deliveryId: String, reason: String) async throws {
        try await deliveries.resolveReviewItem(deliveryId: deliveryId, reason: reason)
    }
}
