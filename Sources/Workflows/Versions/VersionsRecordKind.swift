public import EventLog
import Runtime

/// The record kinds of state machine versions, aliases and tags (90–99).
///
/// Revisions are the Engine's own records (``EngineRecordKind/stateMachineCreated``
/// and `updated`); a version names one revision with a number, an alias routes
/// starts to one or two versions, and tags label machines and activities. Every
/// change is one of these records; ``VersionsIndex`` derives the views from them.
/// Payloads are JSON objects; times are milliseconds since the epoch.
public enum VersionsRecordKind {
    /// `{stateMachineArn, version, revisionId, description?, time}`: a revision published as a version.
    public static let versionPublished = RecordKind(90)
    /// `{stateMachineArn, version, time}`.
    public static let versionDeleted = RecordKind(91)
    /// The alias as ``StateMachineAlias`` records it.
    public static let aliasCreated = RecordKind(92)
    /// The alias after the change, as ``StateMachineAlias`` records it.
    public static let aliasUpdated = RecordKind(93)
    /// `{stateMachineArn, name, time}`.
    public static let aliasDeleted = RecordKind(94)
    /// `{resourceArn, tags: [{key, value}], time}`: tags added or overwritten.
    public static let tagsAdded = RecordKind(95)
    /// `{resourceArn, keys: [key], time}`.
    public static let tagsRemoved = RecordKind(96)

    /// Registers the kinds in `kinds`.
    public static func register(in kinds: inout RecordKinds) {
        kinds.register(versionPublished, name: "stateMachine.versionPublished", versions: 1...1)
        kinds.register(versionDeleted, name: "stateMachine.versionDeleted", versions: 1...1)
        kinds.register(aliasCreated, name: "stateMachine.aliasCreated", versions: 1...1)
        kinds.register(aliasUpdated, name: "stateMachine.aliasUpdated", versions: 1...1)
        kinds.register(aliasDeleted, name: "stateMachine.aliasDeleted", versions: 1...1)
        kinds.register(tagsAdded, name: "resource.tagsAdded", versions: 1...1)
        kinds.register(tagsRemoved, name: "resource.tagsRemoved", versions: 1...1)
    }
}
