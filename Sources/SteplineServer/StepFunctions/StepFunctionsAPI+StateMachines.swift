internal import Engine
internal import JSON

extension StepFunctionsAPI {
    static let definitionLength = 1...1_048_576
    static let arnLength = 1...256

    func createStateMachine(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let name = try input.requiredString("name", length: 1...80)
        let definition = try input.requiredString("definition", length: Self.definitionLength)
        let roleArn = try input.requiredString("roleArn", length: Self.arnLength)
        let type = try input.enumeration("type", allowed: ["STANDARD", "EXPRESS"]) ?? "STANDARD"
        let machine = try await call { try await engine.createStateMachine(name: name, definition: definition, roleArn: roleArn, type: type) }
        return ["stateMachineArn": .string(machine.stateMachineArn), "creationDate": Self.date(machine.creationDate)]
    }

    func updateStateMachine(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("stateMachineArn", service: "states", resourceTypes: ["stateMachine"])
        let definition = try input.string("definition", length: Self.definitionLength)
        let roleArn = try input.string("roleArn", length: Self.arnLength)
        guard definition != nil || roleArn != nil else {
            throw AWSError(
                "MissingRequiredParameter",
                "Either the definition, the roleArn, the loggingConfiguration or the tracingConfiguration must be specified"
            )
        }
        let machine = try await call { try await engine.updateStateMachine(arn: arn.description, definition: definition, roleArn: roleArn) }
        return ["updateDate": Self.date(machine.updateDate ?? machine.creationDate), "revisionId": .string(machine.revisionId)]
    }

    func describeStateMachine(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("stateMachineArn", service: "states", resourceTypes: ["stateMachine"])
        let machine = try await call { try engine.describeStateMachine(arn: arn.description) }
        var output = Self.machineJSON(machine)
        output["status"] = "ACTIVE"
        output["type"] = .string(machine.type)
        output["creationDate"] = Self.date(machine.creationDate)
        return .object(output)
    }

    func describeStateMachineForExecution(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("executionArn", service: "states", resourceTypes: ["execution"])
        let machine = try await call {
            let execution = try await engine.describeExecution(arn: arn.description)
            return try engine.describeStateMachine(arn: execution.stateMachineArn, revisionId: execution.revisionId)
        }
        var output = Self.machineJSON(machine)
        output["updateDate"] = Self.date(machine.updateDate ?? machine.creationDate)
        return .object(output)
    }

    func listStateMachines(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let page = try PageRequest(input, codec: tokens, scope: "ListStateMachines")
        let machines = try await call { try engine.listStateMachines() }
        let (items, next) = Self.page(machines, after: page, key: \.stateMachineArn)
        var output: JSONObject = [
            "stateMachines": .array(
                items.map {
                    [
                        "stateMachineArn": .string($0.stateMachineArn), "name": .string($0.name), "type": .string($0.type),
                        "creationDate": Self.date($0.creationDate),
                    ]
                })
        ]
        if let next { output["nextToken"] = .string(next) }
        return .object(output)
    }

    func deleteStateMachine(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("stateMachineArn", service: "states", resourceTypes: ["stateMachine"])
        try await call { try await engine.deleteStateMachine(arn: arn.description) }
        return [:]
    }

    // MARK: Shapes shared by the operations

    /// The members `DescribeStateMachine` and `DescribeStateMachineForExecution` share.
    static func machineJSON(_ machine: StateMachineDescription) -> JSONObject {
        [
            "stateMachineArn": .string(machine.stateMachineArn), "name": .string(machine.name),
            "definition": .string(machine.definition), "roleArn": .string(machine.roleArn),
            "revisionId": .string(machine.revisionId),
            "loggingConfiguration": ["level": "OFF", "includeExecutionData": false],
            "tracingConfiguration": ["enabled": false],
        ]
    }

    /// Milliseconds since the epoch as the protocol's epoch-seconds number.
    static func date(_ milliseconds: Int64) -> JSONValue {
        AWSTimestamp(millisecondsSinceEpoch: milliseconds).jsonValue
    }

    /// One page of a listing the Engine returns whole, sorted by `key`: the items after
    /// the page's position and the token for the rest, if any.
    static func page<Item>(_ all: [Item], after page: PageRequest, key: (Item) -> String) -> ([Item], String?) {
        var rest = all[...]
        if let last = page.position?.stringValue {
            rest = rest.drop { key($0) <= last }
        }
        let items = Array(rest.prefix(page.limit))
        guard rest.count > page.limit, let last = items.last else { return (items, nil) }
        return (items, page.nextToken(after: .string(key(last))))
    }
}
