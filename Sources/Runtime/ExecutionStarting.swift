/// What starts a workflow execution for a service that is not the workflow engine:
/// a rule's or a pipe's state-machine target.
///
/// The workflow engine conforms; the composition root hands it to the services that
/// start executions, so they need not know the engine's type (no cycle between them).
public protocol ExecutionStarting: Sendable {
    /// Starts an execution of `stateMachineArn` named `name` with `input` (JSON text).
    ///
    /// Idempotent by name, as `StartExecution` is: a second call with the same name and
    /// input (a delivery retried after a crash) finds the execution already started and
    /// succeeds without starting another.
    func startExecution(of stateMachineArn: String, named name: String, input: String) async throws
}
