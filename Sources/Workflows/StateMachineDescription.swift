import Memberwise
public import Runtime
import StatesLanguage

/// What `DescribeStateMachine` reports: the current revision of a state machine.
@MemberwiseInit(.package)
public struct StateMachineDescription: RecordPayload, Sendable, Hashable {
    package static let recordName = "state machine"

    public var stateMachineArn: String
    public var name: String
    /// The definition text as it was given.
    public var definition: String
    public var roleArn: String
    /// `STANDARD` or `EXPRESS`.
    public var type: String
    /// Milliseconds since the Unix epoch.
    public var creationDate: Int64
    public var updateDate: Int64? = nil
    /// The id of the current revision; every update makes a new one, and an
    /// execution keeps the revision it started with.
    public var revisionId: String
    /// The log stream holding the machine's records.
    public var stream: UInt64

    /// The members in the order of the record's bytes (`updateDate` came last).
    private enum CodingKeys: String, CodingKey {
        case stateMachineArn, name, definition, roleArn, type, creationDate, revisionId, stream, updateDate
    }
}

/// What `DescribeActivity` reports.
@MemberwiseInit(.package)
public struct ActivityDescription: RecordPayload, Sendable, Hashable {
    package static let recordName = "activity"

    public var activityArn: String
    public var name: String
    /// Milliseconds since the Unix epoch.
    public var creationDate: Int64
}

/// One entry of the dead-letter or manual-review view: an execution that
/// failed (DLQ: not redriven yet; review: failed again after a redrive).
public struct FailedExecutionItem: RecordPayload, Sendable, Hashable {
    package static let recordName = "failed execution"

    public var executionArn: String
    public var stateMachineArn: String
    public var status: String
    public var error: String?
    public var cause: String?
    public var stopDate: Int64?
    public var redriveCount: Int
    /// For review items: the reason a person gave when resolving it.
    public var resolution: String?
    public var resolvedDate: Int64?

    /// The members in the order of the record's bytes.
    private enum CodingKeys: String, CodingKey {
        case executionArn, stateMachineArn, status, redriveCount, error, cause, stopDate, resolution, resolvedDate
    }

    package init(_ row: ExecutionDescription) {
        executionArn = row.executionArn
        stateMachineArn = row.stateMachineArn
        status = row.status.rawValue
        error = row.error
        cause = row.cause
        stopDate = row.stopDate
        redriveCount = row.redriveCount
    }
}
