import Synchronization

/// A wake-up that is never lost: ``notify()`` resumes every task waiting in
/// ``wait()``, or, when none waits, lets the next ``wait()`` return at once.
///
/// The ``Scheduler``'s waiter parks here while it sleeps, so a schedule earlier
/// than the one it sleeps for reaches it even when it arrives between the
/// waiter's look at the heap and its parking.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Wakes every waiter, or the next one to come.
    func notify() {
        let woken = state.withLock { state in
            guard !state.waiters.isEmpty else {
                state.pending = true
                return [CheckedContinuation<Void, Never>]()
            }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns after the next ``notify()`` (or at once if one came since the last
    /// wait), or when the calling task is cancelled.
    func wait() async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
