package import EventLog
import JSON
package import LMDB
import Queues
package import Runtime

/// How the shared ``DeliveryLifecycle`` reaches the buses: attempts, the
/// target's `DeadLetterConfig` queue, the `events.*` views and EventBridge's errors.
extension EventBuses: DeliveryHandler {
    /// A dead letter whose target has a `DeadLetterConfig` SQS queue is sent
    /// there with AWS's error attributes (``DeadLetter/deadLetterMessage``).
    package nonisolated func sendToDeadLetterQueue(
        _ delivery: EventDelivery, failure: DeliveryFailure, condition: String?, time: Int64, in append: AppendTransaction
    ) throws -> DeadLetterQueueSend {
        guard let queueArn = delivery.deadLetterArn, queueArn.hasPrefix("arn:aws:sqs:") else { return .none }
        let letter = DeadLetter(
            delivery: delivery, errorCode: failure.code, errorMessage: failure.message, time: time, exhaustedRetryCondition: condition)
        // AWS drops what its dead-letter queue refuses (InvocationsFailedToBeSentToDLQ);
        // the dead letter itself stays in Stepline's view either way.
        _ = try? queues.send(in: append, queueArn: queueArn, messages: [letter.deadLetterMessage], time: time)
        return .none
    }

    package nonisolated func pendingDelivery(_ deliveryId: String, in transaction: ReadTransaction) throws -> EventDelivery? {
        guard let bytes = try transaction.value(forKey: EventKeys.text(deliveryId), in: db(.pending)) else { return nil }
        return try EventDelivery(recordBytes: bytes)
    }

    package nonisolated func isDeadLetter(_ deliveryId: String, in transaction: ReadTransaction) throws -> Bool {
        try transaction.value(forKey: EventKeys.text(deliveryId), in: db(.deadLetters)) != nil
    }

    package nonisolated func reviewState(_ deliveryId: String, in transaction: ReadTransaction) throws -> DeliveryReviewState {
        guard let bytes = try transaction.value(forKey: EventKeys.text(deliveryId), in: db(.review)) else { return .missing }
        let item = try DeliveryReviewItem(recordBytes: bytes)
        return item.resolution.map(DeliveryReviewState.resolved) ?? .open
    }

    package nonisolated func error(for rejection: DeliveryRejection) -> any Error {
        let message = rejection.message(item: "Review item", listedBy: "ListReviewItems")
        return EngineError(rejection.isNotFound ? .resourceNotFound : .validation, message)
    }
}
