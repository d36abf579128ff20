internal import CLMDB

/// A handle to one named database (a B+tree of sorted keys) inside an ``Environment``.
///
/// Get one from ``Environment/openDatabase(named:create:)``. Handles are plain
/// values, valid in every transaction of the environment that opened them and
/// meaningless in any other. The corresponding C type is `MDB_dbi`.
public struct Database: Hashable, Sendable, CustomStringConvertible {
    let dbi: MDB_dbi
    /// The name it was opened with; `nil` for the main database.
    public let name: String?

    init(dbi: MDB_dbi, name: String?) {
        self.dbi = dbi
        self.name = name
    }

    public var description: String { name ?? "(main)" }
}

/// How ``WriteTransaction/put(_:forKey:in:options:)`` treats the key.
public struct PutOptions: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `MDB_APPEND`: the key is greater than every key in the database, so the
    /// put skips the tree search and fills pages completely. A key that is not
    /// greater fails with ``LMDBError/Code/keyExists``.
    public static let append = PutOptions(rawValue: UInt32(MDB_APPEND))
    /// `MDB_NOOVERWRITE`: fail with ``LMDBError/Code/keyExists`` if the key is present.
    public static let noOverwrite = PutOptions(rawValue: UInt32(MDB_NOOVERWRITE))
}
