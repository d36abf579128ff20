import ArgumentParser
import JSON
import StatesLanguage
import SteplineServer

/// `stepline validate FILE`: the diagnostics `ValidateStateMachineDefinition` would give.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a state machine definition and print every problem with its code and location.",
        discussion: """
            Reads an Amazon States Language definition (JSON; '-' reads standard input) and \
            prints one line per diagnostic: 'FILE: SEVERITY CODE at /States/Name/Field: message'. \
            The codes are those of the ValidateStateMachineDefinition API (SCHEMA_VALIDATION_FAILED, \
            MISSING_TRANSITION_TARGET, …). With --json it prints that API's response \
            ({"result", "diagnostics", "truncated"}).

            Exit codes: 0 when the definition is valid (warnings allowed); 1 when it has errors; \
            2 when the file cannot be read; 64 for invalid options.
            """
    )

    @Argument(help: "The definition file (JSON), or '-' for standard input.")
    var file: String

    @Flag(help: "Also print warnings (diagnostics of severity WARNING).")
    var warnings = false

    @Flag(help: "Print the ValidateStateMachineDefinition response as JSON.")
    var json = false

    func run() throws {
        let definition: DefinitionFile
        do { definition = try DefinitionFile(path: file) } catch let failure as CommandFailure { throw failure.exit() }
        let result = StateMachineDefinition.parse(definition.text)
        let shown = result.diagnostics.filter { warnings || $0.severity == .error }
        if json {
            var object = JSONObject()
            object["result"] = .string(result.result.rawValue)
            object["diagnostics"] = .array(shown.map(\.awsJSON))
            object["truncated"] = false
            printLine(JSONValue.object(object).serialized)
        } else {
            for diagnostic in shown {
                let location = diagnostic.location.isEmpty ? "" : " at \(diagnostic.location)"
                printLine("\(file): \(diagnostic.severity.rawValue) \(diagnostic.code)\(location): \(diagnostic.message)")
            }
            if result.result == .ok {
                let states = result.definition?.scope.states.count ?? 0
                printLine("\(file): OK (\(states) top-level state\(states == 1 ? "" : "s"))")
            } else {
                let errors = result.diagnostics.filter { $0.severity == .error }.count
                printLine("\(file): FAIL (\(errors) error\(errors == 1 ? "" : "s")); fix them and validate again")
            }
        }
        if result.result == .fail { throw ExitCode(1) }
    }
}
