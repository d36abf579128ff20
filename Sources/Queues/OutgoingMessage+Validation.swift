import JSON
public import Messaging
import Runtime

extension OutgoingMessage {
    /// Refuses what SQS refuses in a message before it is stored: characters outside the
    /// XML range SQS allows in a body or a string attribute (`InvalidMessageContents`),
    /// and attributes with an empty, reserved (`AWS.`, `Amazon.`) or malformed name, an
    /// empty `DataType` or an empty value (`InvalidParameterValue`), in SQS's words.
    ///
    /// Why here and not in the HTTP layer: every sender (the API, rule targets, topic
    /// subscriptions) stores through ``QueueService/send(in:queueArn:messages:time:)``,
    /// and a message SQS would refuse must not reach a consumer by any of them.
    public func validate() throws(QueueError) {
        guard Self.isAllowed(body) else { throw Self.invalidContents("the message body") }
        guard attributes.keys.count <= 10 else {
            throw QueueError(.invalidParameterValue, "Number of message attributes [\(attributes.keys.count)] exceeds the allowed maximum [10].")
        }
        for (name, value) in attributes.entries {
            try Self.validateAttributeName(name)
            let dataType = value.objectValue?["DataType"]?.stringValue ?? ""
            guard !dataType.isEmpty else {
                throw QueueError(.invalidParameterValue, "The message attribute '\(name)' must contain non-empty message attribute type.")
            }
            guard dataType.utf8.count <= 256, ["String", "Number", "Binary"].contains(where: { dataType == $0 || dataType.hasPrefix($0 + ".") })
            else {
                throw QueueError(
                    .invalidParameterValue,
                    "The type of message (user) attribute '\(name)' is invalid. You must use only the following supported type prefixes: Binary, Number, String."
                )
            }
            let text = value.objectValue?["StringValue"]?.stringValue
            let binary = value.objectValue?["BinaryValue"]?.stringValue
            guard !(text ?? binary ?? "").isEmpty else {
                throw QueueError(
                    .invalidParameterValue,
                    "The message attribute '\(name)' must contain non-empty message attribute value for message attribute type '\(dataType)'."
                )
            }
            if let text, !Self.isAllowed(text) { throw Self.invalidContents("message attribute '\(name)'") }
        }
    }

    /// Names: letters, digits, `_`, `-`, `.`; at most 256; no leading, trailing or doubled
    /// period; not `AWS.`/`Amazon.` in any casing (reserved for AWS).
    package static func validateAttributeName(_ name: String) throws(QueueError) {
        let lowered = name.lowercased()
        if lowered.hasPrefix("aws.") || lowered.hasPrefix("amazon.") {
            throw QueueError(.invalidParameterValue, "You can't use the reserved prefix 'AWS.' or 'Amazon.' in the message attribute name '\(name)'.")
        }
        let allowed = name.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "_-.".unicodeScalars.contains($0)
        }
        guard !name.isEmpty, name.utf8.count <= 256, allowed, !name.hasPrefix("."), !name.hasSuffix("."), !name.contains("..") else {
            throw QueueError(
                .invalidParameterValue,
                "Message (user) attribute name '\(name.prefix(300))' is invalid. The attribute name can contain alphanumeric characters, '_', '-' and '.', up to 256 characters, and must not start or end with a period or contain two periods in a row."
            )
        }
    }

    /// `#x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF`.
    package static func isAllowed(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
            default: false
            }
        }
    }

    package static func invalidContents(_ part: String) -> QueueError {
        QueueError(
            .invalidMessageContents,
            "Invalid characters found in \(part). Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"
        )
    }
}
