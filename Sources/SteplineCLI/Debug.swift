import ArgumentParser

/// `stepline debug`: hidden commands that tests drive.
struct Debug: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Commands for tests; not a stable interface.",
        shouldDisplay: false,
        subcommands: [DebugAppendLoad.self, DebugRunLoad.self, DebugHoldReader.self]
    )
}
