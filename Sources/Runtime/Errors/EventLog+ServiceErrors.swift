package import EventLog

/// How every service writes to the log: the log's and LMDB's failures become
/// ``ServiceError/storage(_:about:)`` here, once, instead of in a `do`/`catch` per service.
extension EventLog {
    /// Appends `records` in one transaction and waits for the commit; a failure is
    /// ``ServiceError/storage(_:about:)`` about `subject` (the resource being changed,
    /// named in the message).
    package func append(_ records: [Record], about subject: String?) async throws(ServiceError) {
        do { _ = try await append(records) } catch { throw ServiceError.storage(error, about: subject) }
    }

    /// Runs `body` in the writer's transaction and waits for the commit. An error `body`
    /// threw that `passes` accepts (the service's own refusals: a queue that does not exist,
    /// a delivery that failed) reaches the caller unchanged; any other failure is
    /// ``ServiceError/storage(_:about:)`` about `subject`.
    package func transact<Result: Sendable>(
        about subject: String?,
        passing passes: (any Error) -> Bool = { _ in false },
        _ body: @escaping @Sendable (AppendTransaction) throws -> Result
    ) async throws -> Result {
        do { return try await transact(body) } catch where passes(error) { throw error } catch {
            throw ServiceError.storage(error, about: subject)
        }
    }
}
