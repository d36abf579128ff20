import ArgumentParser

/// The `stepline` command: one subcommand per file (STYLE 13).
@main
struct SteplineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stepline",
        abstract: "A durable workflow engine on one LMDB log.",
        subcommands: [
            Serve.self, Validate.self, Run.self, Start.self, Describe.self, History.self, List.self, Approve.self, Reject.self,
            Heartbeat.self, DLQ.self, Review.self, Verify.self, Bench.self, Debug.self,
        ]
    )
}
