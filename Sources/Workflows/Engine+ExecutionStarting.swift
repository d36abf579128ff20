public import EventLog
import JSON
public import LMDB
public import Runtime

/// Rules and pipes start executions through ``Runtime/ExecutionStarting``, so they need not
/// know the engine: by a start command committed in their own transaction and applied
/// once from the log (Engine+StartCommands), after a check in that transaction that
/// fails their delivery with what the engine would refuse.
extension Engine: ExecutionStarting {
    public nonisolated func checkStart(of stateMachineArn: String, named name: String, input: String, in transaction: ReadTransaction) throws {
        try Self.validateName(name)
        do { _ = try JSONParser.parse(input) } catch {
            throw EngineError(.invalidExecutionInput, "Invalid State Machine Execution Input: '\(error)'")
        }
        // As `startExecution` looks it up: the unqualified ARN of a state machine not deleted.
        guard try transaction.value(forKey: Keys.text(stateMachineArn), in: db(.stateMachines)) != nil else {
            throw EngineError(.stateMachineDoesNotExist, "State Machine Does Not Exist: '\(stateMachineArn)'")
        }
    }

    public nonisolated func startCommand(of stateMachineArn: String, named name: String, input: String, at time: Int64) -> Record {
        StartCommand(stateMachineArn: stateMachineArn, name: name, input: input, time: time).record(stream: .none)
    }
}
