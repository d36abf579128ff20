import ArgumentParser

/// `stepline bench`: benchmarks that print figures (never timed tests).
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that print figures and ratios against reference programs.",
        subcommands: [BenchLog.self, BenchEngine.self, BenchVerify.self, BenchLateness.self]
    )
}
