public import JSON
import Memberwise
public import Runtime
public import StatesLanguage

/// What `DescribeExecution` reports about one execution; also the value of the
/// `engine.executions` index, so describe and list never replay.
///
/// Execution steps carry it as their `row`; ``ExecutionStep/IndexView`` reads a
/// few of its members in place (`RawJSONObject`) and copies the rest as bytes,
/// so the index applier never builds it: this type is still the one definition
/// of the members.
@MemberwiseInit(.package)
public struct ExecutionDescription: RecordPayload, Sendable, Hashable {
    package static let recordName = "execution"

    public var executionArn: String
    public var stateMachineArn: String
    public var name: String
    public var status: ExecutionStatus
    /// Milliseconds since the Unix epoch.
    public var startDate: Int64
    public var stopDate: Int64? = nil
    public var input: JSONValue
    public var output: JSONValue? = nil
    public var error: String? = nil
    public var cause: String? = nil
    /// The state machine revision the execution runs (kept when the machine is updated).
    public var revisionId: String
    /// How many times it was redriven, and when last.
    public var redriveCount: Int = 0
    public var redriveDate: Int64? = nil
    /// The log stream holding the execution's records.
    public var stream: UInt64
    /// The execution that started this one through `states:startExecution`, if any.
    public var parentExecutionArn: String?
    /// The version the execution runs, when started with a version or alias ARN.
    public var stateMachineVersionArn: String? = nil
    /// The alias the execution was started through, if any.
    public var stateMachineAliasArn: String? = nil

    /// Why a finished, unsuccessful execution cannot be redriven whatever the
    /// time (its history reached AWS's limit), or that its redrivable period is
    /// over (set by ``Engine/describeExecution(arn:)``); `nil` otherwise.
    package var notRedrivableReason: String? = nil

    /// The members in the order of the record's bytes: the ones always present
    /// first, then the optional ones.
    private enum CodingKeys: String, CodingKey {
        case executionArn, stateMachineArn, name, status, startDate, input, revisionId, redriveCount, stream
        case stopDate, output, error, cause, redriveDate
        case parentExecutionArn = "parent"
        case stateMachineVersionArn = "version"
        case stateMachineAliasArn = "alias"
        case notRedrivableReason = "notRedrivable"
    }

    /// AWS's redrivable period: 14 days after the execution stopped.
    package static let redrivablePeriod: Int64 = 14 * 24 * 3600 * 1000

    /// AWS's limit for a redrive: the history must have fewer events than this.
    package static let redriveHistoryLimit = 24_999

    /// `REDRIVABLE` or `NOT_REDRIVABLE`, as `DescribeExecution` reports it:
    /// whether ``Engine/redriveExecution(arn:)`` would accept it now.
    public var redriveStatus: String { redriveStatusReason == nil ? "REDRIVABLE" : "NOT_REDRIVABLE" }

    /// AWS's `redriveStatusReason` when ``redriveStatus`` is `NOT_REDRIVABLE`.
    public var redriveStatusReason: String? {
        switch status {
        case .notStarted, .running: "Execution is RUNNING and cannot be redriven."
        case .succeeded: "Execution is SUCCEEDED and cannot be redriven."
        case .failed, .timedOut, .aborted: notRedrivableReason
        }
    }

    /// Marks the execution not redrivable if its redrivable period is over at `now`.
    package mutating func checkRedrivablePeriod(now: Int64) {
        if notRedrivableReason == nil, let stopDate, now - stopDate > Self.redrivablePeriod {
            notRedrivableReason = "Execution redrivable period exceeded."
        }
    }

    /// Copies the outcome of `state` (status, output, error, stop time).
    package mutating func update(from state: ExecutionState) {
        status = state.status
        output = state.output
        error = state.error
        cause = state.cause
        stopDate = state.stopTime.map(\.millisecondsSinceEpoch)
        notRedrivableReason = nil
        if state.isFinished, state.status != .succeeded, state.lastEventId >= Self.redriveHistoryLimit {
            notRedrivableReason = "Execution history event limit exceeded."
        }
        if !state.isFinished {
            output = nil
            error = nil
            cause = nil
            stopDate = nil
        }
    }
}
