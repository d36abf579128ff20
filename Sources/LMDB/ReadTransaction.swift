internal import CLMDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A transaction that reads one consistent snapshot of an ``Environment``.
///
/// Exists only inside ``Environment/read(_:)`` (or, as the base of
/// ``WriteTransaction``, inside ``Environment/write(_:)``). Using it after that
/// closure returned throws ``LMDBError/Code/badTransaction``. Not `Sendable`:
/// it stays on the thread that runs the closure.
///
/// Keys and values are passed as `RawSpan` (use `array.span.bytes`), or as
/// `[UInt8]` through the convenience overloads. Values read back are either
/// copied into `[UInt8]` or lent to a closure as a `RawSpan` that points into
/// the map and is valid only inside that closure.
///
/// ## Topics
/// - ``value(forKey:in:)-(RawSpan,_)``
/// - ``withValue(forKey:in:_:)``
/// - ``withCursor(on:_:)``
/// - ``entryCount(in:)``
public class ReadTransaction {
    var handle: OpaquePointer
    let environment: Environment
    /// False once the transaction ended, or while a nested child transaction runs.
    var isUsable = true
    private var isFinished = false
    /// Bumped by every write, so cursors know their cached value pointers may be stale.
    var generation = 0

    init(handle: OpaquePointer, environment: Environment) {
        self.handle = handle
        self.environment = environment
    }

    /// Throws unless the transaction may be used now.
    @inline(__always)
    func checkUsable(_ function: StaticString) throws(LMDBError) {
        guard isUsable else {
            throw LMDBError(
                code: .badTransaction,
                function: function.description,
                message: "the transaction was used outside its closure, or while a nested transaction is open"
            )
        }
    }

    /// Runs a status-returning C call on this transaction (the write funnel adds map-full tracking).
    @inline(__always)
    func call(_ function: StaticString, _ returnCode: Int32) throws(LMDBError) {
        try lmdbCall(function, returnCode)
    }

    /// Ends the transaction without committing. The corresponding C function is `mdb_txn_abort`.
    func finish() {
        guard !isFinished else { return }
        isFinished = true
        isUsable = false
        mdb_txn_abort(handle)
    }

    /// Marks the transaction ended by a commit (the C handle is freed by `mdb_txn_commit`, even on failure).
    func markCommitted() {
        isFinished = true
        isUsable = false
    }

    func openDatabase(named name: String?, flags: UInt32) throws(LMDBError) -> Database {
        try checkUsable("mdb_dbi_open")
        var dbi: MDB_dbi = 0
        try call("mdb_dbi_open", mdb_dbi_open(handle, name, flags, &dbi))
        return Database(dbi: dbi, name: name)
    }

    /// Lends the value stored under `key` to `body`, or returns `nil` if the key is absent.
    ///
    /// The span points into the map: no copy. The corresponding C function is `mdb_get`.
    public func withValue<Result>(
        forKey key: RawSpan,
        in database: Database,
        _ body: (RawSpan) throws -> Result
    ) throws -> Result? {
        try checkUsable("mdb_get")
        var value = MDB_val()
        let found = try key.withUnsafeBytes { keyBytes throws(LMDBError) in
            var keyValue = MDB_val(bytes: keyBytes)
            return try lmdbLookup("mdb_get", mdb_get(handle, database.dbi, &keyValue, &value))
        }
        guard found else { return nil }
        return try value.withSpan(body)
    }

    /// Returns a copy of the value stored under `key`, or `nil` if the key is absent.
    /// The corresponding C function is `mdb_get`.
    public func value(forKey key: RawSpan, in database: Database) throws -> [UInt8]? {
        try withValue(forKey: key, in: database) { $0.copiedBytes() }
    }

    /// Returns a copy of the value stored under `key`, or `nil` if the key is absent.
    public func value(forKey key: [UInt8], in database: Database) throws -> [UInt8]? {
        try value(forKey: key.span.bytes, in: database)
    }

    /// Runs `body` with a cursor on `database`, closed when `body` returns.
    /// The corresponding C functions are `mdb_cursor_open` and `mdb_cursor_close`.
    public func withCursor<Result>(on database: Database, _ body: (Cursor) throws -> Result) throws -> Result {
        try checkUsable("mdb_cursor_open")
        var cursorHandle: OpaquePointer?
        try call("mdb_cursor_open", mdb_cursor_open(handle, database.dbi, &cursorHandle))
        // Force-unwrap proven: mdb_cursor_open returned MDB_SUCCESS, which sets it.
        let cursor = Cursor(handle: cursorHandle!, transaction: self)
        defer { cursor.close() }
        return try body(cursor)
    }

    /// Calls `body` with each entry of `database` in key order, starting at the
    /// first key greater than or equal to `start` (or the first key), until
    /// `body` returns `false` or the entries run out. Returns how many entries
    /// `body` accepted.
    ///
    /// The fast path for long scans: one cursor, no per-entry copies; the spans
    /// point into the map and are valid only during the call. The corresponding
    /// C functions are `mdb_cursor_open`, `mdb_cursor_get` (`MDB_SET_RANGE` or
    /// `MDB_FIRST`, then `MDB_NEXT`) and `mdb_cursor_close`.
    @discardableResult
    public func forEach(
        in database: Database,
        from start: RawSpan? = nil,
        _ body: (_ key: RawSpan, _ value: RawSpan) throws -> Bool
    ) throws -> Int {
        try checkUsable("mdb_cursor_open")
        var cursorHandle: OpaquePointer?
        try call("mdb_cursor_open", mdb_cursor_open(handle, database.dbi, &cursorHandle))
        defer { mdb_cursor_close(cursorHandle) }
        var key = MDB_val()
        var value = MDB_val()
        var positioned: Bool
        if let start {
            positioned = try start.withUnsafeBytes { startBytes throws(LMDBError) in
                key = MDB_val(bytes: startBytes)
                return try lmdbLookup("mdb_cursor_get", mdb_cursor_get(cursorHandle, &key, &value, MDB_SET_RANGE))
            }
        } else {
            positioned = try lmdbLookup("mdb_cursor_get", mdb_cursor_get(cursorHandle, &key, &value, MDB_FIRST))
        }
        var accepted = 0
        while positioned {
            let keepGoing = try key.withSpan { keySpan in try value.withSpan { valueSpan in try body(keySpan, valueSpan) } }
            guard keepGoing else { break }
            accepted += 1
            positioned = try lmdbLookup("mdb_cursor_get", mdb_cursor_get(cursorHandle, &key, &value, MDB_NEXT))
        }
        return accepted
    }

    /// Calls `body` with each entry of `database` whose key starts with `prefix`, in key
    /// order, until `body` returns `false` or the prefix's range ends; an empty prefix
    /// visits every entry (LMDB refuses to seek to an empty key). Returns how many
    /// entries `body` accepted. The spans are valid only during the call.
    @discardableResult
    public func forEach(
        withPrefix prefix: [UInt8],
        in database: Database,
        _ body: (_ key: RawSpan, _ value: RawSpan) throws -> Bool
    ) throws -> Int {
        let visit: (RawSpan, RawSpan) throws -> Bool = { key, value in
            guard key.withUnsafeBytes({ $0.starts(with: prefix) }) else { return false }
            return try body(key, value)
        }
        if prefix.isEmpty { return try forEach(in: database, visit) }
        return try forEach(in: database, from: prefix.span.bytes, visit)
    }

    /// Copies of the keys of `database` that start with `prefix`, in key order.
    public func keys(withPrefix prefix: [UInt8], in database: Database) throws -> [[UInt8]] {
        try collect(withPrefix: prefix, in: database) { key, _ in key.copiedBytes() }
    }

    /// Copies of the values of `database` whose keys start with `prefix`, in key order.
    public func values(withPrefix prefix: [UInt8], in database: Database) throws -> [[UInt8]] {
        try collect(withPrefix: prefix, in: database) { _, value in value.copiedBytes() }
    }

    /// `transform` of every entry whose key starts with `prefix`, in key order.
    private func collect<Element>(
        withPrefix prefix: [UInt8],
        in database: Database,
        _ transform: (_ key: RawSpan, _ value: RawSpan) throws -> Element
    ) throws -> [Element] {
        var elements: [Element] = []
        try forEach(withPrefix: prefix, in: database) { key, value in
            elements.append(try transform(key, value))
            return true
        }
        return elements
    }

    /// The id of the snapshot this transaction reads: two read transactions with the
    /// same id see the same data. The corresponding C function is `mdb_txn_id`.
    public var snapshotID: Int {
        Int(mdb_txn_id(handle))
    }

    /// The number of entries in `database` in this snapshot. The corresponding C function is `mdb_stat`.
    public func entryCount(in database: Database) throws -> Int {
        try checkUsable("mdb_stat")
        var stat = MDB_stat()
        try call("mdb_stat", mdb_stat(handle, database.dbi, &stat))
        return stat.ms_entries
    }
}

extension MDB_val {
    /// An `MDB_val` describing `bytes`; LMDB only reads through it for keys and input values.
    init(bytes: UnsafeRawBufferPointer) {
        self.init(mv_size: bytes.count, mv_data: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
    }

    /// Lends the bytes `mdb_get` or a cursor returned to `body`. They are valid
    /// until the next update or the end of the transaction, which the closure
    /// scoping of transactions and of this call enforces.
    func withSpan<Result, Failure: Error>(_ body: (RawSpan) throws(Failure) -> Result) throws(Failure) -> Result {
        let span = RawSpan(_unsafeBytes: UnsafeRawBufferPointer(start: mv_data, count: mv_size))
        return try body(span)
    }
}

extension RawSpan {
    /// A copy of the bytes as an array.
    public func copiedBytes() -> [UInt8] {
        withUnsafeBytes { Array($0) }
    }
}

extension RawSpan {
    /// Compares bytes the way LMDB orders keys by default (`memcmp`, then the
    /// shorter first): negative if `self` sorts first, zero if equal, positive otherwise.
    public func compareBytes(to other: RawSpan) -> Int {
        withUnsafeBytes { mine in
            other.withUnsafeBytes { theirs in
                let common = Swift.min(mine.count, theirs.count)
                if common > 0, let left = mine.baseAddress, let right = theirs.baseAddress {
                    let order = memcmp(left, right, common)
                    if order != 0 { return Int(order) }
                }
                return mine.count - theirs.count
            }
        }
    }
}
