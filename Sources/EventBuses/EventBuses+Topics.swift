package import EventLog
import JSON
import Messaging
import Runtime
import Synchronization
import Topics

/// Rules target SNS topics: an event is published to the topic in the transaction
/// that accepts it (or that records its retry's success), so the topic's queue
/// subscribers get it exactly once.
extension EventBuses {
    /// Publishes `delivery`'s body to its topic in `append` and records the delivery's
    /// success there too; a FIFO topic gets the target's `MessageGroupId` and the event id
    /// as deduplication id. Returns the failure, having written nothing.
    package nonisolated func deliverToTopic(_ delivery: EventDelivery, in append: AppendTransaction, time: Int64) throws -> DeliveryFailure? {
        let fifo = delivery.targetArn.hasSuffix(".fifo")
        let entry = PublishEntry(
            message: delivery.body, groupId: fifo ? (delivery.messageGroupId ?? delivery.ruleName) : nil,
            deduplicationId: fifo ? delivery.eventId : nil)
        let results: [Result<PublishedMessage, TopicError>]
        do { results = try topics.publish(in: append, topicArn: delivery.targetArn, entries: [entry], time: time) } catch let error as TopicError {
            return DeliveryFailure(code: error.code == .notFound ? "RESOURCE_NOT_FOUND" : "SDK_CLIENT_ERROR", message: error.message)
        }
        if case .failure(let error)? = results.first { return DeliveryFailure(code: "SDK_CLIENT_ERROR", message: error.message) }
        try Self.appendSucceeded(delivery, in: append, time: time)
        return nil
    }
}
