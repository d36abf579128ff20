internal import JSON
import Runtime
internal import Workflows

extension StepFunctionsAPI {
    static let definitionLength = 1...1_048_576
    static let arnLength = 1...256

    func createStateMachine(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let name = try input.requiredString("name", length: 1...80)
        let definition = try input.requiredString("definition", length: Self.definitionLength)
        let roleArn = try input.requiredString("roleArn", length: Self.arnLength)
        let type = try input.enumeration("type", allowed: ["STANDARD", "EXPRESS"]) ?? "STANDARD"
        let tags = try Self.tags(input, "tags", required: false)
        let (publish, versionDescription) = try publishMembers(input)
        let (machine, version) = try await AWSService.stepFunctions.call {
            let machine = try await engine.createStateMachine(
                name: name, definition: definition, roleArn: roleArn, type: type, in: context.scope(in: engine.context))
            if !tags.isEmpty { try await versions.tag(resourceArn: machine.stateMachineArn, tags: tags) }
            let version = publish
                ? try await versions.publish(stateMachineArn: machine.stateMachineArn, description: versionDescription) : nil
            return (machine, version)
        }
        var output: JSONObject = ["stateMachineArn": .string(machine.stateMachineArn), "creationDate": Self.date(machine.creationDate)]
        if let version { output["stateMachineVersionArn"] = .string(version.versionArn) }
        return .object(output)
    }

    func updateStateMachine(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try unqualifiedMachineArn(input, "stateMachineArn")
        let definition = try input.string("definition", length: Self.definitionLength)
        let roleArn = try input.string("roleArn", length: Self.arnLength)
        let (publish, versionDescription) = try publishMembers(input)
        guard definition != nil || roleArn != nil else {
            throw AWSError(
                "MissingRequiredParameter",
                "Either the definition, the roleArn, the loggingConfiguration or the tracingConfiguration must be specified"
            )
        }
        let (machine, version) = try await AWSService.stepFunctions.call {
            let machine = try await engine.updateStateMachine(arn: arn, definition: definition, roleArn: roleArn)
            let version = publish ? try await versions.publish(stateMachineArn: arn, description: versionDescription) : nil
            return (machine, version)
        }
        var output: JSONObject = [
            "updateDate": Self.date(machine.updateDate ?? machine.creationDate), "revisionId": .string(machine.revisionId),
        ]
        if let version { output["stateMachineVersionArn"] = .string(version.versionArn) }
        return .object(output)
    }

    /// `DescribeStateMachine` of a machine, or of a version (its revision, under the version's ARN).
    func describeStateMachine(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("stateMachineArn", service: "states", resourceTypes: ["stateMachine"])
        guard arn.resourceParts.count == 3 else {
            let machine = try await AWSService.stepFunctions.call { try engine.describeStateMachine(arn: arn.description) }
            return .object(Self.describeJSON(machine))
        }
        guard Int(arn.resourceParts[2]) != nil else {
            throw AWSError("InvalidArn", "Invalid Arn: '\(arn)' is an alias; use DescribeStateMachineAlias, or give a state machine or version ARN")
        }
        let (version, revision) = try await AWSService.stepFunctions.call {
            guard let version = try versions.version(arn: arn.description) else {
                throw EngineError(.stateMachineDoesNotExist, "State Machine Does Not Exist: '\(arn)'")
            }
            let current = try engine.describeStateMachine(arn: version.stateMachineArn)
            var revision = try engine.describeStateMachine(arn: version.stateMachineArn, revisionId: version.revisionId)
            revision.type = current.type
            return (version, revision)
        }
        var output = Self.describeJSON(revision)
        output["stateMachineArn"] = .string(version.versionArn)
        output["creationDate"] = Self.date(version.creationDate)
        if let description = version.description { output["description"] = .string(description) }
        return .object(output)
    }

    static func describeJSON(_ machine: StateMachineDescription) -> JSONObject {
        var output = Self.machineJSON(machine)
        output["status"] = "ACTIVE"
        output["type"] = .string(machine.type)
        output["creationDate"] = Self.date(machine.creationDate)
        return output
    }

    /// `publish` and `versionDescription` of Create/UpdateStateMachine; a description needs `publish`.
    func publishMembers(_ input: AWSInput) throws(AWSError) -> (Bool, String?) {
        let publish = try input.bool("publish") ?? false
        let description = try input.string("versionDescription", length: Self.versionDescriptionLength)
        if description != nil && !publish {
            throw AWSError(.validation, "Version description can only be set when publish is true")
        }
        return (publish, description)
    }

    func describeStateMachineForExecution(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("executionArn", service: "states", resourceTypes: ["execution"])
        let machine = try await AWSService.stepFunctions.call {
            let execution = try await engine.describeExecution(arn: arn.description)
            return try engine.describeStateMachine(arn: execution.stateMachineArn, revisionId: execution.revisionId)
        }
        var output = Self.machineJSON(machine)
        output["updateDate"] = Self.date(machine.updateDate ?? machine.creationDate)
        return .object(output)
    }

    func listStateMachines(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let page = try PageRequest(input, codec: tokens, scope: "ListStateMachines")
        let machines = try await AWSService.stepFunctions.call { try engine.listStateMachines(in: context.scope(in: engine.context)) }
        let (items, next) = Self.page(machines, after: page, key: \.stateMachineArn)
        let entries: [JSONValue] = items.map {
            [
                "stateMachineArn": .string($0.stateMachineArn), "name": .string($0.name), "type": .string($0.type),
                "creationDate": Self.date($0.creationDate),
            ]
        }
        return Self.listed("stateMachines", entries, next: next)
    }

    func deleteStateMachine(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("stateMachineArn", service: "states", resourceTypes: ["stateMachine"])
        guard arn.resourceParts.count == 2 else {
            throw AWSError(.validation, "Invalid Arn: '\(arn)' names a version or alias; use DeleteStateMachineVersion or DeleteStateMachineAlias")
        }
        try await AWSService.stepFunctions.call { try await engine.deleteStateMachine(arn: arn.description) }
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
    /// A list operation's answer: one page of `items` under `member`, and
    /// `nextToken` when more follow.
    static func listed(_ member: String, _ items: [JSONValue], next: String?) -> JSONValue {
        var output: JSONObject = [member: .array(items)]
        if let next { output["nextToken"] = .string(next) }
        return .object(output)
    }

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
