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
        // More records than one replay batch (4,096), so each rebuild commits several times.
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

/// One pass of the log feeds every rebuild (ReplayReader, RebuildBoard): these
/// checks use more records than one batch (4,096), indexes that want only some
/// kinds, and fewer threads than indexes, so lanes change threads between batches.
@Suite struct VerifyOnePassTests {
    private func makeLog(_ directory: borrowing TemporaryDirectory) async throws -> EventLog {
        let log = try EventLog(
            directory: directory.path,
            indexes: [KindIndex(), EvenKindCountIndex(), StreamCountIndex()],
            configuration: testConfiguration()
        )
        for batch in UInt64(0)..<3 {
            try await log.append((0..<10_000).map { record(batch * 10_000 + $0, stream: $0 % 5, kind: UInt16($0 % 4), size: 8) })
        }
        return log
    }

    @Test(arguments: [1, 2, 4])
    func verifyFindsARowMissingFromTheLastBatchOfAnIndexThatWantsSomeKinds(threads: Int) async throws {
        let directory = TemporaryDirectory()
        let log = try await makeLog(directory)
        let clean = try log.verify(threads: threads)
        #expect(clean.isClean)
        #expect(clean.recordsReplayed == 30_000)
        #expect(clean.entriesCompared == 24_000 + 30_000 + 2 + 5)
        #expect(Set(clean.rebuildCPUSeconds.keys) == ["streams", "by-kind", "even-kind-counts", "stream-counts"])

        // Record 29,998 is of kind (29,998 - 1) % 4 = 1 and stream (29,998 - 1) % 5 = 2.
        let byKind = try #require(log.databases(ofIndex: "by-kind"))[0]
        let missingKey = [0, 1] + bigEndian(29_998)
        try await log.transact { append in _ = try append.transaction.delete(key: missingKey, in: byKind) }
        let difference = try #require(try log.verify(threads: threads).firstDifference)
        #expect(difference.index == "by-kind")
        #expect(difference.kind == .missing)
        #expect(difference.key == missingKey)
        #expect(difference.rebuiltValue == bigEndian(2))
        await log.close()
    }

    /// Rebuild threads compare an index in a read transaction of their own once it is
    /// rebuilt; records committed meanwhile must not reach that comparison (they are
    /// not in the rebuild), so a thread that cannot read verify's snapshot leaves the
    /// index to the calling thread.
    @Test func verifyStaysCleanWhileRecordsAreCommittedDuringIt() async throws {
        let directory = TemporaryDirectory()
        let log = try await makeLog(directory)
        let appending = Task {
            var next: UInt64 = 30_000
            while !Task.isCancelled {
                try await log.append((0..<50).map { record(next + $0, stream: $0 % 5, kind: UInt16($0 % 4), size: 8) })
                next += 50
            }
        }
        for _ in 0..<3 {
            let report = try await Task.detached { try log.verify(threads: 2) }.value
            #expect(report.isClean, "\(report.firstDifference.map(String.init(describing:)) ?? "")")
            #expect(report.recordsReplayed == Int(report.lastSequence.rawValue))
        }
        appending.cancel()
        _ = try? await appending.value
        #expect(try log.verify().isClean)
        await log.close()
    }

    @Test(arguments: [1, 2])
    func verifyFindsAWrongCountInAnIndexThatSkipsTheKindsItDoesNotWant(threads: Int) async throws {
        let directory = TemporaryDirectory()
        let log = try await makeLog(directory)
        let counts = try #require(log.databases(ofIndex: "even-kind-counts"))[0]
        try await log.transact { append in try append.transaction.put(bigEndian(7_499), forKey: bigEndian(2), in: counts) }
        let difference = try #require(try log.verify(threads: threads).firstDifference)
        #expect(difference.index == "even-kind-counts")
        #expect(difference.kind == .valueDiffers)
        #expect(difference.key == bigEndian(2))
        #expect(difference.liveValue == bigEndian(7_499))
        #expect(difference.rebuiltValue == bigEndian(7_500))
        await log.close()
    }

    @Test func largeRecordsAreReplayedInBatchesOfBoundedBytesAndAMissingRowIsFound() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, indexes: [KindIndex(), StreamCountIndex()], configuration: testConfiguration())
        // 150 records of 96 KiB: about 14 MiB, so batches end on bytes (4 MiB), not on records.
        for batch in UInt64(0)..<3 {
            try await log.append((0..<50).map { record(batch * 50 + $0, stream: $0 % 3, kind: 2, size: 96 << 10) })
        }
        #expect(try log.verify(threads: 2).isClean)
        let byKind = try #require(log.databases(ofIndex: "by-kind"))[0]
        let missingKey = [0, 2] + bigEndian(149)
        try await log.transact { append in _ = try append.transaction.delete(key: missingKey, in: byKind) }
        let difference = try #require(try log.verify(threads: 2).firstDifference)
        #expect(difference.kind == .missing)
        #expect(difference.key == missingKey)
        await log.close()
    }

    @Test func anErrorOfOneRebuildStopsTheOthersAndVerifyRethrowsIt() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(
            directory: directory.path,
            indexes: [KindIndex(), RefusingIndex(), StreamCountIndex()],
            configuration: testConfiguration()
        )
        try await log.append((1...20_000).map { Record(kind: RecordKind(1), timestamp: Int64($0), stream: StreamID($0 % 3), payload: [0]) })
        // A record whose header is valid but whose payload RefusingIndex refuses.
        let logDatabase = try log.openDatabase(named: EventLog.logDatabaseName)
        let refused: [UInt8] = [1, 0, 0, 1, 0, 1, 0, 0] + bigEndian(0) + bigEndian(1) + [0, 0, 0, 1] + [0xFF]
        try await log.transact { append in try append.transaction.put(refused, forKey: bigEndian(15_000), in: logDatabase) }
        #expect(throws: RefusingIndex.Refused.self) { _ = try log.verify(threads: 2) }
        await log.close()
    }
}

/// Counts the records of each even kind and ignores the others, which it says
/// it does not want: verify hands it only the even kinds.
struct EvenKindCountIndex: LogIndex {
    let name = "even-kind-counts"
    let databaseNames = ["test.even-kind-counts"]

    func wants(_ kind: RecordKind) -> Bool { kind.rawValue % 2 == 0 }

    func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws {
        guard wants(entry.header.kind) else { return }
        let key = bigEndian(UInt64(entry.header.kind.rawValue))
        let count =
            try transaction.value(forKey: key, in: databases[0]).map { bytes in
                bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            } ?? 0
        try transaction.put(bigEndian(count + 1), forKey: key, in: databases[0])
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
