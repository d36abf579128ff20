import ArgumentParser
import JSON

/// `stepline dlq list|redrive`: executions that failed and have not been redriven.
struct DLQ: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "List the dead-letter queue (failed executions) and redrive them.",
        discussion: """
            An execution that fails, times out or is aborted is a dead letter until it is redriven. \
            Redriving resumes it from where it failed (RedriveExecution): what succeeded is kept. An \
            execution whose redrive fails again moves to 'stepline review'. With --kind buses or \
            --kind topics, the same for event-bus target deliveries and topic subscription \
            deliveries whose retries ran out: redriving sends them again with fresh attempts.
            """,
        subcommands: [List.self, Redrive.self]
    )

    struct List: ServerCommand {
        static let configuration = CommandConfiguration(abstract: "List the dead letters.", discussion: serverExitCodes)

        @Option(help: "What to list: executions, buses (bus deliveries) or topics (topic deliveries).")
        var kind: DeliveryKind = .executions

        @OptionGroup var server: ServerOptions

        func run(with client: StatesClient) async throws {
            let answer = try await client.call("ListDeadLetters", prefix: kind.prefix)
            kind.print(answer, json: server.json, empty: "the dead-letter queue is empty")
        }
    }

    struct Redrive: ServerCommand {
        static let configuration = CommandConfiguration(
            abstract: "Redrive dead letters: the executions given, or --all.", discussion: serverExitCodes)

        @Argument(help: "Execution ARNs to redrive (delivery ids with --kind buses|topics).")
        var executionArns: [String] = []

        @Flag(help: "Redrive every dead letter.")
        var all = false

        @Option(help: "What to redrive: executions, buses (bus deliveries) or topics (topic deliveries).")
        var kind: DeliveryKind = .executions

        @OptionGroup var server: ServerOptions

        func validate() throws {
            if executionArns.isEmpty == !all {
                throw ValidationError("give the execution ARNs to redrive, or --all (not both)")
            }
        }

        func run(with client: StatesClient) async throws {
            if kind != .executions { return try await redriveDeliveries(client) }
            var arns = executionArns
            if all {
                let answer = try await client.call("ListDeadLetters", prefix: "Stepline")
                arns = (answer["items"]?.arrayValue ?? []).compactMap { $0["executionArn"]?.stringValue }
            }
            var redriven: [JSONValue] = []
            for arn in arns {
                let answer = try await client.call("RedriveExecution", ["executionArn": .string(arn)])
                redriven.append(["executionArn": .string(arn), "redriveDate": answer["redriveDate"] ?? .null])
                if !server.json { printLine("redriven \(arn)") }
            }
            if server.json { printLine(JSONValue.object(["redriven": .array(redriven)]).serialized) }
            if !server.json && arns.isEmpty { printLine("the dead-letter queue is empty; nothing to redrive") }
        }

        /// Bus or topic deliveries: the server redrives them in one call.
        func redriveDeliveries(_ client: StatesClient) async throws {
            let input: JSONObject = all ? ["all": true] : ["deliveryIds": .array(executionArns.map { .string($0) })]
            let answer = try await client.call("RedriveDeadLetters", input, prefix: kind.prefix)
            if server.json { return printLine(answer.serialized) }
            let ids = answer["redriven"]?.arrayValue?.compactMap(\.stringValue) ?? []
            for id in ids { printLine("redriven \(id)") }
            if ids.isEmpty { printLine("the dead-letter queue is empty; nothing to redrive") }
        }
    }
}
