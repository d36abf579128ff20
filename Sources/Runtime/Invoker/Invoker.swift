public import JSON
import Memberwise

/// Calls what a Task state, a bus target, a topic subscription or a pipe step names,
/// the one way every service reaches code outside the log.
///
/// The rule is the same for every caller:
/// 1. an in-process handler registered for the resource (without its
///    `.sync`/`.waitForTaskToken` suffix) runs first, in this process;
/// 2. otherwise the handler the caller chose (an HTTP URL target, an API
///    destination), if any;
/// 3. otherwise the handler `workflows/handlers.yaml` maps the resource to (a local
///    command or an HTTP endpoint), run by ``TaskRunner`` with its timeout;
/// 4. with none of them the call is ``Outcome/noHandler(_:)``, which each caller
///    reports in its own terms (EventBridge's `RESOURCE_NOT_FOUND`, not retried).
///
/// Every call carries an idempotency key, built by the one rule of ``IdempotencyKey``
/// (handed to commands as `STEPLINE_IDEMPOTENCY_KEY` and to endpoints as
/// `Stepline-Idempotency-Key`): the same for every delivery of one effect, so a handler
/// that sees it twice after a crash can answer from what it did the first time. A failure is always an
/// error name and a cause, named as Step Functions names them (`States.TaskFailed`,
/// `States.Timeout`, `States.Http.StatusCode.503`, or the name a handler chose).
@MemberwiseInit(.public)
public struct Invoker: Sendable {
    /// A handler that runs inside this process: the input in, the output out; a thrown
    /// ``TaskFailure`` chooses the error name and cause.
    public typealias InProcessHandler = @Sendable (JSONValue) async throws -> JSONValue

    /// Which handler runs each resource (`workflows/handlers.yaml`).
    public var handlers: TaskHandlerMap = TaskHandlerMap()
    /// Handlers that run inside this process, by resource, checked before ``handlers``.
    public var inProcessHandlers: [String: InProcessHandler] = [:]

    private let runner = TaskRunner()

    /// How a call ended.
    package enum Outcome: Sendable {
        case succeeded(JSONValue)
        case failed(error: String, cause: String)
        /// Nothing runs the resource: the cause says what to configure.
        case noHandler(String)

        /// The outcome as a task's: no handler is `States.TaskFailed`.
        package var taskOutcome: TaskOutcome {
            switch self {
            case .succeeded(let output): .succeeded(output)
            case .failed(let error, let cause): .failed(error: error, cause: cause)
            case .noHandler(let cause): .failed(error: TaskRunner.taskFailed, cause: cause)
            }
        }
    }

    /// Calls `invocation.resource` once, by the rule above; `handler` overrides the map
    /// (a target that is itself a URL) but not an in-process handler.
    package func invoke(_ invocation: TaskInvocation, handler chosen: TaskHandlerMap.Handler? = nil) async -> Outcome {
        if let inProcess = inProcessHandlers[TaskHandlerMap.baseResource(invocation.resource)] {
            do { return .succeeded(try await inProcess(invocation.input)) } catch let failure as TaskFailure {
                return .failed(error: failure.error, cause: failure.cause)
            } catch {
                return .failed(error: TaskRunner.taskFailed, cause: "\(error)")
            }
        }
        guard let handler = chosen ?? handlers.handler(for: invocation.resource) else {
            return .noHandler("No handler is configured for \(invocation.resource); add it to workflows/handlers.yaml.")
        }
        switch await runner.run(handler, invocation) {
        case .succeeded(let output): return .succeeded(output)
        case .failed(let error, let cause): return .failed(error: error, cause: cause)
        }
    }
}
