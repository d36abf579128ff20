import ArgumentParser
import JSON

/// `stepline heartbeat TOKEN`: SendTaskHeartbeat, to keep a task within its HeartbeatSeconds.
struct Heartbeat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tell a waiting task that work on it goes on (SendTaskHeartbeat).",
        discussion: serverExitCodes
    )

    @Argument(help: "The task token.")
    var token: String

    @OptionGroup var server: ServerOptions

    func run() async throws {
        try await reportingFailures {
            _ = try await server.client.call("SendTaskHeartbeat", ["taskToken": .string(token)])
            printLine(server.json ? "{}" : "heartbeat sent")
        }
    }
}
