import LMDB

/// The one pass over the log that feeds every index rebuilt by
/// ``EventLog/verify(scratchDirectory:threads:progress:)``.
///
/// Verify used to give each index its own pass: with seven indexes, walking a
/// log of several hundred megabytes seven times (cursor steps that miss the
/// cache, payload copies) was the largest single cost of a rebuild. One
/// reader walks it once with one cursor in verify's snapshot, checks every
/// record's header (so a corrupt record stops verify wherever it is), and
/// hands out ``ReplayBatch``es.
struct ReplayReader {
    /// Records per batch: large enough that handing a batch to the indexes costs
    /// nothing next to applying it, small enough that the batches in flight
    /// (see ``RebuildBoard``) hold a few tens of megabytes.
    static let batchSize = 4_096
    /// Payload bytes after which a batch ends even if it holds fewer than
    /// ``batchSize`` records, so that a log of large records (a 256 KiB message
    /// each) does not put gigabytes in flight.
    static let batchBytes = 4 << 20

    private let indexes: [any LogIndex]
    /// For each kind met so far, the positions of the indexes that want it:
    /// ``LogIndex/wants(_:)`` is asked once per kind and index, not per record.
    private var wanting: [RecordKind: [Int32]] = [:]

    init(indexes: [any LogIndex]) {
        self.indexes = indexes
    }

    /// Reads records `1...last` of `log` in `transaction` and calls `deliver` with
    /// each batch of ``batchSize`` records or ``batchBytes`` of payload (the last
    /// may be shorter), in order;
    /// stops early when `deliver` returns `false`.
    /// - Throws: ``EventLogError`` naming the first corrupt record, ``LMDBError``, what `deliver` throws.
    mutating func read(
        _ log: Database,
        in transaction: ReadTransaction,
        through last: SequenceNumber,
        deliver: (ReplayBatch) throws -> Bool
    ) throws {
        guard last.rawValue > 0 else { return }
        try transaction.withCursor(on: log) { cursor in
            var batch = ReplayBatch(indexes: indexes.count, capacity: Self.batchSize)
            var bytes = 0
            var positioned = try cursor.first()
            while positioned {
                let inRange: Bool = try cursor.withCurrent { key, value in
                    let sequence = try RecordFormat.decodeKey(key)
                    guard sequence <= last else { return false }
                    let header = try RecordFormat.decodeHeader(value, at: sequence)
                    let wanting = self.wanting(header.kind)
                    if !wanting.isEmpty {
                        let position = Int32(batch.entries.count)
                        let payload = value.extracting(RecordFormat.headerSize...).copiedBytes()
                        bytes += payload.count
                        batch.entries.append(LogEntry(sequence: sequence, record: Record(header: header, payload: payload)))
                        for index in wanting { batch.wanted[Int(index)].append(position) }
                    }
                    batch.records += 1
                    return true
                }
                guard inRange else { break }
                if batch.records == Self.batchSize || bytes >= Self.batchBytes {
                    guard try deliver(batch) else { return }
                    batch = ReplayBatch(indexes: indexes.count, capacity: Self.batchSize)
                    bytes = 0
                }
                positioned = try cursor.next()
            }
            if batch.records > 0 { _ = try deliver(batch) }
        }
    }

    /// The positions of the indexes that want records of `kind`.
    private mutating func wanting(_ kind: RecordKind) -> [Int32] {
        if let known = wanting[kind] { return known }
        let positions = indexes.indices.filter { indexes[$0].wants(kind) }.map { Int32($0) }
        wanting[kind] = positions
        return positions
    }
}
