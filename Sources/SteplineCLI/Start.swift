import ArgumentParser
import JSON

/// `stepline start MACHINE`: StartExecution on a running server.
struct Start: ServerCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start an execution of a deployed state machine (by name or ARN).",
        discussion: """
            Prints the execution ARN. With --wait, waits until the execution finishes and prints its \
            status and output (or error and cause), exiting 1 unless it succeeded.

            Example: stepline start ingest-and-publish --input '{"asset_id": "clip-001"}' --wait

            \(serverExitCodes)
            """
    )

    @Argument(help: "The state machine's name or ARN.")
    var machine: String

    @Option(help: "The execution input, as JSON text.")
    var input: String = "{}"

    @Option(help: "The execution name (default: a new UUID).")
    var name: String?

    @Flag(help: "Wait until the execution finishes and print its result.")
    var wait = false

    @OptionGroup var server: ServerOptions

    func validate() throws {
        try ValidationError.checkJSON(input, option: "--input", example: #"{"x": 1}"#)
    }

    func run(with client: StatesClient) async throws {
        var request: JSONObject = ["stateMachineArn": .string(try await client.stateMachineArn(machine)), "input": .string(input)]
        if let name { request["name"] = .string(name) }
        let started = try await client.call("StartExecution", request)
        let arn = started["executionArn"]?.stringValue ?? ""
        guard wait else {
            printLine(server.json ? started.serialized : arn)
            return
        }
        let execution = try await client.finishedExecution(arn)
        if server.json {
            printLine(execution.serialized)
        } else {
            printLine(arn)
            ExecutionText.print(execution, brief: true)
        }
        if execution["status"]?.stringValue != "SUCCEEDED" { throw ExitCode(1) }
    }
}
