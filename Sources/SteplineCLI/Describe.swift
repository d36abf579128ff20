import ArgumentParser
import JSON

/// `stepline describe EXECUTION_ARN`: DescribeExecution on a running server.
struct Describe: ServerCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show an execution's status, input, output, error and cause.",
        discussion: serverExitCodes
    )

    @Argument(help: "The execution ARN (as 'stepline start' or 'stepline list MACHINE' print it).")
    var executionArn: String

    @OptionGroup var server: ServerOptions

    func run(with client: StatesClient) async throws {
        let execution = try await client.call("DescribeExecution", ["executionArn": .string(executionArn)])
        if server.json { printLine(execution.serialized) } else { ExecutionText.print(execution) }
    }
}
