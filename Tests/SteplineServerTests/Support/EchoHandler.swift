import JSON
import SteplineServer

/// A handler standing in for the engine's, exercising each thing a handler can do:
/// return its input, report its context, throw a modeled error, refuse an operation.
struct EchoHandler: AWSServiceHandler {
    var service = AWSService.stepFunctions

    static let executionDoesNotExist = AWSError.Code("ExecutionDoesNotExist")

    func provides(operation: String) -> Bool { ["Echo", "Whoami", "Fail"].contains(operation) }

    func handle(operation: String, input: JSONValue, context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        switch operation {
        case "Echo":
            return input
        case "Whoami":
            return [
                "accessKeyID": context.accessKeyID.map { .string($0) } ?? .null,
                "region": .string(context.region),
                "target": .string(context.target),
            ]
        case "Fail":
            let arn = try AWSInput(input).requiredString("executionArn")
            throw AWSError(
                Self.executionDoesNotExist,
                "Execution Does Not Exist: '\(arn)'",
                queryErrorCode: service == .sqs ? "AWS.SimpleQueueService.NonExistentQueue" : nil
            )
        default:
            throw context.unknownOperation()
        }
    }
}
