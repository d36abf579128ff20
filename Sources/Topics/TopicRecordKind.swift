public import EventLog
import Runtime

/// The record kinds of SNS topics, subscriptions and their deliveries (60…79).
///
/// Payloads are JSON objects; ``TopicIndex`` derives every view from them.
/// Deliveries to Stepline's own queues are not here: they are the queues' own
/// ``QueueRecordKind/sent`` records, appended in the same transaction as the
/// ``published`` record that causes them, so they happen exactly once.
public enum TopicRecordKind {
    /// `{arn, name, attributes, tags, time}`.
    public static let topicCreated = RecordKind(60)
    /// `{arn, attributes, time}`: the given attributes replace the stored ones.
    public static let topicAttributesSet = RecordKind(61)
    /// `{arn, time}`: the topic and its subscriptions are gone.
    public static let topicDeleted = RecordKind(62)
    /// `{arn, topic, protocol, endpoint, attributes, pending, token?, time, deliveries}`:
    /// a subscription, with its confirmation delivery when it needs one.
    public static let subscribed = RecordKind(63)
    /// `{arn, attributes, time}`.
    public static let subscriptionAttributesSet = RecordKind(64)
    /// `{arn, time}`: a pending subscription was confirmed.
    public static let subscriptionConfirmed = RecordKind(65)
    /// `{arn, time}`.
    public static let unsubscribed = RecordKind(66)
    /// `{arn, tags: {key: value}, removed: [key], time}`.
    public static let tagsChanged = RecordKind(67)
    /// `{topic, time, messages: [{id, seq?, dedup?}], deliveries: [delivery]}`: accepted
    /// messages and the deliveries to endpoints outside the log they cause.
    public static let published = RecordKind(68)
    /// `{deliveryId, time}`.
    public static let deliverySucceeded = RecordKind(69)
    /// `{deliveryId, attempt, due, error}`.
    public static let deliveryRetried = RecordKind(70)
    /// `{deliveryId, error, time, deadLetterQueue?}`: retries exhausted; the message went to
    /// the subscription's dead-letter queue (a queue record in the same transaction) if it has one.
    public static let deliveryDeadLettered = RecordKind(71)
    /// `{deliveryId, due}`: a dead letter is pending again.
    public static let deliveryRedriven = RecordKind(72)
    /// `{deliveryId, due, time}`: a person retried a delivery waiting for review; it is
    /// pending again with fresh attempts (and comes back to review if it fails again).
    public static let reviewRetried = RecordKind(73)
    /// `{deliveryId, reason, time}`: a person resolved a delivery waiting for review.
    public static let reviewResolved = RecordKind(74)

    /// Registers the topic kinds in `kinds`.
    public static func register(in kinds: inout RecordKinds) {
        kinds.register(topicCreated, name: "topic.created", versions: 1...1)
        kinds.register(topicAttributesSet, name: "topic.attributesSet", versions: 1...1)
        kinds.register(topicDeleted, name: "topic.deleted", versions: 1...1)
        kinds.register(subscribed, name: "topic.subscribed", versions: 1...1)
        kinds.register(subscriptionAttributesSet, name: "topic.subscriptionAttributesSet", versions: 1...1)
        kinds.register(subscriptionConfirmed, name: "topic.subscriptionConfirmed", versions: 1...1)
        kinds.register(unsubscribed, name: "topic.unsubscribed", versions: 1...1)
        kinds.register(tagsChanged, name: "topic.tagsChanged", versions: 1...1)
        kinds.register(published, name: "topic.published", versions: 1...1)
        kinds.register(deliverySucceeded, name: "topic.deliverySucceeded", versions: 1...1)
        kinds.register(deliveryRetried, name: "topic.deliveryRetried", versions: 1...1)
        kinds.register(deliveryDeadLettered, name: "topic.deliveryDeadLettered", versions: 1...1)
        kinds.register(deliveryRedriven, name: "topic.deliveryRedriven", versions: 1...1)
        kinds.register(reviewRetried, name: "topic.review.retried", versions: 1...1)
        kinds.register(reviewResolved, name: "topic.review.resolved", versions: 1...1)
    }
}
