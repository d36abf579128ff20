import ArgumentParser
import EventLog
import Foundation

/// `stepline debug hold-reader`: opens a read transaction on the log and holds
/// it until killed, so a test can leave a stale reader slot behind.
struct DebugHoldReader: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold-reader",
        abstract: "Hold a read transaction on the log until killed; prints 'reading' once it is open."
    )

    @OptionGroup var options: DataDirectoryOptions

    func run() async throws {
        let log = try EventLog(directory: options.dataDirectory)
        try log.read { _ in
            printLine("reading")
            // Blocks this thread on purpose: the process exists only to be killed here.
            while true { sleep(60) }
        }
    }
}
