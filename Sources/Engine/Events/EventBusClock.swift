public import ServiceLifecycle

/// The time-driven work of event buses: fires scheduled rules and advances
/// replays, once per ``interval``, until cancelled or graceful shutdown.
///
/// It runs beside ``EventBuses/run()`` (which delivers) as its own `Service`,
/// so a server that wants neither schedules nor replays can leave it out. A
/// step that fails (the log cannot commit) is tried again on the next tick:
/// what is due and where a replay stands are read from the log each time.
public struct EventBusClock: Service {
    public let buses: EventBuses
    /// How often to look: scheduled rules fire on minute boundaries, so a second
    /// keeps fires within a second of their minute; replays advance one step per tick.
    public var interval: Duration

    public init(buses: EventBuses, interval: Duration = .seconds(1)) {
        self.buses = buses
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = try? await buses.fireDueSchedules()
                _ = try? await buses.advanceReplays()
                try? await Task.sleep(for: interval)
            }
        }
    }
}
