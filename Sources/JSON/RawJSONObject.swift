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
        self = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            if checkingUTF8, let invalid = JSONReader.firstInvalidUTF8(in: buffer) {
                throw JSONReader(buffer: buffer).error(.invalidUTF8, at: invalid)
            }
            var reader = JSONReader(buffer: buffer)
            reader.skipWhitespace()
            var object = try Self.object(at: &reader, depth: 1, in: bytes)
            // Written back as read only when nothing surrounds the braces either.
            if object.source?.count != bytes.count { object.source = nil }
            reader.skipWhitespace()
            if reader.position < buffer.count { throw reader.error(.trailingCharacters) }
            return object
        }
    }

    private init(keyBytes: [ArraySlice<UInt8>], values: [ArraySlice<UInt8>], source: ArraySlice<UInt8>?) {
        self.keyBytes = keyBytes
        self.values = values
        self.source = source
    }

    /// Members room is made for up front (a queue message row has 6 to 10).
    private static let typicalMembers = 12

    /// Reads the object at `reader`'s position (its `{`) to just after its `}`;
    /// `bytes` is what the reader reads, `depth` the object's own nesting depth.
    ///
    /// The members go straight into two arrays sized for a typical row, and an
    /// array's objects are read in the one pass over the array: reading objects
    /// (every item of a queue record, every stored message) is most of an index
    /// applier's work, and growing arrays or reading items twice was much of that.
    private static func object(
        at reader: inout JSONReader,
        depth: Int,
        in bytes: ArraySlice<UInt8>
    ) throws(JSONParseError) -> RawJSONObject {
        let buffer = reader.buffer
        guard reader.position < buffer.count else { throw reader.error(.unexpectedEnd) }
        guard buffer[reader.position] == UInt8(ascii: "{") else { throw reader.error(.unexpectedCharacter) }
        let base = bytes.startIndex
        let open = reader.position
        var keyBytes: [ArraySlice<UInt8>] = []
        var values: [ArraySlice<UInt8>] = []
        keyBytes.reserveCapacity(typicalMembers)
        values.reserveCapacity(typicalMembers)
        // No repeated key and nothing but the members' text between the braces.
        var compact = true
        if try !reader.openContainer(depth: depth, closing: UInt8(ascii: "}")) {
            repeat {
                reader.skipWhitespace()
                guard reader.position < buffer.count else { throw reader.error(.unexpectedEnd) }
                guard buffer[reader.position] == UInt8(ascii: "\"") else { throw reader.error(.expectedKey) }
                let keyStart = reader.position
                try reader.skipString()
                let keyEnd = reader.position
                var key = bytes[(base + keyStart + 1)..<(base + keyEnd - 1)]
                if key.contains(UInt8(ascii: "\\")) {
                    reader.position = keyStart
                    key = Array(try reader.parseString().utf8)[...]
                    compact = false
                }
                try reader.expectColon()
                reader.skipWhitespace()
                let start = reader.position
                if start != keyEnd + 1 || (keyStart != open + 1 && buffer[keyStart - 1] != UInt8(ascii: ",")) { compact = false }
                try reader.skipValue(depth: depth)
                let value = bytes[(base + start)..<(base + reader.position)]
                if let earlier = keyBytes.firstIndex(where: { equal($0, key) }) {
                    // A repeated key keeps its first position and its last value, as JSONObject does.
                    values[earlier] = value
                    compact = false
                } else {
                    keyBytes.append(key)
                    values.append(value)
                }
                if reader.position >= buffer.count || (buffer[reader.position] != UInt8(ascii: ",")
                    && buffer[reader.position] != UInt8(ascii: "}")) { compact = false }
            } while try !reader.closeMember(closing: UInt8(ascii: "}"))
        } else if reader.position != open + 2 {
            compact = false
        }
        return RawJSONObject(
            keyBytes: keyBytes, values: values, source: compact ? bytes[(base + open)..<(base + reader.position)] : nil)
    }

    private static func equal(_ left: ArraySlice<UInt8>, _ right: ArraySlice<UInt8>) -> Bool {
        left.count == right.count
            && left.withUnsafeBufferPointer { left in right.withUnsafeBufferPointer { left.elementsEqual($0) } }
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

    /// The member `key` as an integer, as `member(key)?.integerValue` gives it,
    /// without building a value: index appliers read a location or a time from
    /// every item of a record.
    public func integer(_ key: String) -> Int? {
        guard let raw = self[raw: key] else { return nil }
        // Up to 18 digits always fit an `Int`; anything else (a fraction, an
        // exponent, a longer number, not a number) goes through the parser.
        let digits = raw.first == UInt8(ascii: "-") ? raw.count - 1 : raw.count
        if digits > 0 && digits <= 18 {
            var value = 0
            for byte in raw.dropFirst(raw.count - digits) {
                guard byte &- UInt8(ascii: "0") < 10 else { return member(key)?.integerValue }
                value = value &* 10 &+ Int(byte &- UInt8(ascii: "0"))
            }
            return raw.count == digits ? value : -value
        }
        return member(key)?.integerValue
    }

    /// The member `key` as a string, as `member(key)?.stringValue` gives it; a
    /// string without escapes is decoded straight from its bytes (checked as
    /// UTF-8 when the object was read).
    public func string(_ key: String) -> String? {
        guard let raw = self[raw: key] else { return nil }
        if raw.count >= 2, raw.first == UInt8(ascii: "\""), raw.last == UInt8(ascii: "\""),
            !raw.contains(UInt8(ascii: "\\"))
        {
            return String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
        }
        return member(key)?.stringValue
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
        return try raw.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var reader = JSONReader(buffer: buffer)
            var objects: [RawJSONObject] = []
            reader.skipWhitespace()
            guard reader.position < buffer.count else { throw reader.error(.unexpectedEnd) }
            guard buffer[reader.position] == UInt8(ascii: "[") else { throw reader.error(.unexpectedCharacter) }
            if try !reader.openContainer(depth: 1, closing: UInt8(ascii: "]")) {
                objects.reserveCapacity(16)
                repeat {
                    reader.skipWhitespace()
                    objects.append(try Self.object(at: &reader, depth: 2, in: raw))
                } while try !reader.closeMember(closing: UInt8(ascii: "]"))
            }
            reader.skipWhitespace()
            if reader.position < buffer.count { throw reader.error(.trailingCharacters) }
            return objects
        }
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
    ///
    /// Written into one array of the final size (a changed row is written for
    /// every item of a queue record): keys that need escapes go through the
    /// serializer, the rest are copied between quotes.
    public var bytes: [UInt8] {
        if let source { return Array(source) }
        var plainKeys = true
        var size = 1 + keyBytes.count * 4
        for position in keyBytes.indices {
            let key = keyBytes[position]
            if key.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) { plainKeys = false }
            size += key.count + values[position].count
        }
        guard plainKeys else { return escapedKeyBytes }
        return [UInt8](unsafeUninitializedCapacity: max(size, 2)) { buffer, count in
            var at = 0
            @inline(__always) func put(_ byte: UInt8) {
                buffer[at] = byte
                at += 1
            }
            @inline(__always) func put(_ bytes: ArraySlice<UInt8>) {
                bytes.withUnsafeBufferPointer { source in
                    guard let base = source.baseAddress, !source.isEmpty else { return }
                    // Force-unwrap proven: the capacity is at least 2, so the buffer has storage.
                    (buffer.baseAddress! + at).update(from: base, count: source.count)
                    at += source.count
                }
            }
            put(UInt8(ascii: "{"))
            for position in keyBytes.indices {
                if position > 0 { put(UInt8(ascii: ",")) }
                put(UInt8(ascii: "\""))
                put(keyBytes[position])
                put(UInt8(ascii: "\""))
                put(UInt8(ascii: ":"))
                put(values[position])
            }
            put(UInt8(ascii: "}"))
            count = at
        }
    }

    /// ``bytes`` when a key needs escapes.
    private var escapedKeyBytes: [UInt8] {
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
