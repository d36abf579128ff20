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
    /// Where a key's or a value's bytes lie: offsets into ``text`` or, once set
    /// after reading (or unescaped, for a key), into ``written``.
    ///
    /// Offsets rather than slices: a slice per key and value retained and released
    /// the buffer's storage for every member of every row an index applier read,
    /// about a fifth of `stepline verify`'s time; with offsets the whole object
    /// holds one reference to the bytes it was read from.
    private struct Span {
        var start: Int
        var end: Int
        var isWritten: Bool
        var count: Int { end - start }
    }

    private struct Member {
        var key: Span
        var value: Span
    }

    /// The member keys in their order.
    public var keys: [String] {
        members.map { member in withBytes(of: member.key) { String(decoding: $0, as: UTF8.self) } }
    }
    /// The bytes the object was read from (shared with the caller's buffer, not copied).
    private var text: ArraySlice<UInt8>
    /// The bytes of keys and values not in ``text``: values set after reading, unescaped keys.
    private var written: [UInt8] = []
    private var members: [Member]
    /// The range of ``text`` (offsets) that is the object's own compact text, until a member changes.
    private var source: Range<Int>?

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

    private init(text: ArraySlice<UInt8>, written: [UInt8], members: [Member], source: Range<Int>?) {
        self.text = text
        self.written = written
        self.members = members
        self.source = source
    }

    /// Members room is made for up front (a queue message row has 6 to 10).
    private static let typicalMembers = 12

    /// Reads the object at `reader`'s position (its `{`) to just after its `}`;
    /// `bytes` is what the reader reads, `depth` the object's own nesting depth.
    ///
    /// The members go straight into an array sized for a typical row, and an
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
        let open = reader.position
        var members: [Member] = []
        var written: [UInt8] = []
        members.reserveCapacity(typicalMembers)
        // No repeated key and nothing but the members' text between the braces.
        var compact = true
        /// Whether two key spans (in `buffer` or in `written`) hold the same bytes.
        func sameKey(_ left: Span, _ right: Span) -> Bool {
            guard left.count == right.count else { return false }
            return written.withUnsafeBufferPointer { written in
                func bytes(_ span: Span) -> UnsafeBufferPointer<UInt8> {
                    UnsafeBufferPointer(rebasing: span.isWritten ? written[span.start..<span.end] : buffer[span.start..<span.end])
                }
                return bytes(left).elementsEqual(bytes(right))
            }
        }
        if try !reader.openContainer(depth: depth, closing: UInt8(ascii: "}")) {
            repeat {
                reader.skipWhitespace()
                guard reader.position < buffer.count else { throw reader.error(.unexpectedEnd) }
                guard buffer[reader.position] == UInt8(ascii: "\"") else { throw reader.error(.expectedKey) }
                let keyStart = reader.position
                try reader.skipString()
                let keyEnd = reader.position
                var key = Span(start: keyStart + 1, end: keyEnd - 1, isWritten: false)
                if UnsafeBufferPointer(rebasing: buffer[key.start..<key.end]).contains(UInt8(ascii: "\\")) {
                    reader.position = keyStart
                    let unescaped = try reader.parseString().utf8
                    key = Span(start: written.count, end: written.count + unescaped.count, isWritten: true)
                    written.append(contentsOf: unescaped)
                    compact = false
                }
                try reader.expectColon()
                reader.skipWhitespace()
                let start = reader.position
                if start != keyEnd + 1 || (keyStart != open + 1 && buffer[keyStart - 1] != UInt8(ascii: ",")) { compact = false }
                try reader.skipValue(depth: depth)
                let value = Span(start: start, end: reader.position, isWritten: false)
                if let earlier = members.firstIndex(where: { sameKey($0.key, key) }) {
                    // A repeated key keeps its first position and its last value, as JSONObject does.
                    members[earlier].value = value
                    compact = false
                } else {
                    members.append(Member(key: key, value: value))
                }
                if reader.position >= buffer.count || (buffer[reader.position] != UInt8(ascii: ",")
                    && buffer[reader.position] != UInt8(ascii: "}")) { compact = false }
            } while try !reader.closeMember(closing: UInt8(ascii: "}"))
        } else if reader.position != open + 2 {
            compact = false
        }
        return RawJSONObject(text: bytes, written: written, members: members, source: compact ? open..<reader.position : nil)
    }

    /// Calls `body` with the bytes of `span`.
    private func withBytes<Result, Failure: Error>(
        of span: Span,
        _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        if span.isWritten {
            return try written.withUnsafeBufferPointer { buffer throws(Failure) in
                try body(UnsafeBufferPointer(rebasing: buffer[span.start..<span.end]))
            }
        }
        return try text.withUnsafeBufferPointer { buffer throws(Failure) in
            try body(UnsafeBufferPointer(rebasing: buffer[span.start..<span.end]))
        }
    }

    /// `span`'s bytes as a slice (of ``text`` or ``written``, not copied).
    private func slice(_ span: Span) -> ArraySlice<UInt8> {
        span.isWritten ? written[span.start..<span.end] : text[(text.startIndex + span.start)..<(text.startIndex + span.end)]
    }

    /// The value bytes of `key`, or `nil` when the object has no such member.
    public subscript(raw key: String) -> ArraySlice<UInt8>? {
        guard let position = position(of: key) else { return nil }
        return slice(members[position].value)
    }

    /// The value of `key`, built, or `nil` when the object has no such member.
    public func value(_ key: String) throws(JSONParseError) -> JSONValue? {
        guard let position = position(of: key) else { return nil }
        return try withBytes(of: members[position].value) { buffer throws(JSONParseError) in try JSONParser.parse(validUTF8: buffer) }
    }

    /// The member `key` as an integer, as `member(key)?.integerValue` gives it,
    /// without building a value: index appliers read a location or a time from
    /// every item of a record.
    public func integer(_ key: String) -> Int? {
        guard let position = position(of: key) else { return nil }
        // Up to 18 digits always fit an `Int`; anything else (a fraction, an
        // exponent, a longer number, not a number) goes through the parser.
        let digitsOnly: Int?? = withBytes(of: members[position].value) { raw in
            let negative = raw.first == UInt8(ascii: "-")
            let digits = negative ? raw.count - 1 : raw.count
            guard digits > 0 && digits <= 18 else { return .none }
            var value = 0
            for byte in raw[(raw.count - digits)...] {
                guard byte &- UInt8(ascii: "0") < 10 else { return .none }
                value = value &* 10 &+ Int(byte &- UInt8(ascii: "0"))
            }
            return .some(negative ? -value : value)
        }
        if case .some(let value) = digitsOnly { return value }
        return member(key)?.integerValue
    }

    /// The member `key` as a string, as `member(key)?.stringValue` gives it; a
    /// string without escapes is decoded straight from its bytes (checked as
    /// UTF-8 when the object was read).
    public func string(_ key: String) -> String? {
        guard let position = position(of: key) else { return nil }
        let plain: String? = withBytes(of: members[position].value) { raw in
            guard raw.count >= 2, raw.first == UInt8(ascii: "\""), raw.last == UInt8(ascii: "\""),
                !raw.contains(UInt8(ascii: "\\"))
            else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: raw[1..<(raw.count - 1)]), as: UTF8.self)
        }
        return plain ?? member(key)?.stringValue
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
        let position = position(of: key)
        guard let bytes else {
            if let position { members.remove(at: position) }
            return
        }
        let value = Span(start: written.count, end: written.count + bytes.count, isWritten: true)
        written.append(contentsOf: bytes)
        if let position {
            members[position].value = value
        } else {
            let utf8 = key.utf8
            let keySpan = Span(start: written.count, end: written.count + utf8.count, isWritten: true)
            written.append(contentsOf: utf8)
            members.append(Member(key: keySpan, value: value))
        }
    }

    /// Compares lengths first and then contiguous bytes: comparing each key with
    /// `key.utf8` element by element was a twentieth of `stepline verify`'s time.
    private func position(of key: String) -> Int? {
        var key = key
        return key.withUTF8 { wanted in
            text.withUnsafeBufferPointer { text in
                written.withUnsafeBufferPointer { written in
                    members.firstIndex { member in
                        let span = member.key
                        guard span.count == wanted.count else { return false }
                        let bytes = span.isWritten ? written[span.start..<span.end] : text[span.start..<span.end]
                        return UnsafeBufferPointer(rebasing: bytes).elementsEqual(wanted)
                    }
                }
            }
        }
    }

    /// Whether a key's bytes need escapes to be written as a JSON string.
    private static func needsEscapes(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        key.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
    }

    /// The object as compact JSON bytes: the bytes it was read from while no member changed.
    ///
    /// Written into one array of the final size (a changed row is written for
    /// every item of a queue record): keys that need escapes go through the
    /// serializer, the rest are copied between quotes.
    public var bytes: [UInt8] {
        if let source { return Array(text[(text.startIndex + source.lowerBound)..<(text.startIndex + source.upperBound)]) }
        return text.withUnsafeBufferPointer { text in
            written.withUnsafeBufferPointer { written in
                func buffer(_ span: Span) -> UnsafeBufferPointer<UInt8> {
                    UnsafeBufferPointer(rebasing: span.isWritten ? written[span.start..<span.end] : text[span.start..<span.end])
                }
                var size = 1 + members.count * 4
                for member in members {
                    if Self.needsEscapes(buffer(member.key)) { return escapedKeyBytes(buffer) }
                    size += member.key.count + member.value.count
                }
                return [UInt8](unsafeUninitializedCapacity: max(size, 2)) { output, count in
                    var at = 0
                    @inline(__always) func put(_ byte: UInt8) {
                        output[at] = byte
                        at += 1
                    }
                    @inline(__always) func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
                        // Force-unwrap proven: the capacity is at least 2, so the buffer has storage.
                        (output.baseAddress! + at).update(from: base, count: bytes.count)
                        at += bytes.count
                    }
                    put(UInt8(ascii: "{"))
                    for (position, member) in members.enumerated() {
                        if position > 0 { put(UInt8(ascii: ",")) }
                        put(UInt8(ascii: "\""))
                        put(buffer(member.key))
                        put(UInt8(ascii: "\""))
                        put(UInt8(ascii: ":"))
                        put(buffer(member.value))
                    }
                    put(UInt8(ascii: "}"))
                    count = at
                }
            }
        }
    }

    /// ``bytes`` when a key needs escapes; `buffer` gives a span's bytes.
    private func escapedKeyBytes(_ buffer: (Span) -> UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var sink = ByteSink()
        defer { sink.deallocate() }
        sink.append(UInt8(ascii: "{"))
        for (position, member) in members.enumerated() {
            if position > 0 { sink.append(UInt8(ascii: ",")) }
            let key = buffer(member.key)
            if Self.needsEscapes(key) {
                JSONValue.writeString(String(decoding: key, as: UTF8.self), to: &sink)
            } else {
                sink.append(UInt8(ascii: "\""))
                sink.append(contentsOf: key)
                sink.append(UInt8(ascii: "\""))
            }
            sink.append(UInt8(ascii: ":"))
            sink.append(contentsOf: buffer(member.value))
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
