import EventLog
import JSON
import LMDB
import Messaging
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
            throw TopicError(.notFound, "Topic review item \(deliveryId) does not exist; list them with `stepline review list --kind topics`.")
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
        let time = now()
        let delivery = try await transact { append -> TopicDelivery in
            let item = try self.openReviewItem(deliveryId, append.transaction, doing: "retried")
            try self.append(
                TopicRecordKind.reviewRetried,
                ["deliveryId": .string(deliveryId), "due": .integer(Int(time)), "time": .integer(Int(time))], time: time, in: append)
            var delivery = item.letter.delivery
            delivery.attempt = 0
            delivery.due = time
            delivery.redriveCount += 1
            return delivery
        }
        schedule(delivery)
    }

    /// Closes a review item with what was done about it; it stays in the view, resolved.
    /// - Throws: ``TopicError`` `NotFound`; `InvalidParameter` for an empty reason or an
    ///   item already resolved.
    public func resolveReviewItem(deliveryId: String, reason: String) async throws {
        guard !reason.isEmpty else {
            throw TopicError.invalidParameter("Reason", "A reason is required to resolve topic review item \(deliveryId).")
        }
        let time = now()
        try await transact { append in
            _ = try self.openReviewItem(deliveryId, append.transaction, doing: "resolved again")
            try self.append(
                TopicRecordKind.reviewResolved,
                ["deliveryId": .string(deliveryId), "reason": .string(reason), "time": .integer(Int(time))], time: time, in: append)
        }
    }

    /// The item of `deliveryId`, read in the transaction that acts on it so two people
    /// acting at once cannot both succeed.
    private func openReviewItem(_ deliveryId: String, _ transaction: ReadTransaction, doing action: String) throws -> TopicReviewItem {
        guard let row = try row(deliveryId, in: .review, transaction) else {
            throw TopicError(.notFound, "Topic review item \(deliveryId) does not exist; list them with `stepline review list --kind topics`.")
        }
        let item = try TopicReviewItem(recordJSON: .object(row))
        if let resolution = item.resolution {
            throw TopicError.invalidParameter(nil, "Topic review item \(deliveryId) was resolved (\(resolution)); it cannot be \(action).")
        }
        return item
    }
}
