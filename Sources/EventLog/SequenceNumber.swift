/// The position of a record in the log: 1 for the first record, then +1 per record, never reused.
///
/// Stored as the record's key in big-endian order, so LMDB's byte order is log order.
///
/// Strideable, so the `Range<SequenceNumber>` an append returns is a collection
/// of the sequence numbers it got.
public struct SequenceNumber: RawRepresentable, Hashable, Strideable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    /// The sequence number of the first record of every log.
    public static let first = SequenceNumber(1)

    /// The sequence number after this one.
    public var next: SequenceNumber { SequenceNumber(rawValue + 1) }

    public static func < (lhs: SequenceNumber, rhs: SequenceNumber) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "#\(rawValue)" }

    public func distance(to other: SequenceNumber) -> Int64 { Int64(bitPattern: other.rawValue &- rawValue) }

    public func advanced(by distance: Int64) -> SequenceNumber { SequenceNumber(rawValue &+ UInt64(bitPattern: distance)) }

    /// The 8-byte big-endian key of this record in the `log` database.
    var key: InlineArray<8, UInt8> { rawValue.bigEndianBytes }
}

/// A sequence number in a record payload or index value: the number itself.
/// `0` numbers no record, so it does not decode.
extension SequenceNumber: Codable {
    public init(from decoder: any Decoder) throws {
        let number = try decoder.singleValueContainer().decode(UInt64.self)
        guard number > 0 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "is not a sequence number"))
        }
        self.init(number)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

extension UInt64 {
    /// The value as 8 big-endian bytes, without allocating.
    @inline(__always)
    var bigEndianBytes: InlineArray<8, UInt8> {
        var bytes = InlineArray<8, UInt8>(repeating: 0)
        for index in 0..<8 { bytes[index] = UInt8(truncatingIfNeeded: self >> (56 - 8 * UInt64(index))) }
        return bytes
    }
}

extension RawSpan {
    /// Reads a big-endian integer at `offset`; the caller has checked the length.
    @inline(__always)
    func bigEndian<T: FixedWidthInteger & BitwiseCopyable>(at offset: Int, as type: T.Type) -> T {
        T(bigEndian: unsafeLoadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
