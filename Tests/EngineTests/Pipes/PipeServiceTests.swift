import EventBuses
import EventLog
import Foundation
import JSON
import Messaging
import Queues
import Runtime
import Stepline
import SteplineTesting
import Synchronization
import TestSupport
import Testing
import Workflows

/// The engine (with in-process `handlers`) and queues of ``withStepline(_:clock:running:configure:_:)``
/// and a `PipeService` for `pipes`, which each test polls by hand (Stepline's own pipe
/// service has none). The services run, so the engine applies the start commands of
/// state-machine targets, unless `running` is `false` (a process that stopped before
/// applying them).
func withPipes<Result: Sendable>(
    _ directory: String,
    handlers: [String: @Sendable (JSONValue) async throws -> JSONValue] = [:],
    running: Bool = true,
    _ body: @Sendable (Engine, QueueService, @Sendable ([PipeDefinition]) -> PipeService) async throws -> Result
) async throws -> Result {
    try await withStepline(directory, clock: SystemClock(), running: running, configure: { $0.inProcessHandlers = handlers }) { stepline in
        let (engine, queues) = (stepline.engine, stepline.queues)
        return try await body(engine, queues) { PipeService(pipes: $0, context: engine.context, executions: engine, queues: queues) }
    }
}

let echoMachine = #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#

struct PipeFailure: Error {}

let ingestArn = "arn:aws:states:us-east-1:123456789012:stateMachine:ingest"

@Suite struct PipeServiceTests {
    @Test func theFilterDropsRecordsThatDoNotMatchTheParsedBody() async throws {
        let directory = TemporaryDirectory()
        try await withPipes(directory.path) { engine, queues, service in
            let source = try await queues.createQueue(name: "uploads", attributes: [:])
            _ = try await engine.createStateMachine(name: "ingest", definition: echoMachine, roleArn: "arn:aws:iam::123456789012:role/r")
            _ = try await queues.send(queueArn: source.arn, messages: [OutgoingMessage(body: #"{"kind": "image"}"#)])
            let pipe = PipeDefinition(
                name: "p", source: .queue("uploads"), filter: try EventPattern(parsing: #"{"body": {"kind": ["video"]}}"#),
                target: .stateMachine("ingest"))
            let result = try await service([pipe]).poll(pipe)
            #expect(result.received == 1 && result.filtered == 1 && result.delivered == 0)
            #expect(try queues.attributes(queueArn: source.arn)["ApproximateNumberOfMessagesNotVisible"] == "0")
            #expect(try engine.listExecutions(stateMachineArn: ingestArn).executions.isEmpty)
        }
    }

    @Test func theEnrichmentAndTemplateShapeWhatTheStateMachineTargetStartsWith() async throws {
        let directory = TemporaryDirectory()
        let handlers: [String: @Sendable (JSONValue) async throws -> JSONValue] = [
            "lookup": { batch in .array((batch.arrayValue ?? []).map { record in ["key": record["body"]?["key"] ?? .null, "partner": "acme"] }) }
        ]
        try await withPipes(directory.path, handlers: handlers) { engine, queues, service in
            let source = try await queues.createQueue(name: "uploads", attributes: [:])
            _ = try await engine.createStateMachine(name: "ingest", definition: echoMachine, roleArn: "arn:aws:iam::123456789012:role/r")
            _ = try await queues.send(queueArn: source.arn, messages: [OutgoingMessage(body: #"{"kind": "video", "key": "a.mp4"}"#)])
            let pipe = PipeDefinition(
                name: "p", source: .queue("uploads"), filter: try EventPattern(parsing: #"{"body": {"kind": ["video"]}}"#),
                enrichment: "lookup", target: .stateMachine("ingest"),
                inputTemplate: try PipeInputTemplate(#"{"object": "<$.key>", "by": "partner <$.partner>"}"#))
            let result = try await service([pipe]).poll(pipe)
            #expect(result.delivered == 1)
            #expect(try await startCommandsApplied(engine))
            let executions = try engine.listExecutions(stateMachineArn: ingestArn).executions
            let execution = try #require(executions.first)
            let described = try await engine.describeExecution(arn: execution.executionArn)
            #expect(described.input == [["object": "a.mp4", "by": "partner acme"]])
            #expect(try queues.attributes(queueArn: source.arn)["ApproximateNumberOfMessages"] == "0")
        }
    }

    @Test func aFailingTargetIsRetriedThenTheBatchGoesToTheDeadLetterQueue() async throws {
        let directory = TemporaryDirectory()
        let calls = CallCounter()
        let handlers: [String: @Sendable (JSONValue) async throws -> JSONValue] = [
            "publish": { _ in calls.increment(); throw PipeFailure() }
        ]
        try await withPipes(directory.path, handlers: handlers) { engine, queues, service in
            let source = try await queues.createQueue(name: "uploads", attributes: [:])
            let dlq = try await queues.createQueue(name: "failed", attributes: [:])
            _ = try await queues.send(queueArn: source.arn, messages: [OutgoingMessage(body: "plain text")])
            let pipe = PipeDefinition(
                name: "p", source: .queue("uploads"), target: .handler("publish"), maximumAttempts: 3, backoff: .zero,
                deadLetterQueue: "failed")
            let result = try await service([pipe]).poll(pipe)
            #expect(calls.value == 3)
            #expect(result.deadLettered == 1)
            let dead = try await queues.receive(queueArn: dlq.arn, waitSeconds: 0)
            let body = try JSONParser.parse(try #require(dead.first).body)
            #expect(body["records"]?[0]?["body"] == "plain text")
            #expect(body["attempts"] == 3)
            #expect(try queues.attributes(queueArn: source.arn)["ApproximateNumberOfMessagesNotVisible"] == "0")
        }
    }

    @Test func aQueueTargetReceivesEachRecordAndTheSourceMessageIsDeletedWithTheSend() async throws {
        let directory = TemporaryDirectory()
        try await withPipes(directory.path) { _, queues, service in
            let source = try await queues.createQueue(name: "uploads", attributes: [:])
            let target = try await queues.createQueue(name: "work", attributes: [:])
            _ = try await queues.send(queueArn: source.arn, messages: [OutgoingMessage(body: #"{"key": "a"}"#), OutgoingMessage(body: #"{"key": "b"}"#)])
            let pipe = PipeDefinition(
                name: "p", source: .queue("uploads"), target: .queue("work"), inputTemplate: try PipeInputTemplate("<$.body>"), batchSize: 10)
            let result = try await service([pipe]).poll(pipe)
            #expect(result.delivered == 2)
            let received = try await queues.receive(queueArn: target.arn, maxMessages: 10, waitSeconds: 0)
            #expect(Set(try received.map { try JSONParser.parse($0.body) }) == [["key": "a"], ["key": "b"]])
            #expect(try queues.attributes(queueArn: source.arn)["ApproximateNumberOfMessagesNotVisible"] == "0")
        }
    }

    @Test func aBatchRedeliveredWhenItsExecutionExistsStartsNoSecondExecution() async throws {
        let directory = TemporaryDirectory()
        let pipe = PipeDefinition(name: "p", source: .queue("uploads"), target: .stateMachine("ingest"))
        try await withPipes(directory.path) { engine, queues, _ in
            let source = try await queues.createQueue(name: "uploads", attributes: ["VisibilityTimeout": "0"])
            _ = try await engine.createStateMachine(name: "ingest", definition: echoMachine, roleArn: "arn:aws:iam::123456789012:role/r")
            _ = try await queues.send(queueArn: source.arn, messages: [OutgoingMessage(body: #"{"key": "a"}"#)])
            // An execution of this batch's name exists, and the batch is still in the source.
            let message = try #require(try await queues.receive(queueArn: source.arn, waitSeconds: 0).first)
            let record = PipeService.record(of: message, sourceArn: source.arn, region: "us-east-1")
            _ = try await engine.startExecution(
                stateMachineArn: ingestArn, name: PipeService.batchName(pipe.name, [message.messageId]),
                input: JSONValue.array([record]).serialized)
        }
        try await withPipes(directory.path) { engine, queues, service in
            let result = try await service([pipe]).poll(pipe)
            #expect(result.delivered == 1)
            // The batch's start command is applied as a refusal: the name is taken.
            #expect(try await startCommandsApplied(engine))
            #expect(try engine.listExecutions(stateMachineArn: ingestArn).executions.count == 1)
            #expect(try queues.attributes(queueArn: queues.arn(ofQueue: "uploads"))["ApproximateNumberOfMessages"] == "0")
        }
    }

    @Test("a pipe's start command commits with the batch's delete and starts one execution, also when the process stopped before applying it")
    func aStartCommandCommittedWithTheDeleteStartsOneExecutionAcrossAReopen() async throws {
        let directory = TemporaryDirectory()
        let pipe = PipeDefinition(name: "p", source: .queue("uploads"), target: .stateMachine("ingest"))
        // The engine does not run: the process stops after the commit, before the start.
        try await withPipes(directory.path, running: false) { engine, queues, service in
            let source = try await queues.createQueue(name: "uploads", attributes: ["VisibilityTimeout": "0"])
            _ = try await engine.createStateMachine(name: "ingest", definition: echoMachine, roleArn: "arn:aws:iam::123456789012:role/r")
            _ = try await queues.send(queueArn: source.arn, messages: [OutgoingMessage(body: #"{"key": "a"}"#)])
            let result = try await service([pipe]).poll(pipe)
            #expect(result.delivered == 1)
            #expect(try queues.attributes(queueArn: source.arn)["ApproximateNumberOfMessages"] == "0")
            #expect(try engine.pendingStartCommands().map(\.command.stateMachineArn) == [ingestArn])
            #expect(try engine.listExecutions(stateMachineArn: ingestArn).executions.isEmpty)
        }
        try await withPipes(directory.path) { engine, queues, service in
            #expect(try await startCommandsApplied(engine))
            let executions = try engine.listExecutions(stateMachineArn: ingestArn).executions
            #expect(executions.count == 1)
            #expect(executions.first?.input[0]?["body"] == ["key": "a"])
            // Nothing is redelivered: the batch left the source with its command.
            #expect(try await service([pipe]).poll(pipe).received == 0)
        }
        try await withPipes(directory.path) { (engine: Engine, _: QueueService, _: @Sendable ([PipeDefinition]) -> PipeService) async throws in
            #expect(try engine.listExecutions(stateMachineArn: ingestArn).executions.count == 1)
            #expect(try engine.pendingStartCommands().isEmpty)
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test func aStateMachineTargetThatDoesNotExistFailsTheBatchAndWritesNoStartCommand() async throws {
        let directory = TemporaryDirectory()
        try await withPipes(directory.path) { engine, queues, service in
            let source = try await queues.createQueue(name: "uploads", attributes: [:])
            let dlq = try await queues.createQueue(name: "failed", attributes: [:])
            _ = try await queues.send(queueArn: source.arn, messages: [OutgoingMessage(body: #"{"key": "a"}"#)])
            let pipe = PipeDefinition(
                name: "p", source: .queue("uploads"), target: .stateMachine("missing"), maximumAttempts: 2, backoff: .zero,
                deadLetterQueue: "failed")
            let result = try await service([pipe]).poll(pipe)
            #expect(result.deadLettered == 1 && result.delivered == 0)
            let dead = try JSONParser.parse(try #require(try await queues.receive(queueArn: dlq.arn, waitSeconds: 0).first).body)
            #expect(dead["error"]?.stringValue?.hasPrefix("StartExecution of missing: StateMachineDoesNotExist") == true)
            #expect(try engine.pendingStartCommands().isEmpty)
            #expect(try engine.log.entries(from: .first).allSatisfy { $0.header.kind != EngineRecordKind.startRequested })
        }
    }
}

/// Counts handler calls across tasks.
final class CallCounter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
