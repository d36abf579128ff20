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
import Topics
import Workflows

@Suite struct TopicIntegrationTests {
    @Test func snsPublishTaskAndARuleTargetingATopicReachTheTopicsQueuesOnce() async throws {
        let directory = TemporaryDirectory()
        try await withStepline(directory.path, clock: SystemClock()) { stepline in
            let (engine, buses, queues, topics) = (stepline.engine, stepline.buses, stepline.queues, stepline.topics)
            let topic = try await topics.createTopic(name: "published", attributes: [:])
            let queue = try await queues.createQueue(name: "published-copy", attributes: [:])
            _ = try await topics.subscribe(topicArn: topic, protocol: "sqs", endpoint: queue.arn, attributes: [("RawMessageDelivery", "true")])

            let done = try await runIntegration(
                engine, "arn:aws:states:::sns:publish", #"{"TopicArn": "\#(topic)", "Message": {"asset.$": "$.asset"}, "Subject": "ready"}"#,
                input: #"{"asset": "a1"}"#)
            #expect(done.status == .succeeded)
            #expect(done.output?["result"]?["MessageId"]?.stringValue != nil)
            let machine = try await engine.createStateMachine(
                name: "missing-topic",
                definition: integrationMachine("arn:aws:states:::sns:publish", #"{"TopicArn": "arn:aws:sns:us-east-1:123456789012:nope", "Message": "x"}"#))
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, input: "{}")
            let missing = try await engine.awaitCompletion(executionArn: started.executionArn)
            #expect(missing.output?["error"]?["Error"] == "SNS.NotFoundException")

            _ = try await buses.putRule(RuleDefinition(name: "to-topic", eventBusName: "default", eventPattern: #"{"source": ["media"]}"#))
            let failed = try await buses.putTargets(bus: "default", rule: "to-topic", targets: [["Id": "topic", "Arn": .string(topic)]])
            #expect(failed.isEmpty)
            let put = try await buses.putEvents([EventEntry(source: "media", detailType: "Asset", detail: #"{"asset": "a2"}"#)])
            #expect(put.first?.eventId != nil)

            let received = try await queues.receive(queueArn: queue.arn, maxMessages: 10, visibilityTimeout: nil, waitSeconds: 0)
            #expect(received.count == 2)
            #expect(received.first?.body == #"{"asset":"a1"}"#)
            let event = try JSONParser.parse(try #require(received.last).body)
            #expect(event["detail"]?["asset"] == "a2")
        }
    }
}
