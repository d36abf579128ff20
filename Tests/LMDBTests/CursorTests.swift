import LMDB
import TestSupport
import Testing

@Suite struct CursorTests {
    private func environmentWithKeys(_ keys: [UInt8], in directory: borrowing TemporaryDirectory) throws -> (Environment, Database) {
        let environment = try Environment(path: directory.path)
        let database = try environment.openDatabase(named: "keys")
        try environment.write { txn in
            for key in keys { try txn.put([key &* 2], forKey: [key], in: database) }
        }
        return (environment, database)
    }

    @Test func firstNextAndLastWalkKeysInOrder() throws {
        let directory = TemporaryDirectory()
        let (environment, database) = try environmentWithKeys([5, 1, 3], in: directory)
        let (walked, last) = try environment.read { txn in
            try txn.withCursor(on: database) { cursor in
                var walked: [[UInt8]] = []
                var more = try cursor.first()
                while more {
                    walked.append(try cursor.key() + cursor.value())
                    more = try cursor.next()
                }
                _ = try cursor.last()
                return (walked, try cursor.key())
            }
        }
        #expect(walked == [[1, 2], [3, 6], [5, 10]])
        #expect(last == [5])
    }

    @Test func seekLandsOnTheFirstKeyAtLeastTheOneGiven() throws {
        let directory = TemporaryDirectory()
        let (environment, database) = try environmentWithKeys([10, 20, 30], in: directory)
        let found = try environment.read { txn in
            try txn.withCursor(on: database) { cursor in
                [try cursor.seek(atLeast: [15]) ? try cursor.key() : [], try cursor.seek(atLeast: [31]) ? [1] : []]
            }
        }
        #expect(found == [[20], []])
    }

    @Test func movesOnAnEmptyDatabaseReportNoEntryInsteadOfThrowing() throws {
        let directory = TemporaryDirectory()
        let (environment, database) = try environmentWithKeys([], in: directory)
        let moved = try environment.read { txn in
            try txn.withCursor(on: database) { cursor in [try cursor.first(), try cursor.last(), try cursor.next()] }
        }
        #expect(moved == [false, false, false])
    }
}
