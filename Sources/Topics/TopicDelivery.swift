public import JSON
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
public struct TopicDelivery: Sendable, Hashable {
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
    public var queueAttributes: JSONObject
    /// FIFO: the group and deduplication id the queue receives.
    public var groupId: String?
    public var deduplicationId: String?
    /// Attempts made so far.
    public var attempt: Int = 0
    /// When the next attempt is due, in milliseconds since the epoch.
    public var due: Int64
    public var retryPolicy: DeliveryRetryPolicy
    public var lastError: String?
    public var redriveCount: Int = 0
    /// Sequence numbers of the log records about this delivery (published, retried,
    /// dead-lettered, redriven, reviewed), kept by ``TopicIndex`` so a review item shows
    /// its whole history without scanning the log.
    public var history: [Int] = []

    package init(
        deliveryId: String, messageType: String, messageId: String, topicArn: String, subscriptionArn: String,
        protocolName: String, endpoint: String, body: String, queueAttributes: JSONObject = JSONObject(),
        groupId: String? = nil, deduplicationId: String? = nil, due: Int64, retryPolicy: DeliveryRetryPolicy
    ) {
        self.deliveryId = deliveryId
        self.messageType = messageType
        self.messageId = messageId
        self.topicArn = topicArn
        self.subscriptionArn = subscriptionArn
        self.protocolName = protocolName
        self.endpoint = endpoint
        self.body = body
        self.queueAttributes = queueAttributes
        self.groupId = groupId
        self.deduplicationId = deduplicationId
        self.due = due
        self.retryPolicy = retryPolicy
    }

    package var recordJSON: JSONValue {
        let policy = retryPolicy
        var object: JSONObject = [
            "deliveryId": .string(deliveryId), "type": .string(messageType), "messageId": .string(messageId),
            "topic": .string(topicArn), "subscription": .string(subscriptionArn), "protocol": .string(protocolName),
            "endpoint": .string(endpoint), "body": .string(body), "attempt": .integer(attempt), "due": .integer(Int(due)),
            "retry": [
                "min": .integer(policy.minDelayTarget), "max": .integer(policy.maxDelayTarget), "retries": .integer(policy.numRetries),
                "noDelay": .integer(policy.numNoDelayRetries), "minDelay": .integer(policy.numMinDelayRetries),
                "maxDelay": .integer(policy.numMaxDelayRetries), "backoff": .string(policy.backoffFunction),
            ],
            "redriveCount": .integer(redriveCount),
        ]
        if !history.isEmpty { object["history"] = .array(history.map { .integer($0) }) }
        if !queueAttributes.keys.isEmpty { object["attributes"] = .object(queueAttributes) }
        if let groupId { object["group"] = .string(groupId) }
        if let deduplicationId { object["dedup"] = .string(deduplicationId) }
        if let lastError { object["lastError"] = .string(lastError) }
        return .object(object)
    }

    package init(recordJSON json: JSONValue) throws(RecordDecodingError) {
        let fields = try RecordFields(json, what: "topic delivery")
        deliveryId = try fields.string("deliveryId")
        messageType = try fields.string("type")
        messageId = try fields.string("messageId")
        topicArn = try fields.string("topic")
        subscriptionArn = try fields.string("subscription")
        protocolName = try fields.string("protocol")
        endpoint = try fields.string("endpoint")
        body = try fields.string("body")
        queueAttributes = fields.optional("attributes")?.objectValue ?? JSONObject()
        groupId = fields.optionalString("group")
        deduplicationId = fields.optionalString("dedup")
        attempt = try fields.integer("attempt")
        due = Int64(try fields.integer("due"))
        let retry = try RecordFields(try fields.value("retry"), what: "topic delivery retry policy")
        var policy = DeliveryRetryPolicy()
        policy.minDelayTarget = try retry.integer("min")
        policy.maxDelayTarget = try retry.integer("max")
        policy.numRetries = try retry.integer("retries")
        policy.numNoDelayRetries = try retry.integer("noDelay")
        policy.numMinDelayRetries = try retry.integer("minDelay")
        policy.numMaxDelayRetries = try retry.integer("maxDelay")
        policy.backoffFunction = try retry.string("backoff")
        retryPolicy = policy
        lastError = fields.optionalString("lastError")
        redriveCount = fields.optional("redriveCount")?.integerValue ?? 0
        history = fields.optional("history")?.arrayValue?.compactMap(\.integerValue) ?? []
    }
}

/// A delivery that exhausted its retries: the `topics.deadLetters` view.
public struct TopicDeadLetter: Sendable, Hashable {
    public var delivery: TopicDelivery
    public var error: String
    /// When it was dead-lettered, in milliseconds since the epoch.
    public var time: Int64
    /// The queue the message was sent to by the subscription's `RedrivePolicy`, if any.
    public var deadLetterQueue: String?

    package var recordJSON: JSONValue {
        var object: JSONObject = ["delivery": delivery.recordJSON, "error": .string(error), "time": .integer(Int(time))]
        if let deadLetterQueue { object["deadLetterQueue"] = .string(deadLetterQueue) }
        return .object(object)
    }

    package init(recordJSON json: JSONValue) throws(RecordDecodingError) {
        let fields = try RecordFields(json, what: "topic dead letter")
        delivery = try TopicDelivery(recordJSON: try fields.value("delivery"))
        error = try fields.string("error")
        time = Int64(try fields.integer("time"))
        deadLetterQueue = fields.optionalString("deadLetterQueue")
    }
}

/// A topic delivery waiting for a person.
public typealias TopicReviewItem = ReviewItem<TopicDeadLetter>

extension TopicDeadLetter: RecordJSONCodable {}
