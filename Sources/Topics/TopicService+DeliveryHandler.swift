package import EventLog
import JSON
package import LMDB
import Messaging
import Queues
package import Runtime

/// How the shared ``DeliveryLifecycle`` reaches the topics: attempts, the
/// subscription's `RedrivePolicy` queue, the `topics.*` views and SNS's errors.
extension TopicService: DeliveryHandler {
    /// A dead letter goes to the subscription's `RedrivePolicy` queue, when that
    /// queue exists, and the record names the queue that took it.
    package func sendToDeadLetterQueue(
        _ delivery: TopicDelivery, failure: String, condition: String?, time: Int64, in append: AppendTransaction
    ) throws -> DeadLetterQueueSend {
        let subscription = try row(delivery.subscriptionArn, in: .subscriptions, append.transaction).map(TopicSubscription.init(row:))
        guard let queueArn = SubscriptionAttributes.deadLetterTarget(subscription?.attributes["RedrivePolicy"]),
            try queues.queue(queueArn, in: append.transaction) != nil
        else { return .none }
        let message = OutgoingMessage(
            body: delivery.body, attributes: delivery.queueAttributes, groupId: delivery.groupId, deduplicationId: delivery.deduplicationId)
        guard case .success = try queues.send(in: append, queueArn: queueArn, messages: [message], time: time)[0] else { return .none }
        return DeadLetterQueueSend(fields: [("deadLetterQueue", .string(queueArn))])
    }


    package func pendingDelivery(_ deliveryId: String, in transaction: ReadTransaction) throws -> TopicDelivery? {
        try row(deliveryId, in: .pending, transaction).map { try TopicDelivery(recordJSON: .object($0)) }
    }

    package func isDeadLetter(_ deliveryId: String, in transaction: ReadTransaction) throws -> Bool {
        try row(deliveryId, in: .deadLetters, transaction) != nil
    }

    package func reviewState(_ deliveryId: String, in transaction: ReadTransaction) throws -> DeliveryReviewState {
        guard let row = try row(deliveryId, in: .review, transaction) else { return .missing }
        return row["resolution"]?.stringValue.map(DeliveryReviewState.resolved) ?? .open
    }

    package func error(for rejection: DeliveryRejection) -> any Error {
        let message = rejection.message(item: "Topic review item", listedBy: "`stepline review list --kind topics`")
        return rejection.isNotFound ? TopicError(.notFound, message) : TopicError.invalidParameter(rejection.field, message)
    }
}
