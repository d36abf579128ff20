package import JSON
package import Runtime

/// A published version of a state machine: an immutable, numbered revision.
///
/// Its ARN is the machine's with the number appended
/// (`arn:aws:states:us-east-1:123456789012:stateMachine:orders:3`). Numbers grow
/// by one per publication and are never reused while the machine exists, as in AWS.
public struct StateMachineVersion: Sendable, Hashable {
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

    package var recordJSON: JSONValue {
        var object: JSONObject = [
            "stateMachineArn": .string(stateMachineArn), "version": .integer(version),
            "revisionId": .string(revisionId), "time": .integer(Int(creationDate)),
        ]
        if let description { object["description"] = .string(description) }
        return .object(object)
    }

    package init(stateMachineArn: String, version: Int, revisionId: String, description: String?, creationDate: Int64) {
        self.stateMachineArn = stateMachineArn
        self.version = version
        self.revisionId = revisionId
        self.description = description
        self.creationDate = creationDate
    }

    package init(recordJSON json: JSONValue) throws(RecordDecodingError) {
        let fields = try RecordFields(json, what: "state machine version")
        stateMachineArn = try fields.string("stateMachineArn")
        version = try fields.integer("version")
        revisionId = try fields.string("revisionId")
        description = fields.optionalString("description")
        creationDate = Int64(try fields.integer("time"))
    }
}

/// An alias of a state machine: a stable name that routes each start to one of
/// one or two versions, by weight.
///
/// Its ARN is the machine's with the name appended
/// (`arn:aws:states:us-east-1:123456789012:stateMachine:orders:PROD`).
public struct StateMachineAlias: Sendable, Hashable {
    /// One entry of the routing configuration: a version and the percentage of starts it gets.
    public struct Route: Sendable, Hashable {
        public var versionArn: String
        public var weight: Int

        public init(versionArn: String, weight: Int) {
            self.versionArn = versionArn
            self.weight = weight
        }
    }

    /// The unqualified state machine ARN.
    public var stateMachineArn: String
    public var name: String
    public var description: String?
    public var routing: [Route]
    /// Milliseconds since the Unix epoch.
    public var creationDate: Int64
    public var updateDate: Int64?

    /// `<stateMachineArn>:<name>`.
    public var aliasArn: String { "\(stateMachineArn):\(name)" }

    package var recordJSON: JSONValue {
        var object: JSONObject = [
            "stateMachineArn": .string(stateMachineArn), "name": .string(name),
            "routing": .array(routing.map { ["versionArn": .string($0.versionArn), "weight": .integer($0.weight)] }),
            "creationDate": .integer(Int(creationDate)),
        ]
        if let description { object["description"] = .string(description) }
        if let updateDate { object["updateDate"] = .integer(Int(updateDate)) }
        return .object(object)
    }

    package init(stateMachineArn: String, name: String, description: String?, routing: [Route], creationDate: Int64) {
        self.stateMachineArn = stateMachineArn
        self.name = name
        self.description = description
        self.routing = routing
        self.creationDate = creationDate
    }

    package init(recordJSON json: JSONValue) throws(RecordDecodingError) {
        let fields = try RecordFields(json, what: "state machine alias")
        stateMachineArn = try fields.string("stateMachineArn")
        name = try fields.string("name")
        description = fields.optionalString("description")
        var routing: [Route] = []
        for entry in try fields.value("routing").arrayValue ?? [] {
            let route = try RecordFields(entry, what: "state machine alias route")
            routing.append(Route(versionArn: try route.string("versionArn"), weight: try route.integer("weight")))
        }
        self.routing = routing
        creationDate = Int64(try fields.integer("creationDate"))
        updateDate = fields.optional("updateDate")?.integerValue.map(Int64.init)
    }
}

/// One tag of a resource, in the order it was first added.
public struct ResourceTag: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
