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

    /// `text`, then a 0 byte if `separated`.
    package static func text(_ text: String, separated: Bool) -> [UInt8] {
        key(text, separated: separated, numbers: 0) { _ in }
    }

    /// `text`, a 0 byte if `separated`, then `number` big-endian.
    ///
    /// One, two or three numbers rather than a variadic list: a variadic
    /// argument is an array allocated for every call, and `verify` makes keys
    /// for every message of every queue record.
    package static func text(_ text: String, separated: Bool, then number: UInt64) -> [UInt8] {
        key(text, separated: separated, numbers: 1) { appendBigEndian(number, to: &$0) }
    }

    /// `text`, a 0 byte if `separated`, then `first` and `second` big-endian.
    package static func text(_ text: String, separated: Bool, then first: UInt64, _ second: UInt64) -> [UInt8] {
        key(text, separated: separated, numbers: 2) { key in
            appendBigEndian(first, to: &key)
            appendBigEndian(second, to: &key)
        }
    }

    /// `text`, a 0 byte if `separated`, then `first`, `second` and `third` big-endian.
    package static func text(
        _ text: String, separated: Bool, then first: UInt64, _ second: UInt64, _ third: UInt64
    ) -> [UInt8] {
        key(text, separated: separated, numbers: 3) { key in
            appendBigEndian(first, to: &key)
            appendBigEndian(second, to: &key)
            appendBigEndian(third, to: &key)
        }
    }

    @inline(__always)
    private static func key(_ text: String, separated: Bool, numbers: Int, _ append: (inout [UInt8]) -> Void) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(text.utf8.count + 1 + 8 * numbers)
        key.append(contentsOf: text.utf8)
        if separated { key.append(0) }
        append(&key)
        return key
    }
}
