import Logging
import Memberwise

/// How `stepline serve` runs the server: where it listens, whom it trusts, how much it logs.
@MemberwiseInit(.public)
public struct ServerConfiguration: Sendable {
    /// How much the server logs; request lines are `debug`, start and stop `info`.
    public enum LogLevel: String, Sendable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    /// The address to bind; loopback by default so that nothing is exposed unless asked.
    public var host: String = "127.0.0.1"
    /// The port to bind; `0` asks the system for a free one (the real one is reported on start).
    public var port: Int = 8423
    /// The keys requests must be signed with; empty accepts unsigned requests.
    public var credentials: AWSCredentials = AWSCredentials()
    /// The region handlers see for unsigned requests (signed ones carry their own).
    public var defaultRegion: String = "us-east-1"
    /// The log level.
    public var logLevel: LogLevel = .info
    /// Host names clients may reach this server by besides its loopback names (a name in
    /// `/etc/hosts`, a reverse proxy's): any other `Host` is refused (see `HostCheckMiddleware`).
    public var allowedHostNames: [String] = []

    /// Whether `host` (an address to bind, without port or brackets) is a loopback address or name.
    public static func isLoopback(_ host: String) -> Bool {
        ["::1", "localhost"].contains(host.lowercased()) || host.hasPrefix("127.")
    }
}

extension ServerConfiguration {
    /// The `stepline` logger at ``logLevel``.
    var logger: Logger {
        var logger = Logger(label: "stepline")
        logger.logLevel = Logger.Level(rawValue: logLevel.rawValue) ?? .info
        return logger
    }
}
