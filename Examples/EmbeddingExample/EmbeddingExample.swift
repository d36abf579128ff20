// A Swift program that embeds Stepline: it opens a data directory, creates a state
// machine whose Task state runs a closure of this program, runs one execution to its
// end and prints its status and output.
//
//     swift run EmbeddingExample [DATA_DIRECTORY]
import JSON
import StatesLanguage
import Stepline
import Workflows

@main
struct EmbeddingExample {
    static let definition = """
        {"StartAt": "Greet", "States": {
          "Greet": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greet", "End": true}
        }}
        """

    static func main() async throws {
        let dataDirectory = CommandLine.arguments.dropFirst().first ?? ".stepline-example"
        var configuration = Stepline.Configuration()
        // The Task state's resource runs in this process: its input in, its output out.
        configuration.inProcessHandlers["arn:aws:lambda:us-east-1:123456789012:function:greet"] = { input in
            ["greeting": .string("Hello, \(input["name"]?.stringValue ?? "world")!")]
        }
        let stepline = try await Stepline.open(dataDirectory: dataDirectory, configuration: configuration)
        // The services (task dispatch, timers, deliveries) run until the closure returns.
        let done = try await stepline.run {
            let engine = stepline.engine
            let machine = try await engine.createStateMachine(name: "greeter", definition: definition)
            let started = try await engine.startExecution(stateMachineArn: machine.stateMachineArn, input: #"{"name": "Ada"}"#)
            return try await engine.awaitCompletion(executionArn: started.executionArn)
        }
        await stepline.close()
        print("\(done.status.rawValue) \(done.output?.serialized ?? "null")")
    }
}
