import Foundation

/// What the reader, the rebuild threads and the waiting caller of
/// ``EventLog/verify(scratchDirectory:threads:progress:)`` share: one bounded
/// queue of ``ReplayBatch``es per index (a lane), which lane a thread is
/// applying, the records each index has applied, and the first error.
///
/// An index's records must be applied in log order, by one thread at a time
/// (they go into one write transaction of its scratch environment), but any
/// thread may take any lane that is free. A thread takes every batch queued on
/// the free lane with the most queued, so the slowest index is worked on
/// whenever a thread is free and the reader, which waits while any lane is full,
/// is held back as little as possible. The threads are as many as the caller
/// asks (not one per index), so on a small machine they do not crowd out the reader.
final class RebuildBoard: @unchecked Sendable {
    // @unchecked Sendable: every mutable property below is read and written only
    // while `condition` is locked; `capacity` is immutable.

    private struct Lane {
        var queued: [ReplayBatch] = []
        var busy = false
        var applied = 0
        var cpuSeconds = 0.0
    }

    /// Batches a lane holds before the reader waits.
    private let capacity: Int
    private let condition = NSCondition()
    private var lanes: [Lane]
    private var readingEnded = false
    private var firstError: (any Error)?

    init(indexes: Int, capacity: Int) {
        self.capacity = max(1, capacity)
        lanes = Array(repeating: Lane(), count: indexes)
    }

    // MARK: The reader

    /// Queues `batch` on every lane, first waiting while any lane is full.
    /// Returns `false` (without queuing) once a rebuild has failed.
    func deliver(_ batch: ReplayBatch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while firstError == nil, lanes.contains(where: { $0.queued.count >= capacity }) { condition.wait() }
        guard firstError == nil else { return false }
        for lane in lanes.indices { lanes[lane].queued.append(batch) }
        condition.broadcast()
        return true
    }

    /// Says that no more batches come (the log is read, or reading failed).
    func endReading() {
        condition.lock()
        readingEnded = true
        condition.broadcast()
        condition.unlock()
    }

    // MARK: The rebuild threads

    /// The next lane to apply and its queued batches, or `nil` when every lane
    /// is done or a rebuild failed. The lane is the taker's until ``applied(lane:records:cpuSeconds:)``.
    func take() -> (lane: Int, batches: [ReplayBatch])? {
        condition.lock()
        defer { condition.unlock() }
        while firstError == nil {
            var best: Int?
            for lane in lanes.indices where !lanes[lane].busy && !lanes[lane].queued.isEmpty {
                if best.map({ lanes[lane].queued.count > lanes[$0].queued.count }) ?? true { best = lane }
            }
            if let best {
                let batches = lanes[best].queued
                lanes[best].queued = []
                lanes[best].busy = true
                condition.broadcast()
                return (best, batches)
            }
            if readingEnded && lanes.allSatisfy({ $0.queued.isEmpty }) { return nil }
            condition.wait()
        }
        return nil
    }

    /// Gives `lane` back after applying `records` records in `cpuSeconds` of its thread's time.
    func applied(lane: Int, records: Int, cpuSeconds: Double) {
        condition.lock()
        lanes[lane].busy = false
        lanes[lane].applied += records
        lanes[lane].cpuSeconds += cpuSeconds
        condition.broadcast()
        condition.unlock()
    }

    /// Keeps `error` if it is the first and gives `lane` back; everyone stops at
    /// their next call.
    func fail(_ error: any Error, lane: Int? = nil) {
        condition.lock()
        if firstError == nil { firstError = error }
        if let lane { lanes[lane].busy = false }
        condition.broadcast()
        condition.unlock()
    }

    // MARK: The caller

    /// The records every index has applied (the fewest of any lane).
    var applied: Int {
        condition.lock()
        defer { condition.unlock() }
        return lanes.map(\.applied).min() ?? 0
    }

    /// Waits until the fewest records applied by any lane passes `reported`, or
    /// until nothing runs any more: every lane idle, and either reading ended with
    /// every queue empty or a rebuild failed. Returns the fewest applied and whether nothing runs.
    func wait(past reported: Int) -> (applied: Int, settled: Bool) {
        condition.lock()
        defer { condition.unlock() }
        while true {
            let applied = lanes.map(\.applied).min() ?? 0
            let idle = !lanes.contains { $0.busy }
            let settled = idle && (firstError != nil || (readingEnded && lanes.allSatisfy { $0.queued.isEmpty }))
            if settled || applied > reported { return (applied, settled) }
            condition.wait()
        }
    }

    /// The first error of a rebuild, if any.
    var error: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return firstError
    }

    /// The thread time spent applying each lane.
    var cpuSeconds: [Double] {
        condition.lock()
        defer { condition.unlock() }
        return lanes.map(\.cpuSeconds)
    }
}
