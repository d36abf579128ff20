import Foundation
import LMDB

/// One index replayed from the log into a scratch environment of its own, for
/// ``EventLog/verify(scratchDirectory:threads:progress:)``.
///
/// Each index gets its own environment because LMDB allows one write
/// transaction per environment at a time, and indexes are independent (an
/// index writes only its own databases, see ``LogIndex``): with one environment
/// each, the indexes are rebuilt on separate threads. Almost all of verify's
/// time is spent inside the indexes' `apply` (decoding payloads), so this is
/// where more cores help.
///
/// The environment is thrown away afterwards, so it is opened with
/// `MDB_NOSYNC` (no flush per commit) and `MDB_WRITEMAP` (writes go straight
/// into the map: no dirty-page copies, and no spilling of a large
/// transaction's dirty pages to disk before commit). It starts as large as the
/// live map, so a rebuild rarely grows it: growing aborts and redoes a chunk.
/// (`MDB_WRITEMAP` rules out nested transactions, which `apply` has no use for.)
struct IndexRebuild: Sendable {
    /// The live index.
    let live: RegisteredIndex
    /// The scratch environment of the rebuild.
    let environment: Environment
    /// The rebuilt databases, in the order of the index's ``LogIndex/databaseNames``.
    let databases: IndexDatabases

    /// Records replayed per write transaction: large enough that commits cost
    /// nothing next to `apply`, small enough that the decoded chunk held in
    /// memory stays a few megabytes per thread.
    static let chunk = 16_384

    /// Opens the scratch environment in `directory` (created) and the index's databases in it.
    init(of live: RegisteredIndex, in directory: String, mapSize: Int) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.live = live
        let environment = try Environment(
            path: directory,
            configuration: Environment.Configuration(
                mapSize: max(mapSize, 64 << 20),
                maxDatabases: live.index.databaseNames.count + 1,
                maxReaders: 8,
                flags: [.noSync, .writeMap]
            )
        )
        self.environment = environment
        databases = IndexDatabases(try live.index.databaseNames.map { try environment.openDatabase(named: $0) })
    }

    /// Replays records `1...last` of `log` into the scratch databases, one write
    /// transaction per ``chunk`` records, each chunk read in its own snapshot
    /// (committed records never change). Calls `replayed` with the count of each
    /// chunk after its commit; returns early when `shouldStop` says so.
    /// - Throws: ``EventLogError`` for a corrupt record, what `apply` throws, ``LMDBError``.
    func replay(
        _ log: EventLog,
        through last: SequenceNumber,
        replayed: (Int) -> Void,
        shouldStop: () -> Bool
    ) throws {
        var from = SequenceNumber.first
        while from <= last, !shouldStop() {
            let through = SequenceNumber(min(last.rawValue, from.rawValue + UInt64(Self.chunk) - 1))
            let entries = try log.environment.read { transaction in
                try EventLog.readEntries(
                    from: from, through: through, limit: .max, in: transaction, log: log.logDatabase, kinds: nil,
                    wanted: live.index.wants
                )
            }
            try environment.write { transaction in
                for entry in entries {
                    try live.index.apply(entry, to: databases, in: transaction)
                }
            }
            replayed(Int(through.rawValue - from.rawValue) + 1)
            from = through.next
        }
    }
}
