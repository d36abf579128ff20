import Foundation
public import LMDB
public import Logging

/// The append-only log of records that is Stepline's only source of truth.
///
/// One LMDB environment per directory. The `log` database maps big-endian
/// sequence numbers to records, appended with `MDB_APPEND` and never
/// rewritten; indexes (``LogIndex``) live in other databases of the same
/// environment and are written in the same transaction as the records.
///
/// Appends go through one writer thread that group-commits: ``append(_:)``
/// returns only after the transaction holding the records committed (with the
/// default durability, after `fsync`), so an acknowledged record survives a
/// crash. Reads take their own snapshots and never wait for the writer.
///
/// ```swift
/// let log = try EventLog(directory: ".stepline")
/// let sequences = try await log.append([Record(kind: RecordKind(1), timestamp: now, stream: StreamID(7), payload: bytes)])
/// for try await entry in log.follow(from: .first) { … }
/// await log.close()
/// ```
///
/// ## Topics
/// ### Writing
/// - ``append(_:)``
/// - ``transact(_:)``
/// ### Reading
/// - ``entries(from:through:limit:)``
/// - ``entries(ofStream:from:limit:)``
/// - ``scan(from:through:_:)``
/// - ``follow(from:)``
/// - ``read(_:)``
/// ### Checking
/// - ``verify(scratchDirectory:threads:progress:)``
public final class EventLog: Sendable {
    /// How to open a log.
    public struct Configuration: Sendable {
        /// Initial map size in bytes; the map grows on demand.
        public var mapSize: Int = 1 << 30
        /// Largest map size; `nil` for no limit.
        public var maximumMapSize: Int?
        /// Maximum simultaneous readers (followers and reads in flight, across processes).
        public var maxReaders: Int = 126
        /// Maximum named databases (the log uses 3; each index adds its own).
        public var maxDatabases: Int = 64
        /// How many records may wait for the writer before appends wait for room.
        public var queueCapacity: Int = 65_536
        /// The most records one group commit takes (a single larger append still commits whole).
        public var maxRecordsPerCommit: Int = 16_384
        /// Whether a commit waits for the disk.
        public var durability: Durability = .durable
        /// The record kinds to accept and decode; `nil` accepts any kind.
        public var kinds: RecordKinds?
        /// Where the log reports failed commits and index catch-up.
        public var logger = Logger(label: "stepline.eventlog")

        public init() {}
    }

    /// Whether a commit waits for the disk.
    public enum Durability: Sendable {
        /// Every commit is flushed (`fsync`) before appends are acknowledged.
        case durable
        /// Commits are not flushed (`MDB_NOSYNC`): a crash can lose acknowledged
        /// records. For scratch logs, tests and benchmarks only.
        case unsafeNoSync
    }

    /// The log's directory.
    public let directory: String
    /// The configuration it was opened with.
    public let configuration: Configuration
    let environment: Environment
    let logDatabase: Database
    let metaDatabase: Database
    let indexes: [RegisteredIndex]
    let writer: LogWriter
    let commits: CommitSignal

    /// Takes group and other access away from the log directory and the files LMDB keeps
    /// in it, which hold connection secrets and task tokens. LMDB creates new files with
    /// mode 0600 (``Environment/Configuration/fileMode``); this fixes a directory made
    /// before that, or by hand. Files that do not exist yet are skipped.
    static func restrictToOwner(directory: String) throws {
        let manager = FileManager.default
        for path in [directory] + ["data.mdb", "lock.mdb"].map({ (directory as NSString).appendingPathComponent($0) }) {
            guard let mode = (try? manager.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 else { continue }
            try manager.setAttributes([.posixPermissions: mode & 0o700], ofItemAtPath: path)
        }
    }

    /// The name of the database of records.
    public static let logDatabaseName = "log"
    /// The name of the database of index positions.
    public static let metaDatabaseName = "log.meta"

    /// Opens the log in `directory` (created if missing) with the built-in
    /// ``StreamIndex`` and `indexes`, catches up any index that is behind the
    /// log, and starts the writer.
    /// - Throws: ``EventLogError`` (`cannotOpen`, `indexConflict`, `invalidCrashPoint`
    ///   when `STEPLINE_CRASH_POINT` names no ``CrashPoint``), ``LMDBError``.
    public init(directory: String, indexes: [any LogIndex] = [], configuration: Configuration = Configuration()) throws {
        try CrashPoint.checkEnvironment()
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try Self.restrictToOwner(directory: directory)
        } catch {
            throw EventLogError(.cannotOpen, "cannot create the log directory \(directory): \(error.localizedDescription)")
        }
        let allIndexes: [any LogIndex] = [StreamIndex()] + indexes
        var seenNames: Set<String> = []
        var seenDatabases: Set<String> = [Self.logDatabaseName, Self.metaDatabaseName]
        for index in allIndexes {
            guard seenNames.insert(index.name).inserted else {
                throw EventLogError(.indexConflict, "two indexes are named \(index.name)")
            }
            for name in index.databaseNames where !seenDatabases.insert(name).inserted {
                throw EventLogError(.indexConflict, "index \(index.name) claims database \(name), which is already taken")
            }
        }
        let environment = try Environment(
            path: directory,
            configuration: Environment.Configuration(
                mapSize: configuration.mapSize,
                maximumMapSize: configuration.maximumMapSize,
                maxDatabases: configuration.maxDatabases,
                maxReaders: configuration.maxReaders,
                flags: configuration.durability == .durable ? [] : [.noSync]
            )
        )
        if environment.staleReadersCleared > 0 {
            configuration.logger.info(
                "cleared stale reader slots",
                metadata: ["count": "\(environment.staleReadersCleared)", "directory": "\(directory)"]
            )
        }
        let logDatabase = try environment.openDatabase(named: Self.logDatabaseName)
        let metaDatabase = try environment.openDatabase(named: Self.metaDatabaseName)
        let registered = try allIndexes.map { index in
            RegisteredIndex(
                index: index,
                databases: IndexDatabases(try index.databaseNames.map { try environment.openDatabase(named: $0) })
            )
        }
        let context = LogWriter.Context(
            environment: environment,
            log: logDatabase,
            meta: metaDatabase,
            indexes: registered,
            kinds: configuration.kinds
        )
        let last = try Self.catchUpIndexes(context, logger: configuration.logger)
        let commits = CommitSignal(last: last)
        self.directory = directory
        self.configuration = configuration
        self.environment = environment
        self.logDatabase = logDatabase
        self.metaDatabase = metaDatabase
        self.indexes = registered
        self.commits = commits
        self.writer = LogWriter(
            context: context,
            capacity: configuration.queueCapacity,
            maxRecordsPerCommit: configuration.maxRecordsPerCommit,
            commits: commits,
            logger: configuration.logger
        )
        writer.start()
    }

    deinit {
        writer.closeSoon()
    }

    /// Commits what is queued, stops the writer and ends every follower.
    /// Appends after this fail with ``EventLogError/Code/closed``.
    public func close() async {
        await writer.close()
    }

    /// The sequence number of the last committed record, or `nil` for an empty log.
    public var lastSequence: SequenceNumber? {
        let last = commits.lastCommitted
        return last.rawValue == 0 ? nil : last
    }

    /// The registered indexes (the built-in ``StreamIndex`` first).
    public var registeredIndexes: [any LogIndex] { indexes.map(\.index) }

    /// The open databases of the index named `name`, for reading it.
    public func databases(ofIndex name: String) -> IndexDatabases? {
        indexes.first { $0.index.name == name }?.databases
    }

    /// Opens (creating) a database of the caller's own in the log's environment,
    /// for extra writes in ``transact(_:)``. Such databases are not rebuilt by `verify`.
    public func openDatabase(named name: String) throws -> Database {
        try environment.openDatabase(named: name)
    }

    /// Runs `body` in a read-only snapshot of the log and its indexes.
    /// Keep it short (see ``Environment/read(_:)``).
    public func read<Result>(_ body: (ReadTransaction) throws -> Result) throws -> Result {
        try environment.read(body)
    }

    /// Brings every index up to the last record of the log (an index registered
    /// on an existing log starts from its stored position, or from the start).
    /// Returns the last sequence number.
    private static func catchUpIndexes(_ context: LogWriter.Context, logger: Logger) throws -> SequenceNumber {
        let (last, positions) = try context.environment.read { transaction in
            let last = try transaction.withCursor(on: context.log) { cursor in
                try cursor.last() ? try cursor.withCurrent { key, _ in try RecordFormat.decodeKey(key) } : SequenceNumber(0)
            }
            let positions = try context.indexes.map { registered in
                try transaction.withValue(forKey: registered.positionKey.span.bytes, in: context.meta) { value in
                    value.byteCount == 8 ? SequenceNumber(value.bigEndian(at: 0, as: UInt64.self)) : SequenceNumber(0)
                } ?? SequenceNumber(0)
            }
            return (last, positions)
        }
        let behind = zip(context.indexes, positions).filter { $0.1 < last }
        guard let oldest = behind.map(\.1).min() else { return last }
        logger.info(
            "catching up indexes",
            metadata: ["indexes": "\(behind.map(\.0.index.name))", "from": "\(oldest.next.rawValue)", "to": "\(last.rawValue)"]
        )
        let lagging = behind.map { (index: $0.0, position: $0.1) }
        var from = oldest.next
        while from <= last {
            let through = SequenceNumber(min(last.rawValue, from.rawValue + 9_999))
            try context.environment.write { transaction in
                let entries = try Self.readEntries(
                    from: from,
                    through: through,
                    limit: .max,
                    in: transaction,
                    log: context.log,
                    kinds: nil
                )
                for entry in entries {
                    for lag in lagging where lag.position < entry.sequence {
                        try lag.index.index.apply(entry, to: lag.index.databases, in: transaction)
                    }
                }
                let value = through.key
                for lag in lagging {
                    try transaction.put(value.span.bytes, forKey: lag.index.positionKey.span.bytes, in: context.meta)
                }
            }
            from = through.next
        }
        return last
    }
}
