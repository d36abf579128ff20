import EventBuses
import JSON
import Messaging
import Runtime
import Testing
import Workflows

@Suite struct PipeConfigurationTests {
    @Test func aPipesFileDeclaresSourceFilterEnrichmentTemplateAndTarget() throws {
        let document = try YAMLDocument.json(
            from: """
                pipes:
                  - name: uploads-to-ingest
                    source: {queue: uploads}
                    filter: {body: {kind: [video]}}
                    enrichment: {handler: lookup}
                    target: {stateMachine: ingest}
                    inputTemplate: '{"key": "<$.body.key>"}'
                    batchSize: 5
                    retry: {maximumAttempts: 4, backoffSeconds: 0.5}
                    deadLetterQueue: failed
                """)
        let pipe = try #require(try PipeConfiguration.parse(document).first)
        #expect(pipe.source == .queue("uploads"))
        #expect(pipe.target == .stateMachine("ingest"))
        #expect(pipe.enrichment == "lookup")
        #expect(pipe.filter?.matches(["body": ["kind": "video"]]) == true)
        #expect(pipe.batchSize == 5 && pipe.maximumAttempts == 4 && pipe.backoff == .milliseconds(500))
        #expect(pipe.deadLetterQueue == "failed")
        #expect(try pipe.inputTemplate?.apply(to: ["body": ["key": "a \"b\""]]) == ["key": "a \"b\""])
    }

    @Test func aBusSourceDefaultsToTheDefaultBusAndReadsItsInternalQueue() throws {
        let document = try YAMLDocument.json(
            from: """
                pipes:
                  - name: partner-uploads
                    source: {eventPattern: {source: [partner]}}
                    target: {queue: ingested}
                """)
        let pipe = try #require(try PipeConfiguration.parse(document).first)
        guard case .bus(let bus, let pattern) = pipe.source else { Issue.record("expected a bus source, got \(pipe.source)"); return }
        #expect(bus == "default")
        #expect(try EventPattern(parsing: pattern).matches(["source": "partner"]))
        #expect(pipe.sourceQueue == "pipe-partner-uploads-source")
    }

    @Test func busAndTopicTargetsAreDeclaredByName() throws {
        let document = try YAMLDocument.json(
            from: """
                pipes:
                  - {name: a, source: {queue: q}, target: {bus: partners, detailType: Ready}}
                  - {name: b, source: {queue: q}, target: {topic: ready}}
                """)
        let pipes = try PipeConfiguration.parse(document)
        #expect(pipes.map(\.target) == [.bus("partners", source: nil, detailType: "Ready"), .topic("ready")])
    }

    @Test(arguments: [
        ("pipes: [{source: {queue: q}, target: {queue: t}}]", "'name' is required"),
        ("pipes: [{name: p, source: {bus: b}, target: {queue: t}}]", "pipe p: 'source.eventPattern' is required"),
        ("pipes: [{name: p, source: {queue: q, bus: b, eventPattern: {source: [x]}}, target: {queue: t}}]", "pipe p: 'source' has both 'queue' and 'bus'"),
        ("pipes: [{name: p, source: {eventPattern: {source: 1}}, target: {queue: t}}]", "pipe p: 'source.eventPattern'"),
        ("pipes: [{name: p, source: {stream: s}, target: {queue: t}}]", "pipe p: 'source' must be {queue: NAME} or {bus: NAME"),
        ("pipes: [{name: p, source: {queue: q}, target: {stream: t}}]", "pipe p: 'target' must be"),
        ("pipes: [{name: p, source: {queue: q}, target: {queue: t}, batchSize: 11}]", "'batchSize' must be 1 to 10"),
        ("pipes: [{name: p, source: {queue: q}, target: {queue: t}, filter: {body: 1}}]", "pipe p: 'filter'"),
        ("pipes: [{name: p, source: {queue: q}, target: {queue: t}, inputTemplate: '<$.a'}]", "no closing '>'"),
    ])
    func aWrongPipeIsRefusedNamingThePipeAndField(yaml: String, message: String) throws {
        let error = #expect(throws: PipeConfigurationError.self) { try PipeConfiguration.parse(try YAMLDocument.json(from: yaml)) }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
    }

    @Test func aTemplatePlaceholderOutsideQuotesInsertsTheValueAsJSON() throws {
        let template = try PipeInputTemplate(#"{"record": <$.body>, "count": <$.n>, "missing": <$.none>}"#)
        #expect(try template.apply(to: ["body": ["a": 1], "n": 2]) == ["record": ["a": 1], "count": 2, "missing": .null])
    }
}
