import Runtime
import Synchronization
import TestSupport
import Testing

/// What fired, in order, collected from the scheduler's actions.
final class Fired: Sendable {
    private let names = Mutex<[String]>([])

    func record(_ name: String) { names.withLock { $0.append(name) } }
    var all: [String] { names.withLock { $0 } }

    /// Waits until `count` actions fired.
    func wait(for count: Int) async throws {
        #expect(try await eventually { all.count >= count }, "only \(all) fired")
    }
}

/// Runs `body` with `scheduler.run()` running beside it, and stops it after.
func running(_ scheduler: Scheduler, _ body: () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await scheduler.run() }
        try await body()
        group.cancelAll()
    }
}

@Suite("Scheduler on the manual clock")
struct SchedulerTests {
    @Test("fires due actions in due order, not in the order they were scheduled")
    func firesInDueOrder() async throws {
        let clock = ManualClock(1_000)
        let scheduler = Scheduler(clock: clock)
        let fired = Fired()
        for (name, due) in [("c", 1_300), ("a", 1_100), ("b", 1_200)] {
            scheduler.schedule(Scheduler.Key("test", name), at: Int64(due)) { fired.record(name) }
        }
        try await running(scheduler) {
            for expected in 1...3 {
                clock.advance(milliseconds: 100)
                try await fired.wait(for: expected)
            }
        }
        #expect(fired.all == ["a", "b", "c"])
    }

    @Test("advancing the manual clock fires what came due, and nothing that is not due yet")
    func advancingFiresWithoutRealWaiting() async throws {
        let clock = ManualClock(0)
        let scheduler = Scheduler(clock: clock)
        let fired = Fired()
        // An hour: the test would time out if the scheduler waited in real time.
        scheduler.schedule(Scheduler.Key("test", "hour"), at: 3_600_000) { fired.record("hour") }
        scheduler.schedule(Scheduler.Key("test", "day"), at: 86_400_000) { fired.record("day") }
        try await running(scheduler) {
            clock.advance(milliseconds: 3_600_000)
            try await fired.wait(for: 1)
        }
        #expect(fired.all == ["hour"])
        #expect(scheduler.due(of: Scheduler.Key("test", "day")) == 86_400_000)
        #expect(scheduler.due(of: Scheduler.Key("test", "hour")) == nil)
    }

    @Test("a schedule earlier than the one the waiter sleeps for wakes it")
    func earlierScheduleWakesTheWaiter() async throws {
        let clock = ManualClock(0)
        let scheduler = Scheduler(clock: clock)
        let fired = Fired()
        scheduler.schedule(Scheduler.Key("test", "late"), at: 1_000_000) { fired.record("late") }
        try await running(scheduler) {
            // The waiter is asleep until 1 000 000; a key due now must run without any advance.
            for _ in 0..<100 { await Task.yield() }
            scheduler.schedule(Scheduler.Key("test", "now"), at: 0) { fired.record("now") }
            try await fired.wait(for: 1)
        }
        #expect(fired.all == ["now"])
    }

    @Test("a key scheduled while nothing runs the scheduler fires once it runs")
    func firesWhatWasScheduledBeforeRun() async throws {
        let scheduler = Scheduler(clock: ManualClock(500))
        let fired = Fired()
        scheduler.schedule(Scheduler.Key("test", "recovered"), at: 100) { fired.record("recovered") }
        try await running(scheduler) { try await fired.wait(for: 1) }
        #expect(fired.all == ["recovered"])
    }

    @Test("cancel removes a key; scheduling a key again moves it and replaces its action")
    func cancelAndReschedule() async throws {
        let clock = ManualClock(0)
        let scheduler = Scheduler(clock: clock)
        let fired = Fired()
        let heartbeat = Scheduler.Key("test", "heartbeat")
        scheduler.schedule(Scheduler.Key("test", "cancelled"), at: 100) { fired.record("cancelled") }
        scheduler.schedule(heartbeat, at: 100) { fired.record("first deadline") }
        scheduler.cancel(Scheduler.Key("test", "cancelled"))
        scheduler.schedule(heartbeat, at: 300) { fired.record("moved deadline") }
        scheduler.schedule(Scheduler.Key("test", "marker"), at: 200) { fired.record("marker") }
        #expect(scheduler.count == 2)
        try await running(scheduler) {
            clock.advance(milliseconds: 200)
            try await fired.wait(for: 1)
            // The marker fired at 200, so anything due at 100 would have fired by now.
            #expect(fired.all == ["marker"])
            clock.advance(milliseconds: 100)
            try await fired.wait(for: 2)
        }
        #expect(fired.all == ["marker", "moved deadline"])
    }

    @Test("an action can schedule its key again, as a service arming its next due item does")
    func actionsScheduleAgain() async throws {
        let clock = ManualClock(0)
        let scheduler = Scheduler(clock: clock)
        let fired = Fired()
        let key = Scheduler.Key("test", "tick")
        @Sendable func tick(_ n: Int) {
            fired.record("tick \(n)")
            if n < 3 { scheduler.schedule(key, at: clock.now() + 10) { tick(n + 1) } }
        }
        scheduler.schedule(key, at: 10) { tick(1) }
        try await running(scheduler) {
            for expected in 1...3 {
                clock.advance(milliseconds: 10)
                try await fired.wait(for: expected)
            }
        }
        #expect(fired.all == ["tick 1", "tick 2", "tick 3"])
    }

    @Test("services sharing a scheduler: a second run stands by and takes over when the first is cancelled")
    func secondRunTakesOver() async throws {
        let clock = ManualClock(0)
        let scheduler = Scheduler(clock: clock)
        let fired = Fired()
        let first = Task { await scheduler.run() }
        scheduler.schedule(Scheduler.Key("test", "one"), at: 10) { fired.record("one") }
        clock.advance(milliseconds: 10)
        try await fired.wait(for: 1)
        // `first` drives (it alone ran when "one" fired); this one stands by.
        let second = Task { await scheduler.run() }
        first.cancel()
        await first.value
        scheduler.schedule(Scheduler.Key("test", "two"), at: 20) { fired.record("two") }
        clock.advance(milliseconds: 10)
        try await fired.wait(for: 2)
        second.cancel()
        await second.value
        #expect(fired.all == ["one", "two"])
    }
}

@Suite("Scheduler on the system clock")
struct SystemClockSchedulerTests {
    @Test("a key due a few milliseconds ahead fires once the system clock reaches it")
    func firesOnTheSystemClock() async throws {
        let clock = SystemClock()
        let scheduler = Scheduler(clock: clock)
        let fired = Fired()
        let due = clock.now() + 20
        scheduler.schedule(Scheduler.Key("test", "soon"), at: due) { fired.record(String(clock.now())) }
        try await running(scheduler) { try await fired.wait(for: 1) }
        let at = try #require(fired.all.first.flatMap { Int64($0) })
        #expect(at >= due, "fired before it was due")
    }
}
