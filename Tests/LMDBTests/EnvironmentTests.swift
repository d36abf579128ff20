import Foundation
import LMDB
import TestSupport
import Testing

@Suite struct EnvironmentTests {
    @Test func valuesWrittenInACommittedTransactionAreReadBack() throws {
        let directory = TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.openDatabase(named: "things")
        try environment.write { txn in
            try txn.put(Array("one".utf8), forKey: Array("a".utf8), in: database)
            try txn.put(Array("two".utf8), forKey: Array("b".utf8), in: database)
        }
        let values = try environment.read { txn in
            [try txn.value(forKey: Array("a".utf8), in: database), try txn.value(forKey: Array("b".utf8), in: database)]
        }
        #expect(values == [Array("one".utf8), Array("two".utf8)])
    }

    @Test func aMissingKeyReadsAsNilNotAsAnError() throws {
        let directory = TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.openDatabase(named: "things")
        let value = try environment.read { txn in try txn.value(forKey: [1, 2, 3], in: database) }
        #expect(value == nil)
    }

    @Test func aThrowingWriteBodyLeavesNothingBehind() throws {
        struct Abandon: Error {}
        let directory = TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.openDatabase(named: "things")
        #expect(throws: Abandon.self) {
            try environment.write { txn in
                try txn.put([1], forKey: [1], in: database)
                throw Abandon()
            }
        }
        #expect(try environment.read { try $0.entryCount(in: database) } == 0)
    }

    @Test func anOutOfOrderAppendFailsWithKeyExistsCarryingTheCFunction() throws {
        let directory = TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.openDatabase(named: "log")
        do {
            try environment.write { txn in
                try txn.put([1], forKey: [0, 2], in: database, options: .append)
                try txn.put([2], forKey: [0, 1], in: database, options: .append)
            }
            Issue.record("an out-of-order append succeeded")
        } catch let error as LMDBError {
            #expect(error.code == .keyExists)
            #expect(error.function == "mdb_put")
            #expect(error.message.contains("MDB_KEYEXIST"))
        }
    }

    @Test func writesPastTheInitialMapSizeGrowTheMap() throws {
        let directory = TemporaryDirectory()
        let initial = 256 * 1024
        let environment = try Environment(path: directory.path, configuration: .init(mapSize: initial, flags: [.noSync]))
        let database = try environment.openDatabase(named: "log")
        let value = [UInt8](repeating: 7, count: 4096)
        for batch in 0..<8 {
            try environment.write { txn in
                for index in 0..<64 {
                    let key = UInt32(batch * 64 + index)
                    try txn.put(value, forKey: withUnsafeBytes(of: key.bigEndian) { Array($0) }, in: database, options: .append)
                }
            }
        }
        #expect(environment.mapSize > initial)
        #expect(try environment.read { try $0.entryCount(in: database) } == 512)
    }

    @Test func growthStopsAtTheConfiguredMaximumWithMapFull() throws {
        let directory = TemporaryDirectory()
        let environment = try Environment(
            path: directory.path,
            configuration: .init(mapSize: 128 * 1024, maximumMapSize: 256 * 1024, flags: [.noSync])
        )
        let database = try environment.openDatabase(named: "log")
        var failedWithMapFull = false
        do {
            try environment.write { txn in
                for index in 0..<200 { try txn.put([UInt8](repeating: 1, count: 4096), forKey: [UInt8(index)], in: database) }
            }
        } catch LMDBError.Code.mapFull {
            failedWithMapFull = true
        }
        #expect(failedWithMapFull)
        #expect(environment.mapSize == 256 * 1024)
    }

    @Test func aReaderKeepsItsSnapshotWhileAWriterCommits() throws {
        let directory = TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.openDatabase(named: "things")
        try environment.write { txn in try txn.put([1], forKey: [1], in: database) }
        try environment.read { (snapshot: ReadTransaction) throws -> Void in
            let committed = DispatchSemaphore(value: 0)
            let writer = Thread {
                try? environment.write { txn in try txn.put([2], forKey: [1], in: database) }
                committed.signal()
            }
            writer.start()
            committed.wait()
            #expect(try snapshot.value(forKey: [1], in: database) == [1])
        }
        #expect(try environment.read { try $0.value(forKey: [1], in: database) } == [2])
    }

    @Test func runningOutOfReaderSlotsIsReadersFull() throws {
        let directory = TemporaryDirectory()
        let environment = try Environment(path: directory.path, configuration: .init(maxReaders: 1))
        var failure: LMDBError?
        try environment.read { _ in
            do {
                // MDB_NOTLS lets one thread hold two readers; the second needs a second slot.
                try environment.read { _ in }
            } catch let error as LMDBError {
                failure = error
            }
        }
        #expect(failure?.code == .readersFull)
        #expect(failure?.function == "mdb_txn_begin")
        #expect(failure?.message.contains("MDB_READERS_FULL") == true)
    }

    @Test func aNestedTransactionThatThrowsIsDiscardedAndItsParentCommits() throws {
        struct Abandon: Error {}
        let directory = TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.openDatabase(named: "things")
        try environment.write { txn in
            try txn.put([1], forKey: [1], in: database)
            _ = try? txn.nested { child in
                try child.put([2], forKey: [2], in: database)
                throw Abandon()
            }
            try txn.nested { child in try child.put([3], forKey: [3], in: database) }
        }
        let keys = try environment.read { txn in
            try txn.withCursor(on: database) { cursor in
                var keys: [[UInt8]] = []
                var more = try cursor.first()
                while more {
                    keys.append(try cursor.key())
                    more = try cursor.next()
                }
                return keys
            }
        }
        #expect(keys == [[1], [3]])
    }

    @Test func aTransactionUsedAfterItsClosureFailsWithBadTransaction() throws {
        let directory = TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.openDatabase(named: "things")
        let escaped = try environment.read { $0 }
        #expect {
            _ = try escaped.value(forKey: [1], in: database)
        } throws: { ($0 as? LMDBError)?.code == .badTransaction }
    }

    @Test func openingADirectoryThatDoesNotExistNamesTheCFunction() throws {
        do {
            _ = try Environment(path: "/nonexistent/stepline-\(UUID().uuidString)")
            Issue.record("opening a missing directory succeeded")
        } catch {
            #expect(error.function == "mdb_env_open")
            #expect(error.code == LMDBError.Code(rawValue: ENOENT))
        }
    }
}
