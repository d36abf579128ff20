import LMDB

/// The binary layout of a stored record (the value under its sequence number in
/// the `log` database). Version 1, all integers big-endian:
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 1 | format version (1) |
/// | 1 | 1 | flags (0; reserved) |
/// | 2 | 2 | kind |
/// | 4 | 2 | schema version of the payload |
/// | 6 | 2 | reserved (0) |
/// | 8 | 8 | timestamp (µs since the Unix epoch, signed) |
/// | 16 | 8 | stream id |
/// | 24 | 4 | payload length |
/// | 28 | n | payload |
///
/// The payload length is redundant with the LMDB value size on purpose: a
/// record truncated or overwritten by something other than the log fails the
/// check instead of decoding into nonsense. A reader that meets a higher format
/// version refuses the record rather than guessing.
enum RecordFormat {
    static let version: UInt8 = 1
    static let headerSize = 28

    /// Encodes `header` for a payload of `payloadCount` bytes, without allocating.
    @inline(__always)
    static func encodeHeader(_ header: RecordHeader, payloadCount: Int) -> InlineArray<28, UInt8> {
        var bytes = InlineArray<28, UInt8>(repeating: 0)
        bytes[0] = version
        bytes[2] = UInt8(truncatingIfNeeded: header.kind.rawValue >> 8)
        bytes[3] = UInt8(truncatingIfNeeded: header.kind.rawValue)
        bytes[4] = UInt8(truncatingIfNeeded: header.version >> 8)
        bytes[5] = UInt8(truncatingIfNeeded: header.version)
        let timestamp = UInt64(bitPattern: header.timestamp)
        let stream = header.stream.rawValue
        for index in 0..<8 {
            let shift = UInt64(56 - 8 * index)
            bytes[8 + index] = UInt8(truncatingIfNeeded: timestamp >> shift)
            bytes[16 + index] = UInt8(truncatingIfNeeded: stream >> shift)
        }
        let length = UInt32(truncatingIfNeeded: payloadCount)
        bytes[24] = UInt8(truncatingIfNeeded: length >> 24)
        bytes[25] = UInt8(truncatingIfNeeded: length >> 16)
        bytes[26] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[27] = UInt8(truncatingIfNeeded: length)
        return bytes
    }

    /// Decodes and checks the header of the stored record `value`.
    /// - Throws: ``EventLogError`` naming `sequence` when the record is not a valid record.
    @inline(__always)
    static func decodeHeader(_ value: RawSpan, at sequence: SequenceNumber) throws(EventLogError) -> RecordHeader {
        guard value.byteCount >= headerSize else {
            throw EventLogError(
                .corruptRecord,
                sequence: sequence,
                "the record is \(value.byteCount) bytes, shorter than the \(headerSize)-byte header"
            )
        }
        let format = value.unsafeLoad(fromByteOffset: 0, as: UInt8.self)
        guard format == version else {
            throw EventLogError(
                .unsupportedFormat,
                sequence: sequence,
                "record format \(format) is not readable by this build (it reads format \(version))"
            )
        }
        let length = Int(value.bigEndian(at: 24, as: UInt32.self))
        guard length == value.byteCount - headerSize else {
            throw EventLogError(
                .corruptRecord,
                sequence: sequence,
                "the header announces a \(length)-byte payload but \(value.byteCount - headerSize) bytes are stored"
            )
        }
        return RecordHeader(
            kind: RecordKind(value.bigEndian(at: 2, as: UInt16.self)),
            version: value.bigEndian(at: 4, as: UInt16.self),
            timestamp: value.bigEndian(at: 8, as: Int64.self),
            stream: StreamID(value.bigEndian(at: 16, as: UInt64.self))
        )
    }

    /// Decodes a whole stored record into an entry (copying the payload).
    static func decodeEntry(_ value: RawSpan, at sequence: SequenceNumber, kinds: RecordKinds?) throws(EventLogError) -> LogEntry {
        let header = try decodeHeader(value, at: sequence)
        try kinds?.check(header, at: sequence)
        let payload = value.extracting(headerSize...).copiedBytes()
        return LogEntry(sequence: sequence, record: Record(header: header, payload: payload))
    }

    /// Decodes the big-endian sequence number key of the `log` database.
    @inline(__always)
    static func decodeKey(_ key: RawSpan) throws(EventLogError) -> SequenceNumber {
        guard key.byteCount == 8 else {
            throw EventLogError(.corruptRecord, "a key of the log is \(key.byteCount) bytes, not 8")
        }
        return SequenceNumber(key.bigEndian(at: 0, as: UInt64.self))
    }
}
