package import Runtime
package import EventLog
import Foundation
package import JSON
import LMDB
package import Messaging
package import StatesLanguage

/// The Stepline resources a Task state reaches through AWS's optimized service
/// integrations, so a definition written for AWS runs unchanged.
///
/// - `arn:aws:states:::events:putEvents` puts `Parameters.Entries` on the event
///   buses and answers `{"Entries": [{"EventId": …}], "FailedEntryCount": 0}`;
///   a failed entry fails the task with `EventBridge.FailedEntry`, as on AWS.
/// - `arn:aws:states:::sqs:sendMessage` sends `MessageBody` to `QueueUrl` and
///   answers `{"MessageId": …, "MD5OfMessageBody": …}`; a queue that does not
///   exist fails the task with `SQS.QueueDoesNotExistException`.
///
/// Both are effects on Stepline's own resources, so they happen in the log
/// transaction of the step that schedules the task: the event or message is
/// accepted exactly when the step commits, never twice. What the integration
/// answered is stored with the open task (``ExecutionStep/OpenTask/outcome``);
/// the task's result is delivered from there after the commit and again after a
/// crash, without putting or sending anything a second time. With
/// `.waitForTaskToken` the task then waits for `SendTaskSuccess` or
/// `SendTaskFailure` with the token the definition put in the event or message
/// (`$$.Task.Token`).
///
/// Connect them with ``Engine/connect(buses:)`` and ``Engine/connect(queues:)``
/// before ``Engine/run()`` starts; a Task state using one that is not connected fails
/// with `States.TaskFailed` naming what is missing.
public struct ServiceIntegrations: Sendable {
    /// Where `events:putEvents` puts events.
    public var buses: EventBuses?
    /// Where `sqs:sendMessage` sends messages.
    public var queues: QueueService?
    /// Where `sns:publish` publishes (``Engine/connect(topics:)``).
    public var topics: TopicService?

    public init(buses: EventBuses? = nil, queues: QueueService? = nil, topics: TopicService? = nil) {
        self.buses = buses
        self.queues = queues
        self.topics = topics
    }

    /// The integrations Stepline runs itself, by base resource.
    package enum Kind {
        case putEvents
        case sendMessage
        case publish

        package init?(resource: String) {
            switch TaskHandlerMap.baseResource(resource) {
            case "arn:aws:states:::events:putEvents": self = .putEvents
            case "arn:aws:states:::sqs:sendMessage": self = .sendMessage
            case "arn:aws:states:::sns:publish": self = .publish
            default: return nil
            }
        }
    }
}

/// A step as committed, with what its integrations leave to do after the commit.
package struct IntegratedStep: Sendable {
    package var step: ExecutionStep
    /// Deliveries of the events the step put, queued on the buses once committed.
    package var deliveries: [EventDelivery] = []
    package var buses: EventBuses?
    /// Set when the step sent messages: long-polling receivers are woken.
    package var queues: QueueService?
    /// Set when the step published: the deliveries its publishes recorded are scheduled.
    package var topics: TopicService?

    /// Hands the committed effects to the buses, queues and topics.
    package func committed() async {
        if let buses, !deliveries.isEmpty { await buses.queueAccepted(deliveries) }
        queues?.wakeReceivers()
        topics?.scheduleCommittedDeliveries()
    }
}

/// A step whose record would nest deeper than ``JSON/JSONParser/maximumDepth``,
/// so the log's index could not read it back. Thrown before anything is
/// queued: such a record would otherwise fail inside the group commit.
package struct UnrecordableStep: Error, CustomStringConvertible {
    package var arn: String
    /// How deep the record would nest.
    package var depth: Int

    package var message: String {
        "The step of \(arn) would be recorded \(depth) levels deep, more than the \(JSONParser.maximumDepth) levels the log can read back"
            + " (a value nested too deep, for example by States.StringToJson)."
    }

    package var description: String { message }
}

extension Engine {
    /// Lets Task states put events on `buses` (`arn:aws:states:::events:putEvents`).
    public func connect(buses: EventBuses) { integrations.buses = buses }

    /// Lets Task states send messages to `queues` (`arn:aws:states:::sqs:sendMessage`).
    public func connect(queues: QueueService) { integrations.queues = queues }

    /// Appends the step record, with the effects of the integration tasks it opens
    /// and `companions` in the same transaction, and returns the step with their outcomes.
    package func appendStep(
        _ step: ExecutionStep,
        arn: String,
        stream: UInt64,
        at time: Int64,
        companions: [Record] = []
    ) async throws -> IntegratedStep {
        var result = IntegratedStep(step: step)
        var extra: [Record] = companions
        var sends: [(index: Int, queueArn: String, message: OutgoingMessage)] = []
        var publishes: [(index: Int, topicArn: String, entry: PublishEntry)] = []
        for (index, opened) in step.tasksOpened.enumerated() {
            switch ServiceIntegrations.Kind(resource: opened.task.resource) {
            case nil:
                continue
            case .putEvents:
                let (outcome, acceptance) = await putEvents(opened.task, executionArn: arn, stateMachineArn: step.row.stateMachineArn, at: time)
                result.step.tasksOpened[index].outcome = outcome.recordJSON
                if let acceptance {
                    extra += acceptance.records.map { Record(kind: $0.0, timestamp: time * 1000, stream: .none, payload: $0.1.bytes) }
                    result.deliveries += acceptance.deliveries
                    result.buses = integrations.buses
                }
            case .sendMessage:
                switch sendMessageRequest(opened.task) {
                case .send(let queueArn, let message): sends.append((index, queueArn, message))
                case .refused(let failure): result.step.tasksOpened[index].outcome = failure.recordJSON
                }
            case .publish:
                switch publishRequest(opened.task) {
                case .publish(let topicArn, let entry): publishes.append((index, topicArn, entry))
                case .refused(let failure): result.step.tasksOpened[index].outcome = failure.recordJSON
                }
            }
        }
        @Sendable func record(_ step: ExecutionStep) -> Record {
            Record(kind: EngineRecordKind.executionStep, timestamp: time * 1000, stream: StreamID(stream), payload: step.payload)
        }
        let queues = integrations.queues
        let topics = integrations.topics
        guard (!sends.isEmpty && queues != nil) || (!publishes.isEmpty && topics != nil) else {
            let stepRecord = record(result.step)
            try Self.checkRecordable(stepRecord, of: arn)
            try await log.append([stepRecord] + extra)
            return result
        }
        // The outcomes the sends add are a few shallow levels, inside `tasks+` as the parameters are.
        try Self.checkRecordable(record(result.step), of: arn)
        // Sending reads the queue as of this transaction (FIFO deduplication), so
        // the outcome is known only inside it; the step record follows the sends.
        let (pending, companions, messages, published) = (result.step, extra, sends, publishes)
        result.step = try await log.transact { append in
            var step = pending
            if let queues {
                for send in messages {
                    step.tasksOpened[send.index].outcome = try Self.send(send.message, to: send.queueArn, queues, append, at: time).recordJSON
                }
            }
            if let topics {
                for publish in published {
                    step.tasksOpened[publish.index].outcome = try Self.publish(publish.entry, to: publish.topicArn, topics, append, at: time).recordJSON
                }
            }
            try append.append(record(step))
            for companion in companions { try append.append(companion) }
            return step
        }
        result.queues = queues ?? topics?.queues
        if !published.isEmpty { result.topics = topics }
        return result
    }

    /// Throws ``UnrecordableStep`` when the step record nests deeper than the log's index parses.
    package static func checkRecordable(_ record: Record, of arn: String) throws(UnrecordableStep) {
        // The payload's first 4 bytes are the summary's length, binary, not JSON.
        let depth = JSONNesting.depth(of: record.payload.dropFirst(4))
        guard JSONNesting.isReadable(depth: depth) else { throw UnrecordableStep(arn: arn, depth: depth) }
    }

    // MARK: events:putEvents

    /// Decides an `events:putEvents` task: its outcome and, when a bus accepted
    /// entries, the records and deliveries to commit with the step.
    package func putEvents(
        _ task: ScheduledTask,
        executionArn: String,
        stateMachineArn: String,
        at time: Int64
    ) async -> (TaskOutcome, EventBuses.Acceptance?) {
        guard let buses = integrations.buses else {
            return (
                .failed(error: StatesError.Name.taskFailed, cause: "events:putEvents needs the event buses, and this engine runs without them."), nil
            )
        }
        guard let given = task.parameters["Entries"]?.arrayValue else {
            return (Self.eventBridgeValidation("Parameters.Entries must be an array of entries."), nil)
        }
        var entries: [EventEntry] = []
        for (position, value) in given.enumerated() {
            guard let entry = value.objectValue else {
                return (Self.eventBridgeValidation("Parameters.Entries[\(position)] must be an object."), nil)
            }
            let detail: String? =
                switch entry["Detail"] {
                case .string(let text)?: text
                case let other?: other.serialized
                case nil: nil
                }
            // AWS appends the execution and state machine ARNs to every entry's Resources.
            let resources = (entry["Resources"]?.arrayValue ?? []).compactMap(\.stringValue) + [executionArn, stateMachineArn]
            entries.append(
                EventEntry(
                    source: entry["Source"]?.stringValue,
                    detailType: entry["DetailType"]?.stringValue,
                    detail: detail,
                    resources: resources,
                    eventBusName: entry["EventBusName"]?.stringValue
                )
            )
        }
        guard (1...EventBuses.maximumEntries).contains(entries.count) else {
            return (Self.eventBridgeValidation("Parameters.Entries must hold 1 to \(EventBuses.maximumEntries) entries, not \(entries.count)."), nil)
        }
        guard entries.reduce(0, { $0 + $1.size }) <= EventBuses.maximumRequestBytes else {
            return (Self.eventBridgeValidation("Total size of the entries in the request is over the limit."), nil)
        }
        let acceptance = await buses.accept(entries, at: time)
        let answers: [JSONValue] = acceptance.results.map { result in
            if let id = result.eventId { return ["EventId": .string(id)] }
            return ["ErrorCode": .string(result.errorCode ?? ""), "ErrorMessage": .string(result.errorMessage ?? "")]
        }
        let failed = acceptance.results.filter { $0.eventId == nil }.count
        let response: JSONValue = ["Entries": .array(answers), "FailedEntryCount": .integer(failed)]
        // Entries that were accepted stay accepted, as on AWS, even when the task fails.
        let outcome: TaskOutcome = failed == 0 ? .succeeded(response) : .failed(error: "EventBridge.FailedEntry", cause: response.serialized)
        return (outcome, acceptance.records.isEmpty ? nil : acceptance)
    }

    package static func eventBridgeValidation(_ message: String) -> TaskOutcome {
        .failed(
            error: "EventBridge.AmazonEventBridgeException",
            cause: "\(message) (Service: AmazonEventBridge; Status Code: 400; Error Code: ValidationException)"
        )
    }

    // MARK: sqs:sendMessage

    /// What an `sqs:sendMessage` task's parameters ask for.
    package enum SendRequest {
        case send(queueArn: String, OutgoingMessage)
        /// It cannot be sent: the task's failure.
        case refused(TaskOutcome)
    }

    /// The queue and message an `sqs:sendMessage` task asks for, or why it cannot be sent.
    package func sendMessageRequest(_ task: ScheduledTask) -> SendRequest {
        guard let queues = integrations.queues else {
            return .refused(
                .failed(error: StatesError.Name.taskFailed, cause: "sqs:sendMessage needs the queues, and this engine runs without them.")
            )
        }
        let parameters = task.parameters
        guard let url = parameters["QueueUrl"]?.stringValue, let name = Self.queueName(url) else {
            return .refused(Self.sqsFailure(QueueError(.missingParameter, "The request must contain the parameter QueueUrl.")))
        }
        let body: String
        switch parameters["MessageBody"] {
        case .string(let text)?: body = text
        case let value?: body = value.serialized
        case nil: return .refused(Self.sqsFailure(QueueError(.missingParameter, "The request must contain the parameter MessageBody.")))
        }
        let message = OutgoingMessage(
            body: body,
            attributes: parameters["MessageAttributes"]?.objectValue ?? JSONObject(),
            delaySeconds: parameters["DelaySeconds"]?.integerValue,
            groupId: parameters["MessageGroupId"]?.stringValue,
            deduplicationId: parameters["MessageDeduplicationId"]?.stringValue
        )
        return .send(queueArn: url.hasPrefix("arn:") ? url : queues.arn(ofQueue: name), message)
    }

    /// The queue name of a queue URL (`http://HOST/ACCOUNT/NAME`, AWS's or Stepline's) or ARN.
    package static func queueName(_ urlOrArn: String) -> String? {
        let separator: Character = urlOrArn.hasPrefix("arn:") ? ":" : "/"
        guard let name = urlOrArn.split(separator: separator).last, !name.isEmpty, name != urlOrArn[...] else { return nil }
        return String(name)
    }

    /// Sends one message in the step's transaction and returns the task's outcome.
    package static func send(
        _ message: OutgoingMessage,
        to queueArn: String,
        _ queues: QueueService,
        _ append: AppendTransaction,
        at time: Int64
    ) throws -> TaskOutcome {
        let results: [Result<SentMessage, QueueError>]
        do { results = try queues.send(in: append, queueArn: queueArn, messages: [message], time: time) } catch let error as QueueError {
            return sqsFailure(error)
        }
        switch results.first {
        case .success(let sent)?:
            var answer: JSONObject = ["MessageId": .string(sent.messageId), "MD5OfMessageBody": .string(sent.md5OfBody)]
            if let md5 = sent.md5OfAttributes { answer["MD5OfMessageAttributes"] = .string(md5) }
            if let sequence = sent.sequenceNumber { answer["SequenceNumber"] = .string(sequence) }
            return .succeeded(.object(answer))
        case .failure(let error)?:
            return sqsFailure(error)
        case nil:
            return .failed(error: StatesError.Name.taskFailed, cause: "The queue \(queueArn) answered nothing for one message.")
        }
    }

    /// AWS's task error for an SQS failure: `SQS.<exception>` and the SDK's message.
    package static func sqsFailure(_ error: QueueError) -> TaskOutcome {
        let exception = error.code == .queueDoesNotExist ? "QueueDoesNotExistException" : "AmazonSQSException"
        return .failed(
            error: "SQS.\(exception)",
            cause: "\(error.message) (Service: AmazonSQS; Status Code: 400; Error Code: \(error.code.queryCode ?? error.code.rawValue))"
        )
    }

    // MARK: Delivering the outcome

    /// Delivers what an integration task's step recorded: its result, its failure,
    /// or (`.waitForTaskToken` after a successful put or send) nothing, since the
    /// answer comes with the token. A task that is no longer pending was answered.
    /// Returns `false` when the task has no recorded outcome (a log older than integrations).
    package nonisolated func deliverIntegrationOutcome(_ arn: String, _ task: ScheduledTask) async -> Bool {
        guard let bytes = try? readValue(Keys.task(arn, task.taskId), in: .pendingTasks),
            let pending = try? ExecutionStep.OpenTask(recordJSON: try JSONParser.parse(bytes: bytes))
        else { return true }
        guard let recorded = pending.outcome, let outcome = TaskOutcome(recordJSON: recorded) else { return false }
        if case .succeeded = outcome, task.resource.hasSuffix(".waitForTaskToken") { return true }
        await deliver(arn, task.taskId, outcome)
        return true
    }
}

extension TaskOutcome {
    /// How a service integration's outcome is stored with its open task:
    /// `{"output": …}` or `{"error": …, "cause": …}`.
    package var recordJSON: JSONValue {
        switch self {
        case .succeeded(let output): ["output": output]
        case .failed(let error, let cause): ["error": .string(error), "cause": .string(cause)]
        }
    }

    package init?(recordJSON json: JSONValue) {
        if let output = json["output"] {
            self = .succeeded(output)
        } else if let error = json["error"]?.stringValue {
            self = .failed(error: error, cause: json["cause"]?.stringValue ?? "")
        } else {
            return nil
        }
    }
}

extension EventBuses {
    /// Queues the deliveries of events an execution step put, once that step committed.
    package func queueAccepted(_ deliveries: [EventDelivery]) {
        for delivery in deliveries { queue(delivery) }
    }
}
