import Memberwise

/// EventBridge's retry policy: retries with exponential backoff until
/// `MaximumRetryAttempts` retries were made or the event is older than
/// `MaximumEventAgeInSeconds`.
///
/// Backoff is 1 s after the first failure, doubling, at most 5 minutes. The age
/// is checked against the due time of the retry it would schedule, so no attempt
/// is made after the event's age ran out.
@MemberwiseInit(.package)
package struct ExponentialBackoffPolicy: Sendable, Hashable {
    /// `RetryPolicy.MaximumRetryAttempts` (AWS's default 185).
    package var maximumRetryAttempts: Int
    /// `RetryPolicy.MaximumEventAgeInSeconds` (AWS's default 86,400).
    package var maximumAgeSeconds: Int
    /// When the event was accepted, in milliseconds since the epoch.
    package var startTime: Int64

    /// The limit names AWS gives as `EXHAUSTED_RETRY_CONDITION`.
    package static let maximumRetryAttemptsCondition = "MaximumRetryAttempts"
    package static let maximumAgeCondition = "MaximumEventAgeInSeconds"

    /// The pause before the retry that follows failed attempt number `attempts`, in milliseconds.
    package static func backoff(afterAttempt attempts: Int) -> Int64 {
        min(Int64(1000) << Int64(min(max(attempts - 1, 0), 8)), 300_000)
    }

    /// A retry after ``backoff(afterAttempt:)``, or a dead letter naming the limit reached.
    package func decision(afterAttempt attempts: Int, at time: Int64) -> DeliveryRetryDecision {
        let due = time + Self.backoff(afterAttempt: attempts)
        if attempts > maximumRetryAttempts { return .deadLetter(condition: Self.maximumRetryAttemptsCondition) }
        if due - startTime > Int64(maximumAgeSeconds) * 1000 { return .deadLetter(condition: Self.maximumAgeCondition) }
        return .retry(due: due)
    }
}
