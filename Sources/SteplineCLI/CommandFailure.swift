import ArgumentParser

/// A failure a subcommand reports as `stepline: <message>` on standard error, exiting with `exitCode`.
///
/// Messages say what is wrong and what to do; exit codes are documented in each
/// subcommand's discussion (1: the operation failed, 2: bad input file, 3: server
/// unreachable, 64: invalid options).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    let exitCode: Int32

    init(_ description: String, exitCode: Int32 = 1) {
        self.description = description
        self.exitCode = exitCode
    }

    /// Prints the message and turns the failure into ArgumentParser's exit.
    func exit() -> ExitCode {
        printError("stepline: \(description)")
        return ExitCode(exitCode)
    }
}

/// The exit codes of the commands that talk to a server, for their help text.
let serverExitCodes = """
    Exit codes: 0 on success; 1 when the server refuses the request (its AWS error code and \
    message are printed); 3 when no server answers at --endpoint; 64 for invalid options.
    """
