package import EventLog
package import LMDB
import Runtime

/// An index's appliers, one per record kind and version: Zeebe's `EventAppliers`.
///
/// A payload change adds a version with its own applier and leaves the old one as it
/// shipped, so a log written before the change replays, and `stepline verify` rebuilds
/// its views, exactly as before. What if not: one applier that guesses the shape from
/// the payload, which a later change can make ambiguous, and an old log whose rebuilt
/// views differ from the ones it was running with.
package struct RecordAppliers: Sendable {
    /// Updates the index's databases for one record, inside the transaction appending it.
    package typealias Applier = @Sendable (LogEntry, IndexDatabases, WriteTransaction) throws -> Void

    private struct Key: Hashable {
        var kind: RecordKind
        var version: UInt16
    }

    private var table: [Key: Applier] = [:]
    /// The kinds that have an applier (of some version).
    package private(set) var kinds: Set<RecordKind> = []

    package init() {}

    /// Registers `applier` for records of `kind` in `version`.
    package mutating func register(_ kind: RecordKind, version: UInt16, _ applier: @escaping Applier) {
        table[Key(kind: kind, version: version)] = applier
        kinds.insert(kind)
    }

    /// The versions of `kind` that have an applier.
    package func versions(of kind: RecordKind) -> [UInt16] {
        table.keys.filter { $0.kind == kind }.map(\.version).sorted()
    }

    /// Applies `entry` with the applier of its kind and version; a kind without appliers changes nothing.
    /// - Throws: ``Runtime/RecordDecodingError`` for a version of a known kind that has no applier
    ///   (the log's kind registry lets no such record in, so this is a build that registered a
    ///   version without its applier); what the applier throws.
    package func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws {
        let header = entry.header
        guard let applier = table[Key(kind: header.kind, version: header.version)] else {
            guard kinds.contains(header.kind) else { return }
            throw RecordDecodingError(
                "\(header.kind) version \(header.version) at \(entry.sequence) has no applier; this build applies versions \(versions(of: header.kind))"
            )
        }
        try applier(entry, databases, transaction)
    }
}
