public import LMDB

/// A view derived from the log, kept in LMDB databases that are written in the
/// same transaction as the records they index.
///
/// Register indexes when opening an ``EventLog``. For every appended record the
/// writer calls ``apply(_:to:in:)`` inside the transaction that appends it, so
/// an index is never behind or ahead of the log it was committed with. The log
/// also stores, in that transaction, the sequence number each index is current
/// to; an index registered on an existing log is caught up at open.
///
/// `apply` must be a function of the record and the index's own databases only
/// (no clock, no randomness, no other state): ``EventLog/verify(scratchDirectory:threads:progress:)``
/// rebuilds every index by replaying the log into a scratch environment and
/// compares it byte for byte with the live one.
///
/// ```swift
/// struct ByKind: LogIndex {
///     let name = "by-kind"
///     let databaseNames = ["index.by-kind"]
///     func apply(_ entry: LogEntry, to databases: IndexDatabases, in txn: WriteTransaction) throws {
///         let key = kindKey(entry.header.kind) + sequenceKey(entry.sequence)
///         try txn.put([], forKey: key, in: databases[0])
///     }
/// }
/// ```
public protocol LogIndex: Sendable {
    /// A name unique among the log's indexes; reports and the stored position use it.
    var name: String { get }
    /// The LMDB databases this index owns, created at open, in the order
    /// ``IndexDatabases`` presents them. No other index may claim them.
    var databaseNames: [String] { get }
    /// Updates the index for `entry`, inside the write transaction appending it.
    /// Throwing fails the append holding `entry`, with this error; the other
    /// appends of its group commit without it (the writer writes the group again).
    func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws
    /// Whether ``apply(_:to:in:)`` may change anything for a record of `kind`;
    /// `false` promises it does nothing, so verify's rebuild does not read such
    /// records' payloads for this index. Every kind, unless an index says otherwise.
    func wants(_ kind: RecordKind) -> Bool
}

extension LogIndex {
    public func wants(_ kind: RecordKind) -> Bool { true }
}

/// The open databases of one ``LogIndex``, in the order of its ``LogIndex/databaseNames``.
public struct IndexDatabases: Sendable {
    /// The handles, in the order of the index's ``LogIndex/databaseNames``.
    public let all: [Database]

    init(_ all: [Database]) { self.all = all }

    /// The database at `position` in the index's ``LogIndex/databaseNames``.
    public subscript(position: Int) -> Database { all[position] }

    /// The database named `name`, if the index declared it.
    public func named(_ name: String) -> Database? { all.first { $0.name == name } }
}

/// An index and its open databases.
struct RegisteredIndex: Sendable {
    let index: any LogIndex
    let databases: IndexDatabases

    /// The key of this index's position in the meta database.
    var positionKey: [UInt8] { Array("index/\(index.name)".utf8) }
}
