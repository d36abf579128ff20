import EventLog
import LMDB
import Testing

@Suite struct VerifyTests {
    @Test func verifyFindsNoDifferenceOnAHealthyLog() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog(directory: directory.path, indexes: [KindIndex()], configuration: testConfiguration())
        for batch in UInt64(0)..<5 {
            try await log.append((0..<40).map { record(batch * 40 + $0, stream: $0 % 4, kind: UInt16($0 % 3)) })
        }
        var phases: Set<VerifyProgress.Phase> = []
        let report = try log.verify { phases.insert($0.phase) }
        #expect(report.isClean)
        #expect(report.recordsReplayed == 200)
        #expect(report.indexes == ["streams", "by-kind"])
        #expect(report.entriesCompared == 150 + 200)
        #expect(phases == [.rebuilding, .comparing])
        await log.close()
    }

    @Test func verifyOfAnEmptyLogIsClean() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        let report = try log.verify()
        #expect(report.isClean)
        #expect(report.recordsReplayed == 0)
        await log.close()
    }

    @Test func verifyNamesTheDatabaseAndKeyOfTheFirstDifferenceInATamperedIndex() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog(directory: directory.path, indexes: [KindIndex()], configuration: testConfiguration())
        try await log.append((1...20).map { record($0, stream: 2, kind: 5) })
        let byKind = try #require(log.databases(ofIndex: "by-kind"))[0]
        let tamperedKey = [0, 5] + bigEndian(7)
        try await log.transact { append in
            try append.transaction.put(bigEndian(99), forKey: tamperedKey, in: byKind)
            try append.transaction.delete(key: [0, 5] + bigEndian(12), in: byKind)
        }
        let report = try log.verify()
        let difference = try #require(report.firstDifference)
        #expect(difference.index == "by-kind")
        #expect(difference.database == "test.by-kind")
        #expect(difference.kind == .valueDiffers)
        #expect(difference.key == tamperedKey)
        #expect(difference.liveValue == bigEndian(99))
        #expect(difference.rebuiltValue == bigEndian(2))
        #expect(difference.description.contains("0x0005\(String(repeating: "0", count: 14))07"))
        await log.close()
    }

    @Test func verifyReportsAStreamIndexEntryTheLogDoesNotJustify() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        try await log.append((1...5).map { record($0, stream: 3) })
        let streams = try #require(log.databases(ofIndex: "streams"))[0]
        let forged = bigEndian(3) + bigEndian(4_000)
        try await log.transact { append in try append.transaction.put([], forKey: forged, in: streams) }
        let difference = try #require(try log.verify().firstDifference)
        #expect(difference.database == StreamIndex.databaseName)
        #expect(difference.kind == .unexpected)
        #expect(difference.key == forged)
        await log.close()
    }

    @Test func anIndexRegisteredOnAnExistingLogIsCaughtUpAtOpen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var log = try EventLog(directory: directory.path, configuration: testConfiguration())
        try await log.append((1...30).map { record($0, kind: UInt16($0 % 2)) })
        await log.close()
        log = try EventLog(directory: directory.path, indexes: [KindIndex()], configuration: testConfiguration())
        let byKind = try #require(log.databases(ofIndex: "by-kind"))[0]
        #expect(try log.read { try $0.entryCount(in: byKind) } == 30)
        #expect(try log.verify().isClean)
        await log.close()
    }
}
