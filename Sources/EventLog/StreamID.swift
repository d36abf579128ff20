/// The stream a record belongs to, for example one workflow execution.
///
/// The log keeps an index from stream to sequence numbers, written in the same
/// transaction as the records, so ``EventLog/entries(ofStream:from:)`` reads a
/// stream without scanning the log. Ids are chosen by the caller (the Engine
/// uses the sequence number of the record that started the stream). ``none``
/// marks records that belong to no stream; they are not indexed.
public struct StreamID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    /// No stream: the record is not indexed by stream.
    public static let none = StreamID(0)

    public static func < (lhs: StreamID, rhs: StreamID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "stream \(rawValue)" }
}
