/// An inclusive range of IPv4 or IPv6 addresses, as bytes (4 or 16 of them).
///
/// Used by `cidr` and by exact strings that are IP addresses: EventBridge compares
/// addresses, not spellings, so `2001:db8::` matches `2001:0db8:0:0:0:0:0:0`.
struct IPRange: Hashable, Sendable {
    let low: [UInt8]
    let high: [UInt8]

    /// One address.
    init(address: [UInt8]) {
        low = address
        high = address
    }

    /// Parses `ADDRESS/BITS` with event-ruler's checks and messages.
    init(cidr text: String) throws(EventBridgeError) {
        // Java's String.split drops trailing empty strings: "a/" is one part, "/8" two.
        var parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        while parts.count > 1, parts.last == "" { parts.removeLast() }
        guard parts.count == 2 else { throw .invalidPattern("Malformed CIDR, one '/' required") }
        guard let bits = Self.javaInteger(parts[1]) else {
            throw .invalidPattern("Malformed CIDR, mask bits must be an integer")
        }
        guard bits >= 0 else { throw .invalidPattern("Malformed CIDR, mask bits must not be negative") }
        guard let address = Self.address(parts[0]) else { throw .invalidPattern("Nonstandard IP address: \(parts[0])") }
        if address.count == 4, bits > 31 { throw .invalidPattern("IPv4 mask bits must be < 32") }
        if address.count == 16, bits > 127 { throw .invalidPattern("IPv6 mask bits must be < 128") }
        var high = address
        var hostBits = address.count * 8 - bits
        for index in stride(from: high.count - 1, through: 0, by: -1) where hostBits > 0 {
            if hostBits >= 8 { high[index] = 0xFF } else { high[index] |= UInt8((1 << hostBits) - 1) }
            hostBits -= 8
        }
        low = address
        self.high = high
    }

    /// Whether an address of the same family lies in the range.
    func contains(_ address: [UInt8]) -> Bool {
        guard address.count == low.count else { return false }
        return !address.lexicographicallyPrecedes(low) && !high.lexicographicallyPrecedes(address)
    }

    /// `Integer.parseInt`: an optional sign and decimal digits.
    private static func javaInteger(_ text: String) -> Int? {
        var digits = Substring(text)
        var sign = 1
        if let first = digits.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.count < 10, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits) else {
            return nil
        }
        return sign * value
    }

    /// The bytes of an IPv4 (dotted quad) or IPv6 address literal, or `nil`.
    static func address(_ text: String) -> [UInt8]? {
        if text.contains(":") { return ipv6(Substring(text)) }
        return ipv4(Substring(text))
    }

    private static func ipv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(part), value <= 255 else {
                return nil
            }
            bytes.append(UInt8(value))
        }
        return bytes
    }

    /// Splits on a two-byte separator (Foundation-free `components(separatedBy:)`).
    private static func split(_ text: Substring, on separator: String) -> [String] {
        var parts: [String] = []
        var rest = text
        while let range = rest.firstRange(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }

    private static func ipv6(_ text: Substring) -> [UInt8]? {
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var compressed = false
        let halves = Self.split(text, on: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowIPv4: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowIPv4, index == pieces.count - 1, piece.contains("."), let v4 = ipv4(piece) {
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        if halves.count == 2 {
            compressed = true
            guard let h = groups(halves[0], allowIPv4: false), let t = groups(halves[1], allowIPv4: true) else { return nil }
            head = h
            tail = t
            guard head.count + tail.count <= 7 else { return nil }
        } else {
            guard let all = groups(halves[0], allowIPv4: true), all.count == 8 else { return nil }
            head = all
        }
        let zeros = compressed ? 8 - head.count - tail.count : 0
        let words = head + Array(repeating: 0, count: zeros) + tail
        return words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}
