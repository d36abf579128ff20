public import LMDB

/// The built-in index from stream to the sequence numbers of its records.
///
/// One empty-valued entry per record with a stream: the key is the stream id
/// then the sequence number, both big-endian, so one stream's records are
/// adjacent and in log order, and a cursor seek to the stream id finds the first.
/// Records of ``StreamID/none`` are not indexed.
public struct StreamIndex: LogIndex {
    /// The database that holds the index.
    public static let databaseName = "log.streams"

    public let name = "streams"
    public let databaseNames = [StreamIndex.databaseName]

    public init() {}

    public func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws {
        guard entry.header.stream != .none else { return }
        let key = StreamIndex.key(stream: entry.header.stream, sequence: entry.sequence)
        let empty: [UInt8] = []
        try transaction.put(empty.span.bytes, forKey: key.span.bytes, in: databases[0])
    }

    /// The 16-byte key of `sequence` in `stream`.
    static func key(stream: StreamID, sequence: SequenceNumber) -> InlineArray<16, UInt8> {
        var key = InlineArray<16, UInt8>(repeating: 0)
        let streamBytes = stream.rawValue.bigEndianBytes
        let sequenceBytes = sequence.rawValue.bigEndianBytes
        for index in 0..<8 {
            key[index] = streamBytes[index]
            key[8 + index] = sequenceBytes[index]
        }
        return key
    }
}
