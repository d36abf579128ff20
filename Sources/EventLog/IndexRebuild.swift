import Foundation
import LMDB

/// One index replayed from the log into a scratch environment of its own, for
/// ``EventLog/verify(scratchDirectory:threads:progress:)``.
///
/// Each index gets its own environment because LMDB allows one write
/// transaction per environment at a time, and indexes are independent (an
/// index writes only its own databases, see ``LogIndex``): with one environment
/// each, the indexes are rebuilt on separate threads, fed by one reader of the
/// log (``ReplayReader``). Most of verify's time is spent inside the indexes'
/// `apply` (decoding payloads), so this is where more cores help.
///
/// The environment is thrown away afterwards, so it is opened with
/// `MDB_NOSYNC` (no flush per commit) and `MDB_WRITEMAP` (writes go straight
/// into the map: no dirty-page copies, and no spilling of a large
/// transaction's dirty pages to disk before commit). It starts as large as the
/// live map, so a rebuild rarely grows it: growing aborts and redoes the
/// transaction, which ``apply(_:lane:)`` makes from the batches it was given.
/// (`MDB_WRITEMAP` rules out nested transactions, which `apply` has no use for.)
struct IndexRebuild: Sendable {
    /// The live index.
    let live: RegisteredIndex
    /// The scratch environment of the rebuild.
    let environment: Environment
    /// The rebuilt databases, in the order of the index's ``LogIndex/databaseNames``.
    let databases: IndexDatabases

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

    /// Applies the records of `batches` that this index wants (its list is
    /// `wanted[lane]`), in order, in one write transaction of the scratch environment.
    /// - Throws: what `apply` throws, ``LMDBError``.
    func apply(_ batches: [ReplayBatch], lane: Int) throws {
        try environment.write { transaction in
            for batch in batches {
                for position in batch.wanted[lane] {
                    try live.index.apply(batch.entries[Int(position)], to: databases, in: transaction)
                }
            }
        }
    }
}
