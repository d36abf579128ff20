import Dispatch
import Synchronization

/// What the rebuild threads of ``EventLog/verify(scratchDirectory:threads:progress:)``
/// share with the thread that waits for them: the next index to take, the
/// records replayed so far, the first error, and how many threads still run.
///
/// Every change a waiter cares about (a chunk replayed, a thread finished)
/// signals a semaphore once, so ``wait()`` never misses the last one.
final class RebuildBoard: Sendable {
    private struct State {
        var next = 0
        var replayed = 0
        var running: Int
        var error: (any Error)?
    }

    private let state: Mutex<State>
    private let changed = DispatchSemaphore(value: 0)

    init(threads: Int) {
        state = Mutex(State(running: threads))
    }

    /// The position of the next index to rebuild, or `nil` when all `count` are taken.
    func take(below count: Int) -> Int? {
        state.withLock { state in
            guard state.next < count else { return nil }
            defer { state.next += 1 }
            return state.next
        }
    }

    /// Counts `records` replayed (by any index).
    func add(_ records: Int) {
        state.withLock { $0.replayed += records }
        changed.signal()
    }

    /// Keeps `error` if it is the first; the other threads stop at their next chunk.
    func fail(_ error: any Error) {
        state.withLock { state in
            if state.error == nil { state.error = error }
        }
    }

    /// Whether a rebuild failed.
    func failed() -> Bool { state.withLock { $0.error != nil } }

    /// The first error, if any.
    var error: (any Error)? { state.withLock { $0.error } }

    /// Called by each thread as it ends.
    func finish() {
        state.withLock { $0.running -= 1 }
        changed.signal()
    }

    /// Waits for the next change; returns the records replayed and the threads still running.
    func wait() -> (replayed: Int, running: Int) {
        changed.wait()
        return state.withLock { ($0.replayed, $0.running) }
    }
}
