import EventLog
import Foundation
import JSON
import StatesLanguage
import TestSupport
import Testing
import Workflows

/// The built `stepline` executable beside the test bundle (`swift build --build-tests` builds it).
private let steplineBinary: String = {
    let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var directory = URL(fileURLWithPath: runner).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("stepline").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        directory.deleteLastPathComponent()
    }
    return "stepline"
}()

/// Starts `stepline debug run-load` on `data`; the caller kills it or waits for it.
private func launchLoad(data: String, effects: String, executions: Int) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: steplineBinary)
    process.arguments = [
        "debug", "run-load", "--data-dir", data, "--executions", "\(executions)", "--effects", effects, "--handler",
        recordEffectHandler,
    ]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    return (process, output)
}

/// An event without its time, for comparing a recovered history with an uninterrupted one.
private struct TimelessEvent: Hashable {
    var id: Int
    var previousEventId: Int
    var details: HistoryEvent.Details
    init(_ event: HistoryEvent) {
        id = event.id
        previousEventId = event.previousEventId
        details = event.details
    }
}

@Suite("Crash recovery")
struct CrashRecoveryTests {
    static let executions = 32

    @Test(
        "executions killed with SIGKILL at random moments finish after restarts with an uninterrupted run's output and history, each effect applied once",
        .enabled(if: FileManager.default.isExecutableFile(atPath: steplineBinary))
    )
    func sigkillAndRestart() async throws {
        let directory = TemporaryDirectory()
        let data = directory.path + "/data"
        let effects = directory.path + "/effects"
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        /// How many effects the handlers applied so far (lines of `applied`).
        @Sendable func appliedCount() -> Int {
            ((try? String(contentsOfFile: effects + "/applied", encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        for _ in 0..<4 {
            // Kill at a random point of the run's progress, not of the clock: on an idle
            // machine the whole load can finish before any fixed delay has passed.
            let before = appliedCount()
            guard before < 3 * Self.executions - 8 else { break }
            let target = Int.random(in: (before + 1)...(before + 24), using: &generator)
            let (process, _) = try launchLoad(data: data, effects: effects, executions: Self.executions)
            // Watched from a thread of its own: other tests can keep the cooperative pool
            // busy for longer than the whole load takes, and a starved poller kills nothing.
            let killed = await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    while process.isRunning && appliedCount() < target { usleep(500) }
                    let running = process.isRunning
                    if running { kill(process.processIdentifier, SIGKILL) }
                    process.waitUntilExit()
                    continuation.resume(returning: running)
                }
            }
            guard killed else { break }
            kills += 1
        }
        let (last, output) = try launchLoad(data: data, effects: effects, executions: Self.executions)
        let printed = try await offPool {
            let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            last.waitUntilExit()
            return printed
        }
        #expect(last.terminationStatus == 0)
        #expect(printed.hasSuffix("done\n"))
        #expect(kills > 0)

        // The same executions, uninterrupted, in-process.
        let reference = directory.path + "/reference"
        try await withEngine(
            reference,
            handlers: LoadWorkload.handlers(handlerPath: recordEffectHandler, effectsDirectory: directory.path + "/reference-effects")
        ) { engine in
            try await LoadWorkload.run(engine, indexes: 0..<Self.executions, concurrency: 8)
        }
        let expected = try await withEngine(reference) { engine in
            try (0..<Self.executions).map { index in
                try engine.allEvents(executionArn: "arn:aws:states:us-east-1:123456789012:execution:load:load-\(index)")
                    .filter { $0.id > 0 }.map(TimelessEvent.init)
            }
        }

        let applied = try String(contentsOfFile: effects + "/applied", encoding: .utf8).split(separator: "\n").map(String.init)
        try await withEngine(data) { engine in
            var scheduledKeys: [String] = []
            for index in 0..<Self.executions {
                let arn = "arn:aws:states:us-east-1:123456789012:execution:load:load-\(index)"
                let row = try await engine.describeExecution(arn: arn)
                #expect(row.status == .succeeded)
                #expect(row.output == LoadWorkload.expectedOutput(index))
                let events = try engine.allEvents(executionArn: arn).filter { $0.id > 0 }
                #expect(events.map(TimelessEvent.init) == expected[index], "history of load-\(index)")
                #expect(events.filter { $0.type == "ExecutionStarted" }.count == 1)
                for event in events {
                    if case .taskScheduled(let task) = event.details {
                        scheduledKeys.append("\(arn)/\(task.enteredEventId)/\(task.attempt)")
                    }
                }
            }
            // Every effect was applied under the key of its one scheduled attempt, and only once.
            #expect(applied.count == Set(applied).count)
            #expect(Set(applied) == Set(scheduledKeys))
            #expect(scheduledKeys.count == 3 * Self.executions)
            #expect(try engine.log.verify().isClean)
        }
    }
}
