package import EventLog
import Foundation
import HeapModule
import JSON
import LMDB
public import Runtime
package import StatesLanguage

extension Engine {
    /// `arn:aws:states:REGION:ACCOUNT:stateMachine:` of `scope` (`nil`: the default scope).
    package nonisolated func stateMachineArnPrefix(in scope: ResourceScope? = nil) -> String {
        (scope ?? context.defaultScope).arn("states", "stateMachine:")
    }

    /// `arn:aws:states:REGION:ACCOUNT:activity:` of `scope` (`nil`: the default scope).
    package nonisolated func activityArnPrefix(in scope: ResourceScope? = nil) -> String {
        (scope ?? context.defaultScope).arn("states", "activity:")
    }

    package nonisolated func storedStateMachine(_ arn: String) throws -> StateMachineDescription? {
        guard let bytes = try readValue(Keys.text(arn), in: .stateMachines) else { return nil }
        return try StateMachineDescription(recordBytes: bytes)
    }

    /// Validates `definition` and fails with AWS's `InvalidDefinition` message listing every problem.
    package nonisolated func validatedDefinition(_ definition: String) throws -> StateMachineDefinition {
        let result = StateMachineDefinition.parse(definition)
        guard let parsed = result.definition else {
            let problems = result.diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "; ")
            throw EngineError(.invalidDefinition, "Invalid State Machine Definition: '\(problems)'")
        }
        return parsed
    }

    /// Creates a state machine (its first revision) in `scope` (`nil`: the default scope).
    ///
    /// Creating the same name with the same definition and role again returns
    /// the existing machine, as AWS does; anything else is `StateMachineAlreadyExists`.
    /// - Throws: ``EngineError`` `InvalidName`, `InvalidDefinition`, `StateMachineAlreadyExists`.
    public func createStateMachine(
        name: String,
        definition: String,
        roleArn: String = "arn:aws:iam::123456789012:role/stepline",
        type: String = "STANDARD",
        in scope: ResourceScope? = nil
    ) async throws -> StateMachineDescription {
        try Self.validateName(name)
        _ = try validatedDefinition(definition)
        let arn = stateMachineArnPrefix(in: scope) + name
        await acquire(arn)
        defer { release(arn) }
        if let existing = try storedStateMachine(arn) {
            if existing.definition == definition && existing.roleArn == roleArn && existing.type == type { return existing }
            throw EngineError(.stateMachineAlreadyExists, "State Machine Already Exists: '\(arn)'")
        }
        let stream = nextStream
        nextStream += 1
        let time = now()
        let machine = StateMachineDescription(
            stateMachineArn: arn,
            name: name,
            definition: definition,
            roleArn: roleArn,
            type: type,
            creationDate: time,
            revisionId: UUID().uuidString.lowercased(),
            stream: stream
        )
        try await append(EngineRecordKind.stateMachineCreated, machine, stream: stream, at: time, about: arn)
        return machine
    }

    /// Updates the definition and/or role: a new revision. Running executions keep theirs.
    /// - Throws: ``EngineError`` `StateMachineDoesNotExist`, `InvalidDefinition`.
    public func updateStateMachine(arn: String, definition: String?, roleArn: String?) async throws -> StateMachineDescription {
        if let definition { _ = try validatedDefinition(definition) }
        await acquire(arn)
        defer { release(arn) }
        guard var machine = try storedStateMachine(arn) else {
            throw EngineError(.stateMachineDoesNotExist, "State Machine Does Not Exist: '\(arn)'")
        }
        if (definition ?? machine.definition) == machine.definition && (roleArn ?? machine.roleArn) == machine.roleArn {
            return machine
        }
        let time = now()
        machine.definition = definition ?? machine.definition
        machine.roleArn = roleArn ?? machine.roleArn
        machine.updateDate = time
        machine.revisionId = UUID().uuidString.lowercased()
        try await append(EngineRecordKind.stateMachineUpdated, machine, stream: machine.stream, at: time, about: arn)
        return machine
    }

    /// The current revision of a state machine.
    /// - Throws: ``EngineError`` `StateMachineDoesNotExist`.
    public nonisolated func describeStateMachine(arn: String) throws -> StateMachineDescription {
        guard let machine = try storedStateMachine(arn) else {
            throw EngineError(.stateMachineDoesNotExist, "State Machine Does Not Exist: '\(arn)'")
        }
        return machine
    }

    /// A revision of a state machine, for `DescribeStateMachineForExecution`.
    public nonisolated func describeStateMachine(arn: String, revisionId: String) throws -> StateMachineDescription {
        guard let bytes = try readValue(Keys.revision(arn, revisionId), in: .revisions) else {
            throw EngineError(.stateMachineDoesNotExist, "State Machine Does Not Exist: '\(arn)'")
        }
        return try StateMachineDescription(recordBytes: bytes)
    }

    /// Every state machine of `scope` (`nil`: the default scope), by ARN.
    public nonisolated func listStateMachines(in scope: ResourceScope? = nil) throws -> [StateMachineDescription] {
        try allValues(in: .stateMachines, prefix: stateMachineArnPrefix(in: scope)) { try StateMachineDescription(recordJSON: $0) }
    }

    /// Deletes a state machine. Running executions go on with their revision;
    /// deleting one that does not exist succeeds, as AWS does.
    public func deleteStateMachine(arn: String) async throws {
        await acquire(arn)
        defer { release(arn) }
        guard let machine = try storedStateMachine(arn) else { return }
        try await append(
            EngineRecordKind.stateMachineDeleted,
            StateMachineDeletion(stateMachineArn: arn),
            stream: machine.stream,
            at: now(),
            about: arn
        )
    }

    /// Appends one record and waits for its commit.
    package func append(
        _ kind: RecordKind, _ payload: some RecordPayload, stream: UInt64, at time: Int64, about subject: String
    ) async throws {
        try await log.append([payload.record(kind, timestamp: time * 1000, stream: StreamID(stream))], about: subject)
    }
}
