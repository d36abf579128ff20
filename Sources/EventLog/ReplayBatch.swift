/// A run of consecutive records that ``EventLog/verify(scratchDirectory:threads:progress:)``
/// read once from the log for every index it rebuilds.
///
/// Each record is decoded and its payload copied once, however many indexes
/// apply it: the indexes share `entries` (a payload is an immutable,
/// reference-counted array), and each finds the records it wants through its
/// own list of positions. Records no index wants have their header decoded and
/// checked, but are not kept.
struct ReplayBatch: Sendable {
    /// The records at least one index wants, in log order.
    var entries: [LogEntry] = []
    /// For each index (by its position among the log's indexes), the positions
    /// in `entries` of the records it wants, in log order.
    var wanted: [[Int32]]
    /// Records of the log this batch covers, wanted or not.
    var records = 0

    /// An empty batch for `indexes` indexes, with room for `capacity` records.
    init(indexes: Int, capacity: Int) {
        entries.reserveCapacity(capacity)
        wanted = Array(repeating: [], count: indexes)
    }
}
