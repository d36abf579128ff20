import EventLog
public import Runtime
public import Stepline
import Workflows

extension Stepline.Configuration {
    /// The configuration every test opens Stepline with: `clock` (a `ManualClock`
    /// that the test advances, unless it passes another) and no fsync (a test's log
    /// needs no durability across power loss). Timers and deliveries wait on the
    /// Runtime scheduler, which the manual clock wakes when it is advanced.
    ///
    /// Scheduled rules, archive replays and message move tasks advance only when a
    /// test calls `fireDueSchedules()`, `advanceReplays()` or `advanceMoveTasks()`
    /// after moving the clock (``Stepline/Configuration/runsClockDrivenWork`` is off),
    /// so no background tick takes the step a test is about to take and count.
    public static func testing(clock: any RuntimeClock = ManualClock()) -> Stepline.Configuration {
        var configuration = Stepline.Configuration()
        configuration.clock = clock
        configuration.log.durability = .unsafeNoSync
        configuration.runsClockDrivenWork = false
        return configuration
    }
}

/// Opens Stepline on `directory` as `stepline serve` does (``Stepline/open(dataDirectory:configuration:)``
/// with ``Stepline/Configuration/testing(clock:)``), runs its services while `body`
/// runs, then shuts them down and closes the log.
///
/// - Parameters:
///   - clock: the clock of every service; a fresh `ManualClock` unless the test needs another.
///   - running: `false` leaves every service stopped, for tests that drive a service
///     by hand (a pipe's `poll`, a delivery that must stay pending).
///   - configure: changes to the configuration (handlers, in-process handlers, a workflows directory).
public func withStepline<Result: Sendable>(
    _ directory: String,
    clock: any RuntimeClock = ManualClock(),
    running: Bool = true,
    configure: (inout Stepline.Configuration) -> Void = { _ in },
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Stepline) async throws -> Result
) async throws -> Result {
    var configuration = Stepline.Configuration.testing(clock: clock)
    configure(&configuration)
    let stepline = try await Stepline.open(dataDirectory: directory, configuration: configuration)
    do {
        let result: Result
        if running {
            result = try await stepline.run { try await body(stepline) }
        } else {
            result = try await body(stepline)
        }
        await stepline.close()
        return result
    } catch {
        await stepline.close()
        throw error
    }
}
