import LMDB

extension EventLog {
    /// The record with sequence number `sequence`, or `nil` if there is none.
    /// - Throws: ``EventLogError`` naming `sequence` if it is corrupt or of an unknown kind.
    public func entry(at sequence: SequenceNumber) throws -> LogEntry? {
        let kinds = configuration.kinds
        return try environment.read { transaction in
            let key = sequence.key
            return try transaction.withValue(forKey: key.span.bytes, in: logDatabase) { value in
                try RecordFormat.decodeEntry(value, at: sequence, kinds: kinds)
            }
        }
    }

    /// The records from `start` through `end` (default: the last), at most `limit`, in order.
    /// - Throws: ``EventLogError`` naming the first corrupt or unknown record.
    public func entries(
        from start: SequenceNumber,
        through end: SequenceNumber? = nil,
        limit: Int = .max
    ) throws -> [LogEntry] {
        try environment.read { transaction in
            try Self.readEntries(
                from: start,
                through: end ?? SequenceNumber(.max),
                limit: limit,
                in: transaction,
                log: logDatabase,
                kinds: configuration.kinds
            )
        }
    }

    /// The records of `stream` from `start` on, at most `limit`, in log order,
    /// found through the stream index.
    public func entries(
        ofStream stream: StreamID,
        from start: SequenceNumber = .first,
        limit: Int = .max
    ) throws
        -> [LogEntry]
    {
        let streams = indexes[0].databases[0]
        let kinds = configuration.kinds
        return try environment.read { transaction in
            var sequences: [SequenceNumber] = []
            try transaction.withCursor(on: streams) { cursor in
                let seekKey = StreamIndex.key(stream: stream, sequence: start)
                var positioned = try cursor.seek(atLeast: seekKey.span.bytes)
                while positioned, sequences.count < limit {
                    let next: SequenceNumber? = try cursor.withCurrent { key, _ in
                        guard key.byteCount == 16, key.bigEndian(at: 0, as: UInt64.self) == stream.rawValue else { return nil }
                        return SequenceNumber(key.bigEndian(at: 8, as: UInt64.self))
                    }
                    guard let next else { break }
                    sequences.append(next)
                    positioned = try cursor.next()
                }
            }
            return try sequences.map { sequence in
                let key = sequence.key
                guard
                    let entry = try transaction.withValue(
                        forKey: key.span.bytes,
                        in: logDatabase,
                        { value in
                            try RecordFormat.decodeEntry(value, at: sequence, kinds: kinds)
                        }
                    )
                else {
                    throw EventLogError(
                        .corruptRecord,
                        sequence: sequence,
                        "the stream index lists the record for \(stream) but the log has none; run `stepline verify`"
                    )
                }
                return entry
            }
        }
    }

    /// Calls `body` for every record from `start` through `end` (default: the
    /// last committed when the scan starts), in order, without copying payloads.
    ///
    /// The fast path for replay: the header is decoded and checked, the payload
    /// is lent as a span into the map, valid only during the call. The scan reads
    /// in chunks of separate snapshots (records never change once committed), so
    /// a long replay does not pin the map. Returns the number of records visited.
    /// - Throws: ``EventLogError`` naming the first corrupt or unknown record, or what `body` throws.
    @discardableResult
    public func scan(
        from start: SequenceNumber = .first,
        through end: SequenceNumber? = nil,
        _ body: (SequenceNumber, RecordHeader, RawSpan) throws -> Void
    ) throws -> Int {
        let end = end ?? commits.lastCommitted
        let kinds = configuration.kinds
        var from = start
        var visited = 0
        let chunk: UInt64 = 65_536
        while from <= end {
            let through = SequenceNumber(min(end.rawValue, from.rawValue &+ chunk - 1))
            let last: SequenceNumber? = try environment.read { transaction in
                var last: SequenceNumber?
                let startKey = from.key
                visited += try transaction.forEach(in: logDatabase, from: startKey.span.bytes) { key, value in
                    let sequence = try RecordFormat.decodeKey(key)
                    if sequence > through { return false }
                    let header = try RecordFormat.decodeHeader(value, at: sequence)
                    if let kinds { try kinds.check(header, at: sequence) }
                    try body(sequence, header, value.extracting(RecordFormat.headerSize...))
                    last = sequence
                    return true
                }
                return last
            }
            guard let last, last < end else { break }
            from = last.next
        }
        return visited
    }

    /// Reads and decodes records `start...end`, at most `limit`, in `transaction`.
    static func readEntries(
        from start: SequenceNumber,
        through end: SequenceNumber,
        limit: Int,
        in transaction: ReadTransaction,
        log: Database,
        kinds: RecordKinds?
    ) throws -> [LogEntry] {
        var entries: [LogEntry] = []
        guard start <= end, limit > 0 else { return entries }
        try transaction.withCursor(on: log) { cursor in
            let startKey = start.key
            var positioned = try cursor.seek(atLeast: startKey.span.bytes)
            while positioned, entries.count < limit {
                // nil past `end`.
                let entry: LogEntry? = try cursor.withCurrent { key, value in
                    let sequence = try RecordFormat.decodeKey(key)
                    guard sequence <= end else { return nil }
                    return try RecordFormat.decodeEntry(value, at: sequence, kinds: kinds)
                }
                guard let entry else { break }
                entries.append(entry)
                positioned = try cursor.next()
            }
        }
        return entries
    }
}
