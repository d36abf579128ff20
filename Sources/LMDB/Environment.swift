internal import CLMDB
import Memberwise
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open LMDB environment: one memory-mapped file holding named databases.
///
/// All access goes through closure-scoped transactions: ``read(_:)`` for a
/// consistent snapshot and ``write(_:)`` for the single writer. Bodies are
/// synchronous, so a transaction never crosses threads (LMDB's Caveats:
/// "A thread may use parallel read-only transactions" only with `MDB_NOTLS`,
/// which this environment always sets, and a write transaction belongs to the
/// thread that began it).
///
/// The environment handles the two conditions that would otherwise reach every
/// caller: a full map is grown and the write run again, and reader slots left by
/// crashed processes are cleared when it opens.
///
/// ## Topics
/// - ``init(path:configuration:)``
/// - ``read(_:)``
/// - ``write(_:)``
/// - ``openDatabase(named:create:)``
public final class Environment: @unchecked Sendable {
    // @unchecked Sendable: `handle` is an `MDB_env *`, which lmdb.h documents as
    // shareable by every thread of the process once `mdb_env_open` returned; the
    // calls that are not thread-safe are guarded here: `mdb_dbi_open` runs under
    // `openDatabases`' lock, and `mdb_env_set_mapsize` runs only while `gate`
    // proves that no transaction of this process is active. All other state is
    // immutable after `init`.
    let handle: OpaquePointer
    /// The directory (or file, with ``Flags/noSubdirectory``) this environment maps.
    public let path: String
    /// How the environment was opened.
    public let configuration: Configuration
    /// How many reader slots of dead processes `mdb_reader_check` cleared at open.
    public let staleReadersCleared: Int
    private let openDatabases = Mutex<[String: Database]>([:])
    private let gate = Mutex(Gate())

    /// Counts this process's active transactions so the map can be resized
    /// safely: `mdb_env_set_mapsize` "may be called at later times if no
    /// transactions are active in this process. Note that the library does not
    /// check for this condition, the caller must ensure it explicitly."
    private struct Gate {
        var active = 0
        var resizing = false
    }

    /// How to open an environment.
    @MemberwiseInit(.public)
    public struct Configuration: Sendable {
        /// Initial size of the memory map in bytes. It grows on demand, so this
        /// only sets where growth starts. The corresponding C function is `mdb_env_set_mapsize`.
        public var mapSize: Int = 1 << 30
        /// Largest size the map may grow to; `nil` for no limit (the disk is the limit).
        public var maximumMapSize: Int? = nil
        /// Maximum number of named databases. The corresponding C function is `mdb_env_set_maxdbs`.
        public var maxDatabases: Int = 32
        /// Maximum number of simultaneous read transactions across processes.
        /// The corresponding C function is `mdb_env_set_maxreaders`.
        public var maxReaders: Int = 126
        /// Environment flags for `mdb_env_open`; `MDB_NOTLS` is always added.
        public var flags: Flags = []
        /// Unix permissions for new data and lock files: owner only by default, since
        /// what an application stores (secrets, tokens) is rarely for other users to read.
        public var fileMode: UInt32 = 0o600
    }

    /// Options of `mdb_env_open`. The default (none) is fully durable: every
    /// commit is flushed to disk before it returns.
    public struct Flags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// `MDB_NOSYNC`: don't flush on commit. A crash may lose the last
        /// transactions (and with ``writeMap`` corrupt the file); for scratch data only.
        public static let noSync = Flags(rawValue: UInt32(MDB_NOSYNC))
        /// `MDB_NOMETASYNC`: flush data but not the meta page on commit; a crash
        /// may undo the last transaction but keeps the file consistent.
        public static let noMetaSync = Flags(rawValue: UInt32(MDB_NOMETASYNC))
        /// `MDB_WRITEMAP`: write through a writable map (faster, no nested transactions).
        public static let writeMap = Flags(rawValue: UInt32(MDB_WRITEMAP))
        /// `MDB_NORDAHEAD`: turn off OS read-ahead.
        public static let noReadAhead = Flags(rawValue: UInt32(MDB_NORDAHEAD))
        /// `MDB_RDONLY`: open read-only; writes fail with ``LMDBError/Code/accessDenied``.
        public static let readOnly = Flags(rawValue: UInt32(MDB_RDONLY))
        /// `MDB_NOSUBDIR`: ``Environment/path`` names the data file, not a directory.
        public static let noSubdirectory = Flags(rawValue: UInt32(MDB_NOSUBDIR))
    }

    /// Opens (creating if needed) the environment at `path`, then clears stale reader slots.
    ///
    /// `path` must be an existing directory unless ``Flags/noSubdirectory`` is set.
    /// The corresponding C functions are `mdb_env_create`, `mdb_env_set_mapsize`,
    /// `mdb_env_set_maxdbs`, `mdb_env_set_maxreaders`, `mdb_env_open` and
    /// `mdb_reader_check`.
    /// - Throws: ``LMDBError`` (for example `ENOENT` for a missing directory,
    ///   ``LMDBError/Code/invalid`` for a file that is not LMDB's).
    public init(path: String, configuration: Configuration = Configuration()) throws(LMDBError) {
        var environment: OpaquePointer?
        try lmdbCall("mdb_env_create", mdb_env_create(&environment))
        // Force-unwrap proven: mdb_env_create returned MDB_SUCCESS, which sets it.
        let handle = environment!
        do {
            try lmdbCall("mdb_env_set_mapsize", mdb_env_set_mapsize(handle, configuration.mapSize))
            try lmdbCall("mdb_env_set_maxdbs", mdb_env_set_maxdbs(handle, MDB_dbi(configuration.maxDatabases)))
            try lmdbCall("mdb_env_set_maxreaders", mdb_env_set_maxreaders(handle, UInt32(configuration.maxReaders)))
            let flags = configuration.flags.rawValue | UInt32(MDB_NOTLS)
            try lmdbCall("mdb_env_open", mdb_env_open(handle, path, flags, mdb_mode_t(configuration.fileMode)))
            // A process killed inside a read transaction leaves its slot taken
            // until someone checks for dead owners; without this, crashes
            // accumulate into MDB_READERS_FULL and pin old pages forever.
            self.staleReadersCleared = try Self.clearStaleReaders(handle)
        } catch {
            mdb_env_close(handle)
            throw error
        }
        self.handle = handle
        self.path = path
        self.configuration = configuration
    }

    /// Clears the reader slots of processes that died inside a read transaction
    /// and returns how many it cleared. Runs at open; call it again in a
    /// long-running process that outlives crashing readers. (The first process
    /// to open an environment resets the whole reader table, so slots are stale
    /// only while some other process kept the environment open.)
    /// The corresponding C function is `mdb_reader_check`.
    public func clearStaleReaders() throws(LMDBError) -> Int {
        try Self.clearStaleReaders(handle)
    }

    private static func clearStaleReaders(_ handle: OpaquePointer) throws(LMDBError) -> Int {
        var dead: Int32 = 0
        try lmdbCall("mdb_reader_check", mdb_reader_check(handle, &dead))
        return Int(dead)
    }

    deinit {
        // lmdb.h: "Only a single thread may call this function. All transactions,
        // databases, and cursors must already be closed". Transactions are
        // closure-scoped and hold a strong reference to the environment, so none
        // can be open when the last reference goes away.
        mdb_env_close(handle)
    }

    /// The current size of the memory map in bytes. The corresponding C function is `mdb_env_info`.
    public var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info.me_mapsize
    }

    /// Flushes the data buffers to disk; needed only with ``Flags/noSync`` or
    /// ``Flags/noMetaSync``. The corresponding C function is `mdb_env_sync` (forced).
    public func sync() throws(LMDBError) {
        try lmdbCall("mdb_env_sync", mdb_env_sync(handle, 1))
    }

    /// Opens the named database, creating it when `create` is true; `nil` names the main database.
    ///
    /// Handles are cached per name and stay valid until the environment closes.
    /// Do not call this inside a ``write(_:)`` body: it runs its own transaction.
    /// The corresponding C function is `mdb_dbi_open`, which "must not be called
    /// from multiple concurrent transactions in the same process", hence the lock.
    /// - Throws: ``LMDBError``; a missing database without `create` is `MDB_NOTFOUND`
    ///   reported as ``LMDBError/Code/notFound``, and too many databases is
    ///   ``LMDBError/Code/databasesFull``.
    public func openDatabase(named name: String?, create: Bool = true) throws -> Database {
        try openDatabases.withLock { cache in
            if let cached = cache[name ?? ""] { return cached }
            let opened: Database
            if create {
                opened = try write { txn in try txn.openDatabase(named: name, flags: UInt32(MDB_CREATE)) }
            } else {
                opened = try read { txn in try txn.openDatabase(named: name, flags: 0) }
            }
            cache[name ?? ""] = opened
            return opened
        }
    }

    /// Runs `body` in a read-only transaction: a consistent snapshot that later
    /// commits do not change. Keep bodies short: a live reader pins the pages of
    /// its snapshot and delays map growth in this process.
    ///
    /// The corresponding C functions are `mdb_txn_begin` (`MDB_RDONLY`) and `mdb_txn_abort`.
    /// - Throws: ``LMDBError`` (``LMDBError/Code/readersFull`` when every slot is taken), or what `body` throws.
    public func read<Result>(_ body: (ReadTransaction) throws -> Result) throws -> Result {
        // Waiting, `read(waiting:)` always begins a transaction.
        try read(waiting: true, body)!
    }

    /// ``read(_:)``, except that while the map is being grown (which waits for every
    /// transaction of this process to end) it returns `nil` at once instead of waiting.
    ///
    /// For a thread that opens a second snapshot while its process already holds one
    /// (`stepline verify` comparing indexes on several threads): waiting there could
    /// deadlock, since the growth waits for the snapshot already held.
    public func readUnlessGrowing<Result>(_ body: (ReadTransaction) throws -> Result) throws -> Result? {
        try read(waiting: false, body)
    }

    /// `body` in a read transaction; `nil` without running it when not `waiting` and the
    /// map is being grown (by this process, or by another: `MDB_MAP_RESIZED`).
    private func read<Result>(waiting: Bool, _ body: (ReadTransaction) throws -> Result) throws -> Result? {
        guard let transaction = try begin(flags: UInt32(MDB_RDONLY), waiting: waiting, { ReadTransaction(handle: $0, environment: self) })
        else { return nil }
        defer {
            transaction.finish()
            leaveGate()
        }
        return try body(transaction)
    }

    /// Runs `body` in the write transaction and commits it when `body` returns.
    ///
    /// If `body` throws, the transaction is aborted and nothing it wrote remains.
    /// If the map fills up (`MDB_MAP_FULL`, in a put or at commit), the
    /// transaction is aborted, the map is grown while no transaction of this
    /// process is active, and `body` runs again from the start; so `body` must
    /// compute its writes from its inputs and the transaction, not from side
    /// effects of an earlier run. Only one write transaction runs at a time
    /// (across processes); this call blocks until it can begin. Do not call
    /// ``read(_:)`` inside `body`: read through the write transaction.
    ///
    /// The corresponding C functions are `mdb_txn_begin`, `mdb_txn_commit` and,
    /// on failure, `mdb_txn_abort`; growth uses `mdb_env_set_mapsize`.
    /// - Throws: ``LMDBError`` (``LMDBError/Code/noSpace`` when the disk is full,
    ///   ``LMDBError/Code/mapFull`` only past ``Configuration/maximumMapSize``), or what `body` throws.
    public func write<Result>(_ body: (WriteTransaction) throws -> Result) throws -> Result {
        while true {
            // Waiting, `begin` always begins a transaction.
            let transaction = try begin(flags: 0, waiting: true) { WriteTransaction(handle: $0, environment: self, parent: nil) }!
            do {
                let result = try body(transaction)
                // A body that caught a map-full error (say, from a nested
                // transaction it chose to discard) would otherwise commit a
                // result the full map forced on it; run it again with room.
                if transaction.sawMapFull { throw LMDBError(Int32(MDB_MAP_FULL), "mdb_put") }
                try transaction.commit()
                leaveGate()
                return result
            } catch {
                let mapFull = transaction.sawMapFull || LMDBError.Code.mapFull ~= error
                transaction.finish()
                leaveGate()
                guard mapFull else { throw error }
                try growMap()
            }
        }
    }

    /// Enters the gate and begins a transaction, adopting a map grown by another
    /// process (`MDB_MAP_RESIZED`) and retrying. On success the gate stays entered.
    /// Not `waiting`, it returns `nil` instead of waiting for a growth of the map.
    private func begin<T>(flags: UInt32, waiting: Bool, _ wrap: (OpaquePointer) -> T) throws(LMDBError) -> T? {
        while true {
            guard enterGate(waiting: waiting) else { return nil }
            var transaction: OpaquePointer?
            let returnCode = mdb_txn_begin(handle, nil, flags, &transaction)
            if returnCode == MDB_SUCCESS, let transaction { return wrap(transaction) }
            leaveGate()
            if returnCode == MDB_MAP_RESIZED {
                guard waiting else { return nil }
                // lmdb.h: "If the mapsize is increased by another process, and
                // data has grown beyond the range of the current mapsize,
                // mdb_txn_begin() will return MDB_MAP_RESIZED. This function may
                // be called with a size of zero to adopt the new size."
                try resizeMap { _ in 0 }
                continue
            }
            throw LMDBError(returnCode, "mdb_txn_begin")
        }
    }

    /// Doubles the map (by at most 4 GiB a step), up to ``Configuration/maximumMapSize``.
    private func growMap() throws(LMDBError) {
        try resizeMap { current in
            let step = min(current, 4 << 30)
            let grown = current + step
            if let limit = configuration.maximumMapSize {
                guard current < limit else { return nil }
                return min(grown, limit)
            }
            return grown
        }
    }

    /// Runs `mdb_env_set_mapsize` with no transaction of this process active.
    /// `newSize` returns `nil` when the map must not grow further.
    private func resizeMap(_ newSize: (Int) -> Int?) throws(LMDBError) {
        while !gate.withLock({ gate in
            guard !gate.resizing else { return false }
            gate.resizing = true
            return true
        }) { pause() }
        defer { gate.withLock { $0.resizing = false } }
        while gate.withLock({ $0.active }) > 0 { pause() }
        guard let size = newSize(mapSize) else {
            throw LMDBError(
                code: .mapFull,
                function: "mdb_env_set_mapsize",
                message: "the map reached its configured maximum of \(configuration.maximumMapSize ?? 0) bytes"
            )
        }
        try lmdbCall("mdb_env_set_mapsize", mdb_env_set_mapsize(handle, size))
    }

    /// Counts a transaction in, waiting while the map is resized; not `waiting`, returns
    /// `false` at once instead.
    private func enterGate(waiting: Bool) -> Bool {
        while !gate.withLock({ gate in
            guard !gate.resizing else { return false }
            gate.active += 1
            return true
        }) {
            guard waiting else { return false }
            pause()
        }
        return true
    }

    private func leaveGate() {
        gate.withLock { $0.active -= 1 }
    }

    /// Waits a little for the other side of the gate; resizing is rare and short.
    private func pause() {
        usleep(50)
    }
}
