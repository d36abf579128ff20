import EventLog
import Synchronization
import TestSupport
import Testing

@Suite struct CommitObserverTests {
    struct Refused: Error {}

    @Test("an observer sees the committed records of its kinds, in log order, before the appender is answered")
    func anObserverSeesCommittedRecordsOfItsKinds() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        let seen = Mutex<[(SequenceNumber, UInt16)]>([])
        log.observeCommits(of: [RecordKind(2), RecordKind(3)]) { records in
            seen.withLock { $0 += records.map { ($0.sequence, $0.header.kind.rawValue) } }
        }
        _ = try await log.append([record(1, kind: 1), record(2, kind: 2), record(3, kind: 3)])
        // Answered after the observer ran: no waiting needed.
        #expect(seen.withLock { $0.map(\.0) } == [SequenceNumber(2), SequenceNumber(3)])
        #expect(seen.withLock { $0.map(\.1) } == [2, 3])
        _ = try await log.transact { append in _ = try append.append(record(4, kind: 3)) }
        #expect(seen.withLock { $0.map(\.0) } == [SequenceNumber(2), SequenceNumber(3), SequenceNumber(4)])
        await log.close()
    }

    @Test("a transaction that throws is never observed, and the appends committed beside it are")
    func aRolledBackTransactionIsNeverObserved() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        let seen = Mutex<[UInt64]>([])
        log.observeCommits(of: [RecordKind(7)]) { records in
            seen.withLock { $0 += records.map { $0.header.timestamp / 1_000 }.map(UInt64.init) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for tag in 1...20 as ClosedRange<UInt64> {
                group.addTask {
                    if tag.isMultiple(of: 3) {
                        await #expect(throws: Refused.self) {
                            try await log.transact { append in
                                _ = try append.append(record(tag, kind: 7))
                                throw Refused()
                            }
                        }
                    } else {
                        _ = try await log.transact { append in _ = try append.append(record(tag, kind: 7)) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let committed = try log.entries(from: .first).map { UInt64($0.record.header.timestamp / 1_000) }
        #expect(seen.withLock { $0 } == committed)
        #expect(Set(committed) == Set((1...20).filter { !$0.isMultiple(of: 3) }))
        await log.close()
    }
}
