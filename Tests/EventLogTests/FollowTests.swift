import EventLog
import TestSupport
import Testing

@Suite struct FollowTests {
    @Test func aFollowerSeesEveryRecordExactlyOnceInOrderWhileTheyAreAppended() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        try await log.append((1...10).map { record($0) })
        let total = 10 + 10 * 10 * 6
        async let followed: [LogEntry] = {
            var seen: [LogEntry] = []
            for try await entry in log.follow(from: .first) {
                seen.append(entry)
                if seen.count == total { break }
            }
            return seen
        }()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in UInt64(0)..<10 {
                group.addTask {
                    for batch in UInt64(0)..<10 {
                        let base = 1_000 + writer * 100 + batch * 10
                        try await log.append((0..<6).map { record(base + $0) })
                    }
                }
            }
            try await group.waitForAll()
        }
        let seen = try await followed
        #expect(seen.map(\.sequence.rawValue) == Array(1...UInt64(total)))
        #expect(seen == (try log.entries(from: .first)))
        await log.close()
    }

    @Test func aFollowerStartsAtTheSequenceNumberItWasGiven() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        try await log.append((1...20).map { record($0) })
        var seen: [UInt64] = []
        for try await entry in log.follow(from: SequenceNumber(15)) {
            seen.append(entry.sequence.rawValue)
            if seen.count == 6 { break }
        }
        #expect(seen == [15, 16, 17, 18, 19, 20])
        await log.close()
    }

    @Test func aFollowerEndsWhenTheLogCloses() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        try await log.append([record(1)])
        async let count: Int = {
            var count = 0
            for try await _ in log.follow(from: .first) { count += 1 }
            return count
        }()
        try await log.append([record(2)])
        await log.close()
        #expect(try await count == 2)
    }
}
