package import EventLog
package import JSON
import Memberwise

/// A delivery that ``DeliveryLifecycle`` runs: an event to a rule's target, a
/// message to a topic's subscription.
///
/// The value is the whole delivery (what is sent and the retry policy as it was
/// when the delivery was decided), so a retry, a re-run after a crash or a
/// redrive sends the same bytes. The lifecycle reads and changes only the
/// members named here; everything else is the service's.
package protocol LifecycleDelivery: Sendable {
    /// Why an attempt failed, as the service's records name it (an EventBridge
    /// error code and message, an SNS error text).
    associatedtype Failure: Sendable

    /// Unique, and stable across attempts and redrives.
    var deliveryId: String { get }
    /// When the next attempt is due, in milliseconds since the epoch.
    var due: Int64 { get set }
    /// Attempts made so far (since the delivery was decided or last restarted).
    var attempt: Int { get set }
    /// How many times the delivery was redriven or retried from review: a
    /// delivery that fails again after one waits for a person.
    var redriveCount: Int { get }

    /// The kinds of the records the lifecycle writes for this delivery type.
    static var recordKinds: DeliveryRecordKinds { get }

    /// What follows failed attempt number `attempts` (1 for the first): a retry
    /// at a due time, or a dead letter. The retry policy of the delivery decides
    /// (EventBridge's `RetryPolicy`, SNS's `DeliveryPolicy`).
    func decision(afterAttempt attempts: Int, failedWith failure: Failure, at time: Int64) -> DeliveryRetryDecision

    /// The members a retried or dead-lettered record carries for `failure`, in
    /// record order after `deliveryId` (`attempt` and `due` for a retry).
    static func recordFields(of failure: Failure) -> [(String, JSONValue)]

    /// Keeps `failure` on the delivery for the retry (its `lastError`), as the
    /// retried record's index applier does.
    mutating func noteFailure(_ failure: Failure)
}

/// What a failed attempt leads to.
package enum DeliveryRetryDecision: Sendable, Hashable {
    /// Another attempt, due at this time (milliseconds since the epoch).
    case retry(due: Int64)
    /// No more attempts: the delivery becomes a dead letter. `condition` names
    /// the limit that ended the retries (EventBridge's
    /// `EXHAUSTED_RETRY_CONDITION`); `nil` when none did (an error not retried,
    /// or a policy that does not say).
    case deadLetter(condition: String?)
}

/// The record kinds of one service's delivery lifecycle, each with the payload
/// ``DeliveryLifecycle`` writes; the service's index derives the views from them.
///
/// The kinds and payloads are frozen: both services wrote them before the
/// lifecycle was shared, and old logs replay through the same appliers.
@MemberwiseInit(.package)
package struct DeliveryRecordKinds: Sendable, Hashable {
    /// `{deliveryId, time}`.
    package var succeeded: RecordKind
    /// `{deliveryId, attempt, due, <failure fields>}`.
    package var retried: RecordKind
    /// `{deliveryId, <failure fields>, time, condition?, <dead-letter queue fields>}`.
    package var deadLettered: RecordKind
    /// `{deliveryId, due}`.
    package var redriven: RecordKind
    /// `{deliveryId, due, time}`.
    package var reviewRetried: RecordKind
    /// `{deliveryId, reason, time}`.
    package var reviewResolved: RecordKind
}
