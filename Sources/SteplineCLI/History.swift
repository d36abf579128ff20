import ArgumentParser
import JSON

/// `stepline history EXECUTION_ARN`: GetExecutionHistory as a readable timeline.
struct History: ServerCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an execution's history as a timeline (every page).",
        discussion: """
            One line per event: time since the start, event id, type, state name, and its input, \
            output, error or cause (shortened). With --json, {"events": [...]} as GetExecutionHistory \
            returns them, all pages joined.

            \(serverExitCodes)
            """
    )

    @Argument(help: "The execution ARN.")
    var executionArn: String

    @Flag(help: "Newest event first.")
    var reverse = false

    @OptionGroup var server: ServerOptions

    func run(with client: StatesClient) async throws {
        let events = try await client.callAll(
            "GetExecutionHistory",
            ["executionArn": .string(executionArn), "reverseOrder": .bool(reverse), "maxResults": 1000],
            member: "events"
        )
        if server.json {
            printLine(JSONValue.object(["events": .array(events)]).serialized)
        } else {
            printLine(HistoryTimeline().render(events))
        }
    }
}
