import HTTPTypes
import HummingbirdTesting
import JSON
import LMDB
import Testing
import Workflows

@testable import SteplineServer
@testable import Runtime

@Suite("EventBridge operation table")
struct EventBridgeOperationsTests {
    @Test("an event bus is created, described, listed and deleted")
    func busCycle() async throws {
        try await OperationTables.test { client in
            let created = try await OperationTables.call(client, .events, "CreateEventBus", ["Name": "orders"])
            #expect(created.status == .ok)
            let arn = try #require(created.json["EventBusArn"]?.stringValue)
            #expect(arn.hasSuffix(":event-bus/orders"))

            let described = try await OperationTables.call(client, .events, "DescribeEventBus", ["Name": "orders"])
            #expect(described.json["Name"] == "orders")
            #expect(described.json["Arn"]?.stringValue == arn)
            let listed = try await OperationTables.call(client, .events, "ListEventBuses", ["NamePrefix": "ord"])
            #expect(listed.json["EventBuses"]?.arrayValue?.compactMap { $0["Name"]?.stringValue } == ["orders"])

            let deleted = try await OperationTables.call(client, .events, "DeleteEventBus", ["Name": "orders"])
            #expect(deleted.status == .ok)
            let gone = try await OperationTables.call(client, .events, "DescribeEventBus", ["Name": "orders"])
            OperationTables.expectError(gone, .badRequest, "ResourceNotFoundException")
        }
    }

    @Test("a missing member is a ValidationException and a bad pattern an InvalidEventPatternException")
    func validation() async throws {
        try await OperationTables.test { client in
            let unnamed = try await OperationTables.call(client, .events, "CreateEventBus", [:])
            OperationTables.expectError(unnamed, .badRequest, "ValidationException")
            let pattern = try await OperationTables.call(client, .events, "PutRule", ["Name": "r", "EventPattern": #"{"source": "not-a-list"}"#])
            OperationTables.expectError(pattern, .badRequest, "InvalidEventPatternException")
        }
    }

    @Test("a rule that does not exist is a ResourceNotFoundException")
    func notFound() async throws {
        try await OperationTables.test { client in
            let answer = try await OperationTables.call(client, .events, "DescribeRule", ["Name": "absent"])
            OperationTables.expectError(answer, .badRequest, "ResourceNotFoundException")
        }
    }

    @Test("an identifier LMDB refuses as a key is a ValidationException, not a server fault")
    func keyTooLong() async throws {
        try await OperationTables.test { client in
            // The one input of the malformed-input sweep that reaches LMDB's key check.
            let answer = try await OperationTables.call(
                client,
                .events,
                "StartReplay",
                [
                    "ReplayName": "x", "EventSourceArn": "x", "EventStartTime": -1_099_511_627_776, "EventEndTime": -1_099_511_627_776,
                    "Destination": ["Arn": "x"],
                ]
            )
            OperationTables.expectError(answer, .badRequest, "ValidationException")
            #expect(answer.json["message"]?.stringValue?.contains("empty or too long to be stored") == true)
        }
    }

    @Test("a failing log is InternalFailure with status 500, never an internal name")
    func storageFailure() async throws {
        var table = AWSOperationTable(service: .events)
        table.register("ListEventBuses") { _, _ async throws(AWSError) in
            try await AWSService.events.call {
                throw ServiceError.storage(
                    LMDBError(code: .noSpace, function: "mdb_txn_commit", message: "No space left on device"),
                    about: "bus orders"
                )
            }
        }
        let app = AWSDispatcherTests.app(handlers: [table])
        try await app.test(.router) { client in
            let answer = try await OperationTables.call(client, .events, "ListEventBuses")
            OperationTables.expectError(answer, .internalServerError, "InternalFailure")
        }
    }
}
