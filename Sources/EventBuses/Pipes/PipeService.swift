package import EventLog
import Foundation
public import JSON
public import Logging
import Memberwise
import Messaging
public import Queues
public import Runtime
public import Topics

/// Runs ``PipeDefinition``s over the Engine's queues: receive, filter, enrich, deliver, delete.
///
/// The source queue is the pipe's durable state: a received batch stays in the
/// queue, invisible for the queue's visibility timeout, until its target accepted
/// it, so a crash anywhere before the delete redelivers it, and the queue's
/// `RedrivePolicy` takes a message received too often. Internal targets commit in
/// the same transaction as the source delete, so a batch has their effect exactly
/// once: a state machine target's start command (named after the batch's message
/// ids, applied once from the log by the workflow engine), a queue, bus or topic
/// target's send, put or publish. Handler targets are outside effects: at least
/// once, with an idempotency key naming the batch.
///
/// ## Topics
/// - ``poll(_:waitSeconds:)``
/// - ``run()``
@MemberwiseInit(.public)
public final class PipeService: Sendable {
    public let pipes: [PipeDefinition]
    /// The clock, scheduler and invoker shared with the other services.
    package let context: ServiceContext
    /// What starts the executions of state-machine targets (the workflow engine).
    package let executions: any ExecutionStarting
    package let queues: QueueService
    /// The buses that bus sources' rules live on; `nil` when no pipe reads a bus.
    @MemberwiseDefault(nil) package let buses: EventBuses?
    /// The topics that topic targets publish to; `nil` when no pipe targets a topic.
    @MemberwiseDefault(nil) package let topics: TopicService?
    @MemberwiseDefault(Logger(label: "stepline.pipes")) package let logger: Logger

    /// What one poll of a pipe did.
    public struct PollResult: Sendable, Hashable {
        /// Messages received from the source.
        public var received = 0
        /// Messages the filter (or an enrichment returning nothing) dropped.
        public var filtered = 0
        /// Messages whose batch the target accepted.
        public var delivered = 0
        /// Messages sent to the pipe's dead-letter queue.
        public var deadLettered = 0
        /// Messages left in the source after every attempt failed (no dead-letter
        /// queue): the queue redelivers them after its visibility timeout.
        public var left = 0
    }

    /// Receives one batch of `pipe`'s source and takes it as far as it goes.
    /// - Throws: ``QueueError`` when the source queue does not exist or the log
    ///   cannot commit; target failures are not thrown but retried and dead-lettered.
    @discardableResult
    public func poll(_ pipe: PipeDefinition, waitSeconds: Int = 0) async throws -> PollResult {
        let sourceArn = queues.arn(ofQueue: pipe.sourceQueue)
        let messages = try await queues.receive(queueArn: sourceArn, maxMessages: pipe.batchSize, waitSeconds: waitSeconds)
        var result = PollResult(received: messages.count)
        guard !messages.isEmpty else { return result }
        let region = queues.context.region
        var matched: [(message: ReceivedMessage, record: JSONValue)] = []
        var dropped: [String] = []
        for message in messages {
            let record: JSONValue
            switch pipe.source {
            case .queue: record = Self.record(of: message, sourceArn: sourceArn, region: region)
            // The internal queue's body is the event the rule matched: hand on the event,
            // as EventBridge would, not the queue record that carried it.
            case .bus: record = (try? JSONParser.parse(message.body)) ?? .string(message.body)
            }
            if let filter = pipe.filter, !filter.matches(record) {
                dropped.append(message.receiptHandle)
            } else {
                matched.append((message, record))
            }
        }
        if !dropped.isEmpty {
            _ = try await queues.delete(queueArn: sourceArn, handles: dropped)
            result.filtered = dropped.count
        }
        guard !matched.isEmpty else { return result }
        let batchId = Self.batchName(pipe.name, matched.map(\.message.messageId))
        let handles = matched.map(\.message.receiptHandle)
        var lastError = ""
        for attempt in 1...pipe.maximumAttempts {
            if attempt > 1 {
                // One batch's backoff, on the engine's clock (a test's manual clock moves it).
                let clock = context.scheduler.clock
                try await clock.sleep(untilMilliseconds: clock.now() + (pipe.backoff * (1 << min(attempt - 2, 20))).inMilliseconds)
            }
            do {
                var batch = matched.map(\.record)
                if let enrichment = pipe.enrichment {
                    let enriched = try await invoke(enrichment, input: .array(batch), key: IdempotencyKey.pipeStep(pipe: pipe.name, batchId: batchId, step: "enrichment"))
                    batch = enriched.arrayValue ?? [enriched]
                }
                if batch.isEmpty {
                    _ = try await queues.delete(queueArn: sourceArn, handles: handles)
                    result.filtered += matched.count
                    return result
                }
                if let template = pipe.inputTemplate { batch = try batch.map(template.apply(to:)) }
                try await deliver(.array(batch), to: pipe.target, pipe: pipe, batchId: batchId, sourceArn: sourceArn, handles: handles)
                result.delivered = matched.count
                return result
            } catch let error as PipeDeliveryError {
                lastError = error.description
                logger.info(
                    "pipe target failed",
                    metadata: ["pipe": "\(pipe.name)", "attempt": "\(attempt)", "error": "\(error.description)"])
            } catch let error as PipeConfigurationError {
                lastError = error.description
            }
        }
        guard let deadLetterQueue = pipe.deadLetterQueue else {
            result.left = matched.count
            return result
        }
        let dlqArn = queues.arn(ofQueue: deadLetterQueue)
        let body: JSONValue = [
            "pipe": .string(pipe.name), "error": .string(lastError), "attempts": .integer(pipe.maximumAttempts),
            "records": .array(matched.map(\.record)),
        ]
        try await sendAndDelete([OutgoingMessage(body: body.serialized)], to: dlqArn, sourceArn: sourceArn, handles: handles)
        result.deadLettered = matched.count
        return result
    }

    /// The SQS record Pipes gives filters, enrichments and targets: the message with
    /// `body` parsed when it is JSON (a filter on `body` fields needs that).
    public static func record(of message: ReceivedMessage, sourceArn: String, region: String) -> JSONValue {
        var attributes = JSONObject()
        for (key, value) in message.systemAttributes.sorted(by: { $0.key < $1.key }) { attributes[key] = .string(value) }
        let body: JSONValue = (try? JSONParser.parse(message.body)) ?? .string(message.body)
        return [
            "messageId": .string(message.messageId), "receiptHandle": .string(message.receiptHandle), "body": body,
            "attributes": .object(attributes), "messageAttributes": .object(message.attributes),
            "md5OfBody": .string(message.md5OfBody), "eventSource": "aws:sqs", "eventSourceARN": .string(sourceArn),
            "awsRegion": .string(region),
        ]
    }

    /// A name for the batch that every redelivery of the same messages gives again,
    /// usable as an execution name (at most 80 characters of `[A-Za-z0-9-_]`).
    public static func batchName(_ pipe: String, _ messageIds: [String]) -> String {
        let digest = Digest.sha256Hex(Array(messageIds.sorted().joined(separator: "\n").utf8))
        let safe = String(pipe.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" }.prefix(40))
        return "\(safe)-\(digest.prefix(32))"
    }

    package func deliver(_ input: JSONValue, to target: PipeDefinition.Target, pipe: PipeDefinition, batchId: String, sourceArn: String, handles: [String]) async throws {
        switch target {
        case .stateMachine(let name):
            try await startAndDelete(input, stateMachine: name, batchId: batchId, sourceArn: sourceArn, handles: handles)
        case .queue(let name):
            let elements = input.arrayValue ?? [input]
            let messages = elements.map { OutgoingMessage(body: $0.stringValue ?? $0.serialized) }
            do {
                try await sendAndDelete(messages, to: queues.arn(ofQueue: name), sourceArn: sourceArn, handles: handles)
            } catch let error as QueueError {
                throw PipeDeliveryError("SendMessage to \(name): \(error)")
            }
        case .handler(let resource):
            _ = try await invoke(resource, input: input, key: IdempotencyKey.pipeStep(pipe: pipe.name, batchId: batchId, step: "target"))
            _ = try await queues.delete(queueArn: sourceArn, handles: handles)
        case .bus(let name, let source, let detailType):
            let entries = (input.arrayValue ?? [input]).map { record in
                EventEntry(
                    source: source ?? "stepline.pipes", detailType: detailType ?? pipe.name,
                    detail: (record.objectValue != nil ? record : ["value": record]).serialized, eventBusName: name)
            }
            try await putAndDelete(entries, sourceArn: sourceArn, handles: handles)
        case .topic(let name):
            try await publishAndDelete(input.arrayValue ?? [input], topic: name, batchId: batchId, pipe: pipe, sourceArn: sourceArn, handles: handles)
        }
    }

    /// Sends `messages` and deletes `handles` in one transaction, only while every
    /// handle is still current: a batch whose visibility lapsed (and which another
    /// receive may be delivering) sends nothing.
    package func sendAndDelete(_ messages: [OutgoingMessage], to queueArn: String, sourceArn: String, handles: [String]) async throws {
        let time = queues.now()
        try await queues.transact { append in
            try self.deleteCurrent(in: append, sourceArn: sourceArn, handles: handles, time: time)
            for sent in try self.queues.send(in: append, queueArn: queueArn, messages: messages, time: time) {
                if case .failure(let error) = sent { throw error }
            }
        }
    }

    /// Deletes `handles` from the source in `append`, refusing when any is no longer
    /// current: a batch whose visibility lapsed may be on its way through another receive.
    package func deleteCurrent(in append: AppendTransaction, sourceArn: String, handles: [String], time: Int64) throws {
        let (_, current) = try queues.delete(in: append, queueArn: sourceArn, handles: handles, time: time)
        guard current == handles.count else {
            throw QueueError(.receiptHandleIsInvalid, "the batch's receipt handles are no longer current; the source redelivers it")
        }
    }

    /// Runs a handler-map resource (or an in-process handler) once.
    package func invoke(_ resource: String, input: JSONValue, key: String) async throws -> JSONValue {
        let invocation = TaskInvocation(
            resource: resource, input: input, idempotencyKey: key, token: nil, executionArn: key, stateName: "pipe")
        switch await context.invoker.invoke(invocation) {
        case .succeeded(let output): return output
        case .noHandler(let cause): throw PipeDeliveryError(cause)
        case .failed(let error, let cause): throw PipeDeliveryError("\(resource) failed: \(error): \(cause)")
        }
    }
}

/// Why one attempt at a pipe's batch failed (the enrichment or the target refused it).
package struct PipeDeliveryError: Error, Sendable, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
