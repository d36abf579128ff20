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
import Workflows

@Suite struct PipeBusSourceTests {
    static let pipe = PipeDefinition(
        name: "uploads", source: .bus("default", eventPattern: #"{"source": ["partner"]}"#),
        filter: try! EventPattern(parsing: #"{"detail": {"kind": ["video"]}}"#),  // a literal pattern that parses
        target: .queue("ingested"), inputTemplate: try! PipeInputTemplate(#"{"key": "<$.detail.key>", "type": "<$.detail-type>"}"#))

    @Test func aMatchingEventReachesTheTargetAsTheEventNotAsAQueueRecord() async throws {
        let directory = TemporaryDirectory()
        try await withStepline(directory.path, clock: SystemClock(), running: false) { stepline in
            let (engine, queues) = (stepline.engine, stepline.queues)
            let buses = stepline.buses
            let target = try await queues.createQueue(name: "ingested", attributes: [:])
            let service = PipeService(pipes: [Self.pipe], context: engine.context, executions: engine, queues: queues, buses: buses)
            #expect(try await service.deploySources(source: "pipes.yaml") == 3)
            let results = try await buses.putEvents([
                EventEntry(source: "partner", detailType: "Upload", detail: #"{"kind": "video", "key": "a.mp4"}"#),
                EventEntry(source: "partner", detailType: "Upload", detail: #"{"kind": "image", "key": "b.png"}"#),
                EventEntry(source: "other", detailType: "Upload", detail: #"{"kind": "video", "key": "c.mp4"}"#),
            ])
            #expect(results.allSatisfy { $0.errorCode == nil })
            let first = try await service.poll(Self.pipe)
            let second = try await service.poll(Self.pipe)
            #expect(first.received + second.received == 2)
            #expect(first.delivered + second.delivered == 1 && first.filtered + second.filtered == 1)
            let delivered = try await queues.receive(queueArn: target.arn, maxMessages: 10, waitSeconds: 0)
            #expect(delivered.map { try? JSONParser.parse($0.body) } == [["key": "a.mp4", "type": "Upload"]])
        }
    }

    @Test func deployingAnUnchangedBusSourceAgainWritesNothing() async throws {
        let directory = TemporaryDirectory()
        try await withStepline(directory.path, clock: SystemClock(), running: false) { (stepline: Stepline) async throws in
            let (engine, queues) = (stepline.engine, stepline.queues)
            let buses = stepline.buses
            let service = PipeService(pipes: [Self.pipe], context: engine.context, executions: engine, queues: queues, buses: buses)
            #expect(try await service.deploySources(source: "pipes.yaml") == 3)
            #expect(try await service.deploySources(source: "pipes.yaml") == 0)
            #expect(try buses.describeRule(bus: "default", name: "pipe-uploads")["EventPattern"] != nil)
        }
    }

    @Test func aBusSourceOnAMissingBusIsRefusedNamingTheFileAndRule() async throws {
        let directory = TemporaryDirectory()
        try await withStepline(directory.path, clock: SystemClock(), running: false) { stepline in
            let (engine, queues) = (stepline.engine, stepline.queues)
            let buses = stepline.buses
            var pipe = Self.pipe
            pipe.source = .bus("nowhere", eventPattern: #"{"source": ["partner"]}"#)
            let service = PipeService(pipes: [pipe], context: engine.context, executions: engine, queues: queues, buses: buses)
            let error = await #expect(throws: EventResourcesError.self) { try await service.deploySources(source: "pipes.yaml") }
            #expect(error?.description.contains("pipes.yaml") == true && error?.description.contains("pipe-uploads") == true)
        }
    }
}
