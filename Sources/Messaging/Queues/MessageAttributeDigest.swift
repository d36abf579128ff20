public import JSON

/// The SQS message attributes digest (`MD5OfMessageAttributes`), computed the way SQS does.
///
/// SDKs recompute it from what they sent and reject a response that differs, so
/// the encoding must be exact: attributes sorted by name; for each, the name,
/// the data type and the value, each as a 4-byte big-endian length and the
/// bytes, with a transport byte (1 for String and Number types, 2 for Binary)
/// before the value. Binary values are hashed decoded, not as base64.
public enum MessageAttributeDigest {
    /// The hex MD5 of `attributes` (`{Name: {DataType, StringValue | BinaryValue}}`),
    /// or `nil` when there are none (SQS then omits the member).
    /// - Throws: ``QueueError`` `InvalidParameterValue` for a malformed attribute.
    public static func md5(of attributes: JSONObject) throws(QueueError) -> String? {
        if attributes.keys.isEmpty { return nil }
        var bytes = [UInt8]()
        for name in attributes.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            guard let attribute = attributes[name]?.objectValue, let dataType = attribute["DataType"]?.stringValue else {
                throw QueueError(.invalidParameterValue, "The message attribute '\(name)' must contain a non-empty attribute type.")
            }
            append(Array(name.utf8), to: &bytes)
            append(Array(dataType.utf8), to: &bytes)
            if dataType.hasPrefix("Binary") {
                guard let text = attribute["BinaryValue"]?.stringValue, let decoded = Base64.decode(text) else {
                    throw QueueError(.invalidParameterValue, "The message attribute '\(name)' with type 'Binary' must use field 'Binary'.")
                }
                bytes.append(2)
                append(decoded, to: &bytes)
            } else {
                guard let text = attribute["StringValue"]?.stringValue else {
                    throw QueueError(.invalidParameterValue, "The message attribute '\(name)' with type '\(dataType)' must use field 'String'.")
                }
                bytes.append(1)
                append(Array(text.utf8), to: &bytes)
            }
        }
        return Digest.md5Hex(bytes)
    }

    private static func append(_ field: [UInt8], to bytes: inout [UInt8]) {
        let count = UInt32(field.count)
        bytes += [UInt8(count >> 24), UInt8(truncatingIfNeeded: count >> 16), UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
        bytes += field
    }

    /// The size SQS counts for a message: body plus each attribute's name, type and value.
    public static func size(body: String, attributes: JSONObject) -> Int {
        var total = body.utf8.count
        for (name, value) in attributes.entries {
            total += name.utf8.count
            total += value["DataType"]?.stringValue?.utf8.count ?? 0
            total += (value["StringValue"]?.stringValue ?? value["BinaryValue"]?.stringValue)?.utf8.count ?? 0
        }
        return total
    }
}
