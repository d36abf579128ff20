public import EventLog
public import Runtime

/// Rules and pipes start executions through ``Runtime/ExecutionStarting``, so they need not
/// know the engine: by a start command committed in their own transaction (applied once
/// from the log, Engine+StartCommands), or by a call, which a retry after a crash finds
/// already done.
extension Engine: ExecutionStarting {
    public nonisolated func startCommand(of stateMachineArn: String, named name: String, input: String, at time: Int64) -> Record {
        StartCommand(stateMachineArn: stateMachineArn, name: name, input: input, time: time).record(stream: .none)
    }

    public nonisolated func startExecution(of stateMachineArn: String, named name: String, input: String) async throws {
        do {
            _ = try await startExecution(stateMachineArn: stateMachineArn, name: name, input: input)
        } catch let error as EngineError where error.code == .executionAlreadyExists {
            // Started by an earlier attempt whose success was not recorded.
        }
    }
}
