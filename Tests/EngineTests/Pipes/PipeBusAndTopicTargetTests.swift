import EventBuses
import EventLog
import Foundation
import JSON
import Messaging
import Queues
import Runtime
import Stepline
import SteplineTesting
import TestSupport
import Testing
import Topics
import Workflows

@Suite struct PipeBusAndTopicTargetTests {
    @Test func aBusTargetPutsEachRecordAsAnEventThatReachesTheRulesQueueOnce() async throws {
        let directory = TemporaryDirectory()
        try await withStepline(directory.path, clock: SystemClock(), running: false) { stepline in
            let (engine, queues) = (stepline.engine, stepline.queues)
            let buses = stepline.buses
            let source = try await queues.createQueue(name: "uploads", attributes: [:])
            let copy = try await queues.createQueue(name: "copy", attributes: [:])
            _ = try await buses.putRule(RuleDefinition(name: "from-pipe", eventPattern: #"{"source": ["stepline.pipes"], "detail-type": ["uploads"]}"#))
            _ = try await buses.putTargets(bus: nil, rule: "from-pipe", targets: [["Id": "copy", "Arn": .string(copy.arn)]])
            _ = try await queues.send(queueArn: source.arn, messages: [OutgoingMessage(body: #"{"key": "a.mp4"}"#)])
            let pipe = PipeDefinition(
                name: "uploads", source: .queue("uploads"), target: .bus("default", source: nil, detailType: nil),
                inputTemplate: try PipeInputTemplate(#"{"key": "<$.body.key>"}"#))
            let service = PipeService(pipes: [pipe], context: engine.context, executions: engine, queues: queues, buses: buses)
            #expect(try await service.poll(pipe).delivered == 1)
            #expect(try queues.attributes(queueArn: source.arn)["ApproximateNumberOfMessagesNotVisible"] == "0")
            let events = try await queues.receive(queueArn: copy.arn, maxMessages: 10, waitSeconds: 0)
            #expect(events.count == 1)
            let event = try JSONParser.parse(try #require(events.first).body)
            #expect(event["detail"] == ["key": "a.mp4"])
            #expect(event["source"] == "stepline.pipes")
        }
    }

    @Test func aTopicTargetPublishesEachRecordToTheTopicsQueueSubscribers() async throws {
        let directory = TemporaryDirectory()
        try await withStepline(directory.path, clock: SystemClock(), running: false) { stepline in
            let (engine, queues) = (stepline.engine, stepline.queues)
            let topics = stepline.topics
            let topic = try await topics.createTopic(name: "ready", attributes: [:])
            let source = try await queues.createQueue(name: "uploads", attributes: [:])
            let copy = try await queues.createQueue(name: "copy", attributes: [:])
            _ = try await topics.subscribe(topicArn: topic, protocol: "sqs", endpoint: copy.arn, attributes: [("RawMessageDelivery", "true")])
            _ = try await queues.send(
                queueArn: source.arn, messages: [OutgoingMessage(body: #"{"key": "a.mp4"}"#), OutgoingMessage(body: #"{"key": "b.mp4"}"#)])
            let pipe = PipeDefinition(
                name: "uploads", source: .queue("uploads"), target: .topic("ready"),
                inputTemplate: try PipeInputTemplate(#"{"key": "<$.body.key>"}"#), batchSize: 10)
            let service = PipeService(pipes: [pipe], context: engine.context, executions: engine, queues: queues, topics: topics)
            #expect(try await service.poll(pipe).delivered == 2)
            let published = try await queues.receive(queueArn: copy.arn, maxMessages: 10, waitSeconds: 0)
            #expect(Set(published.compactMap { try? JSONParser.parse($0.body)["key"]?.stringValue }) == ["a.mp4", "b.mp4"])
        }
    }

    @Test func aTopicTargetThatDoesNotExistDeadLettersTheBatchWithTheReason() async throws {
        let directory = TemporaryDirectory()
        try await withStepline(directory.path, clock: SystemClock(), running: false) { stepline in
            let (engine, queues) = (stepline.engine, stepline.queues)
            let topics = stepline.topics
            let source = try await queues.createQueue(name: "uploads", attributes: [:])
            let failed = try await queues.createQueue(name: "failed", attributes: [:])
            _ = try await queues.send(queueArn: source.arn, messages: [OutgoingMessage(body: "x")])
            let pipe = PipeDefinition(
                name: "uploads", source: .queue("uploads"), target: .topic("nope"), maximumAttempts: 1, backoff: .zero,
                deadLetterQueue: "failed")
            let service = PipeService(pipes: [pipe], context: engine.context, executions: engine, queues: queues, topics: topics)
            #expect(try await service.poll(pipe).deadLettered == 1)
            let letter = try #require(try await queues.receive(queueArn: failed.arn, maxMessages: 1, waitSeconds: 0).first)
            #expect(try JSONParser.parse(letter.body)["error"]?.stringValue?.contains("Publish to nope") == true)
        }
    }
}
