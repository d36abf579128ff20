package import EventLog

extension EventLog {
    /// Appends `records` in one transaction and waits for the commit, as every service
    /// writes its records: a failure is ``ServiceError/storage(_:about:)`` about `subject`
    /// (the resource being changed, named in the message).
    package func append(_ records: [Record], about subject: String?) async throws(ServiceError) {
        do { _ = try await append(records) } catch { throw ServiceError.storage(error, about: subject) }
    }
}
