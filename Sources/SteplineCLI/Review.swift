import ArgumentParser
import JSON

/// `stepline review list|resolve`: executions whose redrive failed again, for a person.
struct Review: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the manual-review queue (redriven executions that failed again) and resolve items.",
        subcommands: [List.self, Resolve.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the items waiting for review.", discussion: serverExitCodes)

        @Flag(help: "Include resolved items, with their resolution.")
        var all = false

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await reportingFailures {
                let answer = try await server.client.call("ListReviewItems", ["includeResolved": .bool(all)], prefix: "Stepline")
                if server.json { return printLine(answer.serialized) }
                FailedExecutionText.print(answer["items"]?.arrayValue ?? [], empty: "nothing to review")
            }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a review item resolved, with the reason (recorded on the log).", discussion: serverExitCodes)

        @Argument(help: "The execution ARN of the item.")
        var executionArn: String

        @Option(help: "What was done about it.")
        var reason: String

        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await reportingFailures {
                _ = try await server.client.call(
                    "ResolveReviewItem", ["executionArn": .string(executionArn), "reason": .string(reason)], prefix: "Stepline")
                printLine(server.json ? "{}" : "resolved \(executionArn)")
            }
        }
    }
}
