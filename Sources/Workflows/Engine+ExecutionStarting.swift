public import Runtime

/// Rules and pipes start executions through ``Runtime/ExecutionStarting``, so they need not
/// know the engine; a start retried after a crash finds its execution already there.
extension Engine: ExecutionStarting {
    public nonisolated func startExecution(of stateMachineArn: String, named name: String, input: String) async throws {
        do {
            _ = try await startExecution(stateMachineArn: stateMachineArn, name: name, input: input)
        } catch let error as EngineError where error.code == .executionAlreadyExists {
            // Started by an earlier attempt whose success was not recorded.
        }
    }
}
