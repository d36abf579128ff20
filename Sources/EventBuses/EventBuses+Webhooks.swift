import JSON
import Runtime

/// The answer to a webhook delivery.
public struct WebhookAcceptance: Sendable, Hashable {
    public var eventId: String
    /// `true` when the delivery id was accepted before: nothing new was written.
    public var duplicate: Bool
}

extension EventBuses {
    /// Accepts one partner event (a checked webhook call) exactly once per
    /// `idempotencyKey`: the first call appends the event, later calls with the
    /// same key answer with the first event's id and write nothing.
    ///
    /// The key is checked inside the writer's transaction, so two concurrent
    /// calls with one key cannot both be accepted; the key is kept by
    /// ``EventsIndex`` (`events.idempotency`) from the event's record.
    /// - Throws: ``EngineError`` `ValidationException` (an entry AWS would refuse,
    ///   with its code in the message), `ResourceNotFoundException` (the bus).
    public func acceptWebhook(_ entry: EventEntry, idempotencyKey: String) async throws -> WebhookAcceptance {
        let key = EventKeys.text(idempotencyKey)
        if let known = try stored(key, in: .idempotency)?.stringValue {
            return WebhookAcceptance(eventId: known, duplicate: true)
        }
        let time = now()
        var accepted = accept([entry], at: time)
        guard let result = accepted.results.first, let eventId = result.eventId else {
            let failure = accepted.results.first
            let code = failure?.errorCode == "ResourceNotFoundException" ? EngineError.Code.resourceNotFound : .validation
            throw EngineError(code, "\(failure?.errorCode ?? "InvalidArgument"): \(failure?.errorMessage ?? "the event was refused")")
        }
        // The first record is the event on its own bus; forwarded copies follow.
        if case .object(var payload) = accepted.records[0].1 {
            payload["idempotencyKey"] = .string(idempotencyKey)
            accepted.records[0].1 = .object(payload)
        }
        if let earlier = try await commit(accepted, at: time, idempotencyKey: idempotencyKey) {
            return WebhookAcceptance(eventId: earlier, duplicate: true)
        }
        return WebhookAcceptance(eventId: eventId, duplicate: false)
    }
}
