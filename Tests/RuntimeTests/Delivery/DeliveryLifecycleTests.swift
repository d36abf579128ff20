import EventLog
import JSON
import Runtime
import Synchronization
import TestSupport
import Testing

/// Opens a log with the parcels' index and a courier on a manual clock, and runs
/// the scheduler beside `body`.
private func withCourier(
    at start: Int64 = 1_000_000, maxConcurrentAttempts: Int = 4,
    _ body: (Courier, ManualClock) async throws -> Void
) async throws {
    let directory = TemporaryDirectory()
    var configuration = EventLog.Configuration()
    configuration.mapSize = 1 << 22
    configuration.durability = .unsafeNoSync
    let log = try EventLog(directory: directory.path, indexes: [ParcelIndex()], configuration: configuration)
    let clock = ManualClock(start)
    let courier = Courier(context: ServiceContext(log: log, clock: clock), maxConcurrentAttempts: maxConcurrentAttempts)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await courier.lifecycle.context.scheduler.run() }
        try await body(courier, clock)
        group.cancelAll()
    }
}

extension Courier {
    func attemptTimes(_ id: String) -> [Int64] { attempts.withLock { $0[id] ?? [] } }

    /// Waits until `id` was attempted `count` times and the last outcome's record committed.
    func waitForAttempts(_ id: String, _ count: Int, then view: ParcelIndex.DB) async throws {
        #expect(try await eventually { try attemptTimes(id).count == count && self.view(view, id) != nil })
    }
}

@Suite("DeliveryLifecycle on the manual clock")
struct DeliveryLifecycleTests {
    @Test("a failing delivery is retried with exponential backoff, then dead-lettered with the exhausted limit")
    func retriesWithBackoffThenDeadLetters() async throws {
        try await withCourier { courier, clock in
            try await courier.decide(Parcel(deliveryId: "p1", due: 1_000_000, maximumRetryAttempts: 2))
            try await courier.waitForAttempts("p1", 1, then: .pending)
            #expect(try await eventually { try courier.view(.pending, "p1")?["attempt"] == 1 })
            let retried = try #require(try courier.view(.pending, "p1"))
            #expect(retried["due"] == 1_001_000 && retried["lastError"] == "courier is down")

            // Nothing is attempted before the backoff elapses.
            clock.advance(milliseconds: 999)
            #expect(courier.attemptTimes("p1").count == 1)
            clock.advance(milliseconds: 1)
            #expect(try await eventually { try courier.view(.pending, "p1")?["attempt"] == 2 })
            #expect(try courier.view(.pending, "p1")?["due"] == 1_003_000)

            clock.advance(milliseconds: 2_000)
            try await courier.waitForAttempts("p1", 3, then: .deadLetters)
            #expect(courier.attemptTimes("p1") == [1_000_000, 1_001_000, 1_003_000])
            let letter = try #require(try courier.view(.deadLetters, "p1"))
            #expect(letter["condition"] == "MaximumRetryAttempts" && letter["dlq"] == "parcels-dlq")
            #expect(try courier.view(.pending, "p1") == nil)
            #expect(courier.deadLetterQueue.withLock { $0 } == ["p1"])
            // The attempt leaves the schedule once its dead letter committed, just after the view shows it.
            #expect(try await eventually { courier.lifecycle.scheduled.isEmpty })
        }
    }

    @Test("a redriven dead letter starts over with fresh attempts and succeeds")
    func redriveStartsOver() async throws {
        try await withCourier { courier, clock in
            try await courier.decide(Parcel(deliveryId: "p2", due: 1_000_000, maximumRetryAttempts: 0))
            try await courier.waitForAttempts("p2", 1, then: .deadLetters)
            await #expect(throws: ParcelRejection(rejection: .noDeadLetter(deliveryId: "nothing"))) {
                try await courier.lifecycle.redrive(deliveryId: "nothing")
            }
            courier.failing.withLock { $0 = false }
            clock.advance(milliseconds: 5_000)
            try await courier.lifecycle.redrive(deliveryId: "p2")
            #expect(try await eventually { courier.attemptTimes("p2").count == 2 && courier.lifecycle.scheduled.isEmpty })
            #expect(courier.attemptTimes("p2") == [1_000_000, 1_005_000])
            #expect(try courier.view(.pending, "p2") == nil && courier.view(.deadLetters, "p2") == nil)
            #expect(try courier.view(.review, "p2") == nil)
            // Redriven once: a second redrive finds no dead letter.
            await #expect(throws: ParcelRejection.self) { try await courier.lifecycle.redrive(deliveryId: "p2") }
        }
    }

    @Test("a redriven delivery that fails again waits for review; retrying it from review can succeed")
    func reviewRetry() async throws {
        try await withCourier { courier, _ in
            try await courier.decide(Parcel(deliveryId: "p3", due: 1_000_000, maximumRetryAttempts: 0))
            try await courier.waitForAttempts("p3", 1, then: .deadLetters)
            try await courier.lifecycle.redrive(deliveryId: "p3")
            try await courier.waitForAttempts("p3", 2, then: .review)
            #expect(try courier.view(.deadLetters, "p3") == nil)
            #expect(try courier.view(.review, "p3")?["parcel"]?["redriveCount"] == 1)
            // Each exhaustion went to the dead-letter queue.
            #expect(courier.deadLetterQueue.withLock { $0 } == ["p3", "p3"])

            // Retried while still failing: back in review, one restart more.
            try await courier.lifecycle.retryReviewItem(deliveryId: "p3")
            try await courier.waitForAttempts("p3", 3, then: .review)
            #expect(try courier.view(.review, "p3")?["parcel"]?["redriveCount"] == 2)

            courier.failing.withLock { $0 = false }
            try await courier.lifecycle.retryReviewItem(deliveryId: "p3")
            #expect(try await eventually { courier.attemptTimes("p3").count == 4 && courier.lifecycle.scheduled.isEmpty })
            #expect(try courier.view(.review, "p3") == nil && courier.view(.pending, "p3") == nil)
        }
    }

    @Test("resolving a review item needs a reason, keeps it resolved, and refuses a retry or a second resolution")
    func reviewResolve() async throws {
        try await withCourier { courier, _ in
            try await courier.decide(Parcel(deliveryId: "p4", due: 1_000_000, maximumRetryAttempts: 0))
            try await courier.waitForAttempts("p4", 1, then: .deadLetters)
            try await courier.lifecycle.redrive(deliveryId: "p4")
            try await courier.waitForAttempts("p4", 2, then: .review)

            await #expect(throws: ParcelRejection(rejection: .missingReason(deliveryId: "p4"))) {
                try await courier.lifecycle.resolveReviewItem(deliveryId: "p4", reason: "")
            }
            await #expect(throws: ParcelRejection(rejection: .noReviewItem(deliveryId: "p9"))) {
                try await courier.lifecycle.resolveReviewItem(deliveryId: "p9", reason: "gone")
            }
            try await courier.lifecycle.resolveReviewItem(deliveryId: "p4", reason: "sent by hand")
            #expect(try courier.view(.review, "p4")?["resolution"] == "sent by hand")
            await #expect(throws: ParcelRejection(rejection: .retryOfResolved(deliveryId: "p4", resolution: "sent by hand"))) {
                try await courier.lifecycle.retryReviewItem(deliveryId: "p4")
            }
            await #expect(throws: ParcelRejection(rejection: .resolveOfResolved(deliveryId: "p4", resolution: "sent by hand"))) {
                try await courier.lifecycle.resolveReviewItem(deliveryId: "p4", reason: "again")
            }
            #expect(courier.attemptTimes("p4").count == 2)
        }
    }

    @Test("no more attempts run at once than the limit; the others wait for a free place")
    func concurrencyLimit() async throws {
        try await withCourier(maxConcurrentAttempts: 1) { courier, _ in
            courier.failing.withLock { $0 = false }
            for id in ["a", "b", "c"] { try await courier.decide(Parcel(deliveryId: id, due: 1_000_000, maximumRetryAttempts: 0)) }
            #expect(try await eventually { courier.lifecycle.scheduled.isEmpty })
            #expect(["a", "b", "c"].allSatisfy { courier.attemptTimes($0).count == 1 })
            #expect(courier.maximumInFlight.withLock { $0 } == 1)
        }
    }

    @Test("a delivery queued again while its attempt is in flight runs after that attempt ends, not beside it, and is not lost")
    func queuedAgainWhileInFlight() async throws {
        try await withCourier { courier, _ in
            courier.failing.withLock { $0 = false }
            courier.held.withLock { $0 = true }
            try await courier.decide(Parcel(deliveryId: "p6", due: 1_000_000, maximumRetryAttempts: 0))
            #expect(try await eventually { courier.attemptTimes("p6").count == 1 })
            // As a redrive does when it commits while the previous outcome is still being recorded.
            var again = Parcel(deliveryId: "p6", due: 1_000_000, maximumRetryAttempts: 0)
            again.redriveCount = 1
            courier.lifecycle.schedule(again)
            courier.held.withLock { $0 = false }
            #expect(try await eventually { courier.attemptTimes("p6").count == 2 && courier.lifecycle.scheduled.isEmpty })
            #expect(courier.maximumInFlight.withLock { $0 } == 1)
        }
    }

    @Test("EventBridge's policy: backoff doubles from one second, and the event's age ends retries before the count does")
    func exponentialBackoffPolicy() {
        #expect((1...10).map(ExponentialBackoffPolicy.backoff(afterAttempt:)) == [
            1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 256_000,
        ])
        let policy = ExponentialBackoffPolicy(maximumRetryAttempts: 185, maximumAgeSeconds: 60, startTime: 0)
        #expect(policy.decision(afterAttempt: 1, at: 10_000) == .retry(due: 11_000))
        #expect(policy.decision(afterAttempt: 6, at: 40_000) == .deadLetter(condition: "MaximumEventAgeInSeconds"))
        let short = ExponentialBackoffPolicy(maximumRetryAttempts: 1, maximumAgeSeconds: 86_400, startTime: 0)
        #expect(short.decision(afterAttempt: 2, at: 0) == .deadLetter(condition: "MaximumRetryAttempts"))
    }
}
