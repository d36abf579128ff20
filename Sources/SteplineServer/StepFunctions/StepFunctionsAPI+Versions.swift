internal import JSON
internal import Workflows

/// Versions, aliases and tags (``StateMachineVersions``), with the shapes of botocore's model.
extension StepFunctionsAPI {
    static let versionDescriptionLength = 0...256

    func publishStateMachineVersion(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try unqualifiedMachineArn(input, "stateMachineArn")
        let revisionId = try input.string("revisionId")
        let description = try input.string("description", length: Self.versionDescriptionLength)
        let version = try await AWSService.stepFunctions.call {
            try await versions.publish(stateMachineArn: arn, revisionId: revisionId, description: description)
        }
        return Self.versionJSON(version)
    }

    /// A version as PublishStateMachineVersion answers it and ListStateMachineVersions lists it.
    static func versionJSON(_ version: StateMachineVersion) -> JSONValue {
        ["stateMachineVersionArn": .string(version.versionArn), "creationDate": date(version.creationDate)]
    }

    func listStateMachineVersions(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try unqualifiedMachineArn(input, "stateMachineArn")
        let page = try PageRequest(input, codec: tokens, scope: "ListStateMachineVersions \(arn)")
        let all = try await AWSService.stepFunctions.call { try versions.versions(of: arn) }
        // Newest first: the key orders by descending version number.
        let (items, next) = Self.page(all, after: page) { version in
            let digits = String(Int.max - version.version)
            return String(repeating: "0", count: 20 - digits.count) + digits
        }
        return Self.listed("stateMachineVersions", items.map(Self.versionJSON), next: next)
    }

    func deleteStateMachineVersion(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("stateMachineVersionArn", service: "states", resourceTypes: ["stateMachine"])
        guard arn.resourceParts.count == 3, Int(arn.resourceParts[2]) != nil else {
            throw AWSError("InvalidArn", "Invalid Arn: '\(arn)' is not a state machine version ARN (…:stateMachine:NAME:VERSION)")
        }
        try await AWSService.stepFunctions.call { try await versions.deleteVersion(arn: arn.description) }
        return [:]
    }

    // MARK: Aliases

    func createStateMachineAlias(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let name = try input.requiredString("name", length: 1...80)
        let description = try input.string("description", length: Self.versionDescriptionLength)
        let routing = try Self.routing(input, required: true) ?? []
        let alias = try await AWSService.stepFunctions.call { try await versions.createAlias(name: name, description: description, routing: routing) }
        return ["stateMachineAliasArn": .string(alias.aliasArn), "creationDate": Self.date(alias.creationDate)]
    }

    func describeStateMachineAlias(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try aliasArn(input)
        guard let alias = try await AWSService.stepFunctions.call({ try versions.alias(arn: arn) }) else {
            throw AWSError(StateMachineVersions.aliasNotFound(arn), answeredBy: .stepFunctions)
        }
        var output: JSONObject = [
            "stateMachineAliasArn": .string(alias.aliasArn), "name": .string(alias.name),
            "routingConfiguration": Self.routingJSON(alias.routing), "creationDate": Self.date(alias.creationDate),
        ]
        if let description = alias.description { output["description"] = .string(description) }
        if let updateDate = alias.updateDate { output["updateDate"] = Self.date(updateDate) }
        return .object(output)
    }

    func updateStateMachineAlias(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try aliasArn(input)
        let description = try input.string("description", length: Self.versionDescriptionLength)
        let routing = try Self.routing(input, required: false)
        guard description != nil || routing != nil else {
            throw AWSError(.validation, "Either the description or the RoutingConfiguration must be specified")
        }
        let alias = try await AWSService.stepFunctions.call { try await versions.updateAlias(arn: arn, description: description, routing: routing) }
        return ["updateDate": Self.date(alias.updateDate ?? alias.creationDate)]
    }

    func deleteStateMachineAlias(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try aliasArn(input)
        try await AWSService.stepFunctions.call { try await versions.deleteAlias(arn: arn) }
        return [:]
    }

    func listStateMachineAliases(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try unqualifiedMachineArn(input, "stateMachineArn")
        let page = try PageRequest(input, codec: tokens, scope: "ListStateMachineAliases \(arn)")
        let all = try await AWSService.stepFunctions.call { try versions.aliases(of: arn) }
        let (items, next) = Self.page(all, after: page, key: \.name)
        let aliases: [JSONValue] = items.map { ["stateMachineAliasArn": .string($0.aliasArn), "creationDate": Self.date($0.creationDate)] }
        return Self.listed("stateMachineAliases", aliases, next: next)
    }

    // MARK: Tags

    func tagResource(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("resourceArn", service: "states", resourceTypes: ["stateMachine", "activity"])
        let tags = try Self.tags(input, "tags", required: true)
        try await AWSService.stepFunctions.call { try await versions.tag(resourceArn: arn.description, tags: tags) }
        return [:]
    }

    func untagResource(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("resourceArn", service: "states", resourceTypes: ["stateMachine", "activity"])
        _ = try input.requiredValue("tagKeys")
        var keys: [String] = []
        for (position, value) in (try input.list("tagKeys", count: 0...200) ?? []).enumerated() {
            guard let key = value.stringValue, (1...128).contains(key.count) else {
                throw AWSError.validation(
                    member: "tagKeys.\(position + 1)",
                    constraint: "Member must be a string of length between 1 and 128",
                    value: value.serialized
                )
            }
            keys.append(key)
        }
        try await AWSService.stepFunctions.call { try await versions.untag(resourceArn: arn.description, keys: keys) }
        return [:]
    }

    func listTagsForResource(_ input: AWSInput, _ context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        let arn = try input.requiredARN("resourceArn", service: "states", resourceTypes: ["stateMachine", "activity"])
        let tags = try await AWSService.stepFunctions.call {
            try versions.requireTaggable(arn.description)
            return try versions.tags(of: arn.description)
        }
        return ["tags": .array(tags.map { ["key": .string($0.key), "value": .string($0.value)] })]
    }

    // MARK: Members

    /// A `TagList` member: `[{key, value}]`, keys 1–128 and values 0–256 characters.
    static func tags(_ input: AWSInput, _ member: String, required: Bool) throws(AWSError) -> [ResourceTag] {
        if required { _ = try input.requiredValue(member) }
        var tags: [ResourceTag] = []
        for tag in try input.structures(member) ?? [] {
            let key = try tag.requiredString("key", length: 1...128)
            let value = try tag.string("value", length: 0...256) ?? ""
            tags.append(ResourceTag(key: key, value: value))
        }
        return tags
    }

    /// A `RoutingConfigurationList` member (1–2 entries; the Engine checks the weights and versions).
    static func routing(_ input: AWSInput, required: Bool) throws(AWSError) -> [StateMachineAlias.Route]? {
        if required { _ = try input.requiredValue("routingConfiguration") }
        guard let entries = try input.structures("routingConfiguration", count: 1...2) else { return nil }
        var routes: [StateMachineAlias.Route] = []
        for entry in entries {
            let version = try entry.requiredARN("stateMachineVersionArn", service: "states", resourceTypes: ["stateMachine"])
            let weight = try entry.requiredInteger("weight", range: 0...100)
            routes.append(StateMachineAlias.Route(versionArn: version.description, weight: weight))
        }
        return routes
    }

    static func routingJSON(_ routing: [StateMachineAlias.Route]) -> JSONValue {
        .array(routing.map { ["stateMachineVersionArn": .string($0.versionArn), "weight": .integer($0.weight)] })
    }

    /// A state machine ARN member that must not name a version or alias.
    func unqualifiedMachineArn(_ input: AWSInput, _ member: String) throws(AWSError) -> String {
        let arn = try input.requiredARN(member, service: "states", resourceTypes: ["stateMachine"])
        guard arn.resourceParts.count == 2 else {
            throw AWSError("InvalidArn", "Invalid Arn: '\(arn)' at '\(member)' names a version or alias; give the state machine's own ARN")
        }
        return arn.description
    }

    /// The `stateMachineAliasArn` member: `…:stateMachine:NAME:ALIAS`.
    func aliasArn(_ input: AWSInput) throws(AWSError) -> String {
        let arn = try input.requiredARN("stateMachineAliasArn", service: "states", resourceTypes: ["stateMachine"])
        guard arn.resourceParts.count == 3, Int(arn.resourceParts[2]) == nil else {
            throw AWSError("InvalidArn", "Invalid Arn: '\(arn)' is not a state machine alias ARN (…:stateMachine:NAME:ALIAS)")
        }
        return arn.description
    }
}
