extension EventLog {
    /// Appends `records`, in order, and returns their sequence numbers once the
    /// transaction holding them has committed.
    ///
    /// The records get consecutive sequence numbers and commit together (possibly
    /// with other callers' appends: group commit). When the writer's queue is
    /// full the call waits for room. Cancelling the calling task does not
    /// withdraw queued records: the call still waits for their commit, so the
    /// answer is always the truth.
    /// - Returns: the sequence numbers given to `records` (empty for no records).
    /// - Throws: ``EventLogError`` (`unknownKind`, `unsupportedVersion` before
    ///   anything is queued; `closed`), or the ``LMDBError`` that failed the commit
    ///   (for example ``LMDBError/Code/noSpace`` when the disk is full); then none
    ///   of the records was committed.
    @discardableResult
    public func append(_ records: [Record]) async throws -> Range<SequenceNumber> {
        if let kinds = configuration.kinds {
            for record in records { try kinds.check(record.header, at: nil) }
        }
        if records.isEmpty {
            let next = commits.lastCommitted.next
            return next..<next
        }
        return try await withCheckedThrowingContinuation { continuation in
            writer.submit(
                LogWriter.Submission(work: .records(records), weight: records.count) { result in
                    continuation.resume(with: result)
                }
            )
        }
    }

    /// Runs `body` on the writer, inside the group commit, and returns its result
    /// once the transaction committed.
    ///
    /// Use it when records and other writes must commit atomically, or when what
    /// to append depends on the current indexes (check an idempotency key, then
    /// append). If `body` throws, nothing it did is kept and the error is
    /// rethrown here; other appends in the same group are unaffected. `body`
    /// runs on the writer thread, must not block, and may run more than once
    /// (see ``AppendTransaction``).
    /// - Throws: what `body` throws, ``EventLogError`` (`closed`), or the commit's ``LMDBError``.
    @discardableResult
    public func transact<Result: Sendable>(
        _ body: @escaping @Sendable (AppendTransaction) throws -> Result
    ) async throws -> Result {
        let box = ResultBox<Result>()
        _ = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Range<SequenceNumber>, any Error>) in
            writer.submit(
                LogWriter.Submission(work: .transaction({ append in box.value = try body(append) }), weight: 1) {
                    result in continuation.resume(with: result)
                }
            )
        }
        // Force-unwrap proven: the continuation resumed with success, which the
        // writer reports only after `body` returned and stored its value.
        return box.value!
    }
}

/// Carries a ``EventLog/transact(_:)`` body's result from the writer thread to the caller.
final class ResultBox<Value>: @unchecked Sendable {
    // @unchecked Sendable: `value` is written on the writer thread before the
    // commit, and read by the caller only after the writer resumed its
    // continuation, which orders the write before the read.
    var value: Value?
}
