package import EventLog
import JSON
package import LMDB
public import Runtime

/// Versions, aliases and tags of state machines, on the Engine's log.
///
/// A version freezes one revision of a machine under a number; an alias routes
/// each start to one of one or two versions by weight; ``resolve(_:)`` turns any
/// of the three ARN forms into what ``Engine/startExecution(stateMachineArn:name:input:parentExecutionArn:revisionId:versionArn:aliasArn:)``
/// needs. Every change is a ``VersionsRecordKind`` record, acknowledged only
/// after it committed; the views are ``VersionsIndex`` databases.
///
/// Changes are serialized by the actor, so version numbers are given in order and
/// a check-then-append (an alias still refers to this version?) is never raced.
///
/// ## Topics
/// ### Versions
/// - ``publish(stateMachineArn:revisionId:description:)``
/// - ``versions(of:)``
/// - ``version(arn:)``
/// - ``deleteVersion(arn:)``
/// ### Aliases
/// - ``createAlias(name:description:routing:)``
/// - ``alias(arn:)``
/// - ``updateAlias(arn:description:routing:)``
/// - ``deleteAlias(arn:)``
/// - ``aliases(of:)``
/// ### Starting
/// - ``resolve(_:)``
/// ### Tags
/// - ``tag(resourceArn:tags:)``
/// - ``untag(resourceArn:keys:)``
/// - ``tags(of:)``
public actor StateMachineVersions {
    /// AWS's limit on tags per resource.
    public static let maximumTags = 50

    public nonisolated let engine: Engine
    package nonisolated let index: IndexDatabases

    /// Opens the views of an opened ``Engine`` (whose log registered ``VersionsIndex``).
    public init(engine: Engine) {
        self.engine = engine
        // Force-unwrap proven: Engine.open registers VersionsIndex on every log it opens.
        self.index = engine.log.databases(ofIndex: VersionsIndex().name)!
    }

    package nonisolated func db(_ which: VersionsIndex.DB) -> Database { index[which.rawValue] }

    // MARK: Versions

    /// Publishes the machine's current revision as a new version, or returns the
    /// latest version if it already holds that revision with the same description.
    ///
    /// - Parameter revisionId: when given, the revision the caller expects to be current.
    /// - Throws: ``EngineError`` `StateMachineDoesNotExist`; `ConflictException` when
    ///   `revisionId` is not the current revision, or the latest version holds it
    ///   with another description.
    public func publish(stateMachineArn: String, revisionId: String? = nil, description: String? = nil) async throws
        -> StateMachineVersion
    {
        let machine = try engine.describeStateMachine(arn: stateMachineArn)
        if let revisionId, revisionId != machine.revisionId {
            throw EngineError(
                .conflict,
                "The revisionId '\(revisionId)' is not the current revision of '\(stateMachineArn)' ('\(machine.revisionId)'); publish the current one or leave revisionId out"
            )
        }
        if let latest = try versions(of: stateMachineArn).first, latest.revisionId == machine.revisionId {
            guard description == nil || description == latest.description else {
                throw EngineError(
                    .conflict,
                    "Version \(latest.versionArn) already holds revision '\(machine.revisionId)' with another description; update the state machine first"
                )
            }
            return latest
        }
        let number = try lastVersionNumber(of: stateMachineArn) + 1
        let version = StateMachineVersion(
            stateMachineArn: stateMachineArn,
            version: number,
            revisionId: machine.revisionId,
            description: description,
            creationDate: engine.configuration.clock.now()
        )
        try await append(VersionsRecordKind.versionPublished, version, about: version.versionArn)
        return version
    }

    /// The versions of a machine, newest first.
    /// - Throws: ``EngineError`` `StateMachineDoesNotExist`.
    public nonisolated func versions(of stateMachineArn: String) throws -> [StateMachineVersion] {
        _ = try engine.describeStateMachine(arn: stateMachineArn)
        return try values(in: .versions, prefix: Keys.text(stateMachineArn) + [0]) { try StateMachineVersion(recordJSON: $0) }.reversed()
    }

    /// The version `arn` names, if it exists.
    public nonisolated func version(arn: String) throws -> StateMachineVersion? {
        guard case .version(let machineArn, let number) = QualifiedArn(arn) else { return nil }
        guard let bytes = try engine.log.read({ try $0.value(forKey: VersionKeys.version(machineArn, number), in: db(.versions)) }) else {
            return nil
        }
        return try StateMachineVersion(recordBytes: bytes)
    }

    /// Deletes a version; deleting one that does not exist succeeds, as in AWS.
    /// Executions that run it go on.
    /// - Throws: ``EngineError`` `ConflictException` while an alias routes to it.
    public func deleteVersion(arn: String) async throws {
        guard let version = try version(arn: arn) else { return }
        let referring = try aliases(of: version.stateMachineArn).filter { $0.routing.contains { $0.versionArn == arn } }
        guard referring.isEmpty else {
            throw EngineError(
                .conflict,
                "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [\(referring.map(\.name).joined(separator: ", "))]"
            )
        }
        let record = VersionDeletion(
            stateMachineArn: version.stateMachineArn, version: version.version, time: engine.configuration.clock.now())
        try await append(VersionsRecordKind.versionDeleted, record, about: arn)
    }

    private nonisolated func lastVersionNumber(of machineArn: String) throws -> Int {
        guard let bytes = try engine.log.read({ try $0.value(forKey: Keys.text(machineArn), in: db(.counters)) }) else { return 0 }
        return try JSONParser.parse(bytes: bytes).integerValue ?? 0
    }

    // MARK: Aliases

    /// Creates an alias routing to the versions of `routing`; creating it again with the
    /// same description and routing returns it unchanged.
    /// - Throws: ``EngineError`` `InvalidName`, `ValidationException` (routing),
    ///   `ResourceNotFound` (a version), `ConflictException` (exists with another configuration).
    public func createAlias(name: String, description: String?, routing: [StateMachineAlias.Route]) async throws -> StateMachineAlias {
        try Self.validateAliasName(name)
        let machineArn = try validated(routing)
        var alias = StateMachineAlias(
            stateMachineArn: machineArn,
            name: name,
            description: description,
            routing: routing,
            creationDate: engine.configuration.clock.now()
        )
        if let existing = try self.alias(arn: alias.aliasArn) {
            guard existing.description == description, existing.routing == routing else {
                throw EngineError(.conflict, "Alias '\(alias.aliasArn)' already exists with another description or routing configuration")
            }
            return existing
        }
        alias.updateDate = nil
        try await append(VersionsRecordKind.aliasCreated, alias, about: alias.aliasArn)
        return alias
    }

    /// The alias `arn` names, if it exists.
    public nonisolated func alias(arn: String) throws -> StateMachineAlias? {
        guard case .alias(let machineArn, let name) = QualifiedArn(arn) else { return nil }
        guard let bytes = try engine.log.read({ try $0.value(forKey: VersionKeys.alias(machineArn, name), in: db(.aliases)) }) else {
            return nil
        }
        return try StateMachineAlias(recordBytes: bytes)
    }

    /// Changes an alias's description and/or routing.
    /// - Throws: ``EngineError`` `ResourceNotFound`, `ValidationException`.
    public func updateAlias(arn: String, description: String?, routing: [StateMachineAlias.Route]?) async throws -> StateMachineAlias {
        guard var alias = try alias(arn: arn) else { throw Self.aliasNotFound(arn) }
        if let routing {
            let machineArn = try validated(routing)
            guard machineArn == alias.stateMachineArn else {
                throw EngineError(
                    .validation,
                    "Routing configuration of '\(arn)' must name versions of \(alias.stateMachineArn), not of \(machineArn)"
                )
            }
            alias.routing = routing
        }
        if let description { alias.description = description }
        alias.updateDate = engine.configuration.clock.now()
        try await append(VersionsRecordKind.aliasUpdated, alias, about: arn)
        return alias
    }

    /// Deletes an alias. Executions started through it go on.
    /// - Throws: ``EngineError`` `ResourceNotFound`.
    public func deleteAlias(arn: String) async throws {
        guard let alias = try alias(arn: arn) else { throw Self.aliasNotFound(arn) }
        let record = AliasDeletion(stateMachineArn: alias.stateMachineArn, name: alias.name, time: engine.configuration.clock.now())
        try await append(VersionsRecordKind.aliasDeleted, record, about: arn)
    }

    /// The aliases of a machine, by name.
    /// - Throws: ``EngineError`` `StateMachineDoesNotExist`.
    public nonisolated func aliases(of stateMachineArn: String) throws -> [StateMachineAlias] {
        _ = try engine.describeStateMachine(arn: stateMachineArn)
        return try values(in: .aliases, prefix: Keys.text(stateMachineArn) + [0]) { try StateMachineAlias(recordJSON: $0) }
    }

    /// AWS's alias names: 1–80 of letters, digits, `_`, `-`, `.`, not only digits
    /// (a number would be a version).
    package static func validateAliasName(_ name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_-.".unicodeScalars.contains(scalar))
        }
        guard (1...80).contains(name.count), allowed, name.contains(where: { !("0"..."9").contains($0) }) else {
            throw EngineError(.invalidName, "Invalid Name: '\(name)' (an alias name has 1 to 80 letters, digits, '_', '-' or '.', and not only digits)")
        }
    }

    /// Checks a routing configuration and returns the machine its versions belong to.
    private func validated(_ routing: [StateMachineAlias.Route]) throws -> String {
        guard (1...2).contains(routing.count) else {
            throw EngineError(.validation, "Routing configuration must have one or two versions, got \(routing.count)")
        }
        guard Set(routing.map(\.versionArn)).count == routing.count else {
            throw EngineError(.validation, "Routing configuration must not name the same version twice")
        }
        guard routing.allSatisfy({ (0...100).contains($0.weight) }), routing.reduce(0, { $0 + $1.weight }) == 100 else {
            throw EngineError(.validation, "Routing configuration weights must be between 0 and 100 and add up to 100, got \(routing.map(\.weight))")
        }
        var machines: Set<String> = []
        for route in routing {
            guard case .version(let machineArn, _) = QualifiedArn(route.versionArn) else {
                throw EngineError(.invalidArn, "Invalid Arn: '\(route.versionArn)' is not a state machine version ARN")
            }
            guard try version(arn: route.versionArn) != nil else {
                throw EngineError(.statesResourceNotFound, "Resource not found: version '\(route.versionArn)'")
            }
            machines.insert(machineArn)
        }
        guard machines.count == 1, let machineArn = machines.first else {
            throw EngineError(.validation, "Routing configuration must name versions of one state machine, got \(machines.sorted())")
        }
        return machineArn
    }

    /// The error for an alias that does not exist.
    public static func aliasNotFound(_ arn: String) -> EngineError {
        EngineError(.statesResourceNotFound, "Resource not found: alias '\(arn)'")
    }

    // MARK: Starting

    /// What an execution started with `arn` runs.
    public struct ExecutionTarget: Sendable, Hashable {
        /// The unqualified state machine ARN.
        public var stateMachineArn: String
        /// The revision to run; `nil` for the machine's current one.
        public var revisionId: String?
        public var versionArn: String?
        public var aliasArn: String?
    }

    /// Resolves a state machine, version or alias ARN; an alias picks one of its
    /// versions at random by weight (the choice is recorded with the execution).
    /// Nonisolated (reads only), so a start does not queue behind version changes.
    /// - Throws: ``EngineError`` `StateMachineDoesNotExist` for a version or alias that does not exist.
    public nonisolated func resolve(_ arn: String) throws -> ExecutionTarget {
        switch QualifiedArn(arn) {
        case .unqualified:
            return ExecutionTarget(stateMachineArn: arn)
        case .version:
            guard let version = try version(arn: arn) else {
                throw EngineError(.stateMachineDoesNotExist, "State Machine Does Not Exist: '\(arn)'")
            }
            return ExecutionTarget(stateMachineArn: version.stateMachineArn, revisionId: version.revisionId, versionArn: arn)
        case .alias:
            guard let alias = try alias(arn: arn) else {
                throw EngineError(.stateMachineDoesNotExist, "State Machine Does Not Exist: '\(arn)'")
            }
            var random = SystemRandomNumberGenerator()
            var draw = Int.random(in: 0..<100, using: &random)
            let route = alias.routing.first { route in
                defer { draw -= route.weight }
                return draw < route.weight
            } ?? alias.routing[alias.routing.count - 1]
            guard let version = try version(arn: route.versionArn) else {
                throw EngineError(.stateMachineDoesNotExist, "State Machine Does Not Exist: '\(route.versionArn)' (routed to by \(arn))")
            }
            return ExecutionTarget(
                stateMachineArn: version.stateMachineArn,
                revisionId: version.revisionId,
                versionArn: version.versionArn,
                aliasArn: arn
            )
        }
    }

    // MARK: Tags

    /// Adds tags (overwriting values of keys it has) to a state machine or activity.
    /// - Throws: ``EngineError`` `ResourceNotFound`, `TooManyTags` past ``maximumTags``.
    public func tag(resourceArn: String, tags: [ResourceTag]) async throws {
        try requireTaggable(resourceArn)
        let keys = Set(try self.tags(of: resourceArn).map(\.key)).union(tags.map(\.key))
        guard keys.count <= Self.maximumTags else {
            throw EngineError(.tooManyTags, "Too many tags: '\(resourceArn)' would have \(keys.count), at most \(Self.maximumTags) are allowed")
        }
        let record = TagsAdded(resourceArn: resourceArn, tags: tags, time: engine.configuration.clock.now())
        try await append(VersionsRecordKind.tagsAdded, record, about: resourceArn)
    }

    /// Removes the tags with `keys`; keys it does not have are ignored.
    /// - Throws: ``EngineError`` `ResourceNotFound`.
    public func untag(resourceArn: String, keys: [String]) async throws {
        try requireTaggable(resourceArn)
        let record = TagsRemoved(resourceArn: resourceArn, keys: keys, time: engine.configuration.clock.now())
        try await append(VersionsRecordKind.tagsRemoved, record, about: resourceArn)
    }

    /// The tags of a resource, in the order first added.
    public nonisolated func tags(of resourceArn: String) throws -> [ResourceTag] {
        guard let bytes = try engine.log.read({ try $0.value(forKey: Keys.text(resourceArn), in: db(.tags)) }) else { return [] }
        return try [ResourceTag](recordBytes: bytes)
    }

    /// Throws unless `arn` is a state machine or activity that exists: tags belong only to those.
    /// - Throws: ``EngineError`` `ResourceNotFound`.
    public nonisolated func requireTaggable(_ arn: String) throws {
        let exists: Bool
        let scope = engine.context.scope(ofArn: arn)
        if arn.hasPrefix(engine.stateMachineArnPrefix(in: scope)), case .unqualified = QualifiedArn(arn) {
            exists = try engine.storedStateMachine(arn) != nil
        } else if arn.hasPrefix(engine.activityArnPrefix(in: scope)) {
            exists = try engine.readValue(Keys.text(arn), in: .activities) != nil
        } else {
            exists = false
        }
        guard exists else { throw EngineError(.statesResourceNotFound, "Resource not found: '\(arn)'") }
    }

    // MARK: Log

    private func append(_ kind: RecordKind, _ payload: some RecordPayload, about subject: String) async throws {
        let record = payload.record(kind, timestamp: engine.configuration.clock.now() * 1000, stream: StreamID(0))
        try await engine.log.append([record], about: subject)
    }

    private nonisolated func values<Value>(in which: VersionsIndex.DB, prefix: [UInt8], _ decode: (JSONValue) throws -> Value) throws -> [Value] {
        try engine.log.read { try $0.values(withPrefix: prefix, in: db(which)) }.map { try decode(try JSONParser.parse(bytes: $0)) }
    }
}

/// The three forms of a state machine ARN: `…:stateMachine:NAME`, `…:NAME:VERSION`, `…:NAME:ALIAS`.
package enum QualifiedArn: Hashable {
    case unqualified
    case version(stateMachineArn: String, number: Int)
    case alias(stateMachineArn: String, name: String)

    package init(_ arn: String) {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 8, parts[5] == "stateMachine" else {
            self = .unqualified
            return
        }
        let machine = parts[0..<7].joined(separator: ":")
        let qualifier = String(parts[7])
        if let number = Int(qualifier), qualifier.allSatisfy(\.isASCII) {
            self = .version(stateMachineArn: machine, number: number)
        } else {
            self = .alias(stateMachineArn: machine, name: qualifier)
        }
    }
}
