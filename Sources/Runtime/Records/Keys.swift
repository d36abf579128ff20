/// Key encodings shared by every service's index databases; each service adds
/// its own keys in an extension.
///
/// Each key is built in one array sized up front: keys are made for every index
/// write (and again by `verify` for every record), so concatenating temporary
/// arrays showed up in profiles.
package enum Keys {
    package static func text(_ value: String) -> [UInt8] { Array(value.utf8) }

    package static func bigEndian(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8)
        appendBigEndian(value, to: &bytes)
        return bytes
    }

    package static func appendBigEndian(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// `parts` joined, each text followed by a 0 byte except the last.
    package static func joined(_ parts: String...) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(parts.reduce(parts.count) { $0 + $1.utf8.count })
        for (position, part) in parts.enumerated() {
            if position > 0 { key.append(0) }
            key.append(contentsOf: part.utf8)
        }
        return key
    }

    /// `text`, a 0 byte if `separated`, then `numbers` big-endian.
    package static func text(_ text: String, separated: Bool, then numbers: UInt64...) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(text.utf8.count + 1 + 8 * numbers.count)
        key.append(contentsOf: text.utf8)
        if separated { key.append(0) }
        for number in numbers { appendBigEndian(number, to: &key) }
        return key
    }
}
