import Memberwise
import Runtime
public import ServiceLifecycle

/// The time-driven work of event buses: fires scheduled rules when their time
/// comes and advances replays one step per ``interval``, until cancelled or
/// graceful shutdown.
///
/// It runs beside ``EventBuses/run()`` (which delivers) as its own `Service`,
/// so a server that wants neither schedules nor replays can leave it out. It
/// polls nothing: the next fire of any scheduled rule and the next replay step
/// wait on the engine's ``Engine/scheduler``, scheduled again after each tick,
/// when a rule is put or enabled, and when a replay starts. A step that fails
/// (the log cannot commit) is tried again an ``interval`` later.
@MemberwiseInit(.public)
public struct EventBusClock: Service {
    public let buses: EventBuses
    /// The pause between two steps of a replay (a replay sends at most one step
    /// of events per interval), and before a failed step is tried again.
    public var interval: Duration = .seconds(1)

    public func run() async throws {
        await buses.startClock(replayStep: interval)
        await cancelWhenGracefulShutdown { await buses.context.scheduler.run() }
        await buses.stopClock()
    }
}
