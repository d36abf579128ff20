public import EventBuses
public import EventLog
import Foundation
import Logging
public import Queues
public import ServiceLifecycle
public import Topics
public import Workflows

/// Stepline in one value: the log of a data directory and every service on it, wired.
///
/// ``open(dataDirectory:configuration:)`` is the composition root: the one place that
/// opens the log with every record kind and index (``recordKinds`` and ``indexes``,
/// which `stepline verify` rebuilds too), builds the executions ``Engine``, the queues,
/// the event buses, the topics, the state machine versions and the pipes, connects them
/// to each other as Task integrations and rule targets, and deploys a workflows
/// directory. `stepline serve`, the tests and a Swift program embedding Stepline all
/// start from it, so they run the same system.
///
/// ```swift
/// let stepline = try await Stepline.open(dataDirectory: ".stepline")
/// try await stepline.run {
///     let machine = try await stepline.engine.createStateMachine(name: "hello", definition: text)
///     let started = try await stepline.engine.startExecution(stateMachineArn: machine.stateMachineArn)
///     print(try await stepline.engine.awaitCompletion(executionArn: started.executionArn).status)
/// }
/// await stepline.close()
/// ```
///
/// Nothing runs in the background until ``services`` run, in a `ServiceGroup` (the
/// server's) or through ``run(_:)``: they dispatch tasks, fire timers and deliver.
///
/// ## Topics
/// ### Opening and closing
/// - ``open(dataDirectory:configuration:)``
/// - ``Configuration``
/// - ``services``
/// - ``run(_:)``
/// - ``close()``
/// ### The services
/// - ``engine``
/// - ``queues``
/// - ``buses``
/// - ``topics``
/// - ``versions``
/// - ``pipes``
/// - ``webhooks``
/// ### The log's schema
/// - ``recordKinds``
/// - ``indexes``
public struct Stepline: Sendable {
    /// Where the log lives.
    public let dataDirectory: String
    /// What this Stepline was opened with.
    public let configuration: Configuration
    /// State machines, executions, activities and task tokens.
    public let engine: Engine
    /// State machine versions and aliases.
    public let versions: StateMachineVersions
    /// SQS queues; Task states, rules and topics deliver to them in their own transactions.
    public let queues: QueueService
    /// EventBridge buses, rules, archives, schedules and connections.
    public let buses: EventBuses
    /// SNS topics and their subscriptions.
    public let topics: TopicService
    /// The pipes of the workflows directory (none without one).
    public let pipes: PipeService
    /// The partner webhooks of the workflows directory; `nil` when it declares none.
    public let webhooks: [Webhook]?

    /// The log every service writes to.
    public var log: EventLog { engine.log }

    /// Every service that works in the background, for a `ServiceGroup`.
    ///
    /// The engine comes first, so a group, which stops services in reverse order,
    /// stops it last: what the others still hand it is committed before it closes the log.
    /// ``Configuration/runsClockDrivenWork`` `false` leaves out the event bus clock and the queues.
    public var services: [any Service] {
        let clockDriven: [any Service] =
            configuration.runsClockDrivenWork ? [EventBusClock(buses: buses, interval: configuration.eventBusClockInterval), queues] : []
        return [EngineService(engine: engine), buses, topics, pipes] + clockDriven
    }

    /// Runs ``services`` while `body` runs, then shuts them down gracefully (which
    /// closes the log) and returns what `body` returned.
    ///
    /// For programs and tests that embed Stepline without a server; a server puts
    /// ``services`` in its own `ServiceGroup` instead. `body` runs in the caller's
    /// isolation (the main actor of a program's `main`), so it needs not be `Sendable`.
    /// - Throws: what `body` throws, or what a service threw.
    public func run<Result: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: configuration.logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let result: Result
            do {
                result = try await body()
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
    }

    /// Commits what is queued and closes the log. Safe to call after ``services``
    /// stopped (which closed it already) and more than once.
    public func close() async {
        await engine.close()
    }
}
