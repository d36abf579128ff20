import ArgumentParser
import Foundation
import JSON
import StatesLanguage
import SteplineServer

/// `stepline run FILE --input JSON`: one execution in memory, no server and no log.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a state machine definition to completion in memory and print its output and history.",
        discussion: """
            Runs the definition with the States Language core on a virtual clock (a Wait of an hour \
            takes no time), writing nothing to disk. Prints the status, the output (or error and \
            cause) and a timeline of the history events GetExecutionHistory would show. With --json \
            it prints one object {"status", "output", "error", "cause", "history"} whose history \
            events have the GetExecutionHistory shape.

            Task states fail with States.TaskFailed naming their resource: the embedded run has no \
            task handlers (deploy the workflow with 'stepline serve --workflows DIR' to run them).

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

    @Option(help: "The execution name ($$.Execution.Name).")
    var name: String = "run"

    @Flag(help: "Print the result and history as one JSON object.")
    var json = false

    func validate() throws {
        if inputFile == nil {
            do { _ = try JSONParser.parse(input) } catch {
                throw ValidationError("--input must be JSON text (quote it for the shell, e.g. --input '{\"x\": 1}'): \(error)")
            }
        }
    }

    func run() throws {
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
        var runner = EmbeddedRunner(definition: definition) { task in
            .failed(
                error: StatesError.Name.taskFailed,
                cause: "stepline run has no handler for the resource '\(task.resource)' of Task state '\(task.stateName)'; "
                    + "run the workflow on a server with 'stepline serve --workflows DIR' and a handler map"
            )
        }
        runner.executionName = name
        runner.stateMachineName = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let result = runner.run(input: inputValue)
        let history = result.history.compactMap(\.stepFunctionsJSON)

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
