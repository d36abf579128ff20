public import JSON
public import StatesLanguage
public import Runtime

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

    /// Runs `task` once on the handler its resource maps to (a local command or an HTTP
    /// endpoint), as the Engine does after a commit; also usable without an Engine
    /// (`stepline run`, `TestState`).
    ///
    /// A `lambda:invoke` answer comes in Lambda's envelope (`{"ExecutedVersion", "Payload",
    /// "StatusCode"}`), as `Payload` the handler's output.
    /// - Parameters:
    ///   - idempotencyKey: handed to the handler (`STEPLINE_IDEMPOTENCY_KEY`, header
    ///     `Stepline-Idempotency-Key`) so it can deduplicate deliveries of one attempt.
    ///   - token: the task token, for `.waitForTaskToken` resources.
    /// - Returns: the output, or the failure (`States.TaskFailed` when no handler maps the resource).
    public func run(
        _ task: ScheduledTask,
        executionArn: String,
        idempotencyKey: String,
        token: String? = nil
    ) async -> Result<JSONValue, TaskFailure> {
        let (lookup, input, lambdaInvoke) = Self.target(of: task)
        guard let handler = handler(for: lookup) else {
            return .failure(
                TaskFailure(
                    error: StatesError.Name.taskFailed,
                    cause: "No handler is configured for the resource \(lookup); add it to workflows/handlers.yaml."
                )
            )
        }
        let invocation = TaskInvocation(
            resource: lookup,
            input: input,
            idempotencyKey: idempotencyKey,
            token: token,
            executionArn: executionArn,
            stateName: task.stateName
        )
        switch await TaskRunner().run(handler, invocation) {
        case .succeeded(let output):
            return .success(lambdaInvoke ? ["ExecutedVersion": "$LATEST", "Payload": output, "StatusCode": 200] : output)
        case .failed(let error, let cause):
            return .failure(TaskFailure(error: error, cause: cause))
        }
    }
}
