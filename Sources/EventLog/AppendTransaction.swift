public import LMDB

/// The writer's transaction as seen by an ``EventLog/transact(_:)`` body:
/// append records and make extra writes that commit atomically with them.
///
/// The body runs on the writer thread inside a nested LMDB transaction of the
/// group commit: if it throws, its records and writes are discarded and only
/// its caller sees the error; the other appends of the group still commit.
/// Records appended here are indexed immediately, so later reads in the same
/// body (through ``transaction``) see the index updates.
///
/// The body may run more than once (when the map fills up the whole group is
/// retried), so it must compute everything from its inputs and what it reads here.
public final class AppendTransaction {
    /// The underlying write transaction, for reading the log and indexes as of
    /// this append and for writes to the caller's own databases. Writes made here
    /// are not derived from records, so `verify` cannot rebuild them; state that
    /// must survive a rebuild belongs in a ``LogIndex``.
    public let transaction: WriteTransaction
    private let writer: LogWriter.Context
    /// The sequence number the next ``append(_:)`` will get.
    public private(set) var nextSequence: SequenceNumber

    init(transaction: WriteTransaction, writer: LogWriter.Context, nextSequence: SequenceNumber) {
        self.transaction = transaction
        self.writer = writer
        self.nextSequence = nextSequence
    }

    /// Appends `record`, updates every index for it, and returns its sequence number.
    /// - Throws: ``EventLogError`` for an unregistered kind or version; LMDB errors.
    @discardableResult
    public func append(_ record: Record) throws -> SequenceNumber {
        let sequence = nextSequence
        try writer.kinds?.check(record.header, at: nil)
        try writer.append(record, at: sequence, in: transaction)
        nextSequence = sequence.next
        return sequence
    }
}
