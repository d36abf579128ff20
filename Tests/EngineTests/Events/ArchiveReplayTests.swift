import EventBuses
import EventLog
import Foundation
import JSON
import Runtime
import TestSupport
import Testing
import Workflows

@Suite struct ArchiveReplayTests {
    @Test func aReplayResendsTheArchivedEventsOfItsWindowToTheRulesAsTheyAreNow() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        try await withBuses(directory.path, clock: clock) { (engine: Engine, buses: EventBuses) async throws in
            let bus = try buses.describeEventBus(name: "default")["Arn"]?.stringValue ?? ""
            let archive = try await buses.createArchive(
                ArchiveDefinition(name: "uploads", eventSourceArn: bus, eventPattern: #"{"source": ["partner.uploads"]}"#, retentionDays: 7))
            let archiveArn = try #require(archive["ArchiveArn"]?.stringValue)
            let windowStart = clock.now()
            _ = try await buses.putEvents([upload("a.mp4"), upload("b.jpg", kind: "image")])
            _ = try await buses.putEvents([EventEntry(source: "other", detailType: "x", detail: "{}")])
            clock.advance(milliseconds: 60_000)
            let windowEnd = clock.now()
            _ = try await buses.putEvents([upload("c.mp4")])
            #expect(try buses.describeArchive(name: "uploads")["EventCount"] == 3)
            // The rule comes after the events: a replay delivers to the rules as they are now.
            _ = try await buses.putRule(RuleDefinition(name: "videos", eventPattern: uploadPattern))
            let machine = try await recordingTarget(engine, buses, rule: "videos")
            let started = try await buses.startReplay(
                ReplayDefinition(name: "again", eventSourceArn: archiveArn, eventStartTime: windowStart, eventEndTime: windowEnd, destinationArn: bus))
            #expect(started["State"] == "STARTING")
            #expect(try await buses.advanceReplays() == 2)
            #expect(try buses.describeReplay(name: "again")["State"] == "COMPLETED")
            let inputs = try await deliveredInputs(engine, buses, machine)
            #expect(inputs.map { $0["detail"]?["key"] } == ["a.mp4"])
            #expect(inputs.first?["replay-name"] == "again")
            // Replayed events are not archived again.
            #expect(try buses.describeArchive(name: "uploads")["EventCount"] == 3)
            let again = await #expect(throws: EngineError.self) { try await buses.cancelReplay(name: "again") }
            #expect(again?.code == .illegalStatus)
            #expect(try buses.listReplays(namePrefix: "ag", state: "COMPLETED", eventSourceArn: nil).count == 1)
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test func aReplayResumesAfterARestartAndCanBeCancelledMidway() async throws {
        let directory = TemporaryDirectory()
        let clock = ManualClock()
        let start = clock.now()
        let archiveArn = try await withBuses(directory.path, clock: clock) { (_: Engine, buses: EventBuses) async throws in
            let bus = try buses.describeEventBus(name: "default")["Arn"]?.stringValue ?? ""
            let archive = try await buses.createArchive(ArchiveDefinition(name: "all", eventSourceArn: bus))
            for batch in 0..<25 {
                _ = try await buses.putEvents((0..<10).map { upload("\(batch)-\($0).mp4") })
            }
            clock.advance(milliseconds: 1_000)
            let arn = try #require(archive["ArchiveArn"]?.stringValue)
            for name in ["resumed", "cancelled"] {
                _ = try await buses.startReplay(
                    ReplayDefinition(name: name, eventSourceArn: arn, eventStartTime: start, eventEndTime: clock.now(), destinationArn: bus))
            }
            #expect(try await buses.advanceReplays() == 200)
            _ = try await buses.cancelReplay(name: "cancelled")
            return arn
        }
        try await withBuses(directory.path, clock: clock) { (engine: Engine, buses: EventBuses) async throws in
            #expect(try await buses.advanceReplays() == 100)
            #expect(try await buses.advanceReplays() == 50)
            #expect(try await buses.advanceReplays() == 0)
            let resumed = try buses.describeReplay(name: "resumed")
            #expect(resumed["State"] == "COMPLETED")
            #expect(resumed["EventSourceArn"]?.stringValue == archiveArn)
            #expect(resumed["SteplinePosition"] == nil)
            #expect(try buses.describeReplay(name: "cancelled")["State"] == "CANCELLED")
            #expect(try engine.log.verify().isClean)
        }
    }

    @Test func archiveAndReplayErrorsNameWhatIsWrong() async throws {
        let directory = TemporaryDirectory()
        try await withBuses(directory.path) { (_: Engine, buses: EventBuses) async throws in
            let bus = try buses.describeEventBus(name: "default")["Arn"]?.stringValue ?? ""
            let archive = try await buses.createArchive(ArchiveDefinition(name: "kept", eventSourceArn: bus))
            let duplicate = await #expect(throws: EngineError.self) { try await buses.createArchive(ArchiveDefinition(name: "kept", eventSourceArn: bus)) }
            #expect(duplicate?.code == .resourceAlreadyExists)
            let pattern = await #expect(throws: EngineError.self) {
                try await buses.createArchive(ArchiveDefinition(name: "bad", eventSourceArn: bus, eventPattern: "{"))
            }
            #expect(pattern?.code == .invalidEventPattern)
            let missing = #expect(throws: EngineError.self) { try buses.describeArchive(name: "none") }
            #expect(missing?.code == .resourceNotFound)
            _ = try await buses.createEventBus(name: "other", description: nil)
            let arn = try #require(archive["ArchiveArn"]?.stringValue)
            let crossBus = await #expect(throws: EngineError.self) {
                try await buses.startReplay(
                    ReplayDefinition(name: "r", eventSourceArn: arn, eventStartTime: 0, eventEndTime: 1, destinationArn: bus.replacingOccurrences(of: "/default", with: "/other")))
            }
            #expect(crossBus?.message.contains("Cross event bus replay is not permitted") == true)
            let window = await #expect(throws: EngineError.self) {
                try await buses.startReplay(ReplayDefinition(name: "r", eventSourceArn: arn, eventStartTime: 5, eventEndTime: 5, destinationArn: bus))
            }
            #expect(window?.code == .validation)
            let updated = try await buses.updateArchive(ArchiveDefinition(name: "kept", description: "d", retentionDays: 3))
            #expect(updated["RetentionDays"] == 3)
            try await buses.deleteArchive(name: "kept")
            #expect(try buses.listArchives(namePrefix: nil, eventSourceArn: nil, state: nil).isEmpty)
        }
    }
}
