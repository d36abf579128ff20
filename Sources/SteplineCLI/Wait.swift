import ArgumentParser
import Foundation
import JSON

/// `stepline wait`: for scripts, waits until the server of a data directory (or an endpoint) answers.
struct Wait: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Wait until a server answers (then print its address), or until an execution finishes.",
        discussion: """
            Waits until the server of the data directory (found through its run file, \
            server.json) runs and answers /health, or with --endpoint until that URL's /health \
            answers. Use it after starting 'stepline serve' with & in a script.

            Given an EXECUTION_ARN, then waits until that execution is no longer RUNNING and \
            prints its status and output (or error and cause), as 'stepline start --wait' does.

            Exit codes: 0 once it answers (with EXECUTION_ARN: once it succeeded); 1 when the \
            execution did not succeed; 3 when nothing answers within --timeout seconds; 64 for \
            invalid options.
            """
    )

    @Argument(help: "An execution to wait for, once the server answers.")
    var executionArn: String?

    @OptionGroup var options: DataDirectoryOptions

    @Option(help: "Wait for this URL's /health instead of the data directory's server.")
    var endpoint: String?

    @Option(help: "Seconds to wait.")
    var timeout: Int = 60

    func validate() throws {
        if let endpoint, URL(string: endpoint)?.host == nil {
            throw ValidationError("--endpoint must be an http:// or https:// URL, got '\(endpoint)'")
        }
    }

    func run() async throws {
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        repeat {
            if let answered = await answeringEndpoint() {
                guard let executionArn else { return printLine(options.json ? jsonText(["endpoint": answered]) : answered) }
                return try await waitForExecution(executionArn, client: StatesClient(endpoint: answered), deadline: deadline)
            }
            try await Task.sleep(for: .milliseconds(100))
        } while Date() < deadline
        let what = endpoint ?? "the server of \(ServerRunFile.absolute(options.dataDirectory))"
        throw CommandFailure("\(what) did not answer within \(timeout) s", exitCode: 3).exit()
    }

    /// Polls `DescribeExecution` until the execution stops running, then prints it as `start --wait` does.
    private func waitForExecution(_ arn: String, client: StatesClient, deadline: Date) async throws {
        do {
            let execution = try await client.finishedExecution(arn, deadline: deadline)
            if options.json { printLine(execution.serialized) } else { ExecutionText.print(execution, brief: true) }
            if execution["status"]?.stringValue != "SUCCEEDED" { throw ExitCode(1) }
        } catch let failure as CommandFailure {
            throw failure.exit()
        }
    }

    /// The endpoint once it answers, else `nil`.
    private func answeringEndpoint() async -> String? {
        if let endpoint { return await ServerState.healthAnswers(endpoint) ? endpoint : nil }
        if executionArn != nil, let endpoint = ProcessInfo.processInfo.environment["STEPLINE_ENDPOINT"], !endpoint.isEmpty {
            return await ServerState.healthAnswers(endpoint) ? endpoint : nil
        }
        if case .running(let file) = await ServerState.of(dataDirectory: options.dataDirectory) { return file.endpoint }
        return nil
    }
}
