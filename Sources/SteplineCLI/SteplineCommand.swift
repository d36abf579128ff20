import ArgumentParser
import Foundation

/// The `stepline` command: one subcommand per file (STYLE 13).
@main
struct SteplineCommand: AsyncParsableCommand {
    /// The version `stepline --version`, `stepline status` and the run file report.
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "stepline",
        abstract: "A durable workflow engine on one LMDB log.",
        version: version,
        subcommands: [
            Serve.self, Status.self, Wait.self, Stop.self, Validate.self, Run.self, Start.self, Describe.self, History.self,
            List.self, Approve.self, Reject.self, Heartbeat.self, DLQ.self, Review.self, Verify.self, Bench.self, Debug.self,
        ]
    )

    /// Refuses an unknown subcommand before ArgumentParser sees it: given `--help` after
    /// one, ArgumentParser prints the top-level help and exits 0, so a typo in a script
    /// (`stepline stauts --help`) would pass for success.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let unknown = unknownSubcommand(in: arguments) {
            printError("stepline: unknown subcommand '\(unknown)'; 'stepline --help' lists the subcommands")
            Foundation.exit(64)
        }
        await main(nil)
    }

    /// The first argument when it names no subcommand (`help` included), else `nil`.
    static func unknownSubcommand(in arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let known = Set(configuration.subcommands.map { $0._commandName } + ["help"])
        return known.contains(first) ? nil : first
    }
}
