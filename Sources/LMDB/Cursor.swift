internal import CLMDB

/// A position in one database of a transaction, moved in key order.
///
/// Exists only inside ``ReadTransaction/withCursor(on:_:)``. Each move returns
/// whether the cursor landed on an entry (`MDB_NOTFOUND` is `false`, not an
/// error); ``withCurrent(_:)``, ``key()`` and ``value()`` read that entry.
///
/// ```swift
/// try txn.withCursor(on: log) { cursor in
///     var more = try cursor.seek(atLeast: start)
///     while more {
///         try cursor.withCurrent { key, value in … }
///         more = try cursor.next()
///     }
/// }
/// ```
public final class Cursor {
    private let handle: OpaquePointer
    private unowned let transaction: ReadTransaction
    private var currentKey = MDB_val()
    private var currentValue = MDB_val()
    private var isPositioned = false
    /// The transaction's write generation when `currentKey`/`currentValue` were read.
    private var generation = 0

    init(handle: OpaquePointer, transaction: ReadTransaction) {
        self.handle = handle
        self.transaction = transaction
    }

    /// The corresponding C function is `mdb_cursor_close`; read-only transactions
    /// require it explicitly ("A cursor in a read-only transaction must be closed explicitly").
    func close() {
        mdb_cursor_close(handle)
    }

    /// The single funnel for cursor moves: `MDB_NOTFOUND` leaves the cursor unpositioned.
    @inline(__always)
    private func move(_ operation: MDB_cursor_op) throws(LMDBError) -> Bool {
        try transaction.checkUsable("mdb_cursor_get")
        isPositioned = try lmdbLookup("mdb_cursor_get", mdb_cursor_get(handle, &currentKey, &currentValue, operation))
        generation = transaction.generation
        return isPositioned
    }

    /// Moves to the first entry; `false` if the database is empty. (`MDB_FIRST`)
    @discardableResult
    public func first() throws(LMDBError) -> Bool { try move(MDB_FIRST) }

    /// Moves to the last entry; `false` if the database is empty. (`MDB_LAST`)
    @discardableResult
    public func last() throws(LMDBError) -> Bool { try move(MDB_LAST) }

    /// Moves to the next entry; `false` past the end. (`MDB_NEXT`; from an
    /// unpositioned cursor LMDB starts at the first entry.)
    @discardableResult
    public func next() throws(LMDBError) -> Bool { try move(MDB_NEXT) }

    /// Moves to the previous entry; `false` before the start. (`MDB_PREV`)
    @discardableResult
    public func previous() throws(LMDBError) -> Bool { try move(MDB_PREV) }

    /// Moves to the first entry whose key is greater than or equal to `key`;
    /// `false` if there is none. (`MDB_SET_RANGE`)
    @discardableResult
    public func seek(atLeast key: RawSpan) throws(LMDBError) -> Bool {
        try key.withUnsafeBytes { keyBytes throws(LMDBError) in
            // MDB_SET_RANGE overwrites currentKey with the key found, so the
            // search key is passed in it and never read back.
            currentKey = MDB_val(bytes: keyBytes)
            return try move(MDB_SET_RANGE)
        }
    }

    /// Moves to the first entry whose key is greater than or equal to `key`.
    @discardableResult
    public func seek(atLeast key: [UInt8]) throws(LMDBError) -> Bool {
        try seek(atLeast: key.span.bytes)
    }

    /// Lends the current key and value to `body`, without copying.
    /// - Throws: ``LMDBError/Code/notFound`` if the cursor is not on an entry.
    public func withCurrent<Result>(_ body: (_ key: RawSpan, _ value: RawSpan) throws -> Result) throws -> Result {
        try transaction.checkUsable("mdb_cursor_get")
        guard isPositioned else {
            throw LMDBError(code: .notFound, function: "mdb_cursor_get", message: "the cursor is not on an entry")
        }
        if generation != transaction.generation {
            // A write may have moved the page the cached pointers refer to; ask again.
            try lmdbCall("mdb_cursor_get", mdb_cursor_get(handle, &currentKey, &currentValue, MDB_GET_CURRENT))
            generation = transaction.generation
        }
        return try currentKey.withSpan { key in
            try currentValue.withSpan { value in try body(key, value) }
        }
    }

    /// A copy of the current key.
    public func key() throws -> [UInt8] { try withCurrent { key, _ in key.copiedBytes() } }

    /// A copy of the current value.
    public func value() throws -> [UInt8] { try withCurrent { _, value in value.copiedBytes() } }
}
