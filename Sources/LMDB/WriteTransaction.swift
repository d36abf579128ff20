internal import CLMDB

/// The write transaction of an ``Environment``: reads like ``ReadTransaction``
/// and also puts and deletes.
///
/// Exists only inside ``Environment/write(_:)`` or ``nested(_:)``. Every failed
/// C call is funnelled through one place that also notes `MDB_MAP_FULL`, so
/// the environment can grow the map and rerun the body even if the body
/// wrapped or swallowed the error.
///
/// ## Topics
/// - ``put(_:forKey:in:options:)-(RawSpan,RawSpan,_,_)``
/// - ``put(concatenating:_:forKey:in:options:)``
/// - ``delete(key:in:)-(RawSpan,_)``
/// - ``removeAll(in:)``
/// - ``nested(_:)``
public final class WriteTransaction: ReadTransaction {
    private let parent: WriteTransaction?
    /// Set when any call in this transaction (or a nested child) returned `MDB_MAP_FULL`.
    var sawMapFull = false

    init(handle: OpaquePointer, environment: Environment, parent: WriteTransaction?) {
        self.parent = parent
        super.init(handle: handle, environment: environment)
    }

    @inline(__always)
    override func call(_ function: StaticString, _ returnCode: Int32) throws(LMDBError) {
        guard returnCode == MDB_SUCCESS else {
            if returnCode == MDB_MAP_FULL { noteMapFull() }
            throw LMDBError(returnCode, function)
        }
    }

    private func noteMapFull() {
        sawMapFull = true
        parent?.noteMapFull()
    }

    /// Commits. The corresponding C function is `mdb_txn_commit`, which frees the
    /// handle whether or not it succeeds.
    func commit() throws(LMDBError) {
        try checkUsable("mdb_txn_commit")
        markCommitted()
        try call("mdb_txn_commit", mdb_txn_commit(handle))
    }

    /// Stores `value` under `key`, replacing any value already there.
    ///
    /// The corresponding C function is `mdb_put`.
    /// - Throws: ``LMDBError``: ``LMDBError/Code/keyExists`` for `.append` out of
    ///   order or `.noOverwrite` on a present key, ``LMDBError/Code/badValueSize``
    ///   for an empty or over-long key (511 bytes by default).
    public func put(_ value: RawSpan, forKey key: RawSpan, in database: Database, options: PutOptions = []) throws {
        try checkUsable("mdb_put")
        generation &+= 1
        try key.withUnsafeBytes { keyBytes throws(LMDBError) in
            try value.withUnsafeBytes { valueBytes throws(LMDBError) in
                var keyValue = MDB_val(bytes: keyBytes)
                var dataValue = MDB_val(bytes: valueBytes)
                try call("mdb_put", mdb_put(handle, database.dbi, &keyValue, &dataValue, options.rawValue))
            }
        }
    }

    /// Stores `value` under `key`, replacing any value already there.
    public func put(_ value: [UInt8], forKey key: [UInt8], in database: Database, options: PutOptions = []) throws {
        try put(value.span.bytes, forKey: key.span.bytes, in: database, options: options)
    }

    /// Stores the concatenation `first + second` under `key` without building it
    /// in memory first: the space is reserved in the page and both parts are
    /// copied straight into it.
    ///
    /// The corresponding C function is `mdb_put` with `MDB_RESERVE` ("reserve
    /// space for data of the given size, but don't copy the given data. Instead,
    /// return a pointer to the reserved space, which the caller can fill in
    /// later - before the next update operation or the transaction ends").
    public func put(
        concatenating first: RawSpan,
        _ second: RawSpan,
        forKey key: RawSpan,
        in database: Database,
        options: PutOptions = []
    ) throws {
        try checkUsable("mdb_put")
        generation &+= 1
        let total = first.byteCount + second.byteCount
        try key.withUnsafeBytes { keyBytes throws(LMDBError) in
            var keyValue = MDB_val(bytes: keyBytes)
            var dataValue = MDB_val(mv_size: total, mv_data: nil)
            let flags = options.rawValue | UInt32(MDB_RESERVE)
            try call("mdb_put", mdb_put(handle, database.dbi, &keyValue, &dataValue, flags))
            // Force-unwrap proven: with MDB_RESERVE a successful mdb_put sets mv_data
            // to the reserved space of `total` bytes.
            let destination = dataValue.mv_data!
            first.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress { destination.copyMemory(from: base, byteCount: bytes.count) }
            }
            second.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress {
                    (destination + first.byteCount).copyMemory(from: base, byteCount: bytes.count)
                }
            }
        }
    }

    /// Deletes `key`; returns whether it was present. The corresponding C function is `mdb_del`.
    @discardableResult
    public func delete(key: RawSpan, in database: Database) throws -> Bool {
        try checkUsable("mdb_del")
        generation &+= 1
        return try key.withUnsafeBytes { keyBytes throws(LMDBError) in
            var keyValue = MDB_val(bytes: keyBytes)
            let returnCode = mdb_del(handle, database.dbi, &keyValue, nil)
            if returnCode == MDB_MAP_FULL { noteMapFull() }
            return try lmdbLookup("mdb_del", returnCode)
        }
    }

    /// Deletes `key`; returns whether it was present.
    @discardableResult
    public func delete(key: [UInt8], in database: Database) throws -> Bool {
        try delete(key: key.span.bytes, in: database)
    }

    /// Deletes every entry of `database` whose key starts with `prefix`; returns how many.
    ///
    /// Keys are collected first and deleted after the cursor is closed: deleting under an
    /// open cursor would move it, and a prefix is one contiguous range in LMDB's key order.
    @discardableResult
    public func deleteAll(withPrefix prefix: [UInt8], in database: Database) throws -> Int {
        let keys = try keys(withPrefix: prefix, in: database)
        for key in keys { try delete(key: key, in: database) }
        return keys.count
    }

    /// Deletes every entry of `database`, keeping the database itself.
    /// The corresponding C function is `mdb_drop` with `del` = 0.
    public func removeAll(in database: Database) throws {
        try checkUsable("mdb_drop")
        generation &+= 1
        try call("mdb_drop", mdb_drop(handle, database.dbi, 0))
    }

    /// Runs `body` in a child transaction: its writes join this transaction if
    /// `body` returns, and are discarded (leaving this transaction as it was) if
    /// it throws. This transaction cannot be used while the child runs.
    ///
    /// The corresponding C function is `mdb_txn_begin` with a parent
    /// (not available with ``Environment/Flags/writeMap``).
    public func nested<Result>(_ body: (WriteTransaction) throws -> Result) throws -> Result {
        try checkUsable("mdb_txn_begin")
        var childHandle: OpaquePointer?
        try call("mdb_txn_begin", mdb_txn_begin(environment.handle, handle, 0, &childHandle))
        // Force-unwrap proven: mdb_txn_begin returned MDB_SUCCESS, which sets it.
        let child = WriteTransaction(handle: childHandle!, environment: environment, parent: self)
        isUsable = false
        defer {
            isUsable = true
            generation &+= 1
        }
        do {
            let result = try body(child)
            try child.commit()
            return result
        } catch {
            child.finish()
            throw error
        }
    }
}
