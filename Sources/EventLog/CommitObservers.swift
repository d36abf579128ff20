import Synchronization

/// A committed record handed to a commit observer (``EventLog/observeCommits(of:_:)``).
public struct CommittedRecord: Sendable {
    public let sequence: SequenceNumber
    public let header: RecordHeader
    public let payload: [UInt8]
}

/// The observers of commits, and the records of the commit being written that they want.
///
/// The writer thread notes each appended record whose kind someone observes while it
/// writes a group, forgets what an aborted nested transaction or a retried group had
/// noted, and hands the rest to the observers once `mdb_txn_commit` returned: an
/// observer sees exactly the records that are durably in the log, in log order, and
/// never one that was rolled back.
final class CommitObservers: @unchecked Sendable {
    // @unchecked Sendable: `registry` is behind a mutex; `noted` is touched only by the
    // writer thread (while it writes a group and right after it commits).
    private struct Observer {
        var kinds: Set<RecordKind>
        var body: @Sendable ([CommittedRecord]) -> Void
    }

    private struct Registry {
        var observers: [Observer] = []
        /// Whether anyone observes a kind, by raw value: read for every appended record.
        var wanted = [Bool](repeating: false, count: Int(UInt16.max) + 1)
    }

    private let registry = Mutex(Registry())
    private var noted: [CommittedRecord] = []

    func add(kinds: Set<RecordKind>, _ body: @escaping @Sendable ([CommittedRecord]) -> Void) {
        registry.withLock { registry in
            registry.observers.append(Observer(kinds: kinds, body: body))
            for kind in kinds { registry.wanted[Int(kind.rawValue)] = true }
        }
    }

    /// Notes `record` if anyone observes its kind (writer thread, inside the transaction).
    @inline(__always)
    func note(_ record: Record, at sequence: SequenceNumber) {
        guard registry.withLock({ $0.wanted[Int(record.header.kind.rawValue)] }) else { return }
        noted.append(CommittedRecord(sequence: sequence, header: record.header, payload: record.payload))
    }

    /// How many records are noted: a nested transaction that fails rolls back to it.
    var mark: Int { noted.count }

    /// Forgets what was noted after `mark` (a nested transaction that failed, a group written again).
    func rollBack(to mark: Int) {
        if noted.count > mark { noted.removeSubrange(mark...) }
    }

    /// Hands what the commit holds to its observers (writer thread, after the commit).
    func deliver() {
        guard !noted.isEmpty else { return }
        let committed = noted
        noted.removeAll(keepingCapacity: true)
        let observers = registry.withLock { $0.observers }
        for observer in observers {
            let wanted = committed.filter { observer.kinds.contains($0.header.kind) }
            if !wanted.isEmpty { observer.body(wanted) }
        }
    }
}

extension EventLog {
    /// Calls `observer` after every commit that holds records of `kinds`, with those
    /// records in log order, once they are durable.
    ///
    /// This is how a service keeps what it holds in memory in step with the log (wakes
    /// long-polling receivers when a message is sent, schedules a delivery recorded by
    /// another service's transaction) without every writer remembering to tell it.
    /// The observer runs on the log's writer thread before the next group is written:
    /// it must return at once (resume a continuation, schedule work), never block or
    /// append to the log itself.
    public func observeCommits(of kinds: Set<RecordKind>, _ observer: @escaping @Sendable ([CommittedRecord]) -> Void) {
        writer.context.observers.add(kinds: kinds, observer)
    }
}
