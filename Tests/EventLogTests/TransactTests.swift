import EventLog
import LMDB
import TestSupport
import Testing

@Suite struct TransactTests {
    struct Refused: Error {}

    @Test func extraWritesCommitAtomicallyWithTheRecords() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        let state = try log.openDatabase(named: "test.state")
        let sequence = try await log.transact { append in
            let sequence = try append.append(record(1, stream: 4))
            try append.transaction.put(bigEndian(sequence.rawValue), forKey: Array("last".utf8), in: state)
            return sequence
        }
        #expect(sequence == SequenceNumber(1))
        #expect(try log.read { try $0.value(forKey: Array("last".utf8), in: state) } == bigEndian(1))
        #expect(try log.entries(ofStream: StreamID(4)).map(\.sequence) == [SequenceNumber(1)])
        await log.close()
    }

    @Test func aThrowingBodyDiscardsItsOwnRecordsButNotOtherAppends() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await log.append([record(1)]) }
            group.addTask {
                await #expect(throws: Refused.self) {
                    try await log.transact { append in
                        try append.append(record(666))
                        throw Refused()
                    }
                }
            }
            group.addTask { try await log.append([record(2)]) }
            try await group.waitForAll()
        }
        let payloads = try log.entries(from: .first).map(\.record)
        #expect(payloads.count == 2)
        #expect(!payloads.contains(record(666)))
        #expect(Set(payloads) == [record(1), record(2)])
        await log.close()
    }

    @Test func aBodyReadsTheIndexesAsOfItsOwnAppends() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, indexes: [KindIndex()], configuration: testConfiguration())
        let byKind = try #require(log.databases(ofIndex: "by-kind"))[0]
        let counted = try await log.transact { append in
            try append.append(record(1, kind: 3))
            try append.append(record(2, kind: 3))
            return try append.transaction.entryCount(in: byKind)
        }
        #expect(counted == 2)
        await log.close()
    }
}
