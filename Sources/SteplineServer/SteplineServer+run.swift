public import Hummingbird

/// Runs `application` until SIGTERM or SIGINT, then shuts down gracefully.
///
/// The entry point of `stepline serve`, which builds the application with
/// ``buildApplication(configuration:handlers:services:console:webhooks:telemetry:clock:logger:onListening:)``
/// (its telemetry ``ServerTelemetry/bootstrapProcessWide()``) but cannot run it
/// itself: only this module imports Hummingbird. In-flight requests finish before the
/// application's services (the engine) stop.
public func runServer(_ application: some ApplicationProtocol) async throws {
    try await application.runService()  // graceful shutdown on SIGTERM and SIGINT (Hummingbird's default)
}
