import Dispatch
import LMDB
import Synchronization
import TestSupport
import Testing
@testable import EventLog

/// An index that refuses records whose payload starts with 0xFF, as an index
/// refuses a record it cannot decode.
struct RefusingIndex: LogIndex {
    struct Refused: Error {}
    let name = "refusing"
    let databaseNames = ["test.refusing"]

    func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws {
        if entry.payload.first == 0xFF { throw Refused() }
        try transaction.put(entry.payload, forKey: bigEndian(entry.sequence.rawValue), in: databases[0])
    }
}

/// A record `RefusingIndex` refuses.
func unindexable(_ tag: UInt64) -> Record {
    Record(kind: RecordKind(1), timestamp: Int64(tag), payload: [0xFF] + payload(tag))
}

@Suite struct GroupCommitIsolationTests {
    @Test("a record an index refuses fails alone; the appends committed in the same group still commit")
    func aRefusedRecordDoesNotFailItsGroup() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, indexes: [RefusingIndex()], configuration: testConfiguration())
        // Hold the writer in a transaction body until the three appends are
        // queued behind it, so they are taken as one group.
        let gate = DispatchSemaphore(value: 0)
        let entered = Flag()
        let held = Task {
            try await log.transact { _ in
                entered.value.store(true, ordering: .releasing)
                gate.wait()
            }
        }
        #expect(try await eventually { entered.value.load(ordering: .acquiring) })
        async let first: Range<SequenceNumber> = log.append([record(1), record(2)])
        async let refused: Result<Range<SequenceNumber>, any Error> = {
            do { return .success(try await log.append([unindexable(3)])) } catch { return .failure(error) }
        }()
        async let second: Range<SequenceNumber> = log.append([record(4)])
        #expect(try await eventually { log.writer.queuedSubmissions == 3 })
        gate.signal()
        try await held.value

        let committed = try await [first, second]
        guard case .failure(let error) = await refused else {
            Issue.record("the refused record was committed")
            return
        }
        #expect(error is RefusingIndex.Refused)
        #expect(committed.map(\.count) == [2, 1] || committed.map(\.count) == [2, 1].reversed())
        let records = try log.entries(from: .first).map(\.record)
        #expect(Set(records) == [record(1), record(2), record(4)])
        #expect(try log.verify().isClean)
        await log.close()
    }

    @Test("a group whose records all fail commits nothing and answers each append with its own error")
    func aGroupOfRefusedRecordsCommitsNothing() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, indexes: [RefusingIndex()], configuration: testConfiguration())
        await #expect(throws: RefusingIndex.Refused.self) { try await log.append([unindexable(1)]) }
        #expect(try log.entries(from: .first).isEmpty)
        #expect(try await log.append([record(2)]) == SequenceNumber(1)..<SequenceNumber(2))
        #expect(try log.verify().isClean)
        await log.close()
    }
}

/// A flag shared with the writer thread.
final class Flag: Sendable {
    let value = Atomic<Bool>(false)
}
