import ArgumentParser

/// A subcommand that calls a running `stepline serve` (``ServerOptions``).
///
/// It writes only ``run(with:)``; `run()` hands it the server's client and turns a
/// ``CommandFailure`` (the server refused, or did not answer) into its message and
/// exit code, the same for every such command (``serverExitCodes``).
protocol ServerCommand: AsyncParsableCommand {
    /// `--endpoint` and `--json`.
    var server: ServerOptions { get }

    /// Calls the server through `client` and prints the answer.
    func run(with client: StatesClient) async throws
}

extension ServerCommand {
    func run() async throws {
        do { try await run(with: server.client) } catch let failure as CommandFailure { throw failure.exit() }
    }
}
