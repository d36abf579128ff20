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
///
/// Once an index has applied every record, a thread with no records to apply
/// compares it with the live index (``Work/compare(lane:)``), while the other
/// indexes are still being rebuilt: the lanes rarely finish together, and the
/// comparison used to start only after the slowest one, with the other threads idle.
final class RebuildBoard: @unchecked Sendable {
    // @unchecked Sendable: every mutable property below is read and written only
    // while `condition` is locked; `capacity` is immutable.

    private struct Lane {
        var queued: [ReplayBatch] = []
        /// Applying records, or comparing.
        var busy = false
        var applied = 0
        var cpuSeconds = 0.0
        /// Whether a thread took the lane's comparison.
        var compareTaken = false
        /// What the comparison found, once done.
        var comparison: LaneComparison?
    }

    /// What a thread does next.
    enum Work {
        /// Apply these batches to the lane's index, in order.
        case apply(lane: Int, batches: [ReplayBatch])
        /// Compare the lane's rebuilt index with the live one: every record is applied.
        case compare(lane: Int)
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

    /// The next work: the queued batches of a lane (the free lane with the most
    /// queued), else the comparison of a lane that has applied every record; `nil`
    /// when no lane has work left or a rebuild failed. The lane is the taker's until
    /// ``applied(lane:records:cpuSeconds:)`` or ``compared(lane:_:)``.
    func take() -> Work? {
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
                return .apply(lane: best, batches: batches)
            }
            if readingEnded {
                if let rebuilt = lanes.indices.first(where: { !lanes[$0].busy && lanes[$0].queued.isEmpty && !lanes[$0].compareTaken }) {
                    lanes[rebuilt].busy = true
                    lanes[rebuilt].compareTaken = true
                    return .compare(lane: rebuilt)
                }
                // Every lane is compared, or being worked on by a thread that will finish it.
                if lanes.allSatisfy({ $0.queued.isEmpty && $0.compareTaken }) { return nil }
            }
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

    /// Gives `lane` back with what comparing it found.
    func compared(lane: Int, _ comparison: LaneComparison) {
        condition.lock()
        lanes[lane].busy = false
        lanes[lane].comparison = comparison
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
    /// every queue empty and every lane compared, or a rebuild failed. Returns the
    /// fewest applied and whether nothing runs.
    func wait(past reported: Int) -> (applied: Int, settled: Bool) {
        condition.lock()
        defer { condition.unlock() }
        while true {
            let applied = lanes.map(\.applied).min() ?? 0
            let idle = !lanes.contains { $0.busy }
            let done = readingEnded && lanes.allSatisfy { $0.queued.isEmpty && $0.comparison != nil }
            let settled = idle && (firstError != nil || done)
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

    /// What comparing each lane found; `nil` for a lane no thread compared (after a failure).
    var comparisons: [LaneComparison?] {
        condition.lock()
        defer { condition.unlock() }
        return lanes.map(\.comparison)
    }

    /// The thread time spent applying each lane.
    var cpuSeconds: [Double] {
        condition.lock()
        defer { condition.unlock() }
        return lanes.map(\.cpuSeconds)
    }
}

/// What a rebuild thread found comparing one index with its rebuild.
enum LaneComparison: Sendable {
    /// Compared: `entries` entries matched before `difference`, if any.
    case compared(difference: IndexDifference?, entries: Int)
    /// Not compared: the thread could not read the snapshot verify holds (the log
    /// changed since verify began, or the map is being grown); the caller compares it.
    case deferred
}
