internal import Hummingbird
internal import Logging
public import ServiceLifecycle

/// Runs the server until SIGTERM or SIGINT, then shuts down gracefully.
///
/// The entry point of `stepline serve`: it makes Prometheus the process-wide metrics
/// backend, builds the application and runs it with `services` (the engine) in one
/// `ServiceGroup`. In-flight requests finish before the services stop.
///
/// - Parameters:
///   - handlers: one per target prefix (the engine's Step Functions, EventBridge and SQS handlers).
///   - services: services that live as long as the server (the engine).
///   - console: what the web console under `/console/` shows (`nil`: no console).
///   - webhooks: the partner webhooks under `POST /webhooks/NAME` (`nil`: none).
///   - onListening: called once bound, with host and actual port, to report them.
/// - Precondition: called at most once per process (metrics bootstrap).
public func runServer(
    configuration: ServerConfiguration,
    handlers: [any AWSServiceHandler] = [],
    services: [any Service] = [],
    console: ConsoleConfiguration? = nil,
    webhooks: WebhookRoutes? = nil,
    telemetry: ServerTelemetry = .bootstrapProcessWide(),
    onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void
) async throws {
    var logger = Logger(label: "stepline")
    logger.logLevel = Logger.Level(rawValue: configuration.logLevel.rawValue) ?? .info
    let application = buildApplication(
        configuration: configuration,
        handlers: handlers,
        services: services,
        console: console,
        webhooks: webhooks,
        telemetry: telemetry,
        logger: logger,
        onListening: { port in await onListening(configuration.host, port) }
    )
    try await application.runService()  // graceful shutdown on SIGTERM and SIGINT (Hummingbird's default)
}
