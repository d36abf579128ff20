package import JSON
import Messaging
package import Runtime

/// SNS's retry semantics on the shared ``DeliveryLifecycle``: the delivery
/// policy's delays (``DeliveryRetryPolicy``), then a dead letter, and the
/// `topic.delivery*` and `topic.review.*` records.
extension TopicDelivery: LifecycleDelivery {
    /// The error text of a failed attempt (`… answered 500`, a handler's error).
    package typealias Failure = String

    package static let recordKinds = DeliveryRecordKinds(
        succeeded: TopicRecordKind.deliverySucceeded, retried: TopicRecordKind.deliveryRetried,
        deadLettered: TopicRecordKind.deliveryDeadLettered, redriven: TopicRecordKind.deliveryRedriven,
        reviewRetried: TopicRecordKind.reviewRetried, reviewResolved: TopicRecordKind.reviewResolved)

    /// The policy's delay before the retry, whatever the error: SNS retries every
    /// failure until the policy's retries run out.
    package func decision(afterAttempt attempts: Int, failedWith failure: String, at time: Int64) -> DeliveryRetryDecision {
        guard let delay = retryPolicy.delay(beforeRetry: attempts) else { return .deadLetter(condition: nil) }
        return .retry(due: time + Int64(delay) * 1000)
    }

    package static func recordFields(of failure: String) -> [(String, JSONValue)] { [("error", .string(failure))] }

    package mutating func noteFailure(_ failure: String) { lastError = failure }
}
