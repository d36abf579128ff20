package import JSON
package import Runtime
package import StatesLanguage

extension TaskHandlerMap {
    /// Where a task goes and what it sends: a `lambda:invoke` task is looked up by its
    /// `FunctionName` and sends its `Payload`; any other sends its parameters to its resource.
    package static func target(of task: ScheduledTask) -> (lookup: String, input: JSONValue, lambdaInvoke: Bool) {
        if TaskHandlerMap.baseResource(task.resource) == "arn:aws:states:::lambda:invoke",
            let function = task.parameters["FunctionName"]?.stringValue
        {
            return (function, task.parameters["Payload"] ?? [:], true)
        }
        return (task.resource, task.parameters, false)
    }
}

extension Invoker {
    /// Runs `task` once, by the invoker's rule (an in-process handler, else the handler
    /// its resource maps to), as the Engine does after a commit; `lambda:invoke` is looked
    /// up by its `FunctionName` and sends its `Payload`, and its answer comes in Lambda's
    /// envelope (`{"ExecutedVersion", "Payload", "StatusCode"}`).
    /// - Parameters:
    ///   - idempotencyKey: handed to the handler (`STEPLINE_IDEMPOTENCY_KEY`, header
    ///     `Stepline-Idempotency-Key`) so it can deduplicate deliveries of one attempt.
    ///   - token: the task token, for `.waitForTaskToken` resources.
    package func run(_ task: ScheduledTask, executionArn: String, idempotencyKey: String, token: String? = nil) async -> Outcome {
        let (lookup, input, lambdaInvoke) = TaskHandlerMap.target(of: task)
        let invocation = TaskInvocation(
            resource: lookup, input: input, idempotencyKey: idempotencyKey, token: token, executionArn: executionArn,
            stateName: task.stateName)
        let outcome = await invoke(invocation)
        guard lambdaInvoke, case .succeeded(let output) = outcome else { return outcome }
        return .succeeded(["ExecutedVersion": "$LATEST", "Payload": output, "StatusCode": 200])
    }
}
