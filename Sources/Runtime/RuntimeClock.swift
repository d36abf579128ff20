import Foundation
import Synchronization

/// Where every service reads the time and waits for it: the only clock the
/// runtime uses, so tests can move time by hand and timers fire without waiting.
///
/// Times are milliseconds since the Unix epoch, the unit every record stores.
public protocol RuntimeClock: Sendable {
    /// Milliseconds since the Unix epoch.
    func now() -> Int64

    /// Suspends until ``now()`` reaches `deadline` (milliseconds since the epoch).
    ///
    /// Returns at once when the deadline has passed.
    /// - Throws: `CancellationError` when the calling task is cancelled first.
    func sleep(untilMilliseconds deadline: Int64) async throws
}

/// The system's wall clock.
public struct SystemClock: RuntimeClock {
    public init() {}

    public func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// Sleeps on the continuous clock for the time left, to the microsecond, with
    /// no tolerance: without one, the executor may coalesce the wake-up by a tenth
    /// of the wait (libdispatch's default leeway), which is a timer 100 ms late
    /// after a second; and counting from ``now()``, which drops the fraction of the
    /// current millisecond, would wake half a millisecond late on average.
    public func sleep(untilMilliseconds deadline: Int64) async throws {
        let left = deadline * 1000 - Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
        guard left > 0 else { return }
        try await Task.sleep(until: .now + .microseconds(left), tolerance: .zero, clock: .continuous)
    }
}

/// A clock that moves only when told: for tests of timers, heartbeats, timeouts
/// and retries.
///
/// ``advance(milliseconds:)`` resumes every ``sleep(untilMilliseconds:)`` whose
/// deadline it reaches, so a ``Scheduler`` on this clock runs what came due
/// without any real waiting.
public final class ManualClock: RuntimeClock {
    private struct State {
        var now: Int64
        var nextSleeper: UInt64 = 0
        var sleepers: [UInt64: (deadline: Int64, continuation: CheckedContinuation<Void, any Error>)] = [:]
    }

    private let state: Mutex<State>

    public init(_ start: Int64 = 1_700_000_000_000) { state = Mutex(State(now: start)) }

    public func now() -> Int64 { state.withLock { $0.now } }

    /// Moves the clock forward by `milliseconds` and wakes the sleepers whose deadline it reached.
    public func advance(milliseconds: Int64) {
        let woken = state.withLock { state in
            state.now += milliseconds
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    public func sleep(untilMilliseconds deadline: Int64) async throws {
        let id = state.withLock { state in
            state.nextSleeper += 1
            return state.nextSleeper
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: (any Error)?? = state.withLock { state in
                    if Task.isCancelled { return .some(CancellationError()) }
                    if state.now >= deadline { return .some(nil) }
                    state.sleepers[id] = (deadline, continuation)
                    return nil
                }
                switch resumeNow {
                case .some(.some(let error)): continuation.resume(throwing: error)
                case .some(.none): continuation.resume()
                case .none: break
                }
            }
        } onCancel: {
            // Registered or not yet: whoever removes the entry resumes it, exactly once.
            state.withLock { $0.sleepers.removeValue(forKey: id) }?.continuation.resume(throwing: CancellationError())
        }
    }
}

extension Duration {
    /// This duration in whole milliseconds (rounded down): the unit of due times,
    /// for a service that schedules "one interval from now".
    public var inMilliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
