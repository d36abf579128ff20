public import JSON
package import Runtime
public import StatesLanguage

/// What `DescribeExecution` reports about one execution; also the value of the
/// `engine.executions` index, so describe and list never replay.
public struct ExecutionDescription: Sendable, Hashable {
    public var executionArn: String
    public var stateMachineArn: String
    public var name: String
    public var status: ExecutionStatus
    /// Milliseconds since the Unix epoch.
    public var startDate: Int64
    public var stopDate: Int64?
    public var input: JSONValue
    public var output: JSONValue?
    public var error: String?
    public var cause: String?
    /// The state machine revision the execution runs (kept when the machine is updated).
    public var revisionId: String
    /// How many times it was redriven, and when last.
    public var redriveCount: Int
    public var redriveDate: Int64?
    /// The execution that started this one through `states:startExecution`, if any.
    public var parentExecutionArn: String?
    /// The log stream holding the execution's records.
    public var stream: UInt64
    /// The version the execution runs, when started with a version or alias ARN.
    public var stateMachineVersionArn: String?
    /// The alias the execution was started through, if any.
    public var stateMachineAliasArn: String?

    /// Why a finished, unsuccessful execution cannot be redriven whatever the
    /// time (its history reached AWS's limit), or that its redrivable period is
    /// over (set by ``Engine/describeExecution(arn:)``); `nil` otherwise.
    package var notRedrivableReason: String?

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

    package var recordJSON: JSONValue {
        var object: JSONObject = [
            "executionArn": .string(executionArn), "stateMachineArn": .string(stateMachineArn), "name": .string(name),
            "status": .string(status.rawValue), "startDate": .integer(Int(startDate)), "input": input,
            "revisionId": .string(revisionId), "redriveCount": .integer(redriveCount), "stream": .integer(Int(stream)),
        ]
        if let stopDate { object["stopDate"] = .integer(Int(stopDate)) }
        if let output { object["output"] = output }
        if let error { object["error"] = .string(error) }
        if let cause { object["cause"] = .string(cause) }
        if let redriveDate { object["redriveDate"] = .integer(Int(redriveDate)) }
        if let parentExecutionArn { object["parent"] = .string(parentExecutionArn) }
        if let stateMachineVersionArn { object["version"] = .string(stateMachineVersionArn) }
        if let stateMachineAliasArn { object["alias"] = .string(stateMachineAliasArn) }
        if let notRedrivableReason { object["notRedrivable"] = .string(notRedrivableReason) }
        return .object(object)
    }

    package init(
        executionArn: String,
        stateMachineArn: String,
        name: String,
        status: ExecutionStatus,
        startDate: Int64,
        input: JSONValue,
        revisionId: String,
        stream: UInt64,
        parentExecutionArn: String?
    ) {
        self.executionArn = executionArn
        self.stateMachineArn = stateMachineArn
        self.name = name
        self.status = status
        self.startDate = startDate
        self.input = input
        self.revisionId = revisionId
        self.redriveCount = 0
        self.stream = stream
        self.parentExecutionArn = parentExecutionArn
    }

    package init(recordJSON json: JSONValue) throws(RecordDecodingError) {
        let fields = try RecordFields(json, what: "execution")
        guard let status = ExecutionStatus(rawValue: try fields.string("status")) else {
            throw RecordDecodingError("execution field status is not an execution status")
        }
        executionArn = try fields.string("executionArn")
        stateMachineArn = try fields.string("stateMachineArn")
        name = try fields.string("name")
        self.status = status
        startDate = Int64(try fields.integer("startDate"))
        stopDate = fields.optional("stopDate")?.integerValue.map(Int64.init)
        input = fields.optional("input") ?? .null
        output = fields.optional("output")
        error = fields.optionalString("error")
        cause = fields.optionalString("cause")
        revisionId = try fields.string("revisionId")
        redriveCount = fields.optional("redriveCount")?.integerValue ?? 0
        redriveDate = fields.optional("redriveDate")?.integerValue.map(Int64.init)
        parentExecutionArn = fields.optionalString("parent")
        stateMachineVersionArn = fields.optionalString("version")
        stateMachineAliasArn = fields.optionalString("alias")
        notRedrivableReason = fields.optionalString("notRedrivable")
        stream = UInt64(try fields.integer("stream"))
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
