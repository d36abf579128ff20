import JSON

/// `$encodeUrl`, `$encodeUrlComponent`, `$decodeUrl` and
/// `$decodeUrlComponent`: percent-encoding of UTF-8 as JavaScript's
/// `encodeURI`, `encodeURIComponent`, `decodeURI` and `decodeURIComponent` do.
enum JSONataURLCoding {
    /// Bytes a URL component keeps as they are.
    private static let unreserved: Set<UInt8> = Set(
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()".utf8)
    )
    /// Bytes that delimit the parts of a whole URL: `encodeUrl` keeps them,
    /// `decodeUrl` leaves their escapes alone.
    private static let reserved: Set<UInt8> = Set(Array(";/?:@&=+$,#".utf8))

    /// `text` with every byte outside the kept set percent-encoded; `wholeURL`
    /// also keeps the reserved delimiters.
    static func encode(_ text: String, wholeURL: Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if unreserved.contains(byte) || (wholeURL && reserved.contains(byte)) {
                output.append(byte)
            } else {
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// `text` with its percent escapes decoded; `wholeURL` leaves escapes of
    /// the reserved delimiters as written.
    ///
    /// - Throws: D3140 for a `%` without two hex digits or escapes that are
    ///   not UTF-8.
    static func decode(_ text: String, wholeURL: Bool, function: String) throws(JSONataError) -> String {
        let malformed = JSONataError("D3140", "Malformed URL passed to $\(function)(): \(JSONataNumberText.string(.string(text)))")
        let bytes = Array(text.utf8)
        func escaped(at index: Int) -> UInt8? {
            guard index + 2 < bytes.count, bytes[index] == UInt8(ascii: "%"),
                let high = Hex.value(of: bytes[index + 1]), let low = Hex.value(of: bytes[index + 2])
            else { return nil }
            return high << 4 | low
        }
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "%") else {
                output.append(bytes[index])
                index += 1
                continue
            }
            guard let lead = escaped(at: index) else { throw malformed }
            if lead < 0x80 {
                output += wholeURL && reserved.contains(lead) ? Array(bytes[index..<(index + 3)]) : [lead]
                index += 3
                continue
            }
            // A multi-byte character: as many escapes as the lead byte announces.
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0
            guard length > 0, lead < 0xF8 else { throw malformed }
            var sequence = [lead]
            for offset in 1..<length {
                guard let continuation = escaped(at: index + 3 * offset), continuation & 0xC0 == 0x80 else { throw malformed }
                sequence.append(continuation)
            }
            guard String(validating: sequence, as: UTF8.self) != nil else { throw malformed }
            output += sequence
            index += 3 * length
        }
        return String(decoding: output, as: UTF8.self)
    }
}
