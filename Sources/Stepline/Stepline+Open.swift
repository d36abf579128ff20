import EventBuses
public import EventLog
import Foundation
import Queues
import Topics
import Workflows

extension Stepline {
    /// Every record kind a Stepline log holds: the log refuses to append any other.
    public static var recordKinds: RecordKinds {
        var kinds = EngineRecordKind.all
        EventsRecordKind.register(into: &kinds)
        QueueRecordKind.register(in: &kinds)
        VersionsRecordKind.register(in: &kinds)
        TopicRecordKind.register(in: &kinds)
        EventArchiveRecordKind.register(in: &kinds)
        return kinds
    }

    /// Every index a Stepline log keeps, in the order they are registered: the views of
    /// each service, written in the transaction of the record that changes them.
    /// `stepline verify` rebuilds exactly these from the log and compares.
    public static var indexes: [any LogIndex] {
        [EngineIndex(), QueueIndex(), EventsIndex(), VersionsIndex(), TopicIndex(), EventArchiveIndex()]
    }

    /// Opens (creating) the log in `dataDirectory`, recovers every service from it,
    /// wires them and deploys ``Configuration/workflowsDirectory``.
    ///
    /// The returned value is ready for a `ServiceGroup` (``services``) or ``run(_:)``;
    /// until its services run, nothing is dispatched, fired or delivered. Close it
    /// with ``close()``.
    /// - Throws: ``SteplineOpenError`` naming what could not be opened or deployed and
    ///   why; whatever was opened before the failure is closed again.
    public static func open(dataDirectory: String, configuration: Configuration = Configuration()) async throws(SteplineOpenError) -> Stepline {
        do {
            try FileManager.default.createDirectory(
                atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SteplineOpenError("cannot create data directory \(dataDirectory): \(error.localizedDescription)")
        }
        let workflows: WorkflowDirectory?
        do { workflows = try configuration.workflowsDirectory.map(WorkflowDirectory.init(path:)) } catch {
            throw SteplineOpenError("\(error)")
        }
        var engineConfiguration = configuration.resolvedEngine
        if let workflows, workflows.handlerFile != nil { engineConfiguration.handlers = workflows.handlers }
        var logConfiguration = configuration.log
        logConfiguration.kinds = recordKinds
        let engine: Engine
        do {
            let log = try EventLog(directory: dataDirectory, indexes: indexes, configuration: logConfiguration)
            do { engine = try await Engine.open(log: log, configuration: engineConfiguration) } catch {
                await log.close()
                throw error
            }
        } catch {
            throw SteplineOpenError("cannot open the log in \(dataDirectory): \(error)")
        }
        do {
            return try await wire(engine, dataDirectory: dataDirectory, configuration: configuration, workflows: workflows)
        } catch {
            await engine.close()
            throw error
        }
    }

    /// Builds the services on `engine`'s log, connects them and deploys `workflows`.
    private static func wire(
        _ engine: Engine, dataDirectory: String, configuration: Configuration, workflows: WorkflowDirectory?
    ) async throws(SteplineOpenError) -> Stepline {
        let workflowsText = "the workflows directory \(workflows?.path ?? "")"
        do { try await workflows?.deploy(to: engine) } catch { throw SteplineOpenError("cannot deploy \(workflowsText): \(error)") }
        let queues: QueueService
        do { queues = try QueueService(context: engine.context, configuration: configuration.queues) } catch {
            throw SteplineOpenError("cannot open the queues in \(dataDirectory): \(error)")
        }
        await engine.register(queues)
        let topics: TopicService
        do { topics = try TopicService.open(context: engine.context, queues: queues, configuration: configuration.resolvedTopics) } catch {
            throw SteplineOpenError("cannot open the topics in \(dataDirectory): \(error)")
        }
        await engine.register(topics)
        let buses: EventBuses
        do { buses = try await EventBuses.open(context: engine.context, queues: queues, topics: topics, executions: engine) } catch {
            throw SteplineOpenError("cannot open the event buses in \(dataDirectory): \(error)")
        }
        await engine.register(buses)
        var webhooks: [Webhook]?
        var pipeDefinitions: [PipeDefinition] = []
        if let workflows {
            do {
                if let path = workflows.file(named: EventResources.fileNames) {
                    let resources = try EventResources.load(path: path, region: configuration.region, account: configuration.account)
                    try await resources.apply(to: buses, queues: queues, source: path)
                }
                if let path = workflows.file(named: WorkflowDirectory.webhookFileNames) {
                    webhooks = try WebhookConfiguration.load(path: path, environment: configuration.environment)
                }
                if let path = workflows.file(named: WorkflowDirectory.pipeFileNames) {
                    pipeDefinitions = try PipeConfiguration.load(path: path)
                }
            } catch {
                throw SteplineOpenError("cannot deploy \(workflowsText): \(error)")
            }
        }
        let pipes = PipeService(pipes: pipeDefinitions, context: engine.context, executions: engine, queues: queues, buses: buses, topics: topics)
        do { try await pipes.deploySources(source: "pipes of \(workflowsText)") } catch { throw SteplineOpenError("\(error)") }
        return Stepline(
            dataDirectory: dataDirectory,
            configuration: configuration,
            engine: engine,
            versions: StateMachineVersions(engine: engine),
            queues: queues,
            buses: buses,
            topics: topics,
            pipes: pipes,
            webhooks: webhooks
        )
    }
}
