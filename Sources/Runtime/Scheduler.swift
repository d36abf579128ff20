import HeapModule
import Synchronization

/// The one timer of every service: a due-time heap of keyed actions and one
/// waiter that sleeps until the earliest is due, then runs what is due.
///
/// Nothing polls. ``run()`` sleeps on the ``RuntimeClock`` until the earliest
/// due time, and wakes early when something earlier is scheduled; on a
/// ``ManualClock`` it sleeps until the test advances the clock past that time,
/// so timers fire without real waiting. Modelled on Zeebe's `DueDateChecker`:
/// a service schedules its next due item when it commits it (or when the view
/// that holds it changes), and after a restart schedules again from its views.
///
/// Each entry has a ``Key``: scheduling a key that is already scheduled moves
/// it (the new due time and action replace the old), and ``cancel(_:)`` removes
/// it. Actions run concurrently, as child tasks of ``run()``, so one slow
/// action (an HTTP delivery) does not hold back the others; an action that must
/// run again schedules itself again.
///
/// Several services may share one scheduler and each call ``run()`` from its
/// own `Service.run()`: one of the calls drives it and the others stand by, and
/// when the driving call is cancelled (its service shut down) a standing-by call
/// takes over, so the scheduler runs as long as any of its services does.
///
/// ```swift
/// let scheduler = Scheduler(clock: clock)
/// scheduler.schedule(Scheduler.Key("engine.timer", arn), at: due) { await engine.fire(arn) }
/// ```
///
/// ## Topics
/// - ``schedule(_:at:_:)``
/// - ``cancel(_:)``
/// - ``due(of:)``
/// - ``run()``
public final class Scheduler: Sendable {
    /// What identifies a scheduled action: the service that owns it and its name there.
    public struct Key: Hashable, Sendable, CustomStringConvertible {
        public var owner: String
        public var name: String

        public init(_ owner: String, _ name: String = "") {
            self.owner = owner
            self.name = name
        }

        public var description: String { name.isEmpty ? owner : "\(owner)/\(name)" }
    }

    /// What runs when a key comes due.
    public typealias Action = @Sendable () async -> Void

    private struct Entry {
        var due: Int64
        var generation: UInt64
        var action: Action
    }

    /// A heap item; stale once its key was moved or cancelled (its generation no longer matches).
    private struct Due: Comparable {
        var due: Int64
        var generation: UInt64
        var key: Key

        static func < (lhs: Due, rhs: Due) -> Bool { (lhs.due, lhs.generation) < (rhs.due, rhs.generation) }
        static func == (lhs: Due, rhs: Due) -> Bool { lhs.due == rhs.due && lhs.generation == rhs.generation }
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var heap = Heap<Due>()
        var generation: UInt64 = 0
        /// The due time the waiter sleeps until (`Int64.max`: nothing scheduled, it sleeps until woken).
        var sleepingUntil: Int64 = .max
        /// Whether a call of ``run()`` drives the scheduler.
        var driven = false

        /// Drops heap items whose key was moved or cancelled, so the top is live.
        mutating func dropStale() {
            while let top = heap.min, entries[top.key]?.generation != top.generation { heap.removeMin() }
        }
    }

    /// The clock due times are read on and slept on.
    public let clock: any RuntimeClock
    private let state = Mutex(State())
    private let wakeUp = WakeSignal()
    private let driverGone = WakeSignal()

    public init(clock: any RuntimeClock = SystemClock()) {
        self.clock = clock
    }

    /// Runs `action` once the clock reaches `due` (milliseconds since the epoch);
    /// at once when `due` has passed.
    ///
    /// A key already scheduled is moved: its old due time and action are dropped.
    /// The waiter is woken when this becomes the earliest due time.
    public func schedule(_ key: Key, at due: Int64, _ action: @escaping Action) {
        let wake = state.withLock { state in
            state.generation += 1
            state.entries[key] = Entry(due: due, generation: state.generation, action: action)
            state.heap.insert(Due(due: due, generation: state.generation, key: key))
            return due < state.sleepingUntil
        }
        if wake { wakeUp.notify() }
    }

    /// Removes `key`'s action if it has not run yet; nothing happens for an unknown key.
    public func cancel(_ key: Key) {
        state.withLock { state in
            state.entries[key] = nil
            state.dropStale()
        }
    }

    /// When `key` is due, or `nil` if it is not scheduled (never was, ran, or was cancelled).
    public func due(of key: Key) -> Int64? {
        state.withLock { $0.entries[key]?.due }
    }

    /// How many actions are scheduled.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Runs due actions until the calling task is cancelled.
    ///
    /// Only one call drives the scheduler at a time; further calls (other services
    /// sharing it) wait and take over when the driving one is cancelled. Actions
    /// still running when it is cancelled are cancelled with it; what they had
    /// not done is still in the log, for the next start to schedule again.
    public func run() async {
        while !Task.isCancelled {
            let drives = state.withLock { state in
                if state.driven { return false }
                state.driven = true
                return true
            }
            guard drives else {
                await driverGone.wait()
                continue
            }
            await drive()
            state.withLock { $0.driven = false }
            driverGone.notify()
            return
        }
    }

    private func drive() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                for action in takeDue(now: clock.now()) { group.addTask { await action() } }
                await sleep()
            }
        }
    }

    /// Removes and returns the actions due at `now`, and notes when the next is due.
    private func takeDue(now: Int64) -> [Action] {
        state.withLock { state in
            var due: [Action] = []
            state.dropStale()
            while let top = state.heap.min, top.due <= now {
                state.heap.removeMin()
                if let entry = state.entries.removeValue(forKey: top.key) { due.append(entry.action) }
                state.dropStale()
            }
            state.sleepingUntil = state.heap.min?.due ?? .max
            return due
        }
    }

    /// Sleeps until the earliest due time or until woken (an earlier schedule), whichever comes first.
    private func sleep() async {
        let until = state.withLock { $0.sleepingUntil }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wakeUp.wait() }
            if until != .max {
                group.addTask { [clock] in try? await clock.sleep(untilMilliseconds: until) }
            }
            await group.next()
            group.cancelAll()
        }
    }
}
