import ArgumentParser
import JSON

/// `stepline review list|resolve|retry`: executions (or, with `--kind`, bus and topic
/// deliveries) whose redrive failed again, for a person.
struct Review: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the manual-review queue (redriven executions that failed again) and resolve items.",
        discussion: """
            With --kind buses or --kind topics, the review items are bus or topic deliveries whose \
            redrive failed again: 'retry' sends one again, 'resolve' closes it with a reason.
            """,
        subcommands: [List.self, Resolve.self, Retry.self]
    )

    struct List: ServerCommand {
        static let configuration = CommandConfiguration(abstract: "List the items waiting for review.", discussion: serverExitCodes)

        @Flag(help: "Include resolved items, with their resolution.")
        var all = false

        @Option(help: "What to list: executions, buses (bus deliveries) or topics (topic deliveries).")
        var kind: DeliveryKind = .executions

        @OptionGroup var server: ServerOptions

        func run(with client: StatesClient) async throws {
            let answer = try await client.call("ListReviewItems", ["includeResolved": .bool(all)], prefix: kind.prefix)
            kind.print(answer, json: server.json, empty: "nothing to review")
        }
    }

    struct Resolve: ServerCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a review item resolved, with the reason (recorded on the log).", discussion: serverExitCodes)

        @Argument(help: "The execution ARN of the item (its delivery id with --kind buses|topics).")
        var executionArn: String

        @Option(help: "What was done about it.")
        var reason: String

        @Option(help: "What the item is: executions, buses (a bus delivery) or topics (a topic delivery).")
        var kind: DeliveryKind = .executions

        @OptionGroup var server: ServerOptions

        func run(with client: StatesClient) async throws {
            _ = try await client.call(
                "ResolveReviewItem", [kind.idMember: .string(executionArn), "reason": .string(reason)], prefix: kind.prefix)
            server.printDone("resolved \(executionArn)")
        }
    }

    struct Retry: ServerCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a bus or topic delivery waiting for review again, with fresh attempts.", discussion: serverExitCodes)

        @Argument(help: "The delivery id of the item.")
        var deliveryId: String

        @Option(help: "What the item is: buses (a bus delivery) or topics (a topic delivery).")
        var kind: DeliveryKind

        @OptionGroup var server: ServerOptions

        func validate() throws {
            if kind == .executions {
                throw ValidationError("review items of executions are redriven with 'stepline dlq redrive'; give --kind buses or topics")
            }
        }

        func run(with client: StatesClient) async throws {
            _ = try await client.call("RetryReviewItem", ["deliveryId": .string(deliveryId)], prefix: kind.prefix)
            server.printDone("retried \(deliveryId)")
        }
    }
}
