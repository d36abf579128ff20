public import EventLog
package import JSON
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
            let fields = try RecordFields(bytes: entry.payload, what: "version deletion at \(entry.sequence)")
            let key = VersionKeys.version(try fields.string("stateMachineArn"), try fields.integer("version"))
            try transaction.delete(key: key, in: db(.versions))
        case VersionsRecordKind.aliasCreated, VersionsRecordKind.aliasUpdated:
            let alias = try StateMachineAlias(recordBytes: entry.payload)
            try transaction.put(alias.recordBytes, forKey: VersionKeys.alias(alias.stateMachineArn, alias.name), in: db(.aliases))
        case VersionsRecordKind.aliasDeleted:
            let fields = try RecordFields(bytes: entry.payload, what: "alias deletion at \(entry.sequence)")
            try transaction.delete(key: VersionKeys.alias(try fields.string("stateMachineArn"), try fields.string("name")), in: db(.aliases))
        case VersionsRecordKind.tagsAdded:
            let fields = try RecordFields(bytes: entry.payload, what: "tags at \(entry.sequence)")
            let arn = try fields.string("resourceArn")
            var tags = try Self.tags(transaction.value(forKey: Keys.text(arn), in: db(.tags)))
            for value in try fields.value("tags").arrayValue ?? [] {
                let tag = try RecordFields(value, what: "tag at \(entry.sequence)")
                let (key, text) = (try tag.string("key"), try tag.string("value"))
                if let index = tags.firstIndex(where: { $0.key == key }) {
                    tags[index].value = text
                } else {
                    tags.append(ResourceTag(key: key, value: text))
                }
            }
            try transaction.put(Self.tagsJSON(tags).bytes, forKey: Keys.text(arn), in: db(.tags))
        case VersionsRecordKind.tagsRemoved:
            let fields = try RecordFields(bytes: entry.payload, what: "untagging at \(entry.sequence)")
            let arn = try fields.string("resourceArn")
            let removed = Set((try fields.value("keys").arrayValue ?? []).compactMap(\.stringValue))
            let tags = try Self.tags(transaction.value(forKey: Keys.text(arn), in: db(.tags))).filter { !removed.contains($0.key) }
            if tags.isEmpty {
                try transaction.delete(key: Keys.text(arn), in: db(.tags))
            } else {
                try transaction.put(Self.tagsJSON(tags).bytes, forKey: Keys.text(arn), in: db(.tags))
            }
        case EngineRecordKind.stateMachineDeleted:
            let fields = try RecordFields(bytes: entry.payload, what: "state machine deletion at \(entry.sequence)")
            let arn = try fields.string("stateMachineArn")
            try transaction.deleteAll(withPrefix: Keys.text(arn) + [0], in: db(.versions))
            try transaction.deleteAll(withPrefix: Keys.text(arn) + [0], in: db(.aliases))
            try transaction.delete(key: Keys.text(arn), in: db(.counters))
            try transaction.delete(key: Keys.text(arn), in: db(.tags))
        case EngineRecordKind.activityDeleted:
            let fields = try RecordFields(bytes: entry.payload, what: "activity deletion at \(entry.sequence)")
            try transaction.delete(key: Keys.text(try fields.string("activityArn")), in: db(.tags))
        default:
            return
        }
    }

    /// The tags stored under one resource (none for `nil`).
    package static func tags(_ bytes: [UInt8]?) throws -> [ResourceTag] {
        guard let bytes else { return [] }
        return try (JSONParser.parse(bytes: bytes).arrayValue ?? []).map { value throws(RecordDecodingError) in
            let tag = try RecordFields(value, what: "stored tag")
            return ResourceTag(key: try tag.string("key"), value: try tag.string("value"))
        }
    }

    package static func tagsJSON(_ tags: [ResourceTag]) -> JSONValue {
        .array(tags.map { ["key": .string($0.key), "value": .string($0.value)] })
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
