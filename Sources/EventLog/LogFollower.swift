/// The records of a log from a sequence number on, including those committed
/// later: an async sequence that waits for new commits.
///
/// Every record is yielded exactly once, in order, and only after its
/// transaction committed. The sequence ends when the log is closed (after
/// yielding what was committed) or the task is cancelled; a corrupt or
/// unknown record ends it with an ``EventLogError`` naming the record.
///
/// ```swift
/// for try await entry in log.follow(from: checkpoint.next) { handle(entry) }
/// ```
public struct LogFollower: AsyncSequence, Sendable {
    public typealias Element = LogEntry
    public typealias Failure = any Error

    let log: EventLog
    let start: SequenceNumber
    /// How many records one read takes at most.
    let chunk: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(log: log, next: start, chunk: chunk)
    }

    /// Reads committed records in chunks and waits for the writer when caught up.
    public struct Iterator: AsyncIteratorProtocol {
        let log: EventLog
        var next: SequenceNumber
        let chunk: Int
        var buffer: [LogEntry] = []
        var bufferIndex = 0

        public mutating func next() async throws -> LogEntry? {
            while true {
                if bufferIndex < buffer.count {
                    defer { bufferIndex += 1 }
                    return buffer[bufferIndex]
                }
                if Task.isCancelled { return nil }
                let committed = log.commits.lastCommitted
                if next <= committed {
                    buffer = try log.entries(from: next, through: committed, limit: chunk)
                    bufferIndex = 0
                    guard let last = buffer.last else {
                        throw EventLogError(
                            .corruptRecord,
                            sequence: next,
                            "record \(next) is committed but missing from the log"
                        )
                    }
                    next = last.sequence.next
                    continue
                }
                if log.commits.isClosed { return nil }
                await log.commits.waitForCommit(after: committed)
            }
        }
    }
}

extension EventLog {
    /// Follows the log from `start`: every committed record with a sequence number
    /// at or after `start`, then each new one as it commits.
    public func follow(from start: SequenceNumber = .first) -> LogFollower {
        LogFollower(log: self, start: start, chunk: 1_024)
    }
}
