/// One fuzzer input, read as up to two parts split at the first NUL byte.
///
/// NUL cannot appear in the JSON, JSONata, intrinsic or pattern texts we feed, so it is
/// a separator libFuzzer's mutations keep or drop without ambiguity.
public struct FuzzInput: Sendable {
    /// Every byte.
    public let bytes: [UInt8]
    /// The bytes before the first NUL (all of them when there is none).
    public let first: ArraySlice<UInt8>
    /// The bytes after the first NUL, `nil` when there is none.
    public let second: ArraySlice<UInt8>?

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        if let nul = bytes.firstIndex(of: 0) {
            first = bytes[..<nul]
            second = bytes[(nul + 1)...]
        } else {
            first = bytes[...]
            second = nil
        }
    }

    /// `first` as text, invalid UTF-8 repaired (the parsers take `String`s).
    public var firstText: String { String(decoding: first, as: UTF8.self) }
    /// `second` as text, invalid UTF-8 repaired.
    public var secondText: String? { second.map { String(decoding: $0, as: UTF8.self) } }
}
