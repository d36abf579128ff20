package import EventLog
public import JSON

/// A delivery waiting for a person: it was dead-lettered, redriven, and failed
/// again. Bus deliveries (``DeliveryReviewItem``, the `events.review` view) and
/// topic deliveries (``TopicReviewItem``, `topics.review`) share it; both views
/// are derived from the log and shown side by side in the review views.
///
/// A person retries it (the delivery is pending again with fresh attempts:
/// ``EventBuses/retryReviewItem(deliveryId:)``, ``TopicService/retryReviewItem(deliveryId:)``)
/// or resolves it with a reason; a resolved item stays in the view with its
/// resolution, so what was decided can be read later.
public struct ReviewItem<Letter: Sendable & Hashable>: Sendable, Hashable {
    /// The last failure: the delivery (with its history) and its error.
    public var letter: Letter
    /// Why it was resolved; `nil` while it waits.
    public var resolution: String?
    /// When it was resolved, in milliseconds since the epoch.
    public var resolvedTime: Int64?

    public var isResolved: Bool { resolution != nil }

    package init(letter: Letter) {
        self.letter = letter
    }
}

extension ReviewItem: Codable where Letter: Codable {}

extension ReviewItem: RecordPayload where Letter: RecordPayload {
    package static var recordName: String { "review item" }
}

/// One record of a delivery's history, as a review item's inspection shows it.
public struct DeliveryHistoryEntry: Sendable, Hashable {
    /// The record's sequence number in the log.
    public var sequence: Int
    /// The record kind's registered name (`events.delivery.retried`, …).
    public var type: String
    /// When the record was appended, in milliseconds since the epoch.
    public var time: Int64
    /// What the record says about this delivery (for an accepted event, the event).
    public var detail: JSONValue
}

extension DeliveryHistoryEntry {
    /// The records at `sequences` read back from `log`, each presented by `detail`
    /// (given the record's kind and payload): the history of a bus or topic delivery.
    package static func read(
        _ sequences: [Int], from log: EventLog, detail: (RecordKind, JSONValue) -> JSONValue
    ) throws -> [DeliveryHistoryEntry] {
        let kinds = log.configuration.kinds
        return try sequences.compactMap { sequence in
            guard let entry = try log.entry(at: SequenceNumber(UInt64(sequence))) else { return nil }
            return DeliveryHistoryEntry(
                sequence: sequence,
                type: kinds?[entry.header.kind]?.name ?? entry.header.kind.description,
                time: entry.header.timestamp / 1000,
                detail: detail(entry.header.kind, try JSONParser.parse(bytes: entry.payload))
            )
        }
    }
}
