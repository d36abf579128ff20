import Foundation
import Synchronization

/// Where the Engine reads the time: the only clock it uses, so tests can move
/// time by hand and timers fire without waiting.
public protocol EngineClock: Sendable {
    /// Milliseconds since the Unix epoch.
    func now() -> Int64
}

/// The system's wall clock.
public struct SystemClock: EngineClock {
    public init() {}
    public func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}

/// A clock that moves only when told: for tests of timers, heartbeats and timeouts.
public final class ManualClock: EngineClock {
    private let current: Mutex<Int64>

    public init(_ start: Int64 = 1_700_000_000_000) { current = Mutex(start) }

    public func now() -> Int64 { current.withLock { $0 } }

    /// Moves the clock forward by `milliseconds`.
    public func advance(milliseconds: Int64) { current.withLock { $0 += milliseconds } }
}
