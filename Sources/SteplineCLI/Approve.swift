import ArgumentParser
import JSON

/// `stepline approve TOKEN`: SendTaskSuccess for a task waiting on a person.
struct Approve: ServerCommand {
    static let configuration = CommandConfiguration(
        abstract: "Complete a waiting task (SendTaskSuccess) with an output.",
        discussion: """
            TOKEN is the task token the workflow handed out (an event's $$.Task.Token, or \
            GetActivityTask's taskToken). The task's state continues with --output as its result.

            Example: stepline approve "$TOKEN" --output '{"approved": true, "reviewer": "ana"}'

            \(serverExitCodes)
            """
    )

    @Argument(help: "The task token.")
    var token: String

    @Option(help: "The task's result, as JSON text.")
    var output: String = "{}"

    @OptionGroup var server: ServerOptions

    func validate() throws {
        try ValidationError.checkJSON(output, option: "--output")
    }

    func run(with client: StatesClient) async throws {
        _ = try await client.call("SendTaskSuccess", ["taskToken": .string(token), "output": .string(output)])
        server.printDone("approved")
    }
}
