/// Reads pattern text one JSON token at a time, the way Jackson's streaming parser
/// feeds event-ruler's rule compiler.
///
/// Why not ``JSON/JSONParser``: a pattern is compiled in document order, so the
/// first problem met while reading is the one AWS reports; and a key that appears
/// twice must be seen twice (event-ruler lets the later field override the earlier
/// one *per path*, so `{"a": {"x": [1]}, "a": {"y": [2]}}` keeps both `a.x` and
/// `a.y`), which a parser that builds an object cannot show. Malformed JSON is
/// reported with Jackson's wording, the text AWS returns for it.
struct PatternTokenizer {
    enum Token: Equatable {
        case startObject, endObject, startArray, endArray
        case field(String)
        case string(String)
        case number(text: String, value: Double)
        case `true`, `false`, null
    }

    private enum Container { case object, array }
    private enum Expectation { case rootValue, value, valueOrEnd, fieldOrEnd, field, commaOrEnd, colonThenValue, finished }

    /// The deepest nesting of objects and arrays read, Jackson's default
    /// `StreamReadConstraints` limit. The compiler recurses once per nested object,
    /// so without it a pattern of a million `{"a":` overflows the stack.
    static let maximumDepth = 1000

    private let bytes: [UInt8]
    private(set) var position = 0
    private var stack: [Container] = []
    private var expectation = Expectation.rootValue

    init(_ text: String) { bytes = Array(text.utf8) }

    /// The next token; throws Jackson's message for malformed JSON.
    mutating func next() throws(EventBridgeError) -> Token {
        skipWhitespace()
        switch expectation {
        case .finished:
            if position < bytes.count { throw unexpected("expected end of input") }
            throw failure("Unexpected end-of-input")
        case .rootValue, .value:
            return try readValue()
        case .valueOrEnd:
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return closeContainer(.endArray)
            }
            return try readValue()
        case .colonThenValue:
            guard position < bytes.count else { throw endOfInput() }
            guard bytes[position] == UInt8(ascii: ":") else {
                throw unexpected("was expecting a colon to separate field name and value")
            }
            position += 1
            skipWhitespace()
            return try readValue()
        case .fieldOrEnd, .field:
            guard position < bytes.count else { throw endOfInput() }
            if expectation == .fieldOrEnd, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return closeContainer(.endObject)
            }
            guard bytes[position] == UInt8(ascii: "\"") else {
                throw unexpected("was expecting double-quote to start field name")
            }
            let name = try readString()
            expectation = .colonThenValue
            return .field(name)
        case .commaOrEnd:
            guard position < bytes.count, let top = stack.last else { throw endOfInput() }
            let byte = bytes[position]
            switch (top, byte) {
            case (.object, UInt8(ascii: "}")):
                position += 1
                return closeContainer(.endObject)
            case (.array, UInt8(ascii: "]")):
                position += 1
                return closeContainer(.endArray)
            case (.object, UInt8(ascii: ",")):
                position += 1
                expectation = .field
                return try next()
            case (.array, UInt8(ascii: ",")):
                position += 1
                expectation = .value
                skipWhitespace()
                return try readValue()
            case (.object, _):
                throw unexpected("was expecting comma to separate Object entries")
            case (.array, _):
                throw unexpected("was expecting comma to separate Array entries")
            }
        }
    }

    /// Checks that only white space follows the root value.
    mutating func finish() throws(EventBridgeError) {
        skipWhitespace()
        if position < bytes.count { throw unexpected("expected end of input") }
    }

    private mutating func openContainer(_ container: Container, expecting next: Expectation, _ token: Token) throws(EventBridgeError) -> Token {
        try checkDepth()
        position += 1
        stack.append(container)
        expectation = next
        return token
    }

    private mutating func closeContainer(_ token: Token) -> Token {
        stack.removeLast()
        expectation = stack.isEmpty ? .finished : .commaOrEnd
        return token
    }

    private mutating func afterScalar() {
        expectation = stack.isEmpty ? .finished : .commaOrEnd
    }

    private mutating func readValue() throws(EventBridgeError) -> Token {
        guard position < bytes.count else {
            if expectation == .rootValue { throw failure("No content to map due to end-of-input") }
            throw endOfInput()
        }
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "{"):
            return try openContainer(.object, expecting: .fieldOrEnd, .startObject)
        case UInt8(ascii: "["):
            return try openContainer(.array, expecting: .valueOrEnd, .startArray)
        case UInt8(ascii: "\""):
            let text = try readString()
            afterScalar()
            return .string(text)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try readNumber()
        default:
            if let literal = readLiteral() {
                afterScalar()
                return literal
            }
            let word = readWord()
            if !word.isEmpty {
                throw failure(
                    "Unrecognized token '\(word)': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
                )
            }
            throw unexpected("expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
        }
    }

    /// Refuses a container that would nest deeper than ``maximumDepth``, in Jackson's words.
    private func checkDepth() throws(EventBridgeError) {
        guard stack.count < Self.maximumDepth else {
            throw failure(
                "Document nesting depth (\(stack.count + 1)) exceeds the maximum allowed (\(Self.maximumDepth), from `StreamReadConstraints.getMaxNestingDepth()`)"
            )
        }
    }

    private mutating func readLiteral() -> Token? {
        for (word, token) in [("true", Token.true), ("false", Token.false), ("null", Token.null)] {
            let utf8 = Array(word.utf8)
            if position + utf8.count <= bytes.count, Array(bytes[position..<position + utf8.count]) == utf8 {
                let after = position + utf8.count
                if after < bytes.count, isWordByte(bytes[after]) { return nil }
                position = after
                return token
            }
        }
        return nil
    }

    private func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
            || byte >= 0x80
    }

    private mutating func readWord() -> String {
        let start = position
        var end = position
        while end < bytes.count, isWordByte(bytes[end]) { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private mutating func readNumber() throws(EventBridgeError) -> Token {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        func digits() -> Int {
            let from = position
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") { position += 1 }
            return position - from
        }
        let integerStart = position
        let integerDigits = digits()
        if integerDigits == 0 { throw failure("Unexpected character: expected digit after '-' for a valid numeric value") }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") {
            throw failure("Invalid numeric value: Leading zeroes not allowed")
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            if digits() == 0 { throw failure("Unexpected character: Decimal point not followed by a digit") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            if digits() == 0 { throw failure("Unexpected character: Exponent indicator not followed by a digit") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        afterScalar()
        return .number(text: text, value: Double(text) ?? .nan)
    }

    private mutating func readString() throws(EventBridgeError) -> String {
        position += 1  // opening quote
        var run = position
        var utf8: [UInt8] = []
        while true {
            guard position < bytes.count else { throw failure("Unexpected end-of-input: was expecting closing quote for a string value") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                utf8.append(contentsOf: bytes[run..<position])
                position += 1
                break
            }
            if byte < 0x20 {
                throw failure(
                    "Illegal unquoted character ((CTRL-CHAR, code \(byte))): has to be escaped using backslash to be included in string value"
                )
            }
            if byte != UInt8(ascii: "\\") {
                position += 1
                continue
            }
            utf8.append(contentsOf: bytes[run..<position])
            position += 1
            guard position < bytes.count else { throw failure("Unexpected end-of-input in character escape sequence") }
            let escaped = bytes[position]
            position += 1
            switch escaped {
            case UInt8(ascii: "\""): utf8.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): utf8.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): utf8.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var code = try readHex4()
                if (0xD800..<0xDC00).contains(code), position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                {
                    position += 2
                    let low = try readHex4()
                    if (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                }
                let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                utf8.append(contentsOf: Array(String(scalar).utf8))
            default:
                throw failure("Unrecognized character escape '\(Character(Unicode.Scalar(escaped)))' (code \(escaped))")
            }
            run = position
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    private mutating func readHex4() throws(EventBridgeError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("Unexpected end-of-input in character escape sequence") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("Unexpected character: expected a hex-digit for character escape sequence")
            }
            value = value * 16 + digit
            position += 1
        }
        return value
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private func endOfInput() -> EventBridgeError {
        let kind = stack.last == .array ? "Array" : "Object"
        return failure("Unexpected end-of-input: expected close marker for \(kind)")
    }

    private func unexpected(_ expectation: String) -> EventBridgeError {
        let byte = bytes[position]
        let shown = byte < 0x80 ? String(Character(Unicode.Scalar(byte))) : "\\u\(String(byte, radix: 16))"
        return failure("Unexpected character ('\(shown)' (code \(byte))): \(expectation)")
    }

    private func failure(_ reason: String) -> EventBridgeError {
        .invalidPattern(reason, at: position)
    }
}
