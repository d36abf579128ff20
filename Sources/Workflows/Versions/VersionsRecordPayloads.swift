import Runtime

// The payloads of the versions' deletion and tag records (``VersionsRecordKind``),
// each declared once: the writer in ``StateMachineVersions`` and ``VersionsIndex``
// use the type. `time` is when it was decided, in milliseconds since the epoch.

/// ``VersionsRecordKind/versionDeleted``: `{stateMachineArn, version, time}`.
package struct VersionDeletion: RecordPayload, Sendable, Hashable {
    package static let recordName = "version deletion"
    package var stateMachineArn: String
    package var version: Int
    package var time: Int64
}

/// ``VersionsRecordKind/aliasDeleted``: `{stateMachineArn, name, time}`.
package struct AliasDeletion: RecordPayload, Sendable, Hashable {
    package static let recordName = "alias deletion"
    package var stateMachineArn: String
    package var name: String
    package var time: Int64
}

/// ``VersionsRecordKind/tagsAdded``: `{resourceArn, tags: [{key, value}], time}`.
package struct TagsAdded: RecordPayload, Sendable, Hashable {
    package static let recordName = "tags"
    package var resourceArn: String
    package var tags: [ResourceTag]
    package var time: Int64
}

/// ``VersionsRecordKind/tagsRemoved``: `{resourceArn, keys, time}`.
package struct TagsRemoved: RecordPayload, Sendable, Hashable {
    package static let recordName = "untagging"
    package var resourceArn: String
    package var keys: [String]
    package var time: Int64
}
