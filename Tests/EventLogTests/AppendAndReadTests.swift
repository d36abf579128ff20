import EventLog
import LMDB
import TestSupport
import Testing

@Suite struct AppendAndReadTests {
    @Test func appendsGetConsecutiveSequenceNumbersAndReadBackIntact() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        let first = try await log.append([record(1), record(2)])
        let second = try await log.append([record(3)])
        #expect(first == SequenceNumber(1)..<SequenceNumber(3))
        #expect(second == SequenceNumber(3)..<SequenceNumber(4))
        let entries = try log.entries(from: .first)
        #expect(entries.map(\.sequence.rawValue) == [1, 2, 3])
        #expect(entries.map(\.record) == [record(1), record(2), record(3)])
        #expect(log.lastSequence == SequenceNumber(3))
        await log.close()
    }

    @Test func recordsSurviveClosingAndReopeningTheLog() async throws {
        let directory = TemporaryDirectory()
        var log = try EventLog(directory: directory.path, configuration: testConfiguration())
        try await log.append((1...10).map { record($0, stream: $0 % 3) })
        await log.close()
        log = try EventLog(directory: directory.path, configuration: testConfiguration())
        try await log.append([record(11)])
        #expect(try log.entries(from: .first).map(\.record) == (1...11).map { record($0, stream: $0 == 11 ? 0 : $0 % 3) })
        await log.close()
    }

    @Test func concurrentAppendsAreAllCommittedWithoutGapsOrDuplicates() async throws {
        let directory = TemporaryDirectory()
        var configuration = testConfiguration()
        configuration.queueCapacity = 16
        let log = try EventLog(directory: directory.path, configuration: configuration)
        let ranges = try await withThrowingTaskGroup(of: (UInt64, Range<SequenceNumber>).self) { group in
            for tag in UInt64(1)...200 {
                group.addTask { (tag, try await log.append([record(tag), record(tag + 1_000)])) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        let entries = try log.entries(from: .first)
        #expect(entries.map(\.sequence.rawValue) == Array(1...400))
        for (tag, range) in ranges {
            #expect(range.count == 2)
            #expect(entries[Int(range.lowerBound.rawValue) - 1].record == record(tag))
            #expect(entries[Int(range.lowerBound.rawValue)].record == record(tag + 1_000))
        }
        await log.close()
    }

    @Test func aStreamReadReturnsOnlyThatStreamsRecordsInLogOrder() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        try await log.append((1...30).map { record($0, stream: $0 % 3) })
        let stream1 = try log.entries(ofStream: StreamID(1))
        #expect(stream1.map(\.sequence.rawValue) == Array(stride(from: 1, through: 28, by: 3)))
        #expect(try log.entries(ofStream: StreamID(1), from: SequenceNumber(10), limit: 2).map(\.sequence.rawValue) == [10, 13])
        #expect(try log.entries(ofStream: StreamID(99)).isEmpty)
        await log.close()
    }

    @Test func scanLendsHeadersAndPayloadsOfARange() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        try await log.append((1...50).map { record($0, stream: 7) })
        var seen: [UInt64] = []
        let visited = try log.scan(from: SequenceNumber(5), through: SequenceNumber(9)) { sequence, header, payloadBytes in
            #expect(header.stream == StreamID(7))
            #expect(payloadBytes.copiedBytes() == payload(sequence.rawValue))
            seen.append(sequence.rawValue)
        }
        #expect(visited == 5)
        #expect(seen == [5, 6, 7, 8, 9])
        await log.close()
    }

    @Test func appendingPastTheInitialMapSizeGrowsTheMap() async throws {
        let directory = TemporaryDirectory()
        var configuration = testConfiguration()
        configuration.mapSize = 256 * 1024
        let log = try EventLog(directory: directory.path, configuration: configuration)
        for batch in UInt64(0)..<16 {
            try await log.append((0..<32).map { record(batch * 32 + $0, stream: 1, size: 4_000) })
        }
        let entries = try log.entries(from: .first)
        #expect(entries.count == 512)
        #expect(entries.allSatisfy { $0.record == record($0.sequence.rawValue - 1, stream: 1, size: 4_000) })
        await log.close()
    }

    @Test func appendsAfterCloseFailWithClosed() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        await log.close()
        await #expect {
            try await log.append([record(1)])
        } throws: { ($0 as? EventLogError)?.code == .closed }
    }

    @Test func aReaderKeepsItsSnapshotWhileTheWriterCommits() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        try await log.append((1...5).map { record($0) })
        let logDatabase = try log.openDatabase(named: EventLog.logDatabaseName)
        // The snapshot is held, and the commit waited for, on a thread of its own: the
        // append's task needs the cooperative pool, which this wait must not occupy
        // (bounded: 30 s, as `eventually`).
        let (before, after, pending) = try await offPool {
            try log.read { snapshot in
                let before = try snapshot.entryCount(in: logDatabase)
                let pending = Task { try await log.append((6...10).map { record($0) }) }
                var tries = 0
                while log.lastSequence != SequenceNumber(10), tries < 30_000 {
                    usleepMilliseconds(1)
                    tries += 1
                }
                return (before, try snapshot.entryCount(in: logDatabase), pending)
            }
        }
        #expect(log.lastSequence == SequenceNumber(10))
        #expect(before == 5)
        #expect(after == 5)
        _ = try await pending.value
        #expect(try log.entries(from: .first).count == 10)
        await log.close()
    }
}
