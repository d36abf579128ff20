public import EventLog
import JSON
public import LMDB
import Runtime

/// The views of state machine versions, aliases and tags, maintained in the
/// transaction that appends each record and rebuilt by `stepline verify`.
///
/// | database | key | value |
/// |---|---|---|
/// | `versions.versions` | machine ARN, 0, version (8 bytes, big-endian) | ``StateMachineVersion`` |
/// | `versions.counters` | machine ARN | the last version number given (never reused) |
/// | `versions.aliases` | machine ARN, 0, alias name | ``StateMachineAlias`` |
/// | `versions.tags` | resource ARN | `[{key, value}]` in the order first added |
///
/// Deleting a state machine (``EngineRecordKind/stateMachineDeleted``) removes its
/// versions, counter, aliases and tags; deleting an activity removes its tags.
public struct VersionsIndex: LogIndex {
    public let name = "versions"
    public let databaseNames = ["versions.versions", "versions.counters", "versions.aliases", "versions.tags"]

    package enum DB: Int {
        case versions, counters, aliases, tags
    }

    public init() {}

    public func wants(_ kind: RecordKind) -> Bool {
        (VersionsRecordKind.versionPublished...VersionsRecordKind.tagsRemoved).contains(kind)
            || kind == EngineRecordKind.stateMachineDeleted || kind == EngineRecordKind.activityDeleted
    }

    public func apply(_ entry: LogEntry, to databases: IndexDatabases, in transaction: WriteTransaction) throws {
        func db(_ which: DB) -> Database { databases[which.rawValue] }
        let kind = entry.header.kind
        switch kind {
        case VersionsRecordKind.versionPublished:
            let version = try StateMachineVersion(recordBytes: entry.payload)
            let key = VersionKeys.version(version.stateMachineArn, version.version)
            try transaction.put(version.recordBytes, forKey: key, in: db(.versions))
            try transaction.put(
                JSONValue.integer(version.version).bytes,
                forKey: Keys.text(version.stateMachineArn),
                in: db(.counters)
            )
        case VersionsRecordKind.versionDeleted:
            let deletion = try VersionDeletion(recordBytes: entry.payload)
            try transaction.delete(key: VersionKeys.version(deletion.stateMachineArn, deletion.version), in: db(.versions))
        case VersionsRecordKind.aliasCreated, VersionsRecordKind.aliasUpdated:
            let alias = try StateMachineAlias(recordBytes: entry.payload)
            try transaction.put(alias.recordBytes, forKey: VersionKeys.alias(alias.stateMachineArn, alias.name), in: db(.aliases))
        case VersionsRecordKind.aliasDeleted:
            let deletion = try AliasDeletion(recordBytes: entry.payload)
            try transaction.delete(key: VersionKeys.alias(deletion.stateMachineArn, deletion.name), in: db(.aliases))
        case VersionsRecordKind.tagsAdded:
            let added = try TagsAdded(recordBytes: entry.payload)
            var tags = try Self.tags(transaction.value(forKey: Keys.text(added.resourceArn), in: db(.tags)))
            for tag in added.tags {
                if let index = tags.firstIndex(where: { $0.key == tag.key }) {
                    tags[index].value = tag.value
                } else {
                    tags.append(tag)
                }
            }
            try transaction.put(tags.recordBytes, forKey: Keys.text(added.resourceArn), in: db(.tags))
        case VersionsRecordKind.tagsRemoved:
            let removal = try TagsRemoved(recordBytes: entry.payload)
            let removed = Set(removal.keys)
            let tags = try Self.tags(transaction.value(forKey: Keys.text(removal.resourceArn), in: db(.tags))).filter { !removed.contains($0.key) }
            if tags.isEmpty {
                try transaction.delete(key: Keys.text(removal.resourceArn), in: db(.tags))
            } else {
                try transaction.put(tags.recordBytes, forKey: Keys.text(removal.resourceArn), in: db(.tags))
            }
        case EngineRecordKind.stateMachineDeleted:
            let arn = try StateMachineDeletion(recordBytes: entry.payload).stateMachineArn
            try transaction.deleteAll(withPrefix: Keys.text(arn) + [0], in: db(.versions))
            try transaction.deleteAll(withPrefix: Keys.text(arn) + [0], in: db(.aliases))
            try transaction.delete(key: Keys.text(arn), in: db(.counters))
            try transaction.delete(key: Keys.text(arn), in: db(.tags))
        case EngineRecordKind.activityDeleted:
            try transaction.delete(key: Keys.text(try ActivityDeletion(recordBytes: entry.payload).activityArn), in: db(.tags))
        default:
            return
        }
    }

    /// The tags stored under one resource (none for `nil`).
    private static func tags(_ bytes: [UInt8]?) throws -> [ResourceTag] {
        guard let bytes else { return [] }
        return try [ResourceTag](recordBytes: bytes)
    }
}

/// Keys of the ``VersionsIndex`` databases.
package enum VersionKeys {
    package static func version(_ machineArn: String, _ version: Int) -> [UInt8] {
        Keys.text(machineArn) + [0] + Keys.bigEndian(UInt64(max(0, version)))
    }

    package static func alias(_ machineArn: String, _ name: String) -> [UInt8] {
        Keys.text(machineArn) + [0] + Keys.text(name)
    }
}
