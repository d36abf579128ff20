import Memberwise

/// The fixed header of every record: what it is, in which schema version,
/// when, and which stream it belongs to.
@MemberwiseInit(.public)
public struct RecordHeader: Hashable, Sendable {
    /// What the record means (defined by the Engine).
    public var kind: RecordKind
    /// The schema version of the payload for this kind, so an old log replays after an upgrade.
    public var version: UInt16
    /// When the record was made, in microseconds since the Unix epoch, chosen by the
    /// caller (the log never reads a clock, so replay is deterministic).
    public var timestamp: Int64
    /// The stream it belongs to, or ``StreamID/none``.
    public var stream: StreamID
}

/// A record to append: a header and opaque payload bytes.
@MemberwiseInit(.public)
public struct Record: Hashable, Sendable {
    public var header: RecordHeader
    /// The payload, encoded by whoever defines ``RecordHeader/kind``.
    public var payload: [UInt8]

    public init(kind: RecordKind, version: UInt16 = 1, timestamp: Int64, stream: StreamID = .none, payload: [UInt8]) {
        self.init(header: RecordHeader(kind: kind, version: version, timestamp: timestamp, stream: stream), payload: payload)
    }
}

/// A record as stored in the log, with its sequence number.
@MemberwiseInit(.public)
public struct LogEntry: Hashable, Sendable {
    public var sequence: SequenceNumber
    public var record: Record

    public var header: RecordHeader { record.header }
    public var payload: [UInt8] { record.payload }
}
