internal import CLMDB

// The funnels every C call goes through, one per call shape, so that turning a
// return code into an `LMDBError` (and `MDB_NOTFOUND` into a value) happens in
// one place and raw codes never leave this module.

/// A call whose only result is its status: `MDB_SUCCESS` returns, anything else throws.
@inline(__always)
func lmdbCall(_ function: StaticString, _ returnCode: Int32) throws(LMDBError) {
    guard returnCode == MDB_SUCCESS else { throw LMDBError(returnCode, function) }
}

/// A lookup or cursor move: `MDB_NOTFOUND` is an answer (`false`), not a failure.
@inline(__always)
func lmdbLookup(_ function: StaticString, _ returnCode: Int32) throws(LMDBError) -> Bool {
    if returnCode == MDB_SUCCESS { return true }
    if returnCode == MDB_NOTFOUND { return false }
    throw LMDBError(returnCode, function)
}

extension LMDBError {
    /// Builds the error for a C return code. The corresponding C function for the
    /// message is `mdb_strerror`, which also renders `errno` values.
    init(_ returnCode: Int32, _ function: StaticString) {
        self.init(
            code: Code(rawValue: returnCode),
            function: function.description,
            message: String(cString: mdb_strerror(returnCode))
        )
    }
}
