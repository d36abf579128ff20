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
    public var keys: [String] { keyBytes.map { String(decoding: $0, as: UTF8.self) } }
    /// The keys' UTF-8 (unescaped): lookups compare bytes, so reading an object
    /// makes no `String` per member.
    private var keyBytes: [ArraySlice<UInt8>]
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
        keyBytes = found.keys.map { key in
            switch key {
            case .range(let range): bytes[(base + range.lowerBound)..<(base + range.upperBound)]
            case .decoded(let text): text[...]
            }
        }
        values = found.ranges.map { bytes[(base + $0.lowerBound)..<(base + $0.upperBound)] }
        // Written back as read only when that is what serializing the members gives.
        source = found.compact ? bytes : nil
    }

    /// Where a key's UTF-8 is: between its quotes, or (a key with escapes) decoded.
    private enum KeyText {
        case range(Range<Int>)
        case decoded([UInt8])
    }

    /// The members' keys and value ranges (offsets into `buffer`).
    private static func members(
        in buffer: UnsafeBufferPointer<UInt8>,
        checkingUTF8: Bool
    ) throws(JSONParseError) -> (keys: [KeyText], ranges: [Range<Int>], compact: Bool) {
        if checkingUTF8, let invalid = JSONReader.firstInvalidUTF8(in: buffer) {
            throw JSONReader(buffer: buffer).error(.invalidUTF8, at: invalid)
        }
        var reader = JSONReader(buffer: buffer)
        var keys: [KeyText] = []
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
                try reader.skipString()
                let keyEnd = reader.position
                var key = KeyText.range((keyStart + 1)..<(keyEnd - 1))
                if UnsafeBufferPointer(rebasing: buffer[(keyStart + 1)..<(keyEnd - 1)]).contains(UInt8(ascii: "\\")) {
                    reader.position = keyStart
                    key = .decoded(Array(try reader.parseString().utf8))
                    compact = false
                }
                try reader.expectColon()
                reader.skipWhitespace()
                let start = reader.position
                if start != keyEnd + 1 || (keyStart != 1 && buffer[keyStart - 1] != UInt8(ascii: ",")) { compact = false }
                try reader.skipValue(depth: 1)
                let earlier = keys.indices.first { position in
                    switch (keys[position], key) {
                    case (.range(let old), .range(let new)):
                        UnsafeBufferPointer(rebasing: buffer[old]).elementsEqual(UnsafeBufferPointer(rebasing: buffer[new]))
                    case (.decoded(let old), .decoded(let new)): old == new
                    case (.range(let old), .decoded(let new)), (.decoded(let new), .range(let old)):
                        UnsafeBufferPointer(rebasing: buffer[old]).elementsEqual(new)
                    }
                }
                if let earlier {
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
        guard let position = position(of: key) else { return nil }
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
        if let position = position(of: key) {
            if let bytes {
                values[position] = bytes
            } else {
                keyBytes.remove(at: position)
                values.remove(at: position)
            }
        } else if let bytes {
            keyBytes.append(Array(key.utf8)[...])
            values.append(bytes)
        }
    }

    /// Compares lengths first and then contiguous bytes: comparing each key with
    /// `key.utf8` element by element was a twentieth of `stepline verify`'s time.
    private func position(of key: String) -> Int? {
        var key = key
        return key.withUTF8 { wanted in
            keyBytes.firstIndex { candidate in
                candidate.count == wanted.count && candidate.withUnsafeBufferPointer { $0.elementsEqual(wanted) }
            }
        }
    }

    /// The object as compact JSON bytes: the bytes it was read from while no member changed.
    public var bytes: [UInt8] {
        if let source { return Array(source) }
        var sink = ByteSink()
        defer { sink.deallocate() }
        sink.append(UInt8(ascii: "{"))
        for position in keyBytes.indices {
            if position > 0 { sink.append(UInt8(ascii: ",")) }
            let key = keyBytes[position]
            if key.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                JSONValue.writeString(String(decoding: key, as: UTF8.self), to: &sink)
            } else {
                sink.append(UInt8(ascii: "\""))
                key.withUnsafeBufferPointer { sink.append(contentsOf: $0) }
                sink.append(UInt8(ascii: "\""))
            }
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
