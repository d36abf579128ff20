import Runtime
import Stepline
import SteplineTesting
import Workflows

/// The engine of ``withStepline(_:clock:running:configure:_:)`` (every service
/// running, on the system clock unless `clock` is given), for tests of executions.
func withEngine<Result: Sendable>(
    _ directory: String,
    clock: any RuntimeClock = SystemClock(),
    handlers: TaskHandlerMap = TaskHandlerMap(),
    _ body: @Sendable (Engine) async throws -> Result
) async throws -> Result {
    try await withStepline(directory, clock: clock, configure: { $0.handlers = handlers }) { try await body($0.engine) }
}

let passChain = """
    {"StartAt": "P1", "States": {
      "P1": {"Type": "Pass", "Result": {"n": 1}, "ResultPath": "$.p1", "Next": "P2"},
      "P2": {"Type": "Pass", "Next": "Choose"},
      "Choose": {"Type": "Choice", "Choices": [{"Variable": "$.go", "BooleanEquals": true, "Next": "Done"}], "Default": "Bad"},
      "Bad": {"Type": "Fail", "Error": "Custom.Bad", "Cause": "go was not true"},
      "Done": {"Type": "Succeed"}
    }}
    """
