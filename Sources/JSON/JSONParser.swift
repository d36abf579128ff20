/// Parses JSON text (RFC 8259) into a ``JSONValue``.
///
/// Strict: no comments, no trailing commas, no leading zeros, no unescaped control
/// characters, nothing after the value but white space. A duplicate key keeps its
/// first position and its last value, as Jackson (which Step Functions uses) does.
/// Errors are ``JSONParseError``s that give the byte offset, line and column.
///
/// ```swift
/// let value = try JSONParser.parse(#"{"n": 3, "tags": ["a"]}"#)
/// ```
public enum JSONParser {
    /// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
    public static let maximumDepth = 512

    /// Parses a string. A `String` is valid Unicode already, so this skips the
    /// UTF-8 validation that the byte entry points do.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(JSONParseError) in try parse(validUTF8: buffer) }
        }.get()
    }

    /// Parses UTF-8 bytes.
    public static func parse(bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        if let result = bytes.withContiguousStorageIfAvailable({ buffer in
            Result { () throws(JSONParseError) in try parse(utf8: buffer) }
        }) {
            return try result.get()
        }
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { buffer in Result { () throws(JSONParseError) in try parse(utf8: buffer) } }.get()
    }

    /// Parses UTF-8 bytes in a buffer that stays valid for the duration of the call.
    ///
    /// The whole buffer is validated as UTF-8 first (eight ASCII bytes at a time),
    /// so that strings can then be made without validating each one again.
    public static func parse(utf8 buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        if let invalid = JSONReader.firstInvalidUTF8(in: buffer) {
            throw JSONReader(buffer: buffer).error(.invalidUTF8, at: invalid)
        }
        return try parse(validUTF8: buffer)
    }

    /// Parses a UTF-8 JSON object, building only the members named in `keys`.
    ///
    /// The other members are checked as strictly as ``parse(bytes:)`` checks them
    /// (the same errors) but build no values: a reader that needs three fields of
    /// a record or a stored row does not pay for its large ones (a message body,
    /// an event, a task's input). Anything but an object is an error.
    public static func parse(bytes: some Collection<UInt8>, keeping keys: [String]) throws(JSONParseError) -> JSONObject {
        func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONObject {
            if let invalid = JSONReader.firstInvalidUTF8(in: buffer) {
                throw JSONReader(buffer: buffer).error(.invalidUTF8, at: invalid)
            }
            var reader = JSONReader(buffer: buffer)
            reader.skipWhitespace()
            let object = try reader.parseObject(keeping: keys)
            reader.skipWhitespace()
            if reader.position < buffer.count { throw reader.error(.trailingCharacters) }
            return object
        }
        if let result = bytes.withContiguousStorageIfAvailable({ buffer in
            Result { () throws(JSONParseError) in try parse(buffer) }
        }) {
            return try result.get()
        }
        return try Array(bytes).withUnsafeBufferPointer { buffer in Result { () throws(JSONParseError) in try parse(buffer) } }.get()
    }

    static func parse(validUTF8 buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var reader = JSONReader(buffer: buffer)
        reader.skipWhitespace()
        let value = try reader.parseValue(depth: 0)
        reader.skipWhitespace()
        if reader.position < buffer.count {
            throw reader.error(.trailingCharacters)
        }
        return value
    }
}

extension JSONValue {
    /// Parses JSON text; the same as ``JSONParser/parse(_:)``.
    public init(parsing text: String) throws(JSONParseError) {
        self = try JSONParser.parse(text)
    }
}
