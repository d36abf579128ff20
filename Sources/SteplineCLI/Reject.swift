import ArgumentParser
import JSON

/// `stepline reject TOKEN --error E --cause C`: SendTaskFailure for a waiting task.
struct Reject: ServerCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fail a waiting task (SendTaskFailure) with an error name and cause.",
        discussion: """
            The task's state fails with --error, which its Retry and Catch rules match as any \
            other error (for example a Catch on "Rejected" that cleans up).

            Example: stepline reject "$TOKEN" --error Rejected --cause "blurry thumbnails"

            \(serverExitCodes)
            """
    )

    @Argument(help: "The task token.")
    var token: String

    @Option(help: "The error name (what Retry and Catch match).")
    var error: String

    @Option(help: "A longer explanation.")
    var cause: String = ""

    @OptionGroup var server: ServerOptions

    func validate() throws {
        guard error.count <= 256 else { throw ValidationError("--error must be at most 256 characters") }
    }

    func run(with client: StatesClient) async throws {
        _ = try await client.call(
            "SendTaskFailure", ["taskToken": .string(token), "error": .string(error), "cause": .string(cause)])
        server.printDone("rejected")
    }
}
