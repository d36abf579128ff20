package import JSON
package import Runtime

/// EventBridge's retry semantics on the shared ``DeliveryLifecycle``: the
/// target's `RetryPolicy` with exponential backoff, no retry of a target that
/// does not exist, and the `events.delivery.*` and `events.review.*` records.
extension EventDelivery: LifecycleDelivery {
    package typealias Failure = EventBuses.DeliveryFailure

    package static let recordKinds = DeliveryRecordKinds(
        succeeded: EventsRecordKind.deliverySucceeded, retried: EventsRecordKind.deliveryRetried,
        deadLettered: EventsRecordKind.deliveryDeadLettered, redriven: EventsRecordKind.deliveryRedriven,
        reviewRetried: EventsRecordKind.reviewRetried, reviewResolved: EventsRecordKind.reviewResolved)

    /// The target's `RetryPolicy`; `RESOURCE_NOT_FOUND` is dead-lettered at once,
    /// with no exhausted condition, as AWS does not retry it.
    package func decision(afterAttempt attempts: Int, failedWith failure: Failure, at time: Int64) -> DeliveryRetryDecision {
        if failure.code == "RESOURCE_NOT_FOUND" { return .deadLetter(condition: nil) }
        let policy = ExponentialBackoffPolicy(
            maximumRetryAttempts: maximumRetryAttempts, maximumAgeSeconds: maximumEventAgeSeconds, startTime: eventTime)
        return policy.decision(afterAttempt: attempts, at: time)
    }

    package static func recordFields(of failure: Failure) -> [(String, JSONValue)] {
        [("error", .string(failure.code)), ("message", .string(failure.message))]
    }

    package mutating func noteFailure(_ failure: Failure) {
        lastError = failure.code
        lastMessage = failure.message
    }
}
