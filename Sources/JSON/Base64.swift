/// Base64 text of bytes (RFC 4648): the standard alphabet with `=` padding, as
/// `States.Base64Encode`, JSONata's `$base64encode`, SQS binary attributes and
/// SNS signatures write it, or the URL-safe alphabet without padding (§5), for
/// the tokens the server hands out. It lives here because all of those depend on
/// JSON and on nothing else in common.
public enum Base64 {
    /// Which 64 symbols stand for the values 0 to 63.
    public enum Alphabet: Sendable {
        /// `A`–`Z`, `a`–`z`, `0`–`9`, `+`, `/`; text is padded with `=` to a multiple of four.
        case standard
        /// `-` and `_` in place of `+` and `/`; no padding.
        case url
    }

    private static let standardSymbols = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlSymbols = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// `bytes` as Base64 text in `alphabet`.
    public static func encode(_ bytes: some Collection<UInt8>, alphabet: Alphabet = .standard) -> String {
        let symbols = alphabet == .standard ? standardSymbols : urlSymbols
        let bytes = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            // A group of n < 3 bytes fills n + 1 symbols; the standard alphabet pads the rest.
            for (position, shift) in [18, 12, 6, 0].enumerated() {
                if position <= remaining {
                    out.append(symbols[Int(group >> UInt32(shift) & 0x3F)])
                } else if alphabet == .standard {
                    out.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes `text` encodes in `alphabet`, or `nil` when it is not such text:
    /// a symbol outside the alphabet (not even a line break is accepted), a length
    /// no encoding has, or padding that is misplaced. Standard padding may be left
    /// out, as Java's basic decoder allows; URL-safe text has none.
    public static func decode(_ text: some StringProtocol, alphabet: Alphabet = .standard) -> [UInt8]? {
        var symbols = Array(text.utf8)
        var padding = 0
        while alphabet == .standard, symbols.last == UInt8(ascii: "="), padding < 2 {
            symbols.removeLast()
            padding += 1
        }
        guard symbols.count % 4 != 1, padding == 0 || (symbols.count + padding) % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(symbols.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for symbol in symbols {
            guard let value = value(of: symbol, in: alphabet) else { return nil }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return out
    }

    private static func value(of symbol: UInt8, in alphabet: Alphabet) -> UInt32? {
        switch (symbol, alphabet) {
        case (UInt8(ascii: "A")...UInt8(ascii: "Z"), _): UInt32(symbol - UInt8(ascii: "A"))
        case (UInt8(ascii: "a")...UInt8(ascii: "z"), _): UInt32(symbol - UInt8(ascii: "a") + 26)
        case (UInt8(ascii: "0")...UInt8(ascii: "9"), _): UInt32(symbol - UInt8(ascii: "0") + 52)
        case (UInt8(ascii: "+"), .standard), (UInt8(ascii: "-"), .url): 62
        case (UInt8(ascii: "/"), .standard), (UInt8(ascii: "_"), .url): 63
        default: nil
        }
    }
}
