import Memberwise

/// A failure reported by an LMDB C function.
///
/// One error type for every C failure: it carries the return code, the name of
/// the C function that returned it and `mdb_strerror`'s text, so a log line says
/// what failed and where. Match on ``code``:
///
/// ```swift
/// do { try environment.write { txn in … } }
/// catch let error as LMDBError where error.code == .readersFull { … }
/// ```
///
/// Two codes never reach callers: `MDB_NOTFOUND` becomes `nil` (or `false`)
/// and `MDB_MAP_FULL` is handled inside ``Environment/write(_:)`` by growing the
/// map and running the transaction again.
@MemberwiseInit(.public)
public struct LMDBError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The LMDB return code (an `MDB_*` error or an `errno` value such as `ENOSPC`).
    public let code: Code
    /// The C function that failed, for example `mdb_txn_commit`.
    public let function: String
    /// `mdb_strerror`'s text for ``code``.
    public let message: String

    public var description: String {
        "\(function) failed: \(message) (\(code))"
    }

    /// An LMDB return code. Extensible: `errno` values (`ENOSPC`, `EACCES`, …)
    /// arrive as codes too and compare by raw value.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// `MDB_KEYEXIST`: the key/data pair already exists, or an append was out of order.
        public static let keyExists = Code(rawValue: -30799)
        /// `MDB_NOTFOUND`: no matching key. Surfaced as `nil`, never thrown by lookups.
        public static let notFound = Code(rawValue: -30798)
        /// `MDB_PAGE_NOTFOUND`: a requested page was not found (usually corruption).
        public static let pageNotFound = Code(rawValue: -30797)
        /// `MDB_CORRUPTED`: the located page was the wrong type.
        public static let corrupted = Code(rawValue: -30796)
        /// `MDB_PANIC`: an update of meta page failed or the environment had a fatal error.
        public static let panic = Code(rawValue: -30795)
        /// `MDB_VERSION_MISMATCH`: the environment was written by an incompatible LMDB version.
        public static let versionMismatch = Code(rawValue: -30794)
        /// `MDB_INVALID`: the file is not an LMDB data file.
        public static let invalid = Code(rawValue: -30793)
        /// `MDB_MAP_FULL`: the map size was reached. Handled inside writes by growing the map.
        public static let mapFull = Code(rawValue: -30792)
        /// `MDB_DBS_FULL`: more named databases than `maxDatabases` were opened.
        public static let databasesFull = Code(rawValue: -30791)
        /// `MDB_READERS_FULL`: every reader slot is taken; raise `maxReaders`.
        public static let readersFull = Code(rawValue: -30790)
        /// `MDB_TLS_FULL`: too many TLS keys in use.
        public static let tlsFull = Code(rawValue: -30789)
        /// `MDB_TXN_FULL`: the transaction has too many dirty pages.
        public static let transactionFull = Code(rawValue: -30788)
        /// `MDB_CURSOR_FULL`: the cursor stack is too deep (internal error).
        public static let cursorFull = Code(rawValue: -30787)
        /// `MDB_PAGE_FULL`: a page has not enough space (internal error).
        public static let pageFull = Code(rawValue: -30786)
        /// `MDB_MAP_RESIZED`: another process grew the map beyond this one's mapping.
        public static let mapResized = Code(rawValue: -30785)
        /// `MDB_INCOMPATIBLE`: the operation or database flags are incompatible.
        public static let incompatible = Code(rawValue: -30784)
        /// `MDB_BAD_RSLOT`: invalid reuse of a reader lock slot.
        public static let badReaderSlot = Code(rawValue: -30783)
        /// `MDB_BAD_TXN`: the transaction must abort, has a child, or is invalid.
        public static let badTransaction = Code(rawValue: -30782)
        /// `MDB_BAD_VALSIZE`: a key or value has an unsupported size.
        public static let badValueSize = Code(rawValue: -30781)
        /// `MDB_BAD_DBI`: the database handle was changed unexpectedly.
        public static let badDatabase = Code(rawValue: -30780)
        /// `ENOSPC`: the disk is full. Nothing acknowledged is lost; the write failed.
        public static let noSpace = Code(rawValue: 28)
        /// `EACCES`: permission denied, or a write in a read-only transaction.
        public static let accessDenied = Code(rawValue: 13)
        /// `EINVAL`: an invalid parameter.
        public static let invalidArgument = Code(rawValue: 22)

        public var description: String {
            switch self {
            case .keyExists: "MDB_KEYEXIST"
            case .notFound: "MDB_NOTFOUND"
            case .pageNotFound: "MDB_PAGE_NOTFOUND"
            case .corrupted: "MDB_CORRUPTED"
            case .panic: "MDB_PANIC"
            case .versionMismatch: "MDB_VERSION_MISMATCH"
            case .invalid: "MDB_INVALID"
            case .mapFull: "MDB_MAP_FULL"
            case .databasesFull: "MDB_DBS_FULL"
            case .readersFull: "MDB_READERS_FULL"
            case .tlsFull: "MDB_TLS_FULL"
            case .transactionFull: "MDB_TXN_FULL"
            case .cursorFull: "MDB_CURSOR_FULL"
            case .pageFull: "MDB_PAGE_FULL"
            case .mapResized: "MDB_MAP_RESIZED"
            case .incompatible: "MDB_INCOMPATIBLE"
            case .badReaderSlot: "MDB_BAD_RSLOT"
            case .badTransaction: "MDB_BAD_TXN"
            case .badValueSize: "MDB_BAD_VALSIZE"
            case .badDatabase: "MDB_BAD_DBI"
            default: "code \(rawValue)"
            }
        }
    }
}

extension LMDBError.Code {
    /// Lets `catch LMDBError.Code.readersFull { … }` match a thrown ``LMDBError``.
    public static func ~= (pattern: LMDBError.Code, error: any Error) -> Bool {
        (error as? LMDBError)?.code == pattern
    }
}
