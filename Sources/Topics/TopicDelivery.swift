public import JSON
import Memberwise
public import Messaging
public import Runtime

/// One message's delivery to one subscription outside the log (HTTP/S, a local
/// handler, or a queue that did not exist when the message was published), decided
/// when the message was accepted and kept in `topics.pending` until it succeeds or
/// dead-letters.
///
/// It carries exactly what is sent (the envelope or raw body, the headers' values)
/// and the retry policy as it was, so a retry, a re-run after a crash or a redrive
/// sends the same bytes, and the receiver can deduplicate by ``messageId``.
@MemberwiseInit(.package)
public struct TopicDelivery: RecordPayload, Sendable, Hashable {
    package static let recordName = "topic delivery"

    /// `messageId/subscription id` (or `…/confirmation`): unique and stable across attempts.
    public var deliveryId: String
    /// `Notification` or `SubscriptionConfirmation` (the `x-amz-sns-message-type` header).
    public var messageType: String
    public var messageId: String
    public var topicArn: String
    public var subscriptionArn: String
    /// `http`, `https`, `lambda` or `sqs`.
    public var protocolName: String
    public var endpoint: String
    /// What is sent: the JSON envelope, the raw message, or the Lambda event.
    public var body: String
    /// SQS message attributes for a raw delivery to a queue (`{Name: {DataType, StringValue}}`).
    @OmittedWhenEmpty public var queueAttributes: JSONObject = JSONObject()
    /// FIFO: the group and deduplication id the queue receives.
    public var groupId: String? = nil
    public var deduplicationId: String? = nil
    /// Attempts made so far.
    public var attempt: Int = 0
    /// When the next attempt is due, in milliseconds since the epoch.
    public var due: Int64
    public var retryPolicy: DeliveryRetryPolicy
    public var lastError: String? = nil
    public var redriveCount: Int = 0
    /// Sequence numbers of the log records about this delivery (published, retried,
    /// dead-lettered, redriven, reviewed), kept by ``TopicIndex`` so a review item shows
    /// its whole history without scanning the log.
    @OmittedWhenEmpty public var history: [Int] = []

    /// The members in the order of the record's bytes.
    private enum CodingKeys: String, CodingKey {
        case deliveryId
        case messageType = "type"
        case messageId
        case topicArn = "topic"
        case subscriptionArn = "subscription"
        case protocolName = "protocol"
        case endpoint, body, attempt, due
        case retryPolicy = "retry"
        case redriveCount, history
        case queueAttributes = "attributes"
        case groupId = "group"
        case deduplicationId = "dedup"
        case lastError
    }
}

/// A delivery that exhausted its retries: the `topics.deadLetters` view.
public struct TopicDeadLetter: RecordPayload, Sendable, Hashable {
    package static let recordName = "topic dead letter"

    public var delivery: TopicDelivery
    public var error: String
    /// When it was dead-lettered, in milliseconds since the epoch.
    public var time: Int64
    /// The queue the message was sent to by the subscription's `RedrivePolicy`, if any.
    public var deadLetterQueue: String?
}

/// A topic delivery waiting for a person.
public typealias TopicReviewItem = ReviewItem<TopicDeadLetter>
