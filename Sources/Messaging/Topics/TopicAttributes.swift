import JSON

/// The checks SNS makes on topic names and attributes, before anything is stored.
///
/// `FifoTopic` is fixed at creation (a FIFO topic's name ends in `.fifo`), and
/// `ContentBasedDeduplication` exists only on FIFO topics; the other settable
/// attributes are kept as given and shown by `GetTopicAttributes`.
public enum TopicAttributes {
    /// Attributes `CreateTopic` and `SetTopicAttributes` accept.
    public static let settable: Set<String> = [
        "DisplayName", "Policy", "DeliveryPolicy", "KmsMasterKeyId", "SignatureVersion", "TracingConfig",
        "ContentBasedDeduplication", "FifoThroughputScope", "ArchivePolicy", "DataProtectionPolicy",
        "HTTPSuccessFeedbackRoleArn", "HTTPFailureFeedbackRoleArn", "HTTPSuccessFeedbackSampleRate",
        "SQSSuccessFeedbackRoleArn", "SQSFailureFeedbackRoleArn", "SQSSuccessFeedbackSampleRate",
        "LambdaSuccessFeedbackRoleArn", "LambdaFailureFeedbackRoleArn", "LambdaSuccessFeedbackSampleRate",
    ]

    /// Checks `CreateTopic`'s name and attributes; returns the attributes to store (with `FifoTopic`).
    /// - Throws: ``TopicError`` `InvalidParameter` in AWS's words.
    public static func validateCreate(name: String, attributes: [String: String]) throws(TopicError) -> [String: String] {
        let fifo = attributes["FifoTopic"]
        if let fifo, fifo != "true" && fifo != "false" {
            throw TopicError(.invalidParameter, "Invalid parameter: Attributes Reason: FifoTopic must be true or false")
        }
        let isFifo = fifo == "true"
        try validateName(name, fifo: isFifo)
        var stored: [String: String] = [:]
        for (key, value) in attributes where key != "FifoTopic" {
            try validate(key, value, isFifo: isFifo)
            stored[key] = value
        }
        if isFifo {
            stored["FifoTopic"] = "true"
            stored["ContentBasedDeduplication"] = stored["ContentBasedDeduplication"] ?? "false"
        }
        return stored
    }

    /// Checks a topic name: 1 to 256 letters, digits, `-` and `_`, plus `.fifo` for a FIFO topic.
    public static func validateName(_ name: String, fifo: Bool) throws(TopicError) {
        let base = fifo ? (name.hasSuffix(".fifo") ? String(name.dropLast(5)) : nil) : name
        guard let base else {
            throw TopicError(
                .invalidParameter,
                "Invalid parameter: Fifo Topic names must end with .fifo and they must be between 1 and 256 characters long.")
        }
        guard (1...256).contains(name.utf8.count), !base.isEmpty,
            base.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F })
        else {
            throw TopicError(.invalidParameter, "Invalid parameter: Topic Name")
        }
    }

    /// Checks one settable attribute.
    public static func validate(_ name: String, _ value: String, isFifo: Bool) throws(TopicError) {
        func invalid(_ reason: String) -> TopicError { TopicError(.invalidParameter, "Invalid parameter: \(reason)") }
        if name == "FifoTopic" { throw invalid("AttributeName: FifoTopic cannot be changed after the topic is created") }
        guard settable.contains(name) else { throw invalid("AttributeName") }
        switch name {
        case "ContentBasedDeduplication":
            guard isFifo else { throw invalid("ContentBasedDeduplication: Content-based deduplication can only be set for FIFO topics") }
            guard value == "true" || value == "false" else { throw invalid("ContentBasedDeduplication: must be true or false") }
        case "DeliveryPolicy":
            try DeliveryRetryPolicy.validate(value)
        case "Policy", "DataProtectionPolicy", "ArchivePolicy":
            guard value.isEmpty || (try? JSONParser.parse(value))?.objectValue != nil else {
                throw invalid("\(name): must be a JSON object")
            }
        case "SignatureVersion":
            guard value == "1" || value == "2" else { throw invalid("SignatureVersion: must be 1 or 2") }
        case "DisplayName":
            guard value.utf8.count <= 100 else { throw invalid("DisplayName: must be at most 100 characters") }
        default:
            break
        }
    }
}

/// The checks SNS makes on subscription attributes.
public enum SubscriptionAttributes {
    /// Attributes `Subscribe` and `SetSubscriptionAttributes` accept.
    public static let settable: Set<String> = [
        "DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn",
    ]

    /// Checks one attribute given the subscription's protocol and its other attributes
    /// (a `FilterPolicy` is compiled with the scope it will run under).
    /// - Throws: ``TopicError`` `InvalidParameter` in AWS's words.
    public static func validate(_ name: String, _ value: String, protocol kind: String, current: [String: String]) throws(TopicError) {
        func invalid(_ reason: String) -> TopicError { TopicError(.invalidParameter, "Invalid parameter: \(reason)") }
        guard settable.contains(name) else { throw invalid("AttributeName") }
        switch name {
        case "RawMessageDelivery":
            guard value == "true" || value == "false" else { throw invalid("Attributes Reason: RawMessageDelivery: Invalid value [\(value)]. Must be true or false.") }
            guard ["sqs", "http", "https", "firehose", "lambda"].contains(kind) || value == "false" else {
                throw invalid("Attributes Reason: Delivery protocol [\(kind)] does not support raw message delivery.")
            }
        case "FilterPolicy":
            guard !value.isEmpty else { return }
            let scope = FilterPolicy.Scope(rawValue: current["FilterPolicyScope"] ?? "") ?? .messageAttributes
            _ = try FilterPolicy(parsing: value, scope: scope)
        case "FilterPolicyScope":
            guard let scope = FilterPolicy.Scope(rawValue: value) else {
                throw invalid("Attributes Reason: FilterPolicyScope: Invalid value [\(value)]. Please use either MessageBody or MessageAttributes")
            }
            if let policy = current["FilterPolicy"], !policy.isEmpty { _ = try FilterPolicy(parsing: policy, scope: scope) }
        case "RedrivePolicy":
            guard !value.isEmpty else { return }
            guard let json = try? JSONParser.parse(value), let target = json["deadLetterTargetArn"]?.stringValue else {
                throw invalid("RedrivePolicy: Redrive policy is not a valid JSON object with deadLetterTargetArn")
            }
            guard target.hasPrefix("arn:aws:sqs:"), target.split(separator: ":").count == 6 else {
                throw invalid("RedrivePolicy: deadLetterTargetArn is an invalid arn")
            }
        case "DeliveryPolicy":
            try DeliveryRetryPolicy.validate(value)
        default:
            break
        }
    }

    /// The dead-letter queue ARN of a `RedrivePolicy`, if it names one.
    public static func deadLetterTarget(_ redrivePolicy: String?) -> String? {
        redrivePolicy.flatMap { try? JSONParser.parse($0) }?["deadLetterTargetArn"]?.stringValue
    }
}
