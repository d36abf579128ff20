import ArgumentParser
import EventLog
import Foundation
import JSON
import Stepline
import Synchronization
import Workflows

/// `stepline bench engine`: durable executions and transitions per second, latency, and recovery time.
struct BenchEngine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Benchmark the durable runtime: executions/s, transitions/s, latency, recovery of a large log.",
        discussion: """
            Runs, on durable logs (every commit fsynced) in a scratch directory: a chain of 10 Pass \
            states and a 3-task workflow whose tasks are instant in-process handlers, each with \
            --concurrency executions in flight, printing executions/s, state transitions/s (states \
            entered) and p50/p99 start-to-completion latency; then fills a log with \
            --recovery-records records (finished executions and 1% still waiting) and times \
            Stepline.open, which recovers the open ones. Ratios are against the reference figures of \
            issue 5: moto's interpreter, 700 transitions/s, and DBOS on SQLite, 460 durable steps/s.
            """
    )

    @Option(help: "Executions of the 10-Pass chain.")
    var passExecutions = 20_000

    @Option(help: "Executions of the 3-task workflow.")
    var taskExecutions = 5_000

    @Option(help: "Executions in flight at once.")
    var concurrency = 1_000

    @Option(help: "Records in the log whose recovery is timed.")
    var recoveryRecords = 1_000_000

    @OptionGroup var scratch: ScratchDirectoryOptions

    static let motoTransitionsPerSecond = 700.0
    static let dbosStepsPerSecond = 460.0

    func run() async throws {
        let root = try scratch.create(benchmark: "engine")
        defer { scratch.remove(root) }

        let pass = try await measure(
            directory: root + "/pass",
            definition: LoadWorkload.passChain,
            executions: passExecutions,
            transitions: 10
        )
        report("10-Pass chain", pass, executions: passExecutions)
        printLine(
            String(
                format: "  vs moto (%.0f transitions/s): %.1fx",
                Self.motoTransitionsPerSecond,
                pass.transitionsPerSecond / Self.motoTransitionsPerSecond
            )
        )

        let tasks = try await measure(
            directory: root + "/tasks",
            definition: LoadWorkload.definition,
            executions: taskExecutions,
            transitions: 6,
            instantTasks: true
        )
        report("3-task workflow (instant in-process handlers)", tasks, executions: taskExecutions)
        let steps = tasks.executionsPerSecond * 3
        printLine(
            String(
                format: "  durable task steps/s: %.0f; vs DBOS (%.0f steps/s): %.1fx",
                steps,
                Self.dbosStepsPerSecond,
                steps / Self.dbosStepsPerSecond
            )
        )
        printLine(
            String(
                format: "  vs moto (%.0f transitions/s): %.1fx",
                Self.motoTransitionsPerSecond,
                tasks.transitionsPerSecond / Self.motoTransitionsPerSecond
            )
        )

        let recovery = try await measureRecovery(directory: root + "/recovery")
        printLine(
            String(
                format: "recovery: %d records, %d open executions recovered in %.3f s (Stepline.open total %.3f s; goal < 2 s)",
                recovery.records,
                recovery.open,
                recovery.recoverySeconds,
                recovery.openSeconds
            )
        )
    }

    struct Figures {
        var seconds: Double
        var executionsPerSecond: Double
        var transitionsPerSecond: Double
        var p50: Double
        var p99: Double
    }

    func report(_ title: String, _ figures: Figures, executions: Int) {
        printLine(
            String(
                format: "%@: %d executions in %.2f s: %.0f executions/s, %.0f transitions/s; latency p50 %.2f ms, p99 %.2f ms",
                title,
                executions,
                figures.seconds,
                figures.executionsPerSecond,
                figures.transitionsPerSecond,
                figures.p50,
                figures.p99
            )
        )
    }

    func measure(
        directory: String,
        definition: String,
        executions: Int,
        transitions: Int,
        instantTasks: Bool = false
    )
        async throws -> Figures
    {
        var configuration = Stepline.Configuration()
        if instantTasks {
            configuration.inProcessHandlers[LoadWorkload.resource] = { input in
                ["value": .integer((input["value"]?.integerValue ?? 0) + 1)]
            }
        }
        // Only the engine runs: this measures executions, not the other services' loops.
        let engine = try await Stepline.open(dataDirectory: directory, configuration: configuration).engine
        let machine = try await engine.createStateMachine(name: "bench", definition: definition)
        let next = Counter()
        let concurrency = min(concurrency, executions)
        let clock = ContinuousClock()
        let started = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            group.addTask {
                try await engine.run()
                return []
            }
            for _ in 0..<concurrency {
                group.addTask {
                    var mine: [Double] = []
                    while true {
                        let index = next.take()
                        guard index < executions else { return mine }
                        let begin = clock.now
                        let arn = try await engine.startExecution(
                            stateMachineArn: machine.stateMachineArn,
                            name: "e\(index)",
                            input: LoadWorkload.input(index)
                        ).executionArn
                        _ = try await engine.awaitCompletion(executionArn: arn)
                        let elapsed = clock.now - begin
                        mine.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                    }
                }
            }
            var all: [Double] = []
            var finished = 0
            while let batch = try await group.next() {
                all += batch
                finished += 1
                if finished == concurrency { group.cancelAll() }
            }
            return all
        }
        let elapsed = clock.now - started
        await engine.close()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        return Figures(
            seconds: seconds,
            executionsPerSecond: Double(executions) / seconds,
            transitionsPerSecond: Double(executions * transitions) / seconds,
            p50: percentile(0.5),
            p99: percentile(0.99)
        )
    }

    func measureRecovery(directory: String) async throws -> (records: Int, open: Int, recoverySeconds: Double, openSeconds: Double) {
        var configuration = Stepline.Configuration()
        configuration.log.durability = .unsafeNoSync
        let engine = try await Stepline.open(dataDirectory: directory, configuration: configuration).engine
        let finished = try await engine.createStateMachine(name: "finished", definition: LoadWorkload.passChain)
        let waiting = try await engine.createStateMachine(
            name: "waiting",
            definition: #"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 86400, "End": true}}}"#
        )
        let target = recoveryRecords
        let next = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<256 {
                group.addTask {
                    while true {
                        let index = next.take()
                        guard index < target - 2 else { return }
                        let machine = index % 100 == 0 ? waiting : finished
                        _ = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, name: "r\(index)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let records = Int(engine.log.lastSequence?.rawValue ?? 0)
        await engine.close()
        let clock = ContinuousClock()
        let begin = clock.now
        let reopened = try await Stepline.open(dataDirectory: directory).engine
        let total = clock.now - begin
        let recovered = await reopened.recoveredExecutions
        let duration = await reopened.recoveryDuration
        await reopened.close()
        func seconds(_ value: Duration) -> Double { Double(value.components.seconds) + Double(value.components.attoseconds) / 1e18 }
        return (records, recovered, seconds(duration), seconds(total))
    }
}

/// Hands out 0, 1, 2, … to concurrent workers.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func take() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
}
