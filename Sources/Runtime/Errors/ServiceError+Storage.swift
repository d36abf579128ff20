import EventLog
package import LMDB

extension ServiceError {
    /// The longest key LMDB accepts (`mdb_env_get_maxkeysize` with the default build), in bytes.
    public static let maximumKeyBytes = 511

    /// The one conversion of a log failure into a service error, used wherever a
    /// service wraps what the log or LMDB threw.
    ///
    /// LMDB refuses a key that is empty or longer than ``maximumKeyBytes``
    /// (`MDB_BAD_VALSIZE`): that is the client's error (an identifier it sent is too
    /// long), answered as a ``Kind/validation`` naming `identifier`, never as a server
    /// fault. Any other LMDB or log failure is ``Kind/storage`` carrying the error
    /// itself as ``cause``. A `ServiceError` passes through unchanged.
    ///
    /// - Parameters:
    ///   - error: what the log, an index or LMDB threw.
    ///   - identifier: the resource being read or changed (an ARN, a queue URL), named in the message.
    public static func storage(_ error: any Error, about identifier: String? = nil) -> ServiceError {
        if let error = error as? ServiceError { return error }
        let lmdb = Self.lmdbError(in: error)
        let subject = identifier.map { " to \(Self.quoted($0))" } ?? ""
        if lmdb?.code == .badValueSize {
            let named = identifier.map { "The identifier \(Self.quoted($0))" } ?? "An identifier in the request"
            return ServiceError(
                .validation,
                "\(named) is empty or too long to be stored (at most \(maximumKeyBytes) bytes once part of a key).",
                cause: lmdb
            )
        }
        return ServiceError(.storage, "The log could not read or commit the change\(subject)", cause: lmdb ?? error)
    }

    /// The `LMDBError` at the root of `error`: itself, or the cause of a log error.
    package static func lmdbError(in error: any Error) -> LMDBError? {
        var current: (any Error)? = error
        while let next = current {
            if let lmdb = next as? LMDBError { return lmdb }
            current = (next as? EventLogError)?.cause
        }
        return nil
    }

    /// `identifier` in quotes, cut to 80 characters: the message names it without echoing a megabyte.
    package static func quoted(_ identifier: String) -> String {
        identifier.count <= 80 ? "'\(identifier)'" : "'\(identifier.prefix(80))…' (\(identifier.utf8.count) bytes)"
    }
}
