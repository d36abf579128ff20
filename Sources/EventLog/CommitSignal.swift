import Synchronization

/// The last committed sequence number, and the followers waiting for it to move.
///
/// The writer publishes each commit here after `mdb_txn_commit` returned, so a
/// follower that wakes up reads records that are durably in the log.
final class CommitSignal: Sendable {
    private struct State {
        var last: SequenceNumber
        var closed = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state: Mutex<State>

    init(last: SequenceNumber) {
        state = Mutex(State(last: last))
    }

    /// The last committed sequence number (0 when the log is empty).
    var lastCommitted: SequenceNumber { state.withLock { $0.last } }

    /// Whether the log was closed (no further commits will come).
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Publishes a commit and wakes every waiter.
    func committed(through sequence: SequenceNumber) {
        let waiters = state.withLock { state in
            state.last = max(state.last, sequence)
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Marks the log closed and wakes every waiter.
    func close() {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once a commit past `sequence` happened, the log closed, or the task was cancelled.
    func waitForCommit(after sequence: SequenceNumber) async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.last > sequence || state.closed || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
