import ArgumentParser
import Foundation
import JSON
import Runtime
import StatesLanguage
import SteplineServer
import Workflows

/// `stepline run FILE --input JSON`: one execution in memory, no server and no log.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a state machine definition to completion in memory and print its output and history.",
        discussion: """
            Runs the definition with the States Language core on a virtual clock (a Wait of an hour \
            takes no time), writing nothing to disk. Prints the status, the output (or error and \
            cause) and a timeline of the history events GetExecutionHistory would show. With --json \
            it prints one object {"status", "output", "error", "cause", "history"} whose history \
            events have the GetExecutionHistory shape.

            Task states run on the handler map (a local command or an HTTP endpoint, as \
            'stepline serve' runs them): --handlers FILE, else handlers.yaml (or handlers.json) \
            beside the definition if there is one. A task no handler maps fails with \
            States.TaskFailed naming its resource. Activities and .waitForTaskToken tasks wait \
            for an answer no one can give in memory, so the run stops there (exit 1).

            Exit codes: 0 when the execution succeeds; 1 when it fails, times out, is aborted or \
            cannot finish (waits for a task token); 2 when the file cannot be read or the definition \
            is invalid (the diagnostics are printed); 64 for invalid options (--input not JSON).
            """
    )

    @Argument(help: "The definition file (JSON), or '-' for standard input.")
    var file: String

    @Option(help: "The execution input, as JSON text.")
    var input: String = "{}"

    @Option(help: "Read the execution input from this file instead of --input.")
    var inputFile: String?

    @Option(help: "The handler map for Task states (default: handlers.yaml or handlers.json beside FILE, if any).")
    var handlers: String?

    @Option(help: "The execution name ($$.Execution.Name).")
    var name: String = "run"

    @Flag(help: "Print the result and history as one JSON object.")
    var json = false

    func validate() throws {
        if inputFile == nil { try ValidationError.checkJSON(input, option: "--input", example: #"{"x": 1}"#) }
    }

    func run() async throws {
        let definitionText: String
        let inputValue: JSONValue
        do {
            definitionText = try DefinitionFile(path: file).text
            inputValue = try readInput()
        } catch let failure as CommandFailure {
            throw failure.exit()
        }
        let parsed = StateMachineDefinition.parse(definitionText)
        guard let definition = parsed.definition else {
            for diagnostic in parsed.diagnostics where diagnostic.severity == .error {
                printError("\(file): \(diagnostic)")
            }
            throw CommandFailure("\(file) is not a valid state machine definition; see 'stepline validate \(file)'", exitCode: 2)
                .exit()
        }
        let map: TaskHandlerMap
        do { map = try handlerMap() } catch let failure as CommandFailure {
            throw failure.exit()
        }
        // A handler that exits without reading its input would otherwise kill this process
        // with SIGPIPE when the task input is written to it (the server ignores it too).
        signal(SIGPIPE, SIG_IGN)
        var runner = EmbeddedRunner(definition: definition)
        runner.executionName = name
        runner.stateMachineName = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let executionArn = "arn:aws:states:\(runner.region):\(runner.account):execution:\(runner.stateMachineName):\(name)"
        let result = await runner.run(input: inputValue) { task in
            await Self.answer(task, with: map, executionArn: executionArn)
        }
        let history = result.history.compactMap { $0.stepFunctionsJSON() }

        if json {
            var object: JSONObject = ["status": .string(result.status.rawValue)]
            if let output = result.output { object["output"] = output }
            if let error = result.error { object["error"] = .string(error) }
            if let cause = result.cause { object["cause"] = .string(cause) }
            object["history"] = .array(history)
            printLine(JSONValue.object(object).serialized)
        } else {
            let elapsed = Double(result.endTime.millisecondsSinceEpoch - runner.startTime.millisecondsSinceEpoch) / 1000
            printLine("\(result.status.rawValue) after \(HistoryTimeline.format(elapsed))s of virtual time, \(history.count) events")
            if let output = result.output { printLine("output: \(output.serialized)") }
            if let error = result.error { printLine("error: \(error)") }
            if let cause = result.cause { printLine("cause: \(cause)") }
            printLine("history:")
            printLine(HistoryTimeline().render(history))
        }
        if result.status == .running {
            printError("stepline: the execution cannot finish in memory: it waits for a task token or an activity worker")
        }
        if result.status != .succeeded { throw ExitCode(1) }
    }

    /// Runs one task on the handler map, as the server would (one attempt; the core retries).
    static func answer(_ task: ScheduledTask, with map: TaskHandlerMap, executionArn: String) async -> EmbeddedRunner.TaskOutcome {
        let isActivity = task.resource.hasPrefix("arn:aws:states:") && task.resource.contains(":activity:")
        if isActivity || task.resource.hasSuffix(".waitForTaskToken") {
            return .noResponse
        }
        let key = "\(executionArn)/\(task.stateName)/\(task.taskId)"
        switch await Invoker(handlers: map).run(task, executionArn: executionArn, idempotencyKey: key).taskOutcome {
        case .succeeded(let output): return .succeeded(output)
        case .failed(let error, let cause): return .failed(error: error, cause: cause)
        }
    }

    /// `--handlers`, else the map beside the definition, else none.
    private func handlerMap() throws -> TaskHandlerMap {
        var path = handlers
        if path == nil, file != "-" {
            let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
            path = ["handlers.yaml", "handlers.json"].map { directory.appendingPathComponent($0).path }
                .first { FileManager.default.fileExists(atPath: $0) }
        }
        guard let path else { return TaskHandlerMap() }
        do { return try TaskHandlerMap.load(path: path) } catch {
            throw CommandFailure("cannot use the handler map \(path): \(error)", exitCode: 2)
        }
    }

    private func readInput() throws -> JSONValue {
        guard let inputFile else { return try JSONParser.parse(input) }
        let text: String
        do { text = try String(contentsOfFile: inputFile, encoding: .utf8) } catch {
            throw CommandFailure("cannot read --input-file \(inputFile): \(error.localizedDescription)", exitCode: 2)
        }
        do { return try JSONParser.parse(text) } catch {
            throw CommandFailure("--input-file \(inputFile) is not JSON: \(error)", exitCode: 2)
        }
    }
}
