import Foundation
public import JSON
public import Runtime

/// The workload of the crash-recovery test and the engine benchmark: a state
/// machine of three tasks handled by `tools/handlers/record-effect` (each adds
/// one to `value`), between a Pass and a Choice, so one execution is a dozen
/// transitions with three external effects.
public enum LoadWorkload {
    /// The Task resource the workload's handler map binds.
    public static let resource = "arn:aws:lambda:us-east-1:123456789012:function:record-effect"

    /// The definition: Pass, three tasks, a Choice and Succeed.
    public static let definition = """
        {"Comment": "Stepline load workload", "StartAt": "Prepare", "States": {
          "Prepare": {"Type": "Pass", "Next": "First"},
          "First": {"Type": "Task", "Resource": "\(resource)", "Next": "Second"},
          "Second": {"Type": "Task", "Resource": "\(resource)", "Next": "Third"},
          "Third": {"Type": "Task", "Resource": "\(resource)", "Next": "Check"},
          "Check": {"Type": "Choice", "Choices": [{"Variable": "$.value", "NumericGreaterThanEquals": 3, "Next": "Done"}], "Default": "Wrong"},
          "Wrong": {"Type": "Fail", "Error": "Load.Wrong"},
          "Done": {"Type": "Succeed"}
        }}
        """

    /// A chain of ten Pass states (the benchmark's reference workflow).
    public static let passChain: String = {
        let states = (1...10).map { index in
            index == 10
                ? #""P10": {"Type": "Pass", "End": true}"#
                : #""P\#(index)": {"Type": "Pass", "Next": "P\#(index + 1)"}"#
        }
        return #"{"StartAt": "P1", "States": {"# + states.joined(separator: ", ") + "}}"
    }()

    /// The input of execution `index`.
    public static func input(_ index: Int) -> String { #"{"value": \#(index)}"# }

    /// The output an uninterrupted run of execution `index` produces.
    public static func expectedOutput(_ index: Int) -> JSONValue { ["value": .integer(index + 3)] }

    /// Maps ``resource`` to the handler at `handlerPath`, recording effects in `effectsDirectory`.
    public static func handlers(handlerPath: String, effectsDirectory: String) -> TaskHandlerMap {
        TaskHandlerMap([
            (
                resource,
                .command(arguments: [handlerPath, effectsDirectory], workingDirectory: nil, timeoutSeconds: nil)
            )
        ])
    }

    /// Starts executions `load-<index>` for `indexes` (a name that already
    /// finished is skipped: starting is idempotent by name) and waits for each.
    public static func run(_ engine: Engine, indexes: Range<Int>, concurrency: Int) async throws {
        let machine = try await engine.createStateMachine(name: "load", definition: definition)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = indexes.lowerBound
            func startNext() {
                let index = next
                next += 1
                group.addTask {
                    let arn: String
                    do {
                        arn = try await engine.startExecution(
                            stateMachineArn: machine.stateMachineArn,
                            name: "load-\(index)",
                            input: input(index)
                        ).executionArn
                    } catch let error as EngineError where error.code == .executionAlreadyExists {
                        return
                    }
                    _ = try await engine.awaitCompletion(executionArn: arn)
                }
            }
            while next < indexes.upperBound && next - indexes.lowerBound < concurrency { startNext() }
            while try await group.next() != nil {
                if next < indexes.upperBound { startNext() }
            }
        }
    }
}
