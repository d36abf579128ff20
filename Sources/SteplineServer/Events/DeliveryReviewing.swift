import EventBuses
import JSON
import Runtime
import Topics

/// A service whose deliveries end, when their retries run out, in a dead-letter
/// view and then, when a redrive fails again, in a manual-review view: event
/// buses (rule targets) and topics (subscriptions), both on Runtime's
/// `DeliveryLifecycle`.
///
/// The server shows and acts on both the same way: one table of Stepline
/// delivery operations (``DeliveryReviewOperations``) and one pair of console
/// sections and actions, written once against this protocol.
protocol DeliveryReviewing: Sendable {
    associatedtype Letter: DeliveryDeadLetter

    /// The dead letters waiting for a redrive.
    func deadLetters() throws -> [Letter]
    /// Sends a dead letter again, with fresh attempts.
    func redrive(deliveryId: String) async throws
    /// Deliveries that failed again after a redrive, oldest failure first;
    /// resolved ones only when `includeResolved`.
    func reviewItems(includeResolved: Bool) throws -> [ReviewItem<Letter>]
    /// One review item; throws the service's not-found error when none has that id.
    func reviewItem(deliveryId: String) throws -> ReviewItem<Letter>
    /// The records of a delivery's life, read back from the log.
    func history(of delivery: Letter.Delivery) throws -> [DeliveryHistoryEntry]
    /// Sends a review item's delivery again, with fresh attempts.
    func retryReviewItem(deliveryId: String) async throws
    /// Closes a review item with what was done about it.
    func resolveReviewItem(deliveryId: String, reason: String) async throws
}

/// A dead-lettered delivery as the server presents it.
protocol DeliveryDeadLetter: Sendable, Hashable {
    associatedtype Delivery: LifecycleDelivery

    var delivery: Delivery { get }
    /// When it was dead-lettered, in milliseconds since the epoch.
    var time: Int64 { get }
    /// What the delivery sends (the transformed event, the notification).
    var body: String { get }
    /// The item of the Stepline delivery operations (times in seconds), without
    /// the review members.
    var itemJSON: JSONValue { get }
}

extension DeliveryDeadLetter {
    var deliveryId: String { delivery.deliveryId }
}

extension EventBuses: DeliveryReviewing {}

extension TopicService: DeliveryReviewing {}

extension DeadLetter: DeliveryDeadLetter {
    var body: String { delivery.body }

    /// `{deliveryId, eventId, eventBusName, ruleArn, targetId, targetArn, errorCode,
    /// errorMessage, attributes, retryAttempts, redriveCount, time}`.
    var itemJSON: JSONValue {
        var attributes = JSONObject()
        for (name, value) in self.attributes.sorted(by: { $0.key < $1.key }) { attributes[name] = .string(value) }
        return [
            "deliveryId": .string(delivery.deliveryId), "eventId": .string(delivery.eventId),
            "eventBusName": .string(delivery.busName), "ruleArn": .string(delivery.ruleArn),
            "targetId": .string(delivery.targetId), "targetArn": .string(delivery.targetArn),
            "errorCode": .string(errorCode), "errorMessage": .string(errorMessage),
            "attributes": .object(attributes), "retryAttempts": .integer(delivery.attempt),
            "redriveCount": .integer(delivery.redriveCount), "time": DeliveryReviewOperations.seconds(time),
        ]
    }
}

extension TopicDeadLetter: DeliveryDeadLetter {
    var body: String { delivery.body }

    /// `{deliveryId, messageId, topicArn, subscriptionArn, protocol, endpoint,
    /// errorMessage, deadLetterQueue?, retryAttempts, redriveCount, time}`.
    var itemJSON: JSONValue {
        var object: JSONObject = [
            "deliveryId": .string(delivery.deliveryId), "messageId": .string(delivery.messageId),
            "topicArn": .string(delivery.topicArn), "subscriptionArn": .string(delivery.subscriptionArn),
            "protocol": .string(delivery.protocolName), "endpoint": .string(delivery.endpoint),
            "errorMessage": .string(error), "retryAttempts": .integer(delivery.attempt),
            "redriveCount": .integer(delivery.redriveCount), "time": DeliveryReviewOperations.seconds(time),
        ]
        if let deadLetterQueue { object["deadLetterQueue"] = .string(deadLetterQueue) }
        return .object(object)
    }
}
