import JSON

/// A queue's settable attributes, validated as SQS validates them.
///
/// SQS keeps attributes as strings and answers them as strings; this type
/// checks names and ranges once (at `CreateQueue` and `SetQueueAttributes`)
/// and gives typed access to what the queue semantics need.
public struct QueueAttributes: Sendable, Hashable {
    /// The attributes as given, after validation, by name.
    public private(set) var values: [String: String]

    /// The defaults SQS applies to attributes a caller does not set. `MaximumMessageSize`
    /// is 1 MiB, its maximum, since AWS raised both from 256 KiB in 2025.
    public static let defaults: [String: String] = [
        "VisibilityTimeout": "30", "MessageRetentionPeriod": "345600", "DelaySeconds": "0",
        "ReceiveMessageWaitTimeSeconds": "0", "MaximumMessageSize": "1048576",
    ]

    /// The defaults of a FIFO queue's own attributes: deduplication across the queue and
    /// throughput per queue (AWS's high-throughput mode is `messageGroup` and `perMessageGroupId`).
    public static let fifoDefaults: [String: String] = [
        "ContentBasedDeduplication": "false", "DeduplicationScope": "queue", "FifoThroughputLimit": "perQueue",
    ]

    /// Attributes that take one of a few words.
    static let choices: [String: Set<String>] = [
        "FifoQueue": ["true", "false"], "ContentBasedDeduplication": ["true", "false"],
        "DeduplicationScope": ["messageGroup", "queue"], "FifoThroughputLimit": ["perQueue", "perMessageGroupId"],
    ]

    /// The most a message, or a whole `SendMessageBatch`, may hold: 1 MiB.
    public static let largestMessageSize = 1_048_576

    static let ranges: [String: ClosedRange<Int>] = [
        "VisibilityTimeout": 0...43_200, "MessageRetentionPeriod": 60...1_209_600, "DelaySeconds": 0...900,
        "ReceiveMessageWaitTimeSeconds": 0...20, "MaximumMessageSize": 1024...largestMessageSize,
    ]
    static let other: Set<String> = [
        "RedriveAllowPolicy", "Policy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled",
    ]

    public init() { values = [:] }

    /// The attributes of a stored queue, as they were checked when the queue was created
    /// or changed: not checked again, so a queue stored under older rules (a value the
    /// current ranges or choices refuse) stays readable. A `RedrivePolicy` the current
    /// parser reads is shown as SQS answers it (compact, the count a number).
    public init(stored: [String: String]) {
        values = stored
        if let text = stored["RedrivePolicy"], !text.isEmpty, let policy = try? RedrivePolicy(text: text) {
            values["RedrivePolicy"] = policy.text
        }
        if values["FifoQueue"] == "false" { values["FifoQueue"] = nil }
    }

    /// Validates `given` (from `CreateQueue` for a queue called `name`).
    /// - Throws: ``QueueError`` `InvalidAttributeName`, `InvalidAttributeValue`.
    public init(_ given: [String: String], queueName name: String) throws(QueueError) {
        values = [:]
        let fifoName = name.hasSuffix(".fifo")
        try merge(given)
        try validateCombination()
        if fifoName != isFifo {
            throw QueueError(
                .invalidParameterValue,
                fifoName
                    ? "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix."
                    : "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        }
    }

    /// Adds or replaces `given` after checking each one.
    public mutating func merge(_ given: [String: String]) throws(QueueError) {
        for (name, value) in given {
            if let range = Self.ranges[name] {
                guard let number = Int(value), range.contains(number) else {
                    throw QueueError(.invalidAttributeValue, "Invalid value for the parameter \(name).")
                }
            } else if let words = Self.choices[name] {
                guard words.contains(value) else {
                    throw QueueError(.invalidAttributeValue, "Invalid value for the parameter \(name).")
                }
            } else if name == "RedrivePolicy" {
                // Kept as SQS answers it, whichever way it was given: compact, the count a number.
                values[name] = value.isEmpty ? value : try RedrivePolicy(text: value).text
                continue
            } else if !Self.other.contains(name) {
                throw QueueError(.invalidAttributeName, "Unknown Attribute \(name).")
            }
            values[name] = value
        }
        if values["FifoQueue"] == "false" { values["FifoQueue"] = nil }
    }

    /// Refuses what a queue's attributes may not hold together: the high-throughput FIFO
    /// attributes on a standard queue, and `perMessageGroupId` throughput without
    /// `messageGroup` deduplication. Checked after ``merge(_:)`` on what a caller sets, not
    /// on stored queues, so a queue stored before this rule stays readable.
    public func validateCombination() throws(QueueError) {
        for name in ["DeduplicationScope", "FifoThroughputLimit"] where !isFifo && values[name] != nil {
            throw QueueError(.invalidAttributeName, "Unknown Attribute \(name).")
        }
        if values["FifoThroughputLimit"] == "perMessageGroupId" && values["DeduplicationScope"] != "messageGroup" {
            throw QueueError(
                .invalidAttributeValue,
                "Invalid value for the parameter FifoThroughputLimit. Reason: The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup."
            )
        }
    }

    func integer(_ name: String) -> Int { Int(values[name] ?? Self.defaults[name] ?? "0") ?? 0 }

    public var visibilityTimeout: Int { integer("VisibilityTimeout") }
    public var retentionPeriod: Int { integer("MessageRetentionPeriod") }
    public var delaySeconds: Int { integer("DelaySeconds") }
    public var receiveWaitTime: Int { integer("ReceiveMessageWaitTimeSeconds") }
    public var maximumMessageSize: Int { integer("MaximumMessageSize") }
    public var isFifo: Bool { values["FifoQueue"] == "true" }
    public var contentBasedDeduplication: Bool { values["ContentBasedDeduplication"] == "true" }
    public var redrivePolicy: RedrivePolicy? {
        guard let text = values["RedrivePolicy"], !text.isEmpty else { return nil }
        return try? RedrivePolicy(text: text)
    }

    /// Every attribute with defaults filled in (a FIFO queue's too), as `GetQueueAttributes` reports them.
    public var withDefaults: [String: String] {
        var all = isFifo ? Self.defaults.merging(Self.fifoDefaults) { _, fifo in fifo } : Self.defaults
        for (name, value) in values { all[name] = value }
        return all
    }
}

/// `RedrivePolicy`: where poison messages go and after how many receives.
public struct RedrivePolicy: Sendable, Hashable {
    public var deadLetterTargetArn: String
    public var maxReceiveCount: Int

    /// Parses the JSON text SQS takes (`{"deadLetterTargetArn": "...", "maxReceiveCount": "5"}`;
    /// the count may be a string or a number).
    public init(text: String) throws(QueueError) {
        let invalid = QueueError(.invalidAttributeValue, "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.")
        guard let parsed = try? JSONParser.parse(text), let object = parsed.objectValue else { throw invalid }
        guard let arn = object["deadLetterTargetArn"]?.stringValue else {
            throw QueueError(.invalidAttributeValue, "Value \(text) for parameter RedrivePolicy is invalid. Reason: Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")
        }
        let count = object["maxReceiveCount"].flatMap { $0.integerValue ?? $0.stringValue.flatMap { Int($0) } }
        guard let count, (1...1000).contains(count) else {
            throw QueueError(.invalidAttributeValue, "Value \(text) for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: \(object["maxReceiveCount"]?.serialized ?? "null"), valid values are from 1 to 1000 both inclusive.")
        }
        deadLetterTargetArn = arn
        maxReceiveCount = count
    }

    /// The policy as SQS describes it: `{"deadLetterTargetArn":"ARN","maxReceiveCount":N}`.
    public var text: String {
        JSONValue.object(["deadLetterTargetArn": .string(deadLetterTargetArn), "maxReceiveCount": .integer(maxReceiveCount)]).serialized
    }

    /// Refuses a dead-letter queue SQS refuses: one that does not exist (`target` is
    /// `nil`), or one of another type than its source (a FIFO queue needs a FIFO
    /// dead-letter queue, a standard queue a standard one). `text` is the policy as given,
    /// which SQS quotes in its message.
    /// - Throws: ``QueueError`` `InvalidParameterValue`.
    public func validateTarget(_ target: QueueAttributes?, sourceIsFifo: Bool, text: String) throws(QueueError) {
        guard let target else {
            throw QueueError(.invalidParameterValue, "Value \(text) for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.")
        }
        guard target.isFifo == sourceIsFifo else {
            throw QueueError(
                .invalidParameterValue, "Value \(text) for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be same type of queue as the source..")
        }
    }
}
