import ArgumentParser
import Foundation
import Stepline
import Workflows

/// `stepline debug run-load`: runs the load workload's executions to the end,
/// for the crash-recovery test, which kills it with SIGKILL and starts it again.
struct DebugRunLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-load",
        abstract: "Run executions load-0..load-N-1 of the load workload (tasks run tools/handlers/record-effect); print 'done' at the end."
    )

    @OptionGroup var options: DataDirectoryOptions

    @Option(help: "How many executions.")
    var executions = 20

    @Option(help: "How many run at once.")
    var concurrency = 8

    @Option(help: "The record-effect handler.")
    var handler = "tools/handlers/record-effect"

    @Option(help: "Where the handler records deliveries and applied effects.")
    var effects: String

    func validate() throws {
        guard executions > 0, concurrency > 0 else { throw ValidationError("--executions and --concurrency must be positive") }
    }

    func run() async throws {
        var configuration = Stepline.Configuration()
        configuration.handlers = LoadWorkload.handlers(handlerPath: handler, effectsDirectory: effects)
        let engine = try await Stepline.open(dataDirectory: options.dataDirectory, configuration: configuration).engine
        printLine("recovered \(await engine.recoveredExecutions)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await engine.run() }
            try await LoadWorkload.run(engine, indexes: 0..<executions, concurrency: concurrency)
            group.cancelAll()
        }
        await engine.close()
        printLine("done")
    }
}
