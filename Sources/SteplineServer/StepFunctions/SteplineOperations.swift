internal import JSON
public import Workflows

extension AWSService {
    /// Stepline's own operations (`X-Amz-Target: Stepline.<Operation>`, awsJson 1.0): the
    /// dead-letter and manual-review views, which no AWS service models.
    ///
    /// They live under their own prefix rather than inside `AWSStepFunctions`, so that an
    /// AWS SDK never sees an operation its model does not have, and signed requests use
    /// the `states` signing name, as the views are views of Step Functions executions.
    public static let stepline = AWSService(
        targetPrefix: "Stepline",
        jsonVersion: "1.0",
        signingName: "states",
        maximumRequestBodySize: 1 << 20
    )
}

/// The operations of ``AWSService/stepline``: `ListDeadLetters`, `ListReviewItems`,
/// `ResolveReviewItem`. Redriving a dead letter is Step Functions' own `RedriveExecution`.
public enum SteplineOperations {
    public static func table(engine: Engine) -> AWSOperationTable {
        var table = AWSOperationTable(service: .stepline)
        table.register("ListDeadLetters") { _, _ async throws(AWSError) in
            let items = try await AWSService.stepline.call { try engine.deadLetters() }
            return ["items": .array(items.map(itemJSON))]
        }
        table.register("ListReviewItems") { input, _ async throws(AWSError) in
            let includeResolved = try input.bool("includeResolved") ?? false
            let items = try await AWSService.stepline.call { try engine.reviewItems(includeResolved: includeResolved) }
            return ["items": .array(items.map(itemJSON))]
        }
        table.register("ResolveReviewItem") { input, _ async throws(AWSError) in
            let arn = try input.requiredARN("executionArn", service: "states", resourceTypes: ["execution"])
            let reason = try input.requiredString("reason", length: 1...32_768)
            try await AWSService.stepline.call { try await engine.resolveReview(executionArn: arn.description, reason: reason) }
            return [:]
        }
        return table
    }

    static func itemJSON(_ item: FailedExecutionItem) -> JSONValue {
        var object: JSONObject = [
            "executionArn": .string(item.executionArn), "stateMachineArn": .string(item.stateMachineArn),
            "status": .string(item.status), "redriveCount": .integer(item.redriveCount),
        ]
        if let error = item.error { object["error"] = .string(error) }
        if let cause = item.cause { object["cause"] = .string(cause) }
        if let stopDate = item.stopDate { object["stopDate"] = StepFunctionsAPI.date(stopDate) }
        if let resolution = item.resolution { object["resolution"] = .string(resolution) }
        if let resolvedDate = item.resolvedDate { object["resolvedDate"] = StepFunctionsAPI.date(resolvedDate) }
        return .object(object)
    }
}
