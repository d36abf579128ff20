public import Hummingbird
public import Logging
public import ServiceLifecycle

/// Builds the Stepline HTTP application: the AWS JSON protocols on `POST /`,
/// `GET /health` and `GET /metrics`.
///
/// The application is a ServiceLifecycle `Service`; `services` (the engine) run in its
/// `ServiceGroup`, started before the HTTP server and stopped after it, so no request
/// reaches an engine that is not running.
///
/// - Parameters:
///   - configuration: host, port, credentials, default region.
///   - handlers: one ``AWSServiceHandler`` per target prefix.
///   - services: long-running services that share the application's lifetime.
///   - console: what the web console under `/console/` shows (`nil`: no console).
///   - webhooks: the partner webhooks under `POST /webhooks/NAME` (`nil`: none).
///   - telemetry: the registry `/metrics` prints and the request metrics.
///   - clock: the time SigV4 dates are checked against.
///   - logger: the application's logger (default: `stepline`, at the configuration's log level).
///   - onListening: called once the socket is bound, with the real port (useful with port 0).
public func buildApplication(
    configuration: ServerConfiguration,
    handlers: [any AWSServiceHandler] = [],
    services: [any Service] = [],
    console: ConsoleConfiguration? = nil,
    webhooks: WebhookRoutes? = nil,
    telemetry: ServerTelemetry,
    clock: @escaping @Sendable () -> AMZDate = WallClock.now,
    logger: Logger? = nil,
    onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let dispatcher = AWSDispatcher(
        handlers: handlers,
        credentials: configuration.credentials,
        defaultRegion: configuration.defaultRegion,
        metrics: telemetry.requests,
        clock: clock
    )
    let router = Router(context: ServerRequestContext.self)
    router.add(middleware: HostCheckMiddleware(bindHost: configuration.host, configured: configuration.allowedHostNames))
    AWSRoutes(dispatcher: dispatcher, consoleEnabled: console != nil).add(to: router)
    HealthRoutes(registeredPrefixes: dispatcher.registeredPrefixes).add(to: router)
    MetricsRoutes(registry: telemetry.registry).add(to: router)
    webhooks?.add(to: router)
    if let console {
        ConsoleRoutes(console: console, credentials: configuration.credentials, host: configuration.host).add(to: router)
    }
    return Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "Stepline"
        ),
        services: services,
        onServerRunning: { channel in
            await onListening(channel.localAddress?.port ?? configuration.port)
        },
        logger: logger ?? configuration.logger
    )
}
