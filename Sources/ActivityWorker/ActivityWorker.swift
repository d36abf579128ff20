public import JSON
public import Logging
public import ServiceLifecycle

/// Polls an activity and runs a handler on each task: heartbeats while it
/// works, then reports success or failure. A ServiceLifecycle `Service`.
///
/// ```swift
/// let worker = ActivityWorker(
///     api: StepFunctionsActivityClient(endpoint: "http://127.0.0.1:8423"),
///     configuration: .init(activityArn: arn, workerName: "transcoder-1"),
///     logger: logger
/// ) { task in
///     try await transcode(task.input, key: task.idempotencyKey)   // returns the output JSON
/// }
/// try await ServiceGroup(services: [worker], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
///
/// ## Stopping
/// On graceful shutdown the worker stops polling (an open long poll is
/// cancelled), lets the task in hand finish and report, then returns. On
/// cancellation the handler is cancelled too and nothing is reported: the
/// service times the task out (or its heartbeat does) and retries it.
///
/// ## Heartbeats
/// Every ``Configuration/heartbeatInterval`` while the handler runs. If the
/// service answers that the task is gone (`TaskTimedOut`, `TaskDoesNotExist`,
/// `InvalidToken`) the handler is cancelled and nothing is reported; other
/// heartbeat failures are logged and the next beat tries again.
///
/// ## Results
/// The handler's value is sent with `SendTaskSuccess`. A thrown
/// ``ActivityFailure`` is sent with its error and cause; any other error as
/// `ActivityWorker.HandlerError`. Transient failures to report (no answer,
/// 5xx, throttling) are retried ``Configuration/reportAttempts`` times.
///
/// ## Topics
/// - ``Configuration``
/// - ``Handler``
public struct ActivityWorker: Service {
    /// Where to poll and how often to beat.
    public struct Configuration: Sendable {
        public var activityArn: String
        /// Shown in the service's history (`ActivityStarted.workerName`).
        public var workerName: String
        /// Shorter than the activity state's `HeartbeatSeconds`.
        public var heartbeatInterval: Duration
        /// The pause after a failed poll before the next, doubled up to ``maximumPollBackoff``.
        public var pollBackoff: Duration
        public var maximumPollBackoff: Duration
        /// How often a result is sent before giving up on a transient failure.
        public var reportAttempts: Int

        public init(
            activityArn: String,
            workerName: String,
            heartbeatInterval: Duration = .seconds(20),
            pollBackoff: Duration = .milliseconds(500),
            maximumPollBackoff: Duration = .seconds(30),
            reportAttempts: Int = 5
        ) {
            self.activityArn = activityArn
            self.workerName = workerName
            self.heartbeatInterval = heartbeatInterval
            self.pollBackoff = pollBackoff
            self.maximumPollBackoff = maximumPollBackoff
            self.reportAttempts = max(1, reportAttempts)
        }
    }

    /// The work: the task in, its output JSON out.
    public typealias Handler = @Sendable (ActivityTask) async throws -> JSONValue

    public let api: any ActivityAPI
    public let configuration: Configuration
    public let logger: Logger
    private let handler: Handler

    public init(api: any ActivityAPI, configuration: Configuration, logger: Logger, handler: @escaping Handler) {
        self.api = api
        self.configuration = configuration
        self.logger = logger
        self.handler = handler
    }

    /// Polls and works until graceful shutdown or cancellation.
    public func run() async throws {
        var backoff = configuration.pollBackoff
        logger.info("activity worker polling", metadata: metadata)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let task: ActivityTask?
            do {
                task = try await cancelWhenGracefulShutdown { [api, configuration] in
                    try await api.getActivityTask(activityArn: configuration.activityArn, workerName: configuration.workerName)
                }
                backoff = configuration.pollBackoff
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                logger.info("poll failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                do { try await Task.sleep(for: backoff) } catch { break }
                backoff = min(backoff * 2, configuration.maximumPollBackoff)
                continue
            }
            guard let task else { continue }
            await work(on: task)
        }
        logger.info("activity worker stopped", metadata: metadata)
    }

    private var metadata: Logger.Metadata {
        ["activity": "\(configuration.activityArn)", "worker": "\(configuration.workerName)"]
    }

    private enum Ending: Sendable {
        case finished(Result<JSONValue, any Error>)
        case taskGone(ActivityAPIError)
        case heartbeatStopped
    }

    /// Runs the handler beside a heartbeat loop; whichever ends first decides.
    func work(on task: ActivityTask) async {
        let ending = await withTaskGroup(of: Ending.self) { group -> Ending in
            group.addTask { [handler] in
                do { return .finished(.success(try await handler(task))) } catch { return .finished(.failure(error)) }
            }
            group.addTask { await self.beat(task.taskToken) }
            var ending = Ending.heartbeatStopped
            while let next = await group.next() {
                if case .heartbeatStopped = next { continue }
                ending = next
                break
            }
            group.cancelAll()
            return ending
        }
        let taskMetadata = metadata.merging(["key": "\(task.idempotencyKey)"]) { $1 }
        switch ending {
        case .finished(.success(let output)):
            await report(task.taskToken, taskMetadata) { try await api.sendTaskSuccess(taskToken: task.taskToken, output: output) }
        case .finished(.failure(let error)):
            if Task.isCancelled {
                logger.info("task abandoned: the worker was cancelled", metadata: taskMetadata)
                return
            }
            let failure = error as? ActivityFailure ?? ActivityFailure(error: "ActivityWorker.HandlerError", cause: "\(error)")
            await report(task.taskToken, taskMetadata) {
                try await api.sendTaskFailure(taskToken: task.taskToken, error: failure.error, cause: failure.cause)
            }
        case .taskGone(let error):
            logger.info("task is gone; its work was cancelled", metadata: taskMetadata.merging(["error": "\(error)"]) { $1 })
        case .heartbeatStopped:
            break  // only when the group was cancelled before the handler ended
        }
    }

    private func beat(_ token: String) async -> Ending {
        while true {
            do { try await Task.sleep(for: configuration.heartbeatInterval) } catch { return .heartbeatStopped }
            do {
                try await api.sendTaskHeartbeat(taskToken: token)
            } catch let error as ActivityAPIError where error.taskIsGone {
                return .taskGone(error)
            } catch {
                if Task.isCancelled { return .heartbeatStopped }
                logger.debug("heartbeat failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            }
        }
    }

    private func report(_ token: String, _ metadata: Logger.Metadata, _ send: () async throws -> Void) async {
        var delay = configuration.pollBackoff
        for attempt in 1...configuration.reportAttempts {
            do {
                try await send()
                return
            } catch let error as ActivityAPIError where error.isTransient && attempt < configuration.reportAttempts {
                logger.info("reporting failed; retrying", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                do { try await Task.sleep(for: delay) } catch { return }
                delay = min(delay * 2, configuration.maximumPollBackoff)
            } catch {
                logger.info("result not reported", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                return
            }
        }
    }
}
