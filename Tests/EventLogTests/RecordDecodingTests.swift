import EventLog
import LMDB
import TestSupport
import Testing

@Suite struct RecordDecodingTests {
    @Test func aCorruptRecordIsAnErrorNamingItsSequenceNumber() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        try await log.append((1...5).map { record($0) })
        let logDatabase = try log.openDatabase(named: EventLog.logDatabaseName)
        // Overwrite record 3 with bytes that are not a record (a tampered file).
        try await log.transact { append in
            try append.transaction.put([1, 0, 0, 1, 0, 1, 9], forKey: bigEndian(3), in: logDatabase)
        }
        #expect(try log.entry(at: SequenceNumber(2)) == LogEntry(sequence: SequenceNumber(2), record: record(2)))
        for read in [{ _ = try log.entries(from: .first) }, { _ = try log.entry(at: SequenceNumber(3)) }] {
            #expect {
                try read()
            } throws: { error in
                let error = error as? EventLogError
                return error?.code == .corruptRecord && error?.sequence == SequenceNumber(3)
                    && error?.description.contains("#3") == true
            }
        }
        await log.close()
    }

    @Test func aRecordWhosePayloadLengthDisagreesWithItsSizeIsCorrupt() async throws {
        let directory = TemporaryDirectory()
        let log = try EventLog(directory: directory.path, configuration: testConfiguration())
        try await log.append((1...2).map { record($0) })
        let logDatabase = try log.openDatabase(named: EventLog.logDatabaseName)
        let truncated = try log.read { try $0.value(forKey: bigEndian(2), in: logDatabase) }.map { Array($0.dropLast()) }
        try await log.transact { append in
            try append.transaction.put(truncated ?? [], forKey: bigEndian(2), in: logDatabase)
        }
        #expect {
            _ = try log.scan { _, _, _ in }
        } throws: { ($0 as? EventLogError)?.code == .corruptRecord && ($0 as? EventLogError)?.sequence == SequenceNumber(2) }
        await log.close()
    }

    @Test func anUnregisteredKindIsAnErrorNamingItsSequenceNumber() async throws {
        let directory = TemporaryDirectory()
        var log = try EventLog(directory: directory.path, configuration: testConfiguration())
        try await log.append([record(1, kind: 1), record(2, kind: 7), record(3, kind: 1, version: 3)])
        await log.close()
        var kinds = RecordKinds()
        kinds.register(RecordKind(1), name: "Started", versions: 1...2)
        log = try EventLog(directory: directory.path, configuration: testConfiguration(kinds: kinds))
        #expect(try log.entry(at: SequenceNumber(1))?.record == record(1, kind: 1))
        #expect {
            _ = try log.entry(at: SequenceNumber(2))
        } throws: { ($0 as? EventLogError)?.code == .unknownKind && ($0 as? EventLogError)?.sequence == SequenceNumber(2) }
        #expect {
            _ = try log.entry(at: SequenceNumber(3))
        } throws: { error in
            let error = error as? EventLogError
            return error?.code == .unsupportedVersion && error?.sequence == SequenceNumber(3)
                && error?.message.contains("Started") == true
        }
        await log.close()
    }

    @Test func appendingAnUnregisteredKindIsRefusedBeforeAnythingIsWritten() async throws {
        let directory = TemporaryDirectory()
        var kinds = RecordKinds()
        kinds.register(RecordKind(1), name: "Started", versions: 1...1)
        let log = try EventLog(directory: directory.path, configuration: testConfiguration(kinds: kinds))
        await #expect {
            try await log.append([record(1, kind: 1), record(2, kind: 9)])
        } throws: { ($0 as? EventLogError)?.code == .unknownKind }
        #expect(log.lastSequence == nil)
        await log.close()
    }
}
