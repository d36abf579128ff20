import Engine
import EventLog
import Foundation
import Runtime
import Testing

/// A fresh temporary data directory, removed when the test ends.
struct TemporaryDirectory: ~Copyable {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("stepline-engine-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Opens an engine on `directory`, keeps its `run()` going while `body` runs,
/// then stops it and closes the log.
func withEngine<Result: Sendable>(
    _ directory: String,
    clock: any RuntimeClock = SystemClock(),
    handlers: TaskHandlerMap = TaskHandlerMap(),
    _ body: @Sendable (Engine) async throws -> Result
) async throws -> Result {
    var configuration = Engine.Configuration()
    configuration.clock = clock
    configuration.handlers = handlers
    configuration.log.durability = .unsafeNoSync
    let engine = try await Engine.open(directory: directory, configuration: configuration)
    let result: Result
    do {
        result = try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                try await engine.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(engine)
        }
    } catch {
        await engine.close()
        throw error
    }
    await engine.close()
    return result
}

/// Polls `condition` (engine state, not time) until it holds, up to a generous bound.
func eventually(_ condition: @Sendable () async throws -> Bool) async throws -> Bool {
    for _ in 0..<6_000 {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(5))
    }
    return false
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
