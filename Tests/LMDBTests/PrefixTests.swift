import LMDB
import TestSupport
import Testing

@Suite struct PrefixTests {
    private static let keys: [[UInt8]] = [[1], [2, 0], [2, 1], [2, 1, 9], [2, 2], [3]]

    private func environment(in directory: borrowing TemporaryDirectory) throws -> (Environment, Database) {
        let environment = try Environment(path: directory.path)
        let database = try environment.openDatabase(named: "keys")
        try environment.write { txn in
            for key in Self.keys { try txn.put(key + [7], forKey: key, in: database) }
        }
        return (environment, database)
    }

    @Test("keys and values with a prefix are exactly the prefix's range, in key order; an empty prefix is every entry")
    func aPrefixSelectsItsRange() throws {
        let directory = TemporaryDirectory()
        let (environment, database) = try environment(in: directory)
        func keys(_ prefix: [UInt8]) throws -> [[UInt8]] { try environment.read { try $0.keys(withPrefix: prefix, in: database) } }
        #expect(try keys([2]) == [[2, 0], [2, 1], [2, 1, 9], [2, 2]])
        #expect(try keys([2, 1]) == [[2, 1], [2, 1, 9]])
        #expect(try environment.read { try $0.values(withPrefix: [2, 1], in: database) } == [[2, 1, 7], [2, 1, 9, 7]])
        #expect(try keys([4]).isEmpty)
        #expect(try keys([]) == Self.keys)
    }

    @Test("a visit stops where the body says so, and counts what it accepted")
    func aVisitStopsWhenTheBodySays() throws {
        let directory = TemporaryDirectory()
        let (environment, database) = try environment(in: directory)
        let accepted = try environment.read { txn in
            try txn.forEach(withPrefix: [2], in: database) { key, _ in key.copiedBytes() != [2, 1, 9] }
        }
        #expect(accepted == 2)
    }

    @Test("deleting a prefix removes its range and nothing beside it")
    func deletingAPrefixRemovesItsRange() throws {
        let directory = TemporaryDirectory()
        let (environment, database) = try environment(in: directory)
        let deleted = try environment.write { txn in try txn.deleteAll(withPrefix: [2, 1], in: database) }
        #expect(deleted == 2)
        #expect(try environment.read { try $0.keys(withPrefix: [], in: database) } == [[1], [2, 0], [2, 2], [3]])
    }
}
