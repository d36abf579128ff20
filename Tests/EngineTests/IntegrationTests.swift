import EventBuses
import EventLog
import Foundation
import JSON
import Messaging
import Queues
import Runtime
import StatesLanguage
import Stepline
import SteplineTesting
import TestSupport
import Testing
import Workflows

/// The engine, buses and queues of ``withStepline(_:clock:running:configure:_:)``
/// (connected as Task integrations by `Stepline.open`), on the system clock.
func withIntegrations<Result: Sendable>(
    _ directory: String,
    _ body: @Sendable (Engine, EventBuses, QueueService) async throws -> Result
) async throws -> Result {
    try await withStepline(directory, clock: SystemClock()) { try await body($0.engine, $0.buses, $0.queues) }
}

/// A machine with one Task state on `resource` with `parameters`, catching every error into `$.error`.
func integrationMachine(_ resource: String, _ parameters: String) -> String {
    """
    {"StartAt": "Call", "States": {
      "Call": {"Type": "Task", "Resource": "\(resource)", "Parameters": \(parameters), "ResultPath": "$.result",
               "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}], "End": true},
      "Caught": {"Type": "Pass", "End": true}
    }}
    """
}

let reviewEntries = """
    {"Entries": [{"EventBusName": "media-review", "Source": "stepline.media", "DetailType": "ASSET_FLAGGED_FOR_REVIEW",
                  "Detail": {"asset.$": "$.asset", "TaskToken.$": "$$.Task.Token"}}]}
    """

/// Runs `integrationMachine(resource, parameters)` once on `input` and returns the finished execution.
func runIntegration(_ engine: Engine, _ resource: String, _ parameters: String, input: String = "{}") async throws -> ExecutionDescription {
    let machine = try await engine.createStateMachine(name: "integration", definition: integrationMachine(resource, parameters))
    let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, input: input)
    return try await engine.awaitCompletion(executionArn: started.executionArn)
}

/// Creates the `media-review` bus with a rule sending every review event to a
/// recording state machine, and returns that machine's ARN.
func reviewBusRecordingInto(_ engine: Engine, _ buses: EventBuses) async throws -> String {
    let recorder = try await engine.createStateMachine(
        name: "recorder",
        definition: #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#
    )
    _ = try await buses.createEventBus(name: "media-review", description: nil)
    _ = try await buses.putRule(
        RuleDefinition(name: "review", eventBusName: "media-review", eventPattern: #"{"detail-type": ["ASSET_FLAGGED_FOR_REVIEW"]}"#)
    )
    let failed = try await buses.putTargets(
        bus: "media-review",
        rule: "review",
        targets: [["Id": "record", "Arn": .string(recorder.stateMachineArn)]]
    )
    #expect(failed.isEmpty)
    return recorder.stateMachineArn
}

/// The inputs of the executions the recording machine received.
func recorded(_ engine: Engine, _ recorder: String) throws -> [JSONValue] {
    try engine.listExecutions(stateMachineArn: recorder).executions.map(\.input)
}

@Suite("Task integrations: events:putEvents and sqs:sendMessage")
struct IntegrationTests {
    @Test("events:putEvents puts the entries once, with the execution in Resources, and answers AWS's result shape")
    func putEventsAnswersEventIds() async throws {
        let directory = TemporaryDirectory()
        try await withIntegrations(directory.path) { engine, buses, _ in
            let recorder = try await reviewBusRecordingInto(engine, buses)
            let machine = try await engine.createStateMachine(
                name: "notify",
                definition: integrationMachine(
                    "arn:aws:states:::events:putEvents",
                    #"{"Entries": [{"EventBusName": "arn:aws:events:us-east-1:123456789012:event-bus/media-review", "Source": "stepline.media", "DetailType": "ASSET_FLAGGED_FOR_REVIEW", "Detail": {"asset.$": "$.asset"}}]}"#
                )
            )
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, input: #"{"asset": "clip-1"}"#)
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .succeeded)
            let result = try #require(done.output?["result"])
            #expect(result["FailedEntryCount"] == 0)
            let eventId = try #require(result["Entries"]?[0]?["EventId"]?.stringValue)
            #expect(try await eventually { try recorded(engine, recorder).count == 1 })
            let event = try #require(try recorded(engine, recorder).first)
            #expect(event["id"]?.stringValue == eventId)
            #expect(event["detail"] == ["asset": "clip-1"])
            #expect(event["resources"] == [.string(started.executionArn), .string(machine.stateMachineArn)])
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("events:putEvents to a bus that does not exist fails the task with EventBridge.FailedEntry")
    func putEventsToUnknownBusFails() async throws {
        let directory = TemporaryDirectory()
        try await withIntegrations(directory.path) { engine, _, _ in
            let done = try await runIntegration(
                engine,
                "arn:aws:states:::events:putEvents",
                #"{"Entries": [{"EventBusName": "nowhere", "Source": "s", "DetailType": "t", "Detail": {}}]}"#
            )
            let error = try #require(done.output?["error"])
            #expect(error["Error"] == "EventBridge.FailedEntry")
            let cause = try JSONParser.parse(try #require(error["Cause"]?.stringValue))
            #expect(cause["FailedEntryCount"] == 1)
            #expect(cause["Entries"]?[0]?["ErrorCode"] == "ResourceNotFoundException")
        }
    }

    @Test("events:putEvents.waitForTaskToken: the event carries the token, a restart puts nothing again, the answer completes the task")
    func putEventsWaitsForTheTokenAcrossARestart() async throws {
        let directory = TemporaryDirectory()
        let (executionArn, recorder, token) = try await withIntegrations(directory.path) { engine, buses, _ in
            let recorder = try await reviewBusRecordingInto(engine, buses)
            let machine = try await engine.createStateMachine(
                name: "ingest",
                definition: integrationMachine("arn:aws:states:::events:putEvents.waitForTaskToken", reviewEntries)
            )
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, input: #"{"asset": "clip-2"}"#)
            #expect(try await eventually { try recorded(engine, recorder).count == 1 })
            let token = try #require(try recorded(engine, recorder).first?["detail"]?["TaskToken"]?.stringValue)
            #expect(try await engine.describeExecution(arn: started.executionArn).status == .running)
            return (started.executionArn, recorder, token)
        }
        try await withIntegrations(directory.path) { engine, buses, _ in
            #expect(try buses.pendingDeliveries().isEmpty)
            try await engine.sendTaskSuccess(token: token, output: #"{"approved": true}"#)
            let done = try await engine.awaitCompletion(executionArn: executionArn)
            #expect(done.status == .succeeded)
            #expect(done.output?["result"] == ["approved": true])
            #expect(try recorded(engine, recorder).count == 1)
            let types = try engine.history(executionArn: executionArn).events.map(\.type)
            #expect(types.filter { $0 == "TaskScheduled" }.count == 1)
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("a restart after the step that put the event, before its result was delivered, delivers the recorded result and puts nothing again")
    func putEventsResultSurvivesARestart() async throws {
        let directory = TemporaryDirectory()
        // First life: the step commits (the event with it), but run() never dispatches its result.
        let stepline = try await Stepline.open(dataDirectory: directory.path, configuration: .testing(clock: SystemClock()))
        let (engine, buses) = (stepline.engine, stepline.buses)
        let recorder = try await reviewBusRecordingInto(engine, buses)
        let machine = try await engine.createStateMachine(
            name: "notify",
            definition: integrationMachine(
                "arn:aws:states:::events:putEvents",
                #"{"Entries": [{"EventBusName": "media-review", "Source": "stepline.media", "DetailType": "ASSET_FLAGGED_FOR_REVIEW", "Detail": {}}]}"#
            )
        )
        let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn)
        await engine.close()
        try await withIntegrations(directory.path) { engine, _, _ in
            let done = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(done.status == .succeeded)
            #expect(try await eventually { try recorded(engine, recorder).count == 1 })
            #expect(try recorded(engine, recorder).first?["id"] == done.output?["result"]?["Entries"]?[0]?["EventId"])
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("sqs:sendMessage sends once and answers MessageId and MD5OfMessageBody; an object body is sent as JSON text")
    func sendMessageAnswersTheMessageId() async throws {
        let directory = TemporaryDirectory()
        try await withIntegrations(directory.path) { engine, _, queues in
            let queue = try await queues.createQueue(name: "transcode-jobs", attributes: [:])
            let done = try await runIntegration(
                engine,
                "arn:aws:states:::sqs:sendMessage",
                #"{"QueueUrl": "http://127.0.0.1:8423/123456789012/transcode-jobs", "MessageBody": {"asset.$": "$.asset"}}"#,
                input: #"{"asset": "clip-3"}"#
            )
            let result = try #require(done.output?["result"])
            let messages = try await queues.receive(queueArn: queue.arn, maxMessages: 10, waitSeconds: 0)
            #expect(messages.count == 1)
            #expect(messages.first?.body == #"{"asset":"clip-3"}"#)
            #expect(result["MessageId"]?.stringValue == messages.first?.messageId)
            #expect(result["MD5OfMessageBody"]?.stringValue == messages.first?.md5OfBody)
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test("sqs:sendMessage to a queue that does not exist fails the task with SQS.QueueDoesNotExistException")
    func sendMessageToUnknownQueueFails() async throws {
        let directory = TemporaryDirectory()
        try await withIntegrations(directory.path) { engine, _, _ in
            let done = try await runIntegration(
                engine,
                "arn:aws:states:::sqs:sendMessage",
                #"{"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/missing", "MessageBody": "x"}"#
            )
            #expect(done.output?["error"]?["Error"] == "SQS.QueueDoesNotExistException")
            #expect(done.output?["error"]?["Cause"]?.stringValue?.contains("AWS.SimpleQueueService.NonExistentQueue") == true)
        }
    }

    @Test("sqs:sendMessage.waitForTaskToken: one message across a restart, and SendTaskFailure with its token takes the Catch")
    func sendMessageWaitsForTheTokenAcrossARestart() async throws {
        let directory = TemporaryDirectory()
        let executionArn = try await withIntegrations(directory.path) { engine, _, queues in
            _ = try await queues.createQueue(name: "jobs.fifo", attributes: ["FifoQueue": "true", "ContentBasedDeduplication": "true"])
            let machine = try await engine.createStateMachine(
                name: "enqueue",
                definition: integrationMachine(
                    "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    #"{"QueueUrl": "arn:aws:sqs:us-east-1:123456789012:jobs.fifo", "MessageGroupId": "media", "MessageBody": {"token.$": "$$.Task.Token"}}"#
                )
            )
            return try await engine.startExecution(stateMachineArn: machine.stateMachineArn).executionArn
        }
        try await withIntegrations(directory.path) { engine, _, queues in
            let queueArn = queues.arn(ofQueue: "jobs.fifo")
            let messages = try await queues.receive(queueArn: queueArn, maxMessages: 10, waitSeconds: 0)
            #expect(messages.count == 1)
            let body = try #require(messages.first?.body)
            let token = try #require(try JSONParser.parse(body)["token"]?.stringValue)
            try await engine.sendTaskFailure(token: token, error: "Media.Rejected", cause: "blurry")
            let done = try await engine.awaitCompletion(executionArn: executionArn)
            #expect(done.output?["error"] == ["Error": "Media.Rejected", "Cause": "blurry"])
            #expect(try engine.log.verify().isClean)
        }
    }
}
