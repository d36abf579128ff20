import EventBuses
import EventLog
import Foundation
import JSON
import Runtime
import TestSupport
import Testing
import Workflows

@Suite struct EventResourcesTests {
    static let yaml = """
        queues:
          - name: media-review
            attributes: { VisibilityTimeout: 45 }
          - name: media-review-dlq
        buses:
          - name: media-review
            description: renditions waiting for a person
        rules:
          - name: flagged-for-review
            bus: media-review
            eventPattern: { detail-type: [FLAGGED_FOR_REVIEW] }
            targets:
              - id: review-queue
                queue: media-review
                inputPath: $.detail
                retryPolicy: { maximumRetryAttempts: 3 }
                deadLetterQueue: media-review-dlq
          - name: ingest
            eventPattern: '{"source": ["partner.uploads"]}'
            targets:
              - id: start
                stateMachine: ingest-and-publish
                inputTransformer:
                  inputPathsMap: { key: $.detail.key }
                  inputTemplate: '{"source": <key>}'
        """

    func resources(_ text: String = yaml, source: String = "events.yaml") throws -> EventResources {
        try EventResources.parse(try YAMLDocument.json(from: text), source: source, region: "us-east-1", account: "123456789012")
    }

    @Test func namesBecomeTheArnsOfThisRegionAndAccountInAWSTargetShape() throws {
        let declared = try resources()
        #expect(declared.queues.map(\.name) == ["media-review", "media-review-dlq"])
        #expect(declared.queues.first?.attributes == ["VisibilityTimeout": "45"])
        let review = try #require(declared.rules.first)
        #expect(review.definition.bus == "media-review")
        #expect(try JSONParser.parse(review.definition.eventPattern ?? "") == ["detail-type": ["FLAGGED_FOR_REVIEW"]])
        #expect(
            review.targets == [
                [
                    "Id": "review-queue", "Arn": "arn:aws:sqs:us-east-1:123456789012:media-review", "InputPath": "$.detail",
                    "RetryPolicy": ["MaximumRetryAttempts": 3],
                    "DeadLetterConfig": ["Arn": "arn:aws:sqs:us-east-1:123456789012:media-review-dlq"],
                ]
            ]
        )
        let start = try #require(declared.rules.last?.targets.first)
        #expect(start["Arn"] == "arn:aws:states:us-east-1:123456789012:stateMachine:ingest-and-publish")
        #expect(start["InputTransformer"]?["InputPathsMap"] == ["key": "$.detail.key"])
        #expect(declared.rules.last?.definition.bus == "default")
    }

    @Test(arguments: [
        ("rules: [{name: r, targets: []}]", "events.yaml: /rules/0 needs exactly one of eventPattern and schedule"),
        ("rules: [{name: r, schedule: rate(1 minute), targets: [{id: t}]}]", "events.yaml: /rules/0/targets/0 needs exactly one of queue, stateMachine, bus, function and arn, got none"),
        ("rules: [{name: r, schedule: rate(1 minute), targets: [{id: t, queue: q, colour: red}]}]", "events.yaml: /rules/0/targets/0/colour is not a known field"),
        ("queues: [{attributes: {}}]", "events.yaml: /queues/0/name is required (a non-empty string)"),
        ("topics: []", "events.yaml: /topics is not a known section (queues, buses, rules)"),
        ("rules: [{name: r, eventPattern: {source: partner}}]", "events.yaml: /rules/0/eventPattern is not a valid event pattern"),
    ])
    func aBadDeclarationIsRefusedNamingTheFileAndTheField(text: String, message: String) throws {
        do {
            _ = try resources(text)
            Issue.record("accepted: \(text)")
        } catch let error as EventResourcesError {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test func applyingUnchangedDeclarationsWritesNothingAndAChangeUpdatesOnlyWhatDiffers() async throws {
        let directory = TemporaryDirectory()
        let declared = try resources()
        try await withBuses(directory.path) { (engine: Engine, buses: EventBuses) async throws in
            #expect(try await declared.apply(to: buses, queues: buses.queues, source: "events.yaml") == 7)
            let deployed = engine.log.lastSequence
            #expect(try await declared.apply(to: buses, queues: buses.queues, source: "events.yaml") == 0)
            #expect(engine.log.lastSequence == deployed)
            let targets = try buses.listTargets(bus: "media-review", rule: "flagged-for-review")
            #expect(targets.map { $0["Id"] } == ["review-queue"])
        }
        let edited = try resources(
            Self.yaml.replacingOccurrences(of: "FLAGGED_FOR_REVIEW", with: "REVIEW_REQUESTED")
                .replacingOccurrences(of: "id: start", with: "id: start-ingest")
        )
        try await withBuses(directory.path) { (engine: Engine, buses: EventBuses) async throws in
            #expect(try await edited.apply(to: buses, queues: buses.queues, source: "events.yaml") == 3)
            let rule = try buses.describeRule(bus: "media-review", name: "flagged-for-review")
            #expect(try JSONParser.parse(rule["EventPattern"]?.stringValue ?? "") == ["detail-type": ["REVIEW_REQUESTED"]])
            #expect(try buses.listTargets(bus: nil, rule: "ingest").map { $0["Id"] } == ["start-ingest"])
            #expect(try engine.log.verify().isClean)
        }
    }
}
