import JSON
import Logging
import Testing

@testable import SteplineServer

@Suite("Operation tables")
struct AWSOperationTableTests {
    static func context(_ operation: String) -> AWSRequestContext {
        AWSRequestContext(
            requestID: "r",
            service: .events,
            operation: operation,
            accessKeyID: nil,
            region: "us-east-1",
            logger: Logger(label: "test")
        )
    }

    let table: AWSOperationTable = {
        var table = AWSOperationTable(service: .events)
        table.register("DescribeEventBus") { input, context async throws(AWSError) in
            let name = try input.string("Name") ?? "default"
            return ["Name": .string(name), "Arn": .string("arn:aws:events:\(context.region):123456789012:event-bus/\(name)")]
        }
        return table
    }()

    @Test("a registered operation runs with its input read as a structure")
    func runsRegisteredOperation() async throws {
        let output = try await table.handle(operation: "DescribeEventBus", input: ["Name": "b"], context: Self.context("DescribeEventBus"))
        #expect(output == ["Name": "b", "Arn": "arn:aws:events:us-east-1:123456789012:event-bus/b"])
        #expect(table.provides(operation: "DescribeEventBus"))
        #expect(table.operationNames == ["DescribeEventBus"])
    }

    @Test("an operation that is not registered is an UnknownOperationException naming the target")
    func refusesUnregistered() async {
        #expect(!table.provides(operation: "PutRule"))
        let error = await #expect(throws: AWSError.self) {
            try await table.handle(operation: "PutRule", input: [:], context: Self.context("PutRule"))
        }
        #expect(error?.code == .unknownOperation)
        #expect(error?.message.contains("AWSEvents.PutRule") == true)
    }
}
