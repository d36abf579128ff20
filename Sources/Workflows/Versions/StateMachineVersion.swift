import Memberwise
public import Runtime

/// A published version of a state machine: an immutable, numbered revision.
///
/// Its ARN is the machine's with the number appended
/// (`arn:aws:states:us-east-1:123456789012:stateMachine:orders:3`). Numbers grow
/// by one per publication and are never reused while the machine exists, as in AWS.
@MemberwiseInit(.package)
public struct StateMachineVersion: RecordPayload, Sendable, Hashable {
    package static let recordName = "state machine version"

    /// The unqualified state machine ARN.
    public var stateMachineArn: String
    public var version: Int
    /// The machine revision the version runs.
    public var revisionId: String
    public var description: String?
    /// Milliseconds since the Unix epoch.
    public var creationDate: Int64

    /// `<stateMachineArn>:<version>`.
    public var versionArn: String { "\(stateMachineArn):\(version)" }

    /// The members in the order of the record's bytes.
    private enum CodingKeys: String, CodingKey {
        case stateMachineArn, version, revisionId
        case creationDate = "time"
        case description
    }
}

/// An alias of a state machine: a stable name that routes each start to one of
/// one or two versions, by weight.
///
/// Its ARN is the machine's with the name appended
/// (`arn:aws:states:us-east-1:123456789012:stateMachine:orders:PROD`).
@MemberwiseInit(.package)
public struct StateMachineAlias: RecordPayload, Sendable, Hashable {
    package static let recordName = "state machine alias"

    /// One entry of the routing configuration: a version and the percentage of starts it gets.
    @MemberwiseInit(.public)
    public struct Route: Codable, Sendable, Hashable {
        public var versionArn: String
        public var weight: Int
    }

    /// The unqualified state machine ARN.
    public var stateMachineArn: String
    public var name: String
    public var description: String?
    public var routing: [Route]
    /// Milliseconds since the Unix epoch.
    public var creationDate: Int64
    public var updateDate: Int64? = nil

    /// `<stateMachineArn>:<name>`.
    public var aliasArn: String { "\(stateMachineArn):\(name)" }

    /// The members in the order of the record's bytes.
    private enum CodingKeys: String, CodingKey {
        case stateMachineArn, name, routing, creationDate, description, updateDate
    }
}

/// One tag of a resource, in the order it was first added: `{key, value}` in
/// records and in the versions index.
@MemberwiseInit(.public)
public struct ResourceTag: RecordPayload, Sendable, Hashable {
    package static let recordName = "tag"

    public var key: String
    public var value: String
}
