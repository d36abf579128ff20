public import EventLog
public import LMDB

/// What starts a workflow execution for a service that is not the workflow engine:
/// a rule's or a pipe's state-machine target.
///
/// The workflow engine conforms; the composition root hands it to the services that
/// start executions, so they need not know the engine's type (no cycle between them).
///
/// A start is a record in the caller's own transaction (the one that records the
/// delivery's success, or deletes a pipe's batch from its source): it happens exactly
/// once however the process crashes, where a call after the commit could be lost and a
/// call before it could start an execution for a delivery that never committed. The
/// caller checks the start first (``checkStart(of:named:input:in:)``, in that same
/// transaction), so what the engine would refuse fails the caller's delivery instead.
///
/// ```swift
/// try log.transact { append in
///     try executions.checkStart(of: arn, named: name, input: input, in: append.transaction)
///     try append.append(executions.startCommand(of: arn, named: name, input: input, at: time))
///     try append.append(success)  // the delivery's own record
/// }
/// ```
public protocol ExecutionStarting: Sendable {
    /// Throws what starting an execution of `stateMachineArn` named `name` with `input`
    /// (JSON text) would be refused with, as read in `transaction`: ``EngineError``
    /// `StateMachineDoesNotExist`, `InvalidName` or `InvalidExecutionInput`.
    ///
    /// A name already taken is not checked: a start command whose execution runs with the
    /// same input is applied as done, and one refused when applied is only logged.
    func checkStart(of stateMachineArn: String, named name: String, input: String, in transaction: ReadTransaction) throws

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
