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

    /// Parses a UTF-8 string.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        return try text.withUTF8 { buffer in Result { () throws(JSONParseError) in try parse(utf8: buffer) } }.get()
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
    public static func parse(utf8 buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var reader = Reader(buffer: buffer)
        reader.skipWhitespace()
        let value = try reader.parseValue(depth: 0)
        reader.skipWhitespace()
        if reader.position < buffer.count {
            throw reader.error(.trailingCharacters)
        }
        return value
    }
}

/// Why and where JSON text could not be parsed.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, independent of where.
    public struct Reason: Sendable, Hashable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }

        public static let unexpectedEnd = Reason("unexpected end of input")
        public static let unexpectedCharacter = Reason("unexpected character")
        public static let trailingCharacters = Reason("unexpected characters after the JSON value")
        public static let invalidNumber = Reason("invalid number")
        public static let invalidEscape = Reason("invalid escape sequence in string")
        public static let invalidUnicodeEscape = Reason("invalid \\u escape in string")
        public static let controlCharacterInString = Reason("unescaped control character in string")
        public static let invalidUTF8 = Reason("invalid UTF-8")
        public static let tooDeep = Reason("nesting deeper than \(JSONParser.maximumDepth) levels")
        public static let expectedColon = Reason("expected ':' after object key")
        public static let expectedKey = Reason("expected a string key")
        public static let expectedCommaOrEnd = Reason("expected ',' or closing bracket")
    }

    public let reason: Reason
    /// Byte offset from the start of the input.
    public let offset: Int
    /// 1-based line of the offending byte.
    public let line: Int
    /// 1-based column (in bytes) of the offending byte.
    public let column: Int

    public var description: String { "\(reason) at line \(line), column \(column) (offset \(offset))" }
}

private struct Reader {
    let buffer: UnsafeBufferPointer<UInt8>
    var position = 0

    init(buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

    func error(_ reason: JSONParseError.Reason, at offset: Int? = nil) -> JSONParseError {
        let offset = min(offset ?? position, buffer.count)
        var line = 1
        var lineStart = 0
        for i in 0..<offset where buffer[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        return JSONParseError(reason: reason, offset: offset, line: line, column: offset - lineStart + 1)
    }

    mutating func skipWhitespace() {
        while position < buffer.count {
            switch buffer[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard position < buffer.count else { throw error(.unexpectedEnd) }
        switch buffer[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error(.unexpectedCharacter)
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= buffer.count else { throw error(.unexpectedEnd) }
        let start = literal.utf8Start
        for i in 0..<count where buffer[position + i] != start[i] {
            throw error(.unexpectedCharacter, at: position + i)
        }
        position += count
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= JSONParser.maximumDepth else { throw error(.tooDeep) }
        position += 1  // {
        var object = JSONObject()
        skipWhitespace()
        guard position < buffer.count else { throw error(.unexpectedEnd) }
        if buffer[position] == UInt8(ascii: "}") {
            position += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard position < buffer.count else { throw error(.unexpectedEnd) }
            guard buffer[position] == UInt8(ascii: "\"") else { throw error(.expectedKey) }
            let key = try parseString()
            skipWhitespace()
            guard position < buffer.count else { throw error(.unexpectedEnd) }
            guard buffer[position] == UInt8(ascii: ":") else { throw error(.expectedColon) }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            if object.position(of: key) != nil {
                object[key] = value
            } else {
                object.appendUnchecked(key: key, value: value)
            }
            skipWhitespace()
            guard position < buffer.count else { throw error(.unexpectedEnd) }
            switch buffer[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return .object(object)
            default: throw error(.expectedCommaOrEnd)
            }
        }
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= JSONParser.maximumDepth else { throw error(.tooDeep) }
        position += 1  // [
        var array: [JSONValue] = []
        skipWhitespace()
        guard position < buffer.count else { throw error(.unexpectedEnd) }
        if buffer[position] == UInt8(ascii: "]") {
            position += 1
            return .array(array)
        }
        while true {
            skipWhitespace()
            array.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < buffer.count else { throw error(.unexpectedEnd) }
            switch buffer[position] {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return .array(array)
            default: throw error(.expectedCommaOrEnd)
            }
        }
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        var isInteger = true
        if buffer[position] == UInt8(ascii: "-") { position += 1 }
        guard position < buffer.count else { throw error(.unexpectedEnd) }
        if buffer[position] == UInt8(ascii: "0") {
            position += 1
            if position < buffer.count, isDigit(buffer[position]) { throw error(.invalidNumber, at: start) }
        } else if isDigit(buffer[position]) {
            while position < buffer.count, isDigit(buffer[position]) { position += 1 }
        } else {
            throw error(.invalidNumber, at: start)
        }
        if position < buffer.count, buffer[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < buffer.count, isDigit(buffer[position]) else { throw error(.invalidNumber, at: start) }
            while position < buffer.count, isDigit(buffer[position]) { position += 1 }
        }
        if position < buffer.count, buffer[position] == UInt8(ascii: "e") || buffer[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < buffer.count, buffer[position] == UInt8(ascii: "+") || buffer[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < buffer.count, isDigit(buffer[position]) else { throw error(.invalidNumber, at: start) }
            while position < buffer.count, isDigit(buffer[position]) { position += 1 }
        }
        let digits = UnsafeBufferPointer(rebasing: buffer[start..<position])
        if isInteger, digits.count <= 18 {
            // At most 18 digits always fit in Int64: accumulate without overflow checks.
            var negative = false
            var value = 0
            for byte in digits {
                if byte == UInt8(ascii: "-") { negative = true } else { value = value &* 10 &+ Int(byte &- 48) }
            }
            return .integer(negative ? -value : value)
        }
        let text = String(decoding: digits, as: UTF8.self)
        if isInteger, let value = Int(text) { return .integer(value) }
        guard let value = Double(text) else { throw error(.invalidNumber, at: start) }
        return .double(value)
    }

    mutating func parseString() throws(JSONParseError) -> String {
        position += 1  // opening quote
        let start = position
        // Fast path: no escapes and plain ASCII or valid UTF-8 up to the closing quote.
        while position < buffer.count {
            let byte = buffer[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: buffer[start..<position])
                position += 1
                guard let string = String(validating: slice, as: UTF8.self) else {
                    throw error(.invalidUTF8, at: start)
                }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error(.controlCharacterInString) }
            position += 1
        }
        guard position < buffer.count else { throw error(.unexpectedEnd) }
        var bytes = Array(UnsafeBufferPointer(rebasing: buffer[start..<position]))
        while position < buffer.count {
            let byte = buffer[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let string = String(validating: bytes, as: UTF8.self) else { throw error(.invalidUTF8, at: start) }
                return string
            case UInt8(ascii: "\\"):
                position += 1
                guard position < buffer.count else { throw error(.unexpectedEnd) }
                let escape = buffer[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): bytes.append(0x22)
                case UInt8(ascii: "\\"): bytes.append(0x5C)
                case UInt8(ascii: "/"): bytes.append(0x2F)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard position + 1 < buffer.count, buffer[position] == UInt8(ascii: "\\"),
                            buffer[position + 1] == UInt8(ascii: "u")
                        else { throw error(.invalidUnicodeEscape) }
                        position += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error(.invalidUnicodeEscape) }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error(.invalidUnicodeEscape)
                    }
                    // Surrogates were excluded above, so the scalar is valid.
                    bytes.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                default:
                    throw error(.invalidEscape, at: position - 2)
                }
            default:
                if byte < 0x20 { throw error(.controlCharacterInString) }
                bytes.append(byte)
                position += 1
            }
        }
        throw error(.unexpectedEnd)
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= buffer.count else { throw error(.unexpectedEnd) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = buffer[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 55)
            default: throw error(.invalidUnicodeEscape)
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
