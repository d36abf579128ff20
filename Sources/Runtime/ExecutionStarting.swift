public import EventLog

/// What starts a workflow execution for a service that is not the workflow engine:
/// a rule's or a pipe's state-machine target.
///
/// The workflow engine conforms; the composition root hands it to the services that
/// start executions, so they need not know the engine's type (no cycle between them).
///
/// Prefer ``startCommand(of:named:input:at:)``: the start becomes a record in the
/// caller's own transaction (the one that records the delivery, say), so it happens
/// exactly once however the process crashes, where a call after the commit can be lost
/// and a call before it can start an execution for a delivery that never committed.
public protocol ExecutionStarting: Sendable {
    /// Starts an execution of `stateMachineArn` named `name` with `input` (JSON text).
    ///
    /// Idempotent by name, as `StartExecution` is: a second call with the same name and
    /// input (a delivery retried after a crash) finds the execution already started and
    /// succeeds without starting another.
    func startExecution(of stateMachineArn: String, named name: String, input: String) async throws

    /// The record that asks for an execution of `stateMachineArn` named `name` with
    /// `input` (JSON text), decided at `time` (milliseconds since the Unix epoch), for the
    /// caller to append in its own transaction.
    ///
    /// Once that transaction commits, the workflow engine applies the command exactly
    /// once: while it runs it follows the log and starts the execution (the start and the
    /// mark that the command was applied are one transaction); a command committed while
    /// it was not running, or not yet applied when the process stopped, is applied when it
    /// opens again. A command it cannot apply (no such state machine, an invalid name or
    /// input, a name already taken by another execution) is marked applied with the
    /// refusal and logged; nothing is reported back to the caller, whose part ended with
    /// its commit. A record that is never committed starts nothing.
    func startCommand(of stateMachineArn: String, named name: String, input: String, at time: Int64) -> Record
}
