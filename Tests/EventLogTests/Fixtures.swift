import EventLog
import Foundation
import LMDB

/// A record whose payload is derived from `tag`, so tests can check it is intact.
func record(_ tag: UInt64, stream: UInt64 = 0, kind: UInt16 = 1, version: UInt16 = 1, size: Int = 24) -> Record {
    Record(
        kind: RecordKind(kind),
        version: version,
        timestamp: Int64(tag) * 1_000,
        stream: StreamID(stream),
        payload: payload(tag, size: size)
    )
}

/// Deterministic payload bytes for `tag`.
func payload(_ tag: UInt64, size: Int = 24) -> [UInt8] {
    (0..<size).map { UInt8(truncatingIfNeeded: tag &* 31 &+ UInt64($0)) }
}

/// A log configuration for tests: small map, no fsync (these tests do not crash).
func testConfiguration(kinds: RecordKinds? = nil) -> EventLog.Configuration {
    var configuration = EventLog.Configuration()
    configuration.mapSize = 1 << 20
    configuration.durability = .unsafeNoSync
    configuration.kinds = kinds
    return configuration
}

/// An index of records by kind: key = kind (2 bytes) + sequence (8 bytes), value = stream (8 bytes).
struct KindIndex: LogIndex {
    let name = "by-kind"
    let databaseNames = ["test.by-kind"]

    func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws {
        let key = bigEndian(UInt64(entry.header.kind.rawValue)).suffix(2) + bigEndian(entry.sequence.rawValue)
        try transaction.put(bigEndian(entry.header.stream.rawValue), forKey: Array(key), in: databases[0])
    }
}

func bigEndian(_ value: UInt64) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}
