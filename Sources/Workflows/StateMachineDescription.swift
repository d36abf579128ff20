package import JSON
package import Runtime
import StatesLanguage

/// What `DescribeStateMachine` reports: the current revision of a state machine.
public struct StateMachineDescription: Sendable, Hashable {
    public var stateMachineArn: String
    public var name: String
    /// The definition text as it was given.
    public var definition: String
    public var roleArn: String
    /// `STANDARD` or `EXPRESS`.
    public var type: String
    /// Milliseconds since the Unix epoch.
    public var creationDate: Int64
    public var updateDate: Int64?
    /// The id of the current revision; every update makes a new one, and an
    /// execution keeps the revision it started with.
    public var revisionId: String
    /// The log stream holding the machine's records.
    public var stream: UInt64

    package var recordJSON: JSONValue {
        var object: JSONObject = [
            "stateMachineArn": .string(stateMachineArn), "name": .string(name), "definition": .string(definition),
            "roleArn": .string(roleArn), "type": .string(type), "creationDate": .integer(Int(creationDate)),
            "revisionId": .string(revisionId), "stream": .integer(Int(stream)),
        ]
        if let updateDate { object["updateDate"] = .integer(Int(updateDate)) }
        return .object(object)
    }

    package init(
        stateMachineArn: String,
        name: String,
        definition: String,
        roleArn: String,
        type: String,
        creationDate: Int64,
        revisionId: String,
        stream: UInt64
    ) {
        self.stateMachineArn = stateMachineArn
        self.name = name
        self.definition = definition
        self.roleArn = roleArn
        self.type = type
        self.creationDate = creationDate
        self.revisionId = revisionId
        self.stream = stream
    }

    package init(recordJSON json: JSONValue) throws(RecordDecodingError) {
        let fields = try RecordFields(json, what: "state machine")
        stateMachineArn = try fields.string("stateMachineArn")
        name = try fields.string("name")
        definition = try fields.string("definition")
        roleArn = try fields.string("roleArn")
        type = try fields.string("type")
        creationDate = Int64(try fields.integer("creationDate"))
        updateDate = fields.optional("updateDate")?.integerValue.map(Int64.init)
        revisionId = try fields.string("revisionId")
        stream = UInt64(try fields.integer("stream"))
    }
}

/// What `DescribeActivity` reports.
public struct ActivityDescription: Sendable, Hashable {
    public var activityArn: String
    public var name: String
    /// Milliseconds since the Unix epoch.
    public var creationDate: Int64

    package var recordJSON: JSONValue {
        ["activityArn": .string(activityArn), "name": .string(name), "creationDate": .integer(Int(creationDate))]
    }

    package init(activityArn: String, name: String, creationDate: Int64) {
        self.activityArn = activityArn
        self.name = name
        self.creationDate = creationDate
    }

    package init(recordJSON json: JSONValue) throws(RecordDecodingError) {
        let fields = try RecordFields(json, what: "activity")
        activityArn = try fields.string("activityArn")
        name = try fields.string("name")
        creationDate = Int64(try fields.integer("creationDate"))
    }
}

/// One entry of the dead-letter or manual-review view: an execution that
/// failed (DLQ: not redriven yet; review: failed again after a redrive).
public struct FailedExecutionItem: Sendable, Hashable {
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

    package var recordJSON: JSONValue {
        var object: JSONObject = [
            "executionArn": .string(executionArn), "stateMachineArn": .string(stateMachineArn),
            "status": .string(status), "redriveCount": .integer(redriveCount),
        ]
        if let error { object["error"] = .string(error) }
        if let cause { object["cause"] = .string(cause) }
        if let stopDate { object["stopDate"] = .integer(Int(stopDate)) }
        if let resolution { object["resolution"] = .string(resolution) }
        if let resolvedDate { object["resolvedDate"] = .integer(Int(resolvedDate)) }
        return .object(object)
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

    package init(recordJSON json: JSONValue) throws(RecordDecodingError) {
        let fields = try RecordFields(json, what: "failed execution")
        executionArn = try fields.string("executionArn")
        stateMachineArn = try fields.string("stateMachineArn")
        status = try fields.string("status")
        error = fields.optionalString("error")
        cause = fields.optionalString("cause")
        stopDate = fields.optional("stopDate")?.integerValue.map(Int64.init)
        redriveCount = fields.optional("redriveCount")?.integerValue ?? 0
        resolution = fields.optionalString("resolution")
        resolvedDate = fields.optional("resolvedDate")?.integerValue.map(Int64.init)
    }
}
