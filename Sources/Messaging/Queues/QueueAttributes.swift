import JSON

/// A queue's settable attributes, validated as SQS validates them.
///
/// SQS keeps attributes as strings and answers them as strings; this type
/// checks names and ranges once (at `CreateQueue` and `SetQueueAttributes`)
/// and gives typed access to what the queue semantics need.
public struct QueueAttributes: Sendable, Hashable {
    /// The attributes as given, after validation, by name.
    public private(set) var values: [String: String]

    /// The defaults SQS applies to attributes a caller does not set.
    public static let defaults: [String: String] = [
        "VisibilityTimeout": "30", "MessageRetentionPeriod": "345600", "DelaySeconds": "0",
        "ReceiveMessageWaitTimeSeconds": "0", "MaximumMessageSize": "262144",
    ]

    static let ranges: [String: ClosedRange<Int>] = [
        "VisibilityTimeout": 0...43_200, "MessageRetentionPeriod": 60...1_209_600, "DelaySeconds": 0...900,
        "ReceiveMessageWaitTimeSeconds": 0...20, "MaximumMessageSize": 1024...262_144,
    ]
    static let other: Set<String> = [
        "RedrivePolicy", "RedriveAllowPolicy", "FifoQueue", "ContentBasedDeduplication", "Policy",
        "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled", "DeduplicationScope",
        "FifoThroughputLimit",
    ]

    public init() { values = [:] }

    /// Validates `given` (from `CreateQueue` for a queue called `name`).
    /// - Throws: ``QueueError`` `InvalidAttributeName`, `InvalidAttributeValue`.
    public init(_ given: [String: String], queueName name: String) throws(QueueError) {
        values = [:]
        let fifoName = name.hasSuffix(".fifo")
        try merge(given)
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
            } else if name == "FifoQueue" || name == "ContentBasedDeduplication" {
                guard value == "true" || value == "false" else {
                    throw QueueError(.invalidAttributeValue, "Invalid value for the parameter \(name).")
                }
            } else if name == "RedrivePolicy" {
                if !value.isEmpty { _ = try RedrivePolicy(text: value) }
            } else if !Self.other.contains(name) {
                throw QueueError(.invalidAttributeName, "Unknown Attribute \(name).")
            }
            values[name] = value
        }
        if values["FifoQueue"] == "false" { values["FifoQueue"] = nil }
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

    /// Every attribute with defaults filled in, as `GetQueueAttributes` reports them.
    public var withDefaults: [String: String] {
        var all = Self.defaults
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
}
