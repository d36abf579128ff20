import EventLog
import JSON
public import Runtime

extension TopicService {
    // MARK: Manual review

    /// Topic deliveries that failed again after a redrive, oldest failure first;
    /// resolved ones only when `includeResolved`.
    public func reviewItems(includeResolved: Bool = false) throws -> [TopicReviewItem] {
        try values(in: .review)
            .map { try TopicReviewItem(recordJSON: $0) }
            .filter { includeResolved || !$0.isResolved }
            .sorted { ($0.letter.time, $0.letter.delivery.deliveryId) < ($1.letter.time, $1.letter.delivery.deliveryId) }
    }

    /// One review item.
    /// - Throws: ``TopicError`` `NotFound` when no topic delivery of that id waits for review.
    public func reviewItem(deliveryId: String) throws -> TopicReviewItem {
        guard let row = try log.read({ try self.row(deliveryId, in: .review, $0) }) else {
            throw error(for: .noReviewItem(deliveryId: deliveryId))
        }
        return try TopicReviewItem(recordJSON: .object(row))
    }

    /// The records of a delivery's life, read back from the log: its publication,
    /// each retry, dead letter, redrive, retry from review and resolution.
    public func history(of delivery: TopicDelivery) throws -> [DeliveryHistoryEntry] {
        try DeliveryHistoryEntry.read(delivery.history, from: log) { kind, payload in
            guard kind == TopicRecordKind.published || kind == TopicRecordKind.subscribed, var object = payload.objectValue else {
                return payload
            }
            // The record names every delivery it caused: keep only this one.
            object["deliveries"] = .array(
                (object["deliveries"]?.arrayValue ?? []).filter { $0["deliveryId"]?.stringValue == delivery.deliveryId })
            return .object(object)
        }
    }

    /// Sends a review item's delivery again, with fresh attempts; if it fails
    /// again it comes back to review.
    /// - Throws: ``TopicError`` `NotFound`; `InvalidParameter` when it was resolved.
    public func retryReviewItem(deliveryId: String) async throws {
        try await deliveries.retryReviewItem(deliveryId: deliveryId)
    }

    /// Closes a review item with what was done about it; it stays in the view, resolved.
    /// - Throws: ``TopicError`` `NotFound`; `InvalidParameter` for an empty reason or an
    ///   item already resolved.
    public func resolveReviewItem(deliveryId: String, reason: String) async throws {
        try await deliveries.resolveReviewItem(deliveryId: deliveryId, reason: reason)
    }
}
