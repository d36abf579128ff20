/// The parser's cursor over a UTF-8 buffer that has been validated.
///
/// Speed comes from three choices, measured with `JSONBenchmark`:
/// - Elements and members are collected on two scratch stacks shared by the whole
///   parse and copied into exactly-sized arrays when their container closes, so a
///   container costs one allocation (two for an object) instead of one per growth.
/// - Strings are copied straight out of the buffer; the buffer was validated as
///   UTF-8 once, so no per-string validation is needed.
/// - Objects inside arrays share the key array (and index) of an earlier object
///   with the same keys: records of a list repeat one shape, so most objects then
///   cost one allocation and no duplicate-key check.
/// - Numbers without fraction or exponent that fit are accumulated as `Int`;
///   decimals with at most 15 significant digits and a small exponent are built
///   exactly from an integer and a power of ten (Clinger's fast path); only the
///   rest go through `strtod`.
struct JSONReader {
    let buffer: UnsafeBufferPointer<UInt8>
    var position = 0
    /// Values of the arrays and objects still open, innermost last.
    private var valueStack: [JSONValue] = []
    /// Keys of the objects still open, innermost last.
    private var keyStack: [String] = []
    /// Key lists (with their index) of recently closed objects. Documents repeat
    /// a few shapes (every record of a list has the same keys), and an object of
    /// a known shape shares its key array instead of allocating and checking one.
    private var shapes: [(keys: [String], index: [String: Int]?)] = []
    private var nextShapeSlot = 0
    /// How many arrays are open: repeated shapes are elements of arrays, so
    /// objects outside any array skip the cache (small documents pay nothing).
    private var openArrays = 0
    private static let shapeCacheSize = 16

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
        let start = literal.utf8Start
        for i in 0..<count {
            guard position + i < buffer.count else { throw error(.unexpectedEnd) }
            if buffer[position + i] != start[i] { throw error(.unexpectedCharacter, at: position + i) }
        }
        position += count
    }

    // MARK: Containers

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        if try openContainer(depth: depth, closing: UInt8(ascii: "}")) { return .object(JSONObject()) }
        let keyBase = keyStack.count
        let valueBase = valueStack.count
        while true {
            skipWhitespace()
            guard position < buffer.count else { throw error(.unexpectedEnd) }
            guard buffer[position] == UInt8(ascii: "\"") else { throw error(.expectedKey) }
            keyStack.append(try parseString())
            skipWhitespace()
            guard position < buffer.count else { throw error(.unexpectedEnd) }
            guard buffer[position] == UInt8(ascii: ":") else { throw error(.expectedColon) }
            position += 1
            if try pushElement(depth: depth, closing: UInt8(ascii: "}")) {
                let values = Self.pop(&valueStack, from: valueBase, filler: .null)
                guard openArrays > 0 else {
                    return .object(JSONObject(parsedKeys: Self.pop(&keyStack, from: keyBase, filler: ""), values: values))
                }
                if let shape = knownShape(from: keyBase) {
                    keyStack.removeLast(values.count)
                    return .object(JSONObject(keys: shape.keys, values: values, index: shape.index))
                }
                let keys = Self.pop(&keyStack, from: keyBase, filler: "")
                let object = JSONObject(parsedKeys: keys, values: values)
                if object.count == keys.count { remember(shape: (object.keys, object.index)) }
                return .object(object)
            }
        }
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        if try openContainer(depth: depth, closing: UInt8(ascii: "]")) { return .array([]) }
        let base = valueStack.count
        openArrays += 1
        defer { openArrays -= 1 }
        while true {
            if try pushElement(depth: depth, closing: UInt8(ascii: "]")) {
                return .array(Self.pop(&valueStack, from: base, filler: .null))
            }
        }
    }

    /// A cached shape whose keys equal `keyStack[base...]`, in order, byte for
    /// byte (`String.==` would also match canonically equivalent keys, such as a
    /// precomposed and a decomposed "é", and so change the key's text).
    private func knownShape(from base: Int) -> (keys: [String], index: [String: Int]?)? {
        let count = keyStack.count - base
        search: for shape in shapes where shape.keys.count == count {
            for offset in 0..<count where !shape.keys[offset].utf8.elementsEqual(keyStack[base + offset].utf8) {
                continue search
            }
            return shape
        }
        return nil
    }

    /// Caches a shape of distinct keys, replacing the oldest when full.
    private mutating func remember(shape: (keys: [String], index: [String: Int]?)) {
        if shapes.count < Self.shapeCacheSize {
            if shapes.isEmpty { shapes.reserveCapacity(Self.shapeCacheSize) }
            shapes.append(shape)
        } else {
            shapes[nextShapeSlot] = shape
            nextShapeSlot = (nextShapeSlot + 1) % Self.shapeCacheSize
        }
    }

    /// Steps over the opening bracket; `true` when the container is empty (its
    /// closing bracket is consumed too).
    mutating func openContainer(depth: Int, closing: UInt8) throws(JSONParseError) -> Bool {
        guard depth <= JSONParser.maximumDepth else { throw error(.tooDeep) }
        position += 1
        skipWhitespace()
        guard position < buffer.count else { throw error(.unexpectedEnd) }
        guard buffer[position] == closing else { return false }
        position += 1
        return true
    }

    /// Reads an element or member value onto the value stack, then the comma or
    /// closing bracket after it; `true` when the container closed.
    private mutating func pushElement(depth: Int, closing: UInt8) throws(JSONParseError) -> Bool {
        skipWhitespace()
        valueStack.append(try parseValue(depth: depth))
        return try closeMember(closing: closing)
    }

    /// Reads the comma or closing bracket after an element or member; `true` when the container closed.
    mutating func closeMember(closing: UInt8) throws(JSONParseError) -> Bool {
        skipWhitespace()
        guard position < buffer.count else { throw error(.unexpectedEnd) }
        switch buffer[position] {
        case UInt8(ascii: ","):
            position += 1
            return false
        case closing:
            position += 1
            return true
        default:
            throw error(.expectedCommaOrEnd)
        }
    }

    /// Moves `stack[base...]` into a new array of exactly that size and shortens
    /// the stack, keeping its capacity. Moving instead of copying saves a retain
    /// and a release per element; `filler` (a value without references) takes the
    /// moved-out slots so that shortening the stack has nothing to release.
    @inline(__always)
    private static func pop<Element>(_ stack: inout [Element], from base: Int, filler: Element) -> [Element] {
        let count = stack.count - base
        let popped = [Element](unsafeUninitializedCapacity: count) { target, initialized in
            stack.withUnsafeMutableBufferPointer { source in
                // Both buffers hold at least `count` elements from these positions:
                // `target` was allocated for `count`, `source` has `base + count`.
                let slots = source.baseAddress! + base
                target.baseAddress!.moveInitialize(from: slots, count: count)
                slots.initialize(repeating: filler, count: count)
            }
            initialized = count
        }
        stack.removeLast(count)
        return popped
    }

    // MARK: Numbers

    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        let negative = buffer[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        guard position < buffer.count else { throw error(.unexpectedEnd) }

        // Significant digits go into `mantissa` while they fit exactly (19 digits);
        // `droppedDigits` counts integer digits beyond that, `fractionDigits` those
        // after the point that were kept.
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var droppedDigits = 0
        var fractionDigits = 0
        @inline(__always) func accumulate(_ byte: UInt8, fraction: Bool) {
            if mantissa == 0 && byte == UInt8(ascii: "0") {
                if fraction { fractionDigits += 1 }
                return
            }
            if significantDigits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(byte &- 48)
                significantDigits += 1
                if fraction { fractionDigits += 1 }
            } else if !fraction {
                droppedDigits += 1
            }
        }

        if buffer[position] == UInt8(ascii: "0") {
            position += 1
            if position < buffer.count, isDigit(buffer[position]) { throw error(.invalidNumber, at: start) }
        } else if isDigit(buffer[position]) {
            while position < buffer.count, isDigit(buffer[position]) {
                accumulate(buffer[position], fraction: false)
                position += 1
            }
        } else {
            throw error(.invalidNumber, at: start)
        }
        var isInteger = true
        if position < buffer.count, buffer[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < buffer.count, isDigit(buffer[position]) else { throw error(.invalidNumber, at: start) }
            while position < buffer.count, isDigit(buffer[position]) {
                accumulate(buffer[position], fraction: true)
                position += 1
            }
        }
        var exponent = 0
        if position < buffer.count, buffer[position] == UInt8(ascii: "e") || buffer[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            var exponentNegative = false
            if position < buffer.count, buffer[position] == UInt8(ascii: "+") || buffer[position] == UInt8(ascii: "-") {
                exponentNegative = buffer[position] == UInt8(ascii: "-")
                position += 1
            }
            guard position < buffer.count, isDigit(buffer[position]) else { throw error(.invalidNumber, at: start) }
            while position < buffer.count, isDigit(buffer[position]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(buffer[position] &- 48) }
                position += 1
            }
            if exponentNegative { exponent = -exponent }
        }

        if isInteger, droppedDigits == 0 {
            if mantissa <= UInt64(Int.max) {
                let value = Int(mantissa)
                return .integer(negative ? -value : value)
            }
            if negative, mantissa == UInt64(Int.max) + 1 { return .integer(.min) }
        }
        // Clinger's fast path: both the mantissa and 10^k are exact doubles, so one
        // correctly rounded multiplication or division gives the correctly rounded result.
        let decimalExponent = exponent - fractionDigits + droppedDigits
        if significantDigits <= 15, droppedDigits == 0, (-22...22).contains(decimalExponent) {
            var value = Double(mantissa)
            if decimalExponent < 0 {
                value /= Self.powersOfTen[-decimalExponent]
            } else {
                value *= Self.powersOfTen[decimalExponent]
            }
            return .double(negative ? -value : value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self)
        guard let value = Double(text) else { throw error(.invalidNumber, at: start) }
        return .double(value)
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    // MARK: Strings

    /// Reads a string; the current byte is its opening quote.
    mutating func parseString() throws(JSONParseError) -> String {
        position += 1
        let start = position
        // Fast path: no escapes up to the closing quote.
        skipPlainStringBytes()
        guard position < buffer.count else { throw error(.unexpectedEnd) }
        if buffer[position] == UInt8(ascii: "\"") {
            let slice = UnsafeBufferPointer(rebasing: buffer[start..<position])
            position += 1
            return String(decoding: slice, as: UTF8.self)
        }
        if buffer[position] < 0x20 { throw error(.controlCharacterInString) }
        var bytes = Array(UnsafeBufferPointer(rebasing: buffer[start..<position]))
        while position < buffer.count {
            let byte = buffer[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: bytes, as: UTF8.self)
            case UInt8(ascii: "\\"):
                let scalar = try readEscape()
                if scalar.isASCII {
                    bytes.append(UInt8(scalar.value))
                } else {
                    // Every scalar has a UTF-8 form.
                    bytes.append(contentsOf: UTF8.encode(scalar)!)
                }
            default:
                if byte < 0x20 { throw error(.controlCharacterInString) }
                bytes.append(byte)
                position += 1
            }
        }
        throw error(.unexpectedEnd)
    }

    /// At a backslash in a string: reads the escape (a character, or `u` and four
    /// hex digits, or a surrogate pair of two such) and returns the scalar it stands for.
    /// ``parseString()`` and ``skipString()`` share it, so skipping checks what parsing checks.
    mutating func readEscape() throws(JSONParseError) -> Unicode.Scalar {
        position += 1
        guard position < buffer.count else { throw error(.unexpectedEnd) }
        let escape = buffer[position]
        position += 1
        switch escape {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"): return try readUnicodeEscape()
        default: throw error(.invalidEscape, at: position - 2)
        }
    }

    /// After `\u`: one escape, or a surrogate pair of two, as the scalar it stands for.
    private mutating func readUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
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
        // Surrogates were excluded above and the value is below 0x110000, so it is a scalar.
        return Unicode.Scalar(scalar)!
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

    // MARK: UTF-8

    /// The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629:
    /// no overlong forms, no surrogates, nothing above U+10FFFF), or `nil`.
    static func firstInvalidUTF8(in buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        var position = 0
        let count = buffer.count
        guard let base = buffer.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        while position < count {
            // Skip ASCII eight bytes at a time.
            while position + 8 <= count,
                raw.loadUnaligned(fromByteOffset: position, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
            {
                position += 8
            }
            guard position < count else { return nil }
            let lead = buffer[position]
            if lead < 0x80 {
                position += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
            default: return position
            }
            guard position + length <= count else { return position }
            let second = buffer[position + 1]
            guard second >= lower && second <= upper else { return position }
            for offset in 2..<max(2, length) where buffer[position + offset] & 0xC0 != 0x80 {
                return position
            }
            position += length
        }
        return nil
    }
}
