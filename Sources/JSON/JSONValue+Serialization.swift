extension JSONValue {
    /// Compact JSON text as Step Functions (Jackson) writes outputs: keys in their
    /// stored order, no spaces, `/` and non-ASCII characters unescaped, doubles as
    /// Java prints them (``javaDoubleText(_:)``).
    public var serialized: String {
        var sink = ByteSink()
        defer { sink.deallocate() }
        writeCompact(to: &sink)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// JSON text, compact or (`pretty: true`) indented by two spaces per level with
    /// `"key": value` members, for people reading CLI output. Empty arrays and
    /// objects stay `[]` and `{}`.
    public func serialized(pretty: Bool) -> String {
        guard pretty else { return serialized }
        var sink = ByteSink()
        defer { sink.deallocate() }
        writePretty(to: &sink, indent: 0)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// Appends the compact JSON text of this value to `output` as UTF-8.
    public func write(to output: inout [UInt8]) {
        var sink = ByteSink()
        defer { sink.deallocate() }
        writeCompact(to: &sink)
        output.append(contentsOf: sink.bytes)
    }

    /// The compact JSON text as UTF-8 bytes, the same bytes as ``serialized``
    /// without going through `String` (which would validate and copy them twice):
    /// index values and record payloads are written this way on every commit.
    public var serializedBytes: [UInt8] {
        var sink = ByteSink()
        defer { sink.deallocate() }
        writeCompact(to: &sink)
        return Array(sink.bytes)
    }

    private func writeCompact(to output: inout ByteSink) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let b): output.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let i): Self.writeInteger(i, to: &output)
        case .double(let d): output.append(contentsOf: Self.javaDoubleText(d).utf8)
        case .string(let s): Self.writeString(s, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                element.writeCompact(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            let keys = object.keys
            let values = object.values
            for position in keys.indices {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeString(keys[position], to: &output)
                output.append(UInt8(ascii: ":"))
                values[position].writeCompact(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private func writePretty(to output: inout ByteSink, indent: Int) {
        func newline(_ level: Int) {
            output.append(0x0A)
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
        }
        switch self {
        case .array(let elements) where !elements.isEmpty:
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                element.writePretty(to: &output, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "]"))
        case .object(let object) where !object.isEmpty:
            output.append(UInt8(ascii: "{"))
            for (position, (key, value)) in object.entries.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                Self.writeString(key, to: &output)
                output.append(contentsOf: ": ".utf8)
                value.writePretty(to: &output, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "}"))
        default:
            writeCompact(to: &output)
        }
    }

    /// A double as Java's `Double.toString` spells it, which is what Jackson (and
    /// so Step Functions) writes: `1.0`, `0.001`, `1234567.5`, `1.0E7`, `1.0E-4`,
    /// `1.2345E20`, `-0.0`. Plain notation for magnitudes in [10⁻³, 10⁷), otherwise
    /// one digit, a point, at least one more digit and `E` with the exponent.
    /// Digits are the shortest that round-trip (Java 19 and later agree).
    /// Non-finite values, which JSON cannot hold, become `null`.
    public static func javaDoubleText(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        let magnitude = value.magnitude
        // In this range Swift's shortest round-trip text is already Java's.
        if magnitude >= 1e-3 && magnitude < 1e7 { return value.description }

        // Otherwise rebuild scientific notation from Swift's digits and exponent.
        var mantissa = Substring(magnitude.description)
        var exponent = 0
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(mantissa[mantissa.index(after: e)...]) ?? 0
            mantissa = mantissa[..<e]
        }
        var digits: [UInt8] = []
        var pointPosition = 0
        for byte in mantissa.utf8 {
            if byte == UInt8(ascii: ".") {
                pointPosition = digits.count
            } else {
                digits.append(byte)
            }
        }
        if !mantissa.utf8.contains(UInt8(ascii: ".")) { pointPosition = digits.count }
        pointPosition += exponent
        while digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }

        var text: [UInt8] = value.sign == .minus ? [UInt8(ascii: "-")] : []
        text.append(digits[0])
        text.append(UInt8(ascii: "."))
        if digits.count > 1 { text.append(contentsOf: digits[1...]) } else { text.append(UInt8(ascii: "0")) }
        text.append(UInt8(ascii: "E"))
        text.append(contentsOf: String(pointPosition - 1).utf8)
        return String(decoding: text, as: UTF8.self)
    }

    /// Decimal digits without going through `String`.
    static func writeInteger(_ value: Int, to output: inout ByteSink) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt = 1
        while divisor <= magnitude / 10 { divisor &*= 10 }
        repeat {
            output.append(UInt8(truncatingIfNeeded: magnitude / divisor) &+ 48)
            magnitude %= divisor
            divisor /= 10
        } while divisor > 0
    }

    /// Escapes as Jackson does: `"`, `\` and control characters (short forms
    /// `\b \t \n \f \r`, otherwise `\u00XX` in upper case); nothing else.
    /// Runs of bytes that need no escape are copied in one step.
    static func writeString(_ string: String, to output: inout ByteSink) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for position in bytes.indices {
                let byte = bytes[position]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < position { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position])) }
                runStart = position + 1
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                case 0x09: output.append(UInt8(ascii: "t"))
                case 0x08: output.append(UInt8(ascii: "b"))
                case 0x0C: output.append(UInt8(ascii: "f"))
                default:
                    let hex: StaticString = "0123456789ABCDEF"
                    output.append(contentsOf: "u00".utf8)
                    output.append(hex.utf8Start[Int(byte >> 4)])
                    output.append(hex.utf8Start[Int(byte & 0xF)])
                }
            }
            if runStart < bytes.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        output.append(UInt8(ascii: "\""))
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { serialized }
}
