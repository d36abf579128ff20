import ArgumentParser
import Engine
import Foundation
import SteplineServer
import Synchronization

/// `stepline serve`: the HTTP server, until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the Step Functions, EventBridge and SQS JSON APIs, /health, /metrics and the web console (/console/).",
        discussion: """
            Point boto3 or the aws CLI at it with --endpoint-url http://HOST:PORT. On start it prints \
            'stepline: listening on http://HOST:PORT' (with the real port when --port is 0), or with \
            --json one object {"listening", "host", "port", "dataDir", "signatureRequired"}. \
            With credentials (--credentials FILE in the ~/.aws/credentials format, or \
            STEPLINE_ACCESS_KEY_ID and STEPLINE_SECRET_ACCESS_KEY), every request must be signed \
            with AWS Signature V4 by one of them; without, any request is accepted, so keep the \
            default loopback host.

            The web console is at http://HOST:PORT/console/: without credentials it is served \
            only on a loopback host; with them it asks for an access key id and its secret.

            Exit codes: 0 after a graceful shutdown (SIGTERM, SIGINT); 1 if the data directory, \
            the credentials or the address cannot be used; 64 for invalid options.
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

    @Option(help: "Region reported to handlers for unsigned requests.")
    var region: String = "us-east-1"

    @Option(
        name: .customLong("allowed-host"),
        help: "A host name clients use besides 127.0.0.1, localhost and [::1] (repeatable; env STEPLINE_ALLOWED_HOSTS, comma-separated). Requests naming any other Host are refused, against DNS rebinding."
    )
    var allowedHosts: [String] = environment("STEPLINE_ALLOWED_HOSTS").map { $0.split(separator: ",").map(String.init) } ?? []

    @Option(help: "Log level: \(ServerConfiguration.LogLevel.allCases.map(\.rawValue).joined(separator: ", ")).")
    var logLevel: String = "info"

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
        do {
            try FileManager.default.createDirectory(
                atPath: dataDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ServeError("cannot create data directory \(dataDir): \(error.localizedDescription)")
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
        // Page tokens of every service, signed with a key kept in the data directory so they outlive a restart.
        let tokens = try storedTokens(dataDir: dataDir)
        let (engine, handlers, queues) = try await openEngine(dataDir: dataDir, boundPort: boundPort, tokens: tokens)
        let buses: EventBuses
        do { buses = try await EventBuses.open(engine: engine, queues: queues) } catch { throw ServeError("cannot open the event buses in \(dataDir): \(error)") }
        await engine.connect(buses: buses)
        let topics = try openTopics(engine: engine, queues: queues, boundPort: boundPort)
        await engine.connect(topics: topics)
        buses.connect(topics: topics)
        try await deployEventResources(buses: buses, queues: queues, engine: engine)
        let webhooks = try loadWebhooks(buses: buses)
        let pipes = PipeService(pipes: try loadPipes(), engine: engine, queues: queues, buses: buses, topics: topics)
        do { try await pipes.deploySources(source: "pipes of --workflows \(workflows ?? "")") } catch { throw ServeError("\(error)") }
        let signatureRequired = !configuration.credentials.isEmpty
        let json = options.json
        let listening = Mutex(false)
        do {
            try await runServer(
                configuration: configuration,
                handlers: handlers + [
                    EventBridgeOperations.table(buses: buses, tokens: tokens), EventDeliveryOperations.table(buses: buses),
                    TopicDeliveryOperations.table(topics: topics), SNSHandler(topics: topics, tokens: tokens),
                ],
                services: [EngineService(engine: engine), buses, EventBusClock(buses: buses), queues, topics, pipes],
                console: ConsoleConfiguration(engine: engine, buses: buses, topics: topics, dataDirectory: dataDir),
                webhooks: webhooks
            ) { host, port in
                boundPort.value.store(port, ordering: .relaxed)
                listening.withLock { $0 = true }
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
        } catch {
            if listening.withLock({ $0 }) { throw ServeError("the server stopped: \(error)") }
            throw ServeError("cannot listen on \(host):\(port): \(error)")
        }
    }

    /// The pagination token codec whose key is kept in the data directory.
    func storedTokens(dataDir: String) throws -> PaginationTokenCodec {
        do { return try PaginationTokenCodec.stored(inDirectory: dataDir) } catch { throw ServeError("\(error)") }
    }

    /// Opens the Engine on the data directory and deploys `--workflows`.
    func openEngine(dataDir: String, boundPort: BoundPort, tokens: PaginationTokenCodec) async throws -> (Engine, [any AWSServiceHandler], QueueService) {
        var engineConfiguration = Engine.Configuration()
        engineConfiguration.region = region
        let directory: WorkflowDirectory?
        do { directory = try workflows.map(WorkflowDirectory.init(path:)) } catch { throw ServeError("\(error)") }
        if let directory { engineConfiguration.handlers = directory.handlers }
        let engine: Engine
        do { engine = try await Engine.open(directory: dataDir, configuration: engineConfiguration) } catch {
            throw ServeError("cannot open the log in \(dataDir): \(error)")
        }
        do { try await directory?.deploy(to: engine) } catch {
            await engine.close()
            throw ServeError("cannot deploy --workflows \(workflows ?? ""): \(error)")
        }
        var queueConfiguration = QueueService.Configuration()
        queueConfiguration.region = region
        queueConfiguration.scheduler = engine.scheduler
        let queues: QueueService
        do { queues = try QueueService(log: engine.log, configuration: queueConfiguration) } catch {
            await engine.close()
            throw ServeError("cannot open the queues: \(error)")
        }
        await engine.connect(queues: queues)
        let host = host
        let sqs = SQSHandler.make(
            queues: queues, baseURL: { "http://\(host):\(boundPort.value.load(ordering: .relaxed))" }, tokens: tokens)
        return (engine, [StepFunctionsOperations.table(engine: engine, tokens: tokens), SteplineOperations.table(engine: engine), sqs], queues)
    }

    /// The SNS topics over the engine's queues; envelope URLs use the port once bound.
    func openTopics(engine: Engine, queues: QueueService, boundPort: BoundPort) throws -> TopicService {
        var configuration = TopicService.Configuration()
        let host = host
        configuration.baseURL = { "http://\(host):\(boundPort.value.load(ordering: .relaxed))" }
        do { return try TopicService.open(engine: engine, queues: queues, configuration: configuration) } catch {
            throw ServeError("cannot open the topics: \(error)")
        }
    }

    /// Creates or updates the queues, buses, rules and targets `--workflows` declares
    /// (`events.yaml`, `.yml` or `.json`); an unchanged file writes nothing.
    func deployEventResources(buses: EventBuses, queues: QueueService, engine: Engine) async throws {
        guard let workflows else { return }
        for name in EventResources.fileNames {
            let path = (workflows as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            do {
                let resources = try EventResources.load(path: path, region: engine.configuration.region, account: engine.configuration.account)
                try await resources.apply(to: buses, queues: queues, source: path)
            } catch {
                await engine.close()
                throw ServeError("cannot deploy --workflows \(workflows): \(error)")
            }
            return
        }
    }

    /// The partner webhooks of `--workflows` (`webhooks.yaml`, `.yml` or `.json`), if any.
    func loadWebhooks(buses: EventBuses) throws -> WebhookRoutes? {
        guard let workflows else { return nil }
        for name in ["webhooks.yaml", "webhooks.yml", "webhooks.json"] {
            let path = (workflows as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            do {
                let webhooks = try WebhookConfiguration.load(path: path, environment: ProcessInfo.processInfo.environment)
                return WebhookRoutes(webhooks: webhooks, buses: buses)
            } catch { throw ServeError("cannot use --workflows \(workflows): \(error)") }
        }
        return nil
    }

    /// The pipes of `--workflows` (`pipes.yaml`, `.yml` or `.json`), if any.
    func loadPipes() throws -> [PipeDefinition] {
        guard let workflows else { return [] }
        for name in ["pipes.yaml", "pipes.yml", "pipes.json"] {
            let path = (workflows as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            do { return try PipeConfiguration.load(path: path) } catch { throw ServeError("cannot use --workflows \(workflows): \(error)") }
        }
        return []
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
private struct ServeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
