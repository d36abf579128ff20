import EventLog
import LMDB
import TestSupport
import Testing

@Suite struct VerifyTests {
    @Test func verifyFindsNoDifferenceOnAHealthyLog() async throws {
        let directory = TemporaryDirectory()
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
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        let report = try log.verify()
        #expect(report.isClean)
        #expect(report.recordsReplayed == 0)
        await log.close()
    }

    @Test func verifyNamesTheDatabaseAndKeyOfTheFirstDifferenceInATamperedIndex() async throws {
        let directory = TemporaryDirectory()
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
        let directory = TemporaryDirectory()
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
        let directory = TemporaryDirectory()
        var log = try EventLog(directory: directory.path, configuration: testConfiguration())
        try await log.append((1...30).map { record($0, kind: UInt16($0 % 2)) })
        await log.close()
        log = try EventLog(directory: directory.path, indexes: [KindIndex()], configuration: testConfiguration())
        let byKind = try #require(log.databases(ofIndex: "by-kind"))[0]
        #expect(try log.read { try $0.entryCount(in: byKind) } == 30)
        #expect(try log.verify().isClean)
        await log.close()
    }

    @Test func verifyRebuildsIndexesOnSeveralThreadsAcrossChunksAndFindsADifferenceInTheLastIndex() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, indexes: [KindIndex(), StreamCountIndex()], configuration: testConfiguration())
        // More records than one rebuild chunk (16,384), so each rebuild commits several times.
        for batch in UInt64(0)..<4 {
            try await log.append((0..<10_000).map { record(batch * 10_000 + $0, stream: $0 % 7, kind: UInt16($0 % 3), size: 8) })
        }
        var rebuilding: [Int] = []
        let clean = try log.verify { if $0.phase == .rebuilding { rebuilding.append($0.completed) } }
        #expect(clean.isClean)
        #expect(clean.recordsReplayed == 40_000)
        #expect(rebuilding.last == 40_000)
        #expect(rebuilding == rebuilding.sorted())

        let counts = try #require(log.databases(ofIndex: "stream-counts"))[0]
        try await log.transact { append in try append.transaction.put(bigEndian(1), forKey: bigEndian(6), in: counts) }
        let difference = try #require(try log.verify().firstDifference)
        #expect(difference.index == "stream-counts")
        #expect(difference.kind == .valueDiffers)
        #expect(difference.key == bigEndian(6))
        #expect(difference.rebuiltValue == bigEndian(5_712))
        await log.close()
    }

    @Test func aCorruptRecordStopsEveryRebuildAndVerifyThrowsAnErrorNamingIt() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, indexes: [KindIndex(), StreamCountIndex()], configuration: testConfiguration())
        try await log.append((1...30).map { record($0, stream: $0 % 3) })
        let logDatabase = try log.openDatabase(named: EventLog.logDatabaseName)
        try await log.transact { append in
            try append.transaction.put([1, 0, 0, 1, 0, 1, 9], forKey: bigEndian(17), in: logDatabase)
        }
        #expect {
            _ = try log.verify()
        } throws: { error in
            let error = error as? EventLogError
            return error?.code == .corruptRecord && error?.sequence == SequenceNumber(17)
        }
        await log.close()
    }
}

/// Counts the records of each stream: a value that depends on every earlier
/// record, so a rebuild that skipped or repeated one would differ.
struct StreamCountIndex: LogIndex {
    let name = "stream-counts"
    let databaseNames = ["test.stream-counts"]

    func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws {
        let key = bigEndian(entry.header.stream.rawValue)
        let count =
            try transaction.value(forKey: key, in: databases[0]).map { bytes in
                bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            } ?? 0
        try transaction.put(bigEndian(count + 1), forKey: key, in: databases[0])
    }
}
