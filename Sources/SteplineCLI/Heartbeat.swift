import ArgumentParser
import JSON

/// `stepline heartbeat TOKEN`: SendTaskHeartbeat, to keep a task within its HeartbeatSeconds.
struct Heartbeat: ServerCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tell a waiting task that work on it goes on (SendTaskHeartbeat).",
        discussion: serverExitCodes
    )

    @Argument(help: "The task token.")
    var token: String

    @OptionGroup var server: ServerOptions

    func run(with client: StatesClient) async throws {
        _ = try await client.call("SendTaskHeartbeat", ["taskToken": .string(token)])
        server.printDone("heartbeat sent")
    }
}
