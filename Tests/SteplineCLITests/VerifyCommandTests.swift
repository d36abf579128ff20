import EventLog
import Foundation
import LMDB
import TestSupport
import Testing

@Suite struct VerifyCommandTests {
    /// Records of a kind no Engine record uses: verify applies the Engine's index too.
    private func makeLog(in directory: borrowing TemporaryDirectory, records: Int) async throws -> EventLog {
        var configuration = EventLog.Configuration()
        configuration.durability = .unsafeNoSync
        configuration.mapSize = 1 << 20
        let log = try EventLog(directory: directory.path, configuration: configuration)
        try await log.append(
            (1...records).map {
                Record(kind: RecordKind(0xFFF1), timestamp: Int64($0), stream: StreamID(UInt64($0 % 5)), payload: [UInt8($0 % 256)])
            }
        )
        return log
    }

    @Test func verifyReportsACleanLogAndExitsZero() async throws {
        let directory = TemporaryDirectory()
        try await makeLog(in: directory, records: 40).close()
        let result = try await SteplineBinary.run(["verify", "--data-dir", directory.path, "--json"])
        #expect(result.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(report["clean"] as? Bool == true)
        #expect(report["recordsReplayed"] as? Int == 40)
        #expect((report["indexes"] as? [String])?.first == "streams")
        #expect(result.error.contains("rebuilding 40/40"))
    }

    @Test func verifyReadsTheDataDirectoryFromTheEnvironment() async throws {
        let directory = TemporaryDirectory()
        try await makeLog(in: directory, records: 3).close()
        let result = try await SteplineBinary.run(["verify"], environment: ["STEPLINE_DATA_DIR": directory.path])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("clean: 3 records replayed"))
    }

    @Test func verifyNamesTheTamperedIndexEntryAndExitsOne() async throws {
        let directory = TemporaryDirectory()
        let log = try await makeLog(in: directory, records: 20)
        let streams = try #require(log.databases(ofIndex: "streams"))[0]
        let key: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 1] + [0, 0, 0, 0, 0, 0, 0, 6]
        try await log.transact { append in try append.transaction.delete(key: key, in: streams) }
        await log.close()
        let result = try await SteplineBinary.run(["verify", "--data-dir", directory.path])
        #expect(result.status == 1)
        #expect(result.output.contains("database log.streams, key 0x00000000000000010000000000000006 is missing"))
    }

    @Test func verifyOfADirectoryWithoutALogExitsOneAndSaysSo() async throws {
        let directory = TemporaryDirectory()
        let result = try await SteplineBinary.run(["verify", "--data-dir", directory.path])
        #expect(result.status == 1)
        #expect(result.error.contains("no log in"))
    }
}
