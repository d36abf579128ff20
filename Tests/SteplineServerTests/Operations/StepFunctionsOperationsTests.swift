import HTTPTypes
import JSON
import Testing

@testable import SteplineServer

@Suite("Step Functions operation table")
struct StepFunctionsOperationsTests {
    static let definition = #"{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}"#
    static let role = "arn:aws:iam::123456789012:role/r"
    static let machinePrefix = "arn:aws:states:us-east-1:123456789012:stateMachine:"

    @Test("a state machine is created, described, listed and deleted")
    func stateMachineCycle() async throws {
        try await OperationTables.test { client in
            let created = try await OperationTables.call(
                client,
                .stepFunctions,
                "CreateStateMachine",
                ["name": "orders", "definition": .string(Self.definition), "roleArn": .string(Self.role)]
            )
            #expect(created.status == .ok)
            let arn = try #require(created.json["stateMachineArn"]?.stringValue)
            #expect(arn.hasSuffix(":stateMachine:orders"))

            let described = try await OperationTables.call(client, .stepFunctions, "DescribeStateMachine", ["stateMachineArn": .string(arn)])
            #expect(described.status == .ok)
            #expect(described.json["name"] == "orders")
            #expect(described.json["status"] == "ACTIVE")
            #expect(described.json["definition"]?.stringValue == Self.definition)

            let listed = try await OperationTables.call(client, .stepFunctions, "ListStateMachines")
            #expect(listed.json["stateMachines"]?.arrayValue?.compactMap { $0["stateMachineArn"]?.stringValue } == [arn])

            let deleted = try await OperationTables.call(client, .stepFunctions, "DeleteStateMachine", ["stateMachineArn": .string(arn)])
            #expect(deleted.status == .ok)
            let after = try await OperationTables.call(client, .stepFunctions, "ListStateMachines")
            #expect(after.json["stateMachines"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test("a missing member is a ValidationException and a bad definition an InvalidDefinition, both 400")
    func validation() async throws {
        try await OperationTables.test { client in
            let unnamed = try await OperationTables.call(
                client,
                .stepFunctions,
                "CreateStateMachine",
                ["definition": .string(Self.definition), "roleArn": .string(Self.role)]
            )
            OperationTables.expectError(unnamed, .badRequest, "ValidationException")
            let invalid = try await OperationTables.call(
                client,
                .stepFunctions,
                "CreateStateMachine",
                ["name": "broken", "definition": #"{"StartAt": "Nowhere", "States": {}}"#, "roleArn": .string(Self.role)]
            )
            OperationTables.expectError(invalid, .badRequest, "InvalidDefinition")
        }
    }

    @Test("a state machine or execution that does not exist is named by its own code")
    func notFound() async throws {
        try await OperationTables.test { client in
            let machine = try await OperationTables.call(
                client,
                .stepFunctions,
                "DescribeStateMachine",
                ["stateMachineArn": .string(Self.machinePrefix + "absent")]
            )
            OperationTables.expectError(machine, .badRequest, "StateMachineDoesNotExist")
            let execution = try await OperationTables.call(
                client,
                .stepFunctions,
                "DescribeExecution",
                ["executionArn": "arn:aws:states:us-east-1:123456789012:execution:absent:run-1"]
            )
            OperationTables.expectError(execution, .badRequest, "ExecutionDoesNotExist")
        }
    }

    @Test("an execution ARN too long for a storage key is a ValidationException naming it, not a server fault")
    func keyTooLong() async throws {
        try await OperationTables.test { client in
            // Names of 80 characters are within the model's bound, but 80 of 3 bytes each, twice
            // in the execution's ARN, make a key of 529 bytes: more than LMDB's 511.
            let name = String(repeating: "名", count: 80)
            let created = try await OperationTables.call(
                client,
                .stepFunctions,
                "CreateStateMachine",
                ["name": .string(name), "definition": .string(Self.definition), "roleArn": .string(Self.role)]
            )
            let machine = try #require(created.json["stateMachineArn"]?.stringValue)
            let answer = try await OperationTables.call(
                client,
                .stepFunctions,
                "StartExecution",
                ["stateMachineArn": .string(machine), "name": .string(name)]
            )
            OperationTables.expectError(answer, .badRequest, "ValidationException")
            let message = answer.json["message"]?.stringValue ?? ""
            #expect(message.contains("'arn:aws:states:us-east-1:123456789012:execution:名") && message.contains("(529 bytes)"), "\(message)")
        }
    }
}
