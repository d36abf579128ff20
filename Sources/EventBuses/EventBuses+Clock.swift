import EventLog
import Foundation
import JSON
import LMDB
import Messaging
package import Runtime

/// The time-driven work of the buses on the scheduler: scheduled rules and replays.
///
/// One key, ``clockKey``, waits for the earliest of the next fire of any enabled
/// scheduled rule (read from the `events.schedules` view) and, while a replay
/// runs, its next step. It is scheduled again after each tick, when a rule is
/// installed, and when a replay starts; nothing looks in between.
extension EventBuses {
    /// The scheduler key of the next tick.
    package static let clockKey = Scheduler.Key("events.clock")

    /// Starts ticking (``EventBusClock/run()``): what is due fires at once, the
    /// rest when it comes due. `replayStep` is the pause between two steps of a replay.
    package func startClock(replayStep: Duration) {
        clockReplayStep = replayStep
        armClock(at: now())
    }

    /// Stops ticking; nothing fires until the next ``startClock(replayStep:)``.
    package func stopClock() {
        clockReplayStep = nil
        context.scheduler.cancel(Self.clockKey)
    }

    /// Schedules a tick at `due` unless one is already scheduled as early, or the clock is stopped.
    package func armClock(at due: Int64) {
        guard clockReplayStep != nil else { return }
        let scheduler = context.scheduler
        if let scheduled = scheduler.due(of: Self.clockKey), scheduled <= due { return }
        scheduler.schedule(Self.clockKey, at: due) { [weak self] in await self?.clockTick() }
    }

    /// Fires due schedules, advances replays one step, and schedules the next tick.
    ///
    /// A step that fails (the log cannot commit) is tried again one replay step
    /// later: what is due and where a replay stands are read from the log each time.
    package func clockTick() async {
        guard let step = clockReplayStep else { return }
        let pause = step.inMilliseconds
        var again = false
        do { _ = try await fireDueSchedules() } catch { again = true }
        do {
            _ = try await advanceReplays()
            again = try again || hasActiveReplays()
        } catch {
            again = true
        }
        let time = now()
        let retry = time + max(pause, 1)
        var next: Int64?
        do { next = try nextScheduleFire(after: time, retry: retry) } catch { next = retry }
        if again { next = min(next ?? retry, retry) }
        if let next { armClock(at: next) }
    }

    /// Whether a replay is starting or running.
    package nonisolated func hasActiveReplays() throws -> Bool {
        try archiveValues(.replays).contains { ["STARTING", "RUNNING"].contains($0["State"]?.stringValue ?? "") }
    }

    /// The earliest next fire of the enabled scheduled rules, `nil` when none has one;
    /// a fire that is already due (it could not be committed) counts as `retry`.
    package nonisolated func nextScheduleFire(after time: Int64, retry: Int64) throws -> Int64? {
        var earliest: Int64?
        for rule in try scheduledRules() {
            guard let fire = rule.schedule.nextFire(after: rule.last, start: rule.start) else { continue }
            let due = fire <= time ? retry : fire
            earliest = min(earliest ?? due, due)
        }
        return earliest
    }
}
