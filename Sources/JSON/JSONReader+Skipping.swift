extension JSONReader {
    /// Reads an object, building only the members named in `wanted`; the others are
    /// read as strictly as ``parseValue(depth:)`` reads them but build nothing.
    /// A repeated wanted key keeps its last value, as ``JSONObject`` does.
    mutating func parseObject(keeping wanted: [String]) throws(JSONParseError) -> JSONObject {
        guard position < buffer.count else { throw error(.unexpectedEnd) }
        guard buffer[position] == UInt8(ascii: "{") else { throw error(.unexpectedCharacter) }
        var object = JSONObject()
        if try openContainer(depth: 1, closing: UInt8(ascii: "}")) { return object }
        while true {
            skipWhitespace()
            guard position < buffer.count else { throw error(.unexpectedEnd) }
            guard buffer[position] == UInt8(ascii: "\"") else { throw error(.expectedKey) }
            let key = try parseString()
            try expectColon()
            skipWhitespace()
            if wanted.contains(key) {
                object[key] = try parseValue(depth: 1)
            } else {
                try skipValue(depth: 1)
            }
            if try closeMember(closing: UInt8(ascii: "}")) { return object }
        }
    }

    /// Steps over one value, checking it as ``parseValue(depth:)`` would.
    mutating func skipValue(depth: Int) throws(JSONParseError) {
        guard position < buffer.count else { throw error(.unexpectedEnd) }
        switch buffer[position] {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "["):
            if try openContainer(depth: depth + 1, closing: UInt8(ascii: "]")) { return }
            repeat {
                skipWhitespace()
                try skipValue(depth: depth + 1)
            } while try !closeMember(closing: UInt8(ascii: "]"))
        case UInt8(ascii: "{"):
            if try openContainer(depth: depth + 1, closing: UInt8(ascii: "}")) { return }
            repeat {
                skipWhitespace()
                guard position < buffer.count else { throw error(.unexpectedEnd) }
                guard buffer[position] == UInt8(ascii: "\"") else { throw error(.expectedKey) }
                try skipString()
                try expectColon()
                skipWhitespace()
                try skipValue(depth: depth + 1)
            } while try !closeMember(closing: UInt8(ascii: "}"))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
        default:
            // Literals build no storage: reading them is skipping them.
            _ = try parseValue(depth: depth)
        }
    }

    /// Steps over a number, checking its grammar as ``parseNumber()`` does (every
    /// number it accepts has a value), without computing the value.
    private mutating func skipNumber() throws(JSONParseError) {
        let start = position
        if buffer[position] == UInt8(ascii: "-") { position += 1 }
        guard position < buffer.count else { throw error(.unexpectedEnd) }
        // A local cursor: stepping `position` itself reloads it from memory per digit.
        @inline(__always) func skipDigits() {
            var at = position
            let count = buffer.count
            while at < count, buffer[at] &- UInt8(ascii: "0") < 10 { at += 1 }
            position = at
        }
        if buffer[position] == UInt8(ascii: "0") {
            position += 1
            if position < buffer.count, isDigit(buffer[position]) { throw error(.invalidNumber, at: start) }
        } else if isDigit(buffer[position]) {
            skipDigits()
        } else {
            throw error(.invalidNumber, at: start)
        }
        if position < buffer.count, buffer[position] == UInt8(ascii: ".") {
            position += 1
            guard position < buffer.count, isDigit(buffer[position]) else { throw error(.invalidNumber, at: start) }
            skipDigits()
        }
        if position < buffer.count, buffer[position] == UInt8(ascii: "e") || buffer[position] == UInt8(ascii: "E") {
            position += 1
            if position < buffer.count, buffer[position] == UInt8(ascii: "+") || buffer[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < buffer.count, isDigit(buffer[position]) else { throw error(.invalidNumber, at: start) }
            skipDigits()
        }
    }

    /// Steps over a string without building it, checking it as ``parseString()``
    /// does: control characters, and escapes and surrogate pairs through the same
    /// ``readEscape()``. (Escapes used to be
    /// left to `parseString()`, which built a `String` for each: message bodies
    /// that are JSON text are full of `\"`, and building them was a tenth of
    /// `stepline verify`'s time.)
    mutating func skipString() throws(JSONParseError) {
        position += 1
        while true {
            skipPlainStringBytes()
            guard position < buffer.count else { throw error(.unexpectedEnd) }
            switch buffer[position] {
            case UInt8(ascii: "\""):
                position += 1
                return
            case UInt8(ascii: "\\"):
                // A one-character escape is two bytes (message bodies that are JSON
                // text are full of `\"`); `\u` and invalid escapes are read in full.
                if position + 1 < buffer.count, Self.isOneCharacterEscape(buffer[position + 1]) {
                    position += 2
                } else {
                    _ = try readEscape()
                }
            default:
                throw error(.controlCharacterInString)
            }
        }
    }

    /// Advances `position` to the next quote, backslash or control character
    /// (or the end), eight bytes at a time: the strings of records and index
    /// rows (keys, ids, handles, message bodies) are most of the bytes `stepline
    /// verify` reads, and testing them one byte at a time was a sixth of reading
    /// an object.
    @inline(__always)
    mutating func skipPlainStringBytes() {
        guard let base = buffer.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        let count = buffer.count
        var at = position
        defer { position = at }
        while at + 8 <= count {
            let stops = Self.stringStops(raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))
            if stops != 0 {
                // The lowest flagged byte (the first in memory) is a real stop.
                at += stops.trailingZeroBitCount >> 3
                return
            }
            at += 8
        }
        while at < count {
            let byte = base[at]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return }
            at += 1
        }
    }

    /// Whether `\` followed by `byte` is an escape of one character (as ``readEscape()`` reads them).
    @inline(__always)
    static func isOneCharacterEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            true
        default: false
        }
    }

    /// The high bit of each byte of `word` (read little-endian) that may be a
    /// quote, a backslash or below 0x20 (the byte tests `haszero` and
    /// `haslessthan` of "Bit Twiddling Hacks"). No stop is missed, and the
    /// lowest flagged byte is always a real stop: a false alarm can only come
    /// from a borrow out of a lower byte that is itself flagged.
    @inline(__always)
    static func stringStops(_ word: UInt64) -> UInt64 {
        let word = UInt64(littleEndian: word)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        let control = (word &- ones &* 0x20) & ~word
        return (zeroQuote | zeroBackslash | control) & high
    }

    mutating func expectColon() throws(JSONParseError) {
        skipWhitespace()
        guard position < buffer.count else { throw error(.unexpectedEnd) }
        guard buffer[position] == UInt8(ascii: ":") else { throw error(.expectedColon) }
        position += 1
    }
}
