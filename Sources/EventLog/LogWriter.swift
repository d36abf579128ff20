import DequeModule
import Foundation
import LMDB
import Logging

/// The log's single writer: a dedicated thread that takes queued appends in
/// order, commits as many as are waiting in one durable transaction (group
/// commit), and only then resumes their callers.
///
/// Why a thread and not a task: an LMDB write transaction belongs to the thread
/// that began it (its lock is a mutex), and a commit blocks in `fsync`, which
/// must not occupy a thread of the cooperative pool.
///
/// The queue is bounded in records: a submission that does not fit waits,
/// parked in order, until the writer has taken enough; its caller stays
/// suspended meanwhile, so producers slow down instead of memory growing.
final class LogWriter: @unchecked Sendable {
    // @unchecked Sendable: every mutable property below is read and written only
    // while `condition` is locked, except `context`, which is immutable, and the
    // thread's own loop state, which lives on the writer thread's stack.

    /// What one queued append asks for.
    enum Work: Sendable {
        /// Plain records, appended in order.
        case records([Record])
        /// A body run in a nested transaction (``EventLog/transact(_:)``).
        case transaction(@Sendable (AppendTransaction) throws -> Void)
    }

    /// One caller's append, waiting for its commit.
    struct Submission: Sendable {
        let work: Work
        /// Records it is expected to add, for the queue bound (1 for a transaction body).
        let weight: Int
        let complete: @Sendable (Result<Range<SequenceNumber>, any Error>) -> Void
    }

    /// Everything the writer thread needs to append, shared with ``AppendTransaction``.
    struct Context: Sendable {
        let environment: Environment
        let log: Database
        let meta: Database
        let indexes: [RegisteredIndex]
        let kinds: RecordKinds?
        /// Who is told of committed records, and what the group being written holds for them.
        let observers = CommitObservers()

        /// Appends one record under `sequence` and applies every index to it.
        /// Kinds were checked before the record was queued.
        @inline(__always)
        func append(_ record: Record, at sequence: SequenceNumber, in transaction: WriteTransaction) throws {
            let key = sequence.key
            let header = RecordFormat.encodeHeader(record.header, payloadCount: record.payload.count)
            try transaction.put(
                concatenating: header.span.bytes,
                record.payload.span.bytes,
                forKey: key.span.bytes,
                in: log,
                options: .append
            )
            observers.note(record, at: sequence)
            if indexes.isEmpty { return }
            let entry = LogEntry(sequence: sequence, record: record)
            for registered in indexes {
                try registered.index.apply(entry, to: registered.databases, in: transaction)
            }
        }

        /// Records, in the same transaction, that every index is current to `sequence`.
        func storePositions(_ sequence: SequenceNumber, in transaction: WriteTransaction) throws {
            let value = sequence.key
            for registered in indexes {
                try transaction.put(value.span.bytes, forKey: registered.positionKey.span.bytes, in: meta)
            }
        }
    }

    let context: Context
    private let capacity: Int
    private let maxRecordsPerCommit: Int
    private let commits: CommitSignal
    private let logger: Logger
    private let condition = NSCondition()
    private var pending = Deque<Submission>()
    private var pendingWeight = 0
    private var parked = Deque<Submission>()
    private var closing = false
    private var finished = false
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []

    init(context: Context, capacity: Int, maxRecordsPerCommit: Int, commits: CommitSignal, logger: Logger) {
        self.context = context
        self.capacity = max(1, capacity)
        self.maxRecordsPerCommit = max(1, maxRecordsPerCommit)
        self.commits = commits
        self.logger = logger
    }

    /// Starts the writer thread.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "stepline-log-writer"
        thread.start()
    }

    /// Queues `submission`, parking it if the queue is full. Never blocks.
    func submit(_ submission: Submission) {
        condition.lock()
        if closing {
            condition.unlock()
            submission.complete(.failure(EventLogError(.closed, "the log was closed before this append was queued")))
            return
        }
        if parked.isEmpty && (pendingWeight + submission.weight <= capacity || pending.isEmpty) {
            pending.append(submission)
            pendingWeight += submission.weight
            condition.signal()
        } else {
            parked.append(submission)
        }
        condition.unlock()
    }

    /// How many appends wait for the writer, queued or parked.
    var queuedSubmissions: Int {
        condition.lock()
        defer { condition.unlock() }
        return pending.count + parked.count
    }

    /// Asks the writer to commit what is queued and stop; returns when it has.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            closing = true
            if finished {
                condition.unlock()
                continuation.resume()
                return
            }
            exitWaiters.append(continuation)
            condition.signal()
            condition.unlock()
        }
    }

    /// Asks the writer to stop after committing what is queued, without waiting.
    func closeSoon() {
        condition.lock()
        closing = true
        condition.signal()
        condition.unlock()
    }

    /// Waits for work and returns the next group: whole submissions, in order, up
    /// to `maxRecordsPerCommit` records (at least one submission). `nil` once closed and drained.
    private func takeGroup() -> [Submission]? {
        condition.lock()
        defer { condition.unlock() }
        while pending.isEmpty && parked.isEmpty && !closing { condition.wait() }
        if pending.isEmpty && parked.isEmpty { return nil }
        var group: [Submission] = []
        var weight = 0
        while let next = pending.first, group.isEmpty || weight + next.weight <= maxRecordsPerCommit {
            pending.removeFirst()
            pendingWeight -= next.weight
            weight += next.weight
            group.append(next)
        }
        while let next = parked.first, pendingWeight + next.weight <= capacity || pending.isEmpty {
            parked.removeFirst()
            pending.append(next)
            pendingWeight += next.weight
        }
        return group
    }

    private func run() {
        while let group = takeGroup() {
            commit(group)
        }
        condition.lock()
        finished = true
        let waiters = exitWaiters
        exitWaiters = []
        condition.unlock()
        commits.close()
        for waiter in waiters { waiter.resume() }
    }

    /// Commits `group` in one transaction, then answers every caller.
    ///
    /// An append whose records cannot be written (an index refuses one) fails
    /// alone: it is answered with its error and the group is written again
    /// without it. Without that, one client's unreadable record would fail the
    /// unrelated appends that happened to share its commit.
    private func commit(_ group: [Submission]) {
        var group = group
        while let refused = commitOnce(group) {
            let submission = group.remove(at: refused.position)
            logger.warning(
                "an append could not be written; its group is committed without it",
                metadata: ["records": "\(submission.weight)", "error": "\(refused.error)"]
            )
            submission.complete(.failure(refused.error))
            if group.isEmpty { return }
        }
    }

    /// Commits `group` and answers every caller, or, when one append's records
    /// could not be written, commits nothing, answers nobody, and returns which one and why.
    private func commitOnce(_ group: [Submission]) -> (position: Int, error: any Error)? {
        let base = commits.lastCommitted.next
        var outcomes: [Result<Range<SequenceNumber>, any Error>] = []
        outcomes.reserveCapacity(group.count)
        var last = SequenceNumber(base.rawValue - 1)
        var refused: Int?
        do {
            try context.environment.write { transaction in
                // The body may run again after the map grew: start from scratch.
                outcomes.removeAll(keepingCapacity: true)
                refused = nil
                context.observers.rollBack(to: 0)
                var next = base
                for (position, submission) in group.enumerated() {
                    let start = next
                    switch submission.work {
                    case .records(let records):
                        do {
                            for record in records {
                                try context.append(record, at: next, in: transaction)
                                next = next.next
                            }
                        } catch {
                            if Self.isTiedToItsRecord(error) { refused = position }
                            throw error
                        }
                        outcomes.append(.success(start..<next))
                    case .transaction(let body):
                        let mark = context.observers.mark
                        do {
                            next = try transaction.nested { child in
                                let append = AppendTransaction(transaction: child, writer: context, nextSequence: start)
                                try body(append)
                                return append.nextSequence
                            }
                            outcomes.append(.success(start..<next))
                        } catch {
                            context.observers.rollBack(to: mark)
                            outcomes.append(.failure(error))
                        }
                    }
                }
                last = SequenceNumber(next.rawValue - 1)
                if next > base { try context.storePositions(last, in: transaction) }
                CrashPoint.beforeCommit.reach()
            }
        } catch {
            context.observers.rollBack(to: 0)
            if let refused { return (refused, error) }
            logger.error(
                "group commit failed",
                metadata: ["first-sequence": "\(base.rawValue)", "appends": "\(group.count)", "error": "\(error)"]
            )
            for submission in group { submission.complete(.failure(error)) }
            return nil
        }
        CrashPoint.afterCommit.reach()
        commits.committed(through: last)
        // Observers first: what a caller learns once answered (a message it sent) is
        // already known to the services that keep it in memory (its receivers woken).
        context.observers.deliver()
        for (submission, outcome) in zip(group, outcomes) { submission.complete(outcome) }
        return nil
    }

    /// Whether `error`, thrown while writing one append's records, is about
    /// those records (an index that cannot decode one, a key LMDB refuses)
    /// rather than the storage (a full or failing disk), which fails the whole group.
    private static func isTiedToItsRecord(_ error: any Error) -> Bool {
        guard let failure = error as? LMDBError else { return true }
        return failure.code == .badValueSize
    }
}
