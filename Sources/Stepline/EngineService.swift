public import ServiceLifecycle
public import Workflows

/// Runs an ``Engine`` as a service of the server's `ServiceGroup`.
///
/// `Engine.run()` dispatches tasks and fires timers until it is cancelled; it does not
/// listen for graceful shutdown itself. This adaptor stops it when the group shuts down
/// (after the HTTP server has drained, since the group stops services in reverse order)
/// and then closes the engine, which commits what is queued and closes the log, so
/// SIGTERM ends `stepline serve` with exit code 0 and nothing acknowledged lost.
public struct EngineService: Service {
    public let engine: Engine

    public init(engine: Engine) { self.engine = engine }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await engine.run() }
        } catch is CancellationError {
            // Graceful shutdown: fall through to close.
        }
        await engine.close()
    }
}
