/// A JSON object whose member values stay the bytes they were read from.
///
/// Index appliers copy most of a stored row or record unchanged and change a few
/// members (a message's receive count, a delivery's log): building every value
/// and serializing it again cost most of `stepline verify`'s time. This reads
/// the members' keys and the byte range of each value (checked as strictly as
/// ``JSONParser/parse(bytes:)`` checks them), builds only the values asked for,
/// and writes the object back by copying the untouched values' bytes.
///
/// ``bytes`` equals the ``JSONValue/serializedBytes`` of the parsed object after
/// the same changes when the input came from that serializer (compact, no
/// repeated keys), which is what records and index rows are: a member set to a
/// new value keeps its position, a new member goes last, a removed one is gone —
/// ``JSONObject``'s rules.
public struct RawJSONObject: Sendable {
    /// The member keys in their order.
    public private(set) var keys: [String]
    /// Each member's value as compact JSON bytes, parallel to ``keys``.
    private var values: [ArraySlice<UInt8>]
    /// The bytes the object was read from, until a member changes.
    private var source: ArraySlice<UInt8>?

    /// Reads the object in `bytes` (UTF-8; white space around tokens is allowed
    /// but kept inside values, so only compact input round-trips byte for byte).
    /// - Throws: ``JSONParseError`` when `bytes` is not one JSON object.
    public init(bytes: [UInt8]) throws(JSONParseError) {
        try self.init(slice: bytes[...])
    }

    /// Reads the object in a slice of a larger buffer (shared, not copied).
    public init(slice bytes: ArraySlice<UInt8>) throws(JSONParseError) {
        try self.init(slice: bytes, checkingUTF8: true)
    }

    /// `checkingUTF8: false` is for members of an object or array read before,
    /// whose bytes were checked then.
    private init(slice bytes: ArraySlice<UInt8>, checkingUTF8: Bool) throws(JSONParseError) {
        let base = bytes.startIndex
        let found = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            try Self.members(in: buffer, checkingUTF8: checkingUTF8)
        }
        keys = found.keys
        values = found.ranges.map { bytes[(base + $0.lowerBound)..<(base + $0.upperBound)] }
        // Written back as read only when that is what serializing the members gives.
        source = found.compact ? bytes : nil
    }

    /// The members' keys and value ranges (offsets into `buffer`).
    private static func members(
        in buffer: UnsafeBufferPointer<UInt8>,
        checkingUTF8: Bool
    ) throws(JSONParseError) -> (keys: [String], ranges: [Range<Int>], compact: Bool) {
        if checkingUTF8, let invalid = JSONReader.firstInvalidUTF8(in: buffer) {
            throw JSONReader(buffer: buffer).error(.invalidUTF8, at: invalid)
        }
        var reader = JSONReader(buffer: buffer)
        var keys: [String] = []
        var ranges: [Range<Int>] = []
        // No repeated key and nothing but the members' text between the braces.
        var compact = true
        reader.skipWhitespace()
        guard reader.position < buffer.count else { throw reader.error(.unexpectedEnd) }
        guard buffer[reader.position] == UInt8(ascii: "{") else { throw reader.error(.unexpectedCharacter) }
        if reader.position != 0 { compact = false }
        if try !reader.openContainer(depth: 1, closing: UInt8(ascii: "}")) {
            repeat {
                reader.skipWhitespace()
                guard reader.position < buffer.count else { throw reader.error(.unexpectedEnd) }
                guard buffer[reader.position] == UInt8(ascii: "\"") else { throw reader.error(.expectedKey) }
                let keyStart = reader.position
                let key = try reader.parseString()
                let keyEnd = reader.position
                try reader.expectColon()
                reader.skipWhitespace()
                let start = reader.position
                if start != keyEnd + 1 || (keyStart != 1 && buffer[keyStart - 1] != UInt8(ascii: ",")) { compact = false }
                try reader.skipValue(depth: 1)
                if let earlier = keys.firstIndex(of: key) {
                    // A repeated key keeps its first position and its last value, as JSONObject does.
                    ranges[earlier] = start..<reader.position
                    compact = false
                } else {
                    keys.append(key)
                    ranges.append(start..<reader.position)
                }
                if reader.position >= buffer.count || (buffer[reader.position] != UInt8(ascii: ",")
                    && buffer[reader.position] != UInt8(ascii: "}")) { compact = false }
            } while try !reader.closeMember(closing: UInt8(ascii: "}"))
        } else if reader.position != 2 {
            compact = false
        }
        if reader.position != buffer.count { compact = false }
        reader.skipWhitespace()
        if reader.position < buffer.count { throw reader.error(.trailingCharacters) }
        return (keys, ranges, compact)
    }

    /// The value bytes of `key`, or `nil` when the object has no such member.
    public subscript(raw key: String) -> ArraySlice<UInt8>? {
        guard let position = keys.firstIndex(of: key) else { return nil }
        return values[position]
    }

    /// The value of `key`, built, or `nil` when the object has no such member.
    public func value(_ key: String) throws(JSONParseError) -> JSONValue? {
        guard let raw = self[raw: key] else { return nil }
        return try raw.withUnsafeBufferPointer { buffer throws(JSONParseError) in try JSONParser.parse(validUTF8: buffer) }
    }

    /// The member `key` as an object of its own, or `nil` when absent.
    /// - Throws: ``JSONParseError`` when the member is not an object.
    public func object(_ key: String) throws(JSONParseError) -> RawJSONObject? {
        guard let raw = self[raw: key] else { return nil }
        return try RawJSONObject(slice: raw, checkingUTF8: false)
    }

    /// The elements of the array member `key`, each an object, or `nil` when absent.
    /// - Throws: ``JSONParseError`` when the member is not an array of objects.
    public func objects(inArray key: String) throws(JSONParseError) -> [RawJSONObject]? {
        guard let raw = self[raw: key] else { return nil }
        var objects: [RawJSONObject] = []
        for element in try Self.elements(ofArray: raw, checkingUTF8: false) {
            objects.append(try RawJSONObject(slice: element, checkingUTF8: false))
        }
        return objects
    }

    /// Sets `key` to `value` (`nil` removes it): an existing member keeps its position, a new one goes last.
    public mutating func set(_ key: String, _ value: JSONValue?) {
        setRaw(key, value.map { $0.serializedBytes[...] })
    }

    /// Sets `key` to value bytes that are already compact JSON (`nil` removes it).
    public mutating func setRaw(_ key: String, _ bytes: ArraySlice<UInt8>?) {
        source = nil
        if let position = keys.firstIndex(of: key) {
            if let bytes {
                values[position] = bytes
            } else {
                keys.remove(at: position)
                values.remove(at: position)
            }
        } else if let bytes {
            keys.append(key)
            values.append(bytes)
        }
    }

    /// The object as compact JSON bytes: the bytes it was read from while no member changed.
    public var bytes: [UInt8] {
        if let source { return Array(source) }
        var sink = ByteSink()
        defer { sink.deallocate() }
        sink.append(UInt8(ascii: "{"))
        for position in keys.indices {
            if position > 0 { sink.append(UInt8(ascii: ",")) }
            JSONValue.writeString(keys[position], to: &sink)
            sink.append(UInt8(ascii: ":"))
            values[position].withUnsafeBufferPointer { sink.append(contentsOf: $0) }
        }
        sink.append(UInt8(ascii: "}"))
        return Array(sink.bytes)
    }

    /// The elements of the JSON array in `bytes`, each as the bytes it was read from.
    /// - Throws: ``JSONParseError`` when `bytes` is not one JSON array.
    public static func elements(ofArray bytes: ArraySlice<UInt8>) throws(JSONParseError) -> [ArraySlice<UInt8>] {
        try elements(ofArray: bytes, checkingUTF8: true)
    }

    private static func elements(
        ofArray bytes: ArraySlice<UInt8>,
        checkingUTF8: Bool
    ) throws(JSONParseError) -> [ArraySlice<UInt8>] {
        let base = bytes.startIndex
        let ranges = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) -> [Range<Int>] in
            if checkingUTF8, let invalid = JSONReader.firstInvalidUTF8(in: buffer) {
                throw JSONReader(buffer: buffer).error(.invalidUTF8, at: invalid)
            }
            var reader = JSONReader(buffer: buffer)
            var ranges: [Range<Int>] = []
            reader.skipWhitespace()
            guard reader.position < buffer.count else { throw reader.error(.unexpectedEnd) }
            guard buffer[reader.position] == UInt8(ascii: "[") else { throw reader.error(.unexpectedCharacter) }
            if try !reader.openContainer(depth: 1, closing: UInt8(ascii: "]")) {
                repeat {
                    reader.skipWhitespace()
                    let start = reader.position
                    try reader.skipValue(depth: 1)
                    ranges.append(start..<reader.position)
                } while try !reader.closeMember(closing: UInt8(ascii: "]"))
            }
            reader.skipWhitespace()
            if reader.position < buffer.count { throw reader.error(.trailingCharacters) }
            return ranges
        }
        return ranges.map { bytes[(base + $0.lowerBound)..<(base + $0.upperBound)] }
    }
}

extension RawJSONObject {
    /// The value of `key`, built; `nil` when absent. The bytes were checked when
    /// the object was read, so building them cannot fail.
    public func member(_ key: String) -> JSONValue? { try? value(key) }
}
