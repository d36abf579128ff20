import ArgumentParser
import Foundation
import Stepline
import SteplineServer
import Synchronization
import Workflows

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `stepline serve`: the HTTP server, until SIGTERM or SIGINT (or `stepline stop`).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Serve the Step Functions, EventBridge, SQS and SNS APIs, partner webhooks, /health, /metrics and the web console (/console/).",
        discussion: """
            Point boto3 or the aws CLI at it with --endpoint-url http://HOST:PORT. On start it prints \
            'stepline: listening on http://HOST:PORT' (with the real port when --port is 0), or with \
            --json one object {"listening", "host", "port", "dataDir", "signatureRequired"}. \
            With credentials (--credentials FILE in the ~/.aws/credentials format, or \
            STEPLINE_ACCESS_KEY_ID and STEPLINE_SECRET_ACCESS_KEY), every request must be signed \
            with AWS Signature V4 by one of them; without, any request is accepted, so keep the \
            default loopback host.

            With --background it starts the server as a process of its own, waits until it \
            answers, prints where it runs and returns; its output goes to server.log in the \
            data directory. While it serves, the data directory holds server.json (pid, \
            endpoint, version): 'stepline status' reads it, 'stepline stop' stops the server, \
            'stepline wait' waits for it, and the other commands call it without --endpoint. \
            Only one server serves a data directory at a time.

            The web console is at http://HOST:PORT/console/: without credentials it is served \
            only on a loopback host; with them it asks for an access key id and its secret.

            Exit codes: 0 after a graceful shutdown (SIGTERM, SIGINT), or once a --background \
            server answers; 1 if the data directory, the credentials or the address cannot be \
            used, or a server already serves the data directory; 64 for invalid options.
            """
    )

    @Option(help: "Address to bind (env STEPLINE_HOST).")
    var host: String = environment("STEPLINE_HOST") ?? "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free one (env STEPLINE_PORT).")
    var port: Int = environment("STEPLINE_PORT").flatMap { Int($0) } ?? 8423

    @OptionGroup var options: DataDirectoryOptions

    @Option(help: "AWS shared-credentials file whose keys may sign requests (env STEPLINE_ACCESS_KEY_ID and STEPLINE_SECRET_ACCESS_KEY add one key).")
    var credentials: String?

    @Option(help: "Deploy the state machines (*.asl.json), handler map (handlers.yaml), queues, buses and rules (events.yaml) of this directory at start.")
    var workflows: String?

    @Option(help: "The default region: of unsigned requests, the CLI and the console (signed requests work in their own region).")
    var region: String = "us-east-1"

    @Option(
        name: .customLong("allowed-host"),
        help: "A host name clients use besides 127.0.0.1, localhost and [::1] (repeatable; env STEPLINE_ALLOWED_HOSTS, comma-separated). Requests naming any other Host are refused, against DNS rebinding."
    )
    var allowedHosts: [String] = environment("STEPLINE_ALLOWED_HOSTS").map { $0.split(separator: ",").map(String.init) } ?? []

    @Option(help: "Log level: \(ServerConfiguration.LogLevel.allCases.map(\.rawValue).joined(separator: ", ")).")
    var logLevel: String = "info"

    @Flag(help: "Start the server in the background, return once it answers (output to DATA_DIR/server.log).")
    var background = false

    @Option(help: "With --background: seconds to wait for the server to answer.")
    var startTimeout: Int = 120

    /// Set by `--background` on the server process it starts: the log file its output goes to.
    @Option(name: .customLong("background-log"), help: .hidden)
    var backgroundLog: String?

    func validate() throws {
        guard (0...65_535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535, got \(port)")
        }
        if let portText = Self.environment("STEPLINE_PORT"), Int(portText) == nil {
            throw ValidationError("STEPLINE_PORT must be a port number, got '\(portText)'")
        }
        guard ServerConfiguration.LogLevel(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(ServerConfiguration.LogLevel.allCases.map(\.rawValue)), got '\(logLevel)'")
        }
        let keyID = Self.environment("STEPLINE_ACCESS_KEY_ID")
        let secret = Self.environment("STEPLINE_SECRET_ACCESS_KEY")
        if (keyID == nil) != (secret == nil) {
            throw ValidationError("set both STEPLINE_ACCESS_KEY_ID and STEPLINE_SECRET_ACCESS_KEY, or neither")
        }
    }

    func run() async throws {
        let dataDir = options.dataDirectory
        if case .running(let file) = await ServerState.of(dataDirectory: dataDir) {
            throw ServeError(
                "a server already serves \(dataDir): \(file.endpoint) (pid \(file.pid)); 'stepline stop\(Self.dataDirArgument(options))' stops it"
            )
        }
        if background { return try await startInBackground() }
        if backgroundLog != nil {
            // The process `--background` started, already in a process group of its own
            // (Foundation's Process), so Ctrl-C in the terminal does not reach it. A new
            // session where possible, and SIGHUP ignored where not (a group leader cannot
            // call setsid), so closing the terminal does not stop it either.
            _ = setsid()
            _ = signal(SIGHUP, SIG_IGN)
        }
        // Before the log is opened: a taken port must not leave records behind (PortCheck).
        if port != 0 {
            do { try PortCheck.check(host: host, port: port) } catch {
                throw ServeError(Self.cannotListen(host: host, port: port, reason: error.reason))
            }
        }
        let configuration = ServerConfiguration(
            host: host,
            port: port,
            credentials: try loadCredentials(),
            defaultRegion: region,
            logLevel: ServerConfiguration.LogLevel(rawValue: logLevel) ?? .info,
            allowedHostNames: allowedHosts
        )
        if configuration.credentials.isEmpty && !ServerConfiguration.isLoopback(host) {
            // Not an error: a trusted network may want it. But nobody should get it by accident.
            printError(
                "stepline: warning: serving on \(host) without credentials; anyone who can reach it can call every operation (use --credentials)"
            )
        }
        let boundPort = BoundPort(port)
        let host = host
        let baseURL: @Sendable () -> String = { "http://\(host):\(boundPort.value.load(ordering: .relaxed))" }
        var steplineConfiguration = Stepline.Configuration()
        steplineConfiguration.region = region
        steplineConfiguration.workflowsDirectory = workflows
        steplineConfiguration.baseURL = baseURL
        let stepline: Stepline
        do { stepline = try await Stepline.open(dataDirectory: dataDir, configuration: steplineConfiguration) } catch {
            throw ServeError("\(error)")
        }
        // Page tokens of every service, signed with a key kept in the data directory so they outlive a restart.
        let tokens: PaginationTokenCodec
        do { tokens = try PaginationTokenCodec.stored(inDirectory: dataDir) } catch {
            await stepline.close()
            throw ServeError("\(error)")
        }
        let signatureRequired = !configuration.credentials.isEmpty
        let webhooksFile = workflows.flatMap { directory in
            WorkflowDirectory.webhookFileNames.map { (directory as NSString).appendingPathComponent($0) }
                .first { FileManager.default.fileExists(atPath: $0) }
        }
        let json = options.json
        let listening = Mutex(false)
        let runFileTemplate = runFile(port: port)
        let application = buildApplication(
            configuration: configuration,
            handlers: [
                StepFunctionsOperations.table(engine: stepline.engine, tokens: tokens), SteplineOperations.table(engine: stepline.engine),
                SQSHandler.make(queues: stepline.queues, baseURL: baseURL, tokens: tokens),
                EventBridgeOperations.table(buses: stepline.buses, tokens: tokens), DeliveryReviewOperations.table(buses: stepline.buses),
                DeliveryReviewOperations.table(topics: stepline.topics), SNSHandler(topics: stepline.topics, tokens: tokens),
            ],
            services: stepline.services,
            console: ConsoleConfiguration(engine: stepline.engine, buses: stepline.buses, topics: stepline.topics, dataDirectory: dataDir),
            webhooks: stepline.webhooks.map { WebhookRoutes(webhooks: $0, buses: stepline.buses, configurationFile: webhooksFile) },
            telemetry: .bootstrapProcessWide(),
            onListening: { port in
                boundPort.value.store(port, ordering: .relaxed)
                listening.withLock { $0 = true }
                var file = runFileTemplate
                file.port = port
                file.endpoint = "http://\(host):\(port)"
                do { try file.write() } catch {
                    let path = ServerRunFile.path(inDataDirectory: dataDir)
                    printError("stepline: warning: cannot write \(path) (\(error)); 'stepline status' will not see this server")
                }
                // printLine writes unbuffered: scripts and tests wait for this line on a pipe.
                if json {
                    printLine(
                        jsonText([
                            "listening": "http://\(host):\(port)", "host": host, "port": port, "dataDir": dataDir,
                            "signatureRequired": signatureRequired,
                        ])
                    )
                } else {
                    let signing = signatureRequired ? "SigV4 required" : "unsigned requests accepted"
                    printLine("stepline: listening on http://\(host):\(port) (data dir \(dataDir); \(signing))")
                }
            }
        )
        do {
            try await runServer(application)
        } catch {
            await stepline.close()
            ServerRunFile.remove(dataDirectory: dataDir, ifPid: getpid())
            if listening.withLock({ $0 }) { throw ServeError("the server stopped: \(error)") }
            throw ServeError(Self.cannotListen(host: host, port: port, reason: "\(error)"))
        }
        await stepline.close()
        ServerRunFile.remove(dataDirectory: dataDir, ifPid: getpid())
    }

    /// The run file this server writes once it listens on `port`.
    func runFile(port: Int) -> ServerRunFile {
        ServerRunFile(
            pid: getpid(),
            endpoint: "http://\(host):\(port)",
            host: host,
            port: port,
            dataDirectory: ServerRunFile.absolute(options.dataDirectory),
            version: SteplineCommand.version,
            startedAt: ISO8601DateFormatter().string(from: Date()),
            logFile: backgroundLog.map(ServerRunFile.absolute)
        )
    }

    /// The bind failure, with what to do about it.
    static func cannotListen(host: String, port: Int, reason: String) -> String {
        "cannot listen on \(host):\(port): \(reason); another server may hold the port ('stepline status' shows a Stepline "
            + "server of this data directory): choose another with --port or STEPLINE_PORT (0 picks a free one)"
    }

    /// ` --data-dir DIR` when the data directory was given with the option, for messages that name a command.
    static func dataDirArgument(_ options: DataDirectoryOptions) -> String {
        options.dataDirOption.map { " --data-dir \($0)" } ?? ""
    }

    /// The keys of `--credentials` plus the one in the environment.
    func loadCredentials() throws -> AWSCredentials {
        var secrets: [String: String] = [:]
        if let path = credentials {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ServeError("cannot read credentials file \(path): \(error.localizedDescription)")
            }
            do {
                secrets = try AWSCredentials(sharedCredentialsFile: text).secrets
            } catch {
                throw ServeError("credentials file \(path), \(error)")
            }
            if secrets.isEmpty {
                throw ServeError("credentials file \(path) defines no aws_access_key_id/aws_secret_access_key pair")
            }
        }
        if let keyID = Self.environment("STEPLINE_ACCESS_KEY_ID"), let secret = Self.environment("STEPLINE_SECRET_ACCESS_KEY") {
            secrets[keyID] = secret
        }
        return AWSCredentials(secrets)
    }

    static func environment(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// The port the server listens on: `--port` until bound, then the real one
/// (which differs when `--port 0` picks a free port), so queue URLs name it.
final class BoundPort: Sendable {
    let value: Atomic<Int>
    init(_ port: Int) { value = Atomic(port) }
}

/// A failure `serve` reports as `Error: <message>` with exit code 1.
struct ServeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
