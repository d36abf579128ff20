public import EventLog
import Foundation
public import JSON
public import Logging
public import Queues
public import Runtime
public import Topics
public import Workflows

extension Stepline {
    /// How to open Stepline: the defaults give a working system on the system clock.
    ///
    /// The settings every service shares (``region``, ``account``, ``clock``) are set
    /// here once; ``open(dataDirectory:configuration:)`` copies them into ``engine``
    /// and ``queues``, so the services never disagree about the time or the ARNs.
    /// The per-service configurations hold what only that service reads.
    public struct Configuration: Sendable {
        /// The region of every ARN.
        public var region = "us-east-1"
        /// The account of every ARN.
        public var account = "123456789012"
        /// The clock for event times, timers, visibility and deliveries; tests pass a `ManualClock`.
        public var clock: any RuntimeClock = SystemClock()
        /// Which local command or HTTP endpoint runs each Task resource. The handler
        /// map of ``workflowsDirectory``, when it has one, replaces it.
        public var handlers = TaskHandlerMap()
        /// Handlers that run inside this process, by Task resource (checked before
        /// ``handlers``): for embedding Stepline in a Swift program. Each receives the
        /// task input and returns its output; a thrown `TaskFailure` sets the error and cause.
        public var inProcessHandlers: [String: @Sendable (JSONValue) async throws -> JSONValue] = [:]
        /// A directory whose state machines (`*.asl.json`), handler map (`handlers.yaml`),
        /// queues, buses and rules (`events.yaml`), webhooks (`webhooks.yaml`) and pipes
        /// (`pipes.yaml`) are deployed at open; an unchanged directory writes nothing.
        public var workflowsDirectory: String?
        /// How clients reach this system (`http://127.0.0.1:8423`), for the URLs in SNS
        /// envelopes; read at each publish, so a server bound to port 0 can give its real port.
        public var baseURL: @Sendable () -> String = { "http://127.0.0.1:8423" }
        /// The environment webhook secrets are read from (`${NAME}` in `webhooks.yaml`).
        public var environment: [String: String] = ProcessInfo.processInfo.environment
        /// The log's settings (durability, map size, group commits); the record kinds
        /// and indexes are always ``Stepline/recordKinds`` and ``Stepline/indexes``.
        public var log = EventLog.Configuration()
        /// How often scheduled rules and archive replays are looked at (`EventBusClock`).
        public var eventBusClockInterval: Duration = .seconds(1)
        /// Whether ``Stepline/services`` include the loops that act on the clock alone:
        /// the `EventBusClock` (scheduled rules, archive replays) and the queues' message
        /// move tasks. Without them those advance only when called
        /// (`fireDueSchedules()`, `advanceReplays()`, `advanceMoveTasks()`): what tests
        /// on a manual clock do, so a background tick never takes the step they count.
        public var runsClockDrivenWork = true
        /// What only the engine reads (timer resolution, concurrent tasks, its logger).
        public var engine = Engine.Configuration()
        /// What only the queues read (how often message move tasks advance).
        public var queues = QueueService.Configuration()
        /// What only the topics read (concurrent deliveries, how often they look for due ones).
        public var topics = TopicService.Configuration()
        /// The logger of the service group ``Stepline/run(_:)`` runs.
        public var logger = Logger(label: "stepline")

        public init() {}

        /// The engine's configuration with the shared settings and the handlers applied.
        var resolvedEngine: Engine.Configuration {
            var resolved = engine
            resolved.region = region
            resolved.account = account
            resolved.clock = clock
            resolved.handlers = handlers
            resolved.inProcessHandlers = inProcessHandlers
            return resolved
        }

        /// The topics' configuration with the shared settings applied.
        var resolvedTopics: TopicService.Configuration {
            var resolved = topics
            resolved.baseURL = baseURL
            return resolved
        }
    }
}
