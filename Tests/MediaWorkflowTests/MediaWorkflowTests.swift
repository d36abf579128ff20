import Foundation
import JSON
import StatesLanguage
import Synchronization
import TestSupport
import Testing

/// The media workflows run by the States Language core (`EmbeddedRunner`, a virtual clock,
/// no log) with their Task states on the real `tools/media` commands and real ffmpeg.
/// The durable versions of these runs (a real review token, SIGKILL mid-Map) belong to the
/// engine's end-to-end tests.
@Suite(.serialized, .timeLimit(.minutes(5))) struct MediaWorkflowTests {
    @Test(arguments: ["ingest-and-publish", "partner-ingest", "reprocess-library"])
    func workflowIsValidWithoutWarnings(_ name: String) async throws {
        let text = try String(
            contentsOf: MediaHandlers.root.appendingPathComponent("workflows/\(name).asl.json"),
            encoding: .utf8
        )
        let result = StateMachineDefinition.parse(text)
        #expect(result.result == .ok)
        #expect(result.diagnostics.map(\.message) == [])
    }

    /// Runs ingest-and-publish on a 2-second clip of `size` in `directory`; the review is
    /// answered with `answer`. It runs ffmpeg for seconds, so on a thread of its own
    /// (``TestSupport/offPool(_:)``), never holding one of the cooperative pool's.
    func ingest(
        answer: EmbeddedRunner.TaskOutcome,
        in directory: borrowing TemporaryDirectory,
        size: String = "1280x720",
        source: String? = nil
    ) async throws
        -> (result: EmbeddedRunner.Result, review: JSONValue?)
    {
        let path = directory.path
        return try await offPool { try Self.ingestBlocking(answer: answer, in: path, size: size, source: source) }
    }

    static func ingestBlocking(answer: EmbeddedRunner.TaskOutcome, in directory: String, size: String, source: String?) throws
        -> (result: EmbeddedRunner.Result, review: JSONValue?)
    {
        let clip = directory + "/clip.mp4"
        if source == nil { try MediaHandlers.makeClip(at: clip, size: size) }
        let review = Mutex<JSONValue?>(nil)
        let runner = EmbeddedRunner(
            definition: try MediaHandlers.definition("ingest-and-publish"),
            taskHandler: MediaHandlers.handler { task in
                review.withLock { $0 = task.parameters }
                return answer
            }
        )
        let result = runner.run(input: [
            "asset_id": "clip-001", "source": .string(source ?? clip), "work_dir": .string(directory + "/work/clip-001"),
            "publish_dir": .string(directory + "/published"),
        ])
        return (result, review.withLock { $0 })
    }

    @Test func approvalPublishesTheRenditionsTheSourceAllows() async throws {
        let directory = TemporaryDirectory()
        let (result, review) = try await ingest(answer: .succeeded(["approved": true]), in: directory)
        #expect(result.status == .succeeded, "\(result.error ?? "") \(result.cause ?? "")")
        #expect(result.output?["status"] == "published")

        let published = directory.path + "/published/clip-001"
        let manifest = try JSONParser.parse(String(contentsOfFile: published + "/manifest.json", encoding: .utf8))
        #expect(manifest["renditions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["720p", "360p"])
        #expect(manifest["failed"] == [])
        for name in ["720p.mp4", "360p.mp4", "contact-sheet.jpg", "thumbnails/thumb-04.jpg"] {
            #expect(FileManager.default.fileExists(atPath: "\(published)/\(name)"), "\(name)")
        }

        // The review event carried the token and thumbnails that exist.
        let detail = review?["Entries"]?[0]?["Detail"]
        #expect(review?["Entries"]?[0]?["DetailType"] == "ASSET_FLAGGED_FOR_REVIEW")
        #expect(detail?["TaskToken"]?.stringValue?.isEmpty == false)
        let thumbnails = detail?["thumbnails"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(thumbnails.count == 4)
        #expect(thumbnails.allSatisfy { FileManager.default.fileExists(atPath: $0) })
    }

    @Test(
        "Rejection takes the cleanup path",
        arguments: [
            EmbeddedRunner.TaskOutcome.succeeded(["approved": false, "reason": "blurry"]),
            .failed(error: "Rejected", cause: "blurry"),
        ]
    )
    func rejectionCleansUp(_ answer: EmbeddedRunner.TaskOutcome) async throws {
        let directory = TemporaryDirectory()
        let (result, _) = try await ingest(answer: answer, in: directory, size: "640x360")
        #expect(result.status == .succeeded, "\(result.error ?? "") \(result.cause ?? "")")
        #expect(result.output?["status"] == "rejected")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/work/clip-001"))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/published/clip-001"))
    }

    @Test func aMissingSourceFailsTheExecutionWithFileNotFound() async throws {
        let directory = TemporaryDirectory()
        let (result, review) = try await ingest(
            answer: .succeeded([:]),
            in: directory,
            source: directory.path + "/no-such-clip.mp4"
        )
        #expect(result.status == .failed)
        #expect(result.error == "Media.FileNotFound")
        #expect(review == nil)
    }

    @Test func aSourceBelowTheLowestRenditionIsRejectedByTheChoice() async throws {
        let directory = TemporaryDirectory()
        let small = directory.path + "/small.mp4"
        try await offPool { try MediaHandlers.makeClip(at: small, size: "320x240", seconds: 1) }
        let (result, _) = try await ingest(answer: .succeeded([:]), in: directory, source: small)
        #expect(result.status == .failed)
        #expect(result.error == "Media.ResolutionTooLow")
    }

    @Test func partnerIngestStartsOneNamedIngestPerAsset() async throws {
        let directory = TemporaryDirectory()
        let clip = directory.path + "/clip.mp4"
        try await offPool { try MediaHandlers.makeClip(at: clip, size: "640x360", seconds: 1) }
        let started = Mutex<[JSONValue]>([])
        let runner = EmbeddedRunner(
            definition: try MediaHandlers.definition("partner-ingest"),
            taskHandler: MediaHandlers.handler { task in
                started.withLock { $0.append(task.parameters) }
                let name = task.parameters["Name"]?.stringValue ?? ""
                return .succeeded([
                    "ExecutionArn": .string("arn:aws:states:us-east-1:123456789012:execution:ingest-and-publish:\(name)"),
                    "StartDate": "2026-11-25T12:00:00Z",
                ])
            }
        )
        let event: JSONValue = [
            "source": "partner.acme", "detail-type": "ASSET_DELIVERED",
            "detail": [
                "delivery_id": "d-42", "media_root": .string(directory.path + "/media"),
                "assets": [["id": "clip-001", "uri": .string("file://" + clip)], ["id": "clip-002", "uri": .string(clip)]],
            ],
        ]
        let result = try await offPool { runner.run(input: event) }
        #expect(result.status == .succeeded, "\(result.error ?? "") \(result.cause ?? "")")
        let calls = started.withLock { $0 }
        #expect(calls.compactMap { $0["Name"]?.stringValue } == ["acme-d-42-clip-001", "acme-d-42-clip-002"])
        #expect(calls.allSatisfy { $0["StateMachineArn"] == "arn:aws:states:us-east-1:123456789012:stateMachine:ingest-and-publish" })
        #expect(calls.first?["Input"]?["work_dir"]?.stringValue == directory.path + "/media/work/acme-clip-001")
        #expect(result.output?["executions"]?.arrayValue?.count == 2)
    }

    @Test func reprocessFailsWhenMoreThanTheToleratedShareOfAssetsFail() async throws {
        let directory = TemporaryDirectory()
        let clip = directory.path + "/clip.mp4"
        try await offPool { try MediaHandlers.makeClip(at: clip, size: "640x360", seconds: 1) }
        let runner = EmbeddedRunner(
            definition: try MediaHandlers.definition("reprocess-library"),
            taskHandler: MediaHandlers.handler { _ in .failed(error: "States.TaskFailed", cause: "unexpected resource") }
        )
        let assets: [JSONValue] = (0..<3).map { index in
            [
                "asset_id": .string("a\(index)"), "source": .string(index == 0 ? directory.path + "/gone.mp4" : clip),
                "work_dir": .string(directory.path + "/work/a\(index)"), "publish_dir": .string(directory.path + "/published"),
            ]
        }
        // One of three (33%) is more than the 10% tolerated.
        let result = try await offPool { runner.run(input: ["assets": .array(assets)]) }
        #expect(result.status == .failed)
        #expect(result.error == "States.ExceedToleratedFailureThreshold")
    }
}
