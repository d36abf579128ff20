import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `stepline stop`: stops the server of the data directory gracefully and waits until it has.
struct Stop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop the server of the data directory (SIGTERM) and wait until it has exited.",
        discussion: """
            Finds the server through its run file (server.json in the data directory), sends it \
            SIGTERM — in-flight requests finish, the log is closed — and waits until the process \
            has exited. Nothing to stop is not an error: a run file left by a crashed server is \
            removed.

            Exit codes: 0 when no server serves the data directory any more; 1 when it is still \
            running after --timeout seconds; 64 for invalid options.
            """
    )

    @OptionGroup var options: DataDirectoryOptions

    @Option(help: "Seconds to wait for the server to exit.")
    var timeout: Int = 60

    func run() async throws {
        let dataDir = options.dataDirectory
        let absolute = ServerRunFile.absolute(dataDir)
        switch await ServerState.of(dataDirectory: dataDir) {
        case .stopped:
            return printLine(options.json ? jsonText(["stopped": false, "dataDirectory": absolute]) : "no server serves \(absolute)")
        case .stale(let file, let reason):
            // Only a dead pid: a live process that does not answer may be a server still opening its log.
            if !ServerState.processIsAlive(file.pid) {
                ServerRunFile.remove(dataDirectory: dataDir, ifPid: file.pid)
                let text = "no server serves \(absolute) (removed the run file of a server that did not exit cleanly: \(reason))"
                return printLine(options.json ? jsonText(["stopped": false, "dataDirectory": absolute]) : text)
            }
            try await stop(file)
        case .running(let file):
            try await stop(file)
        }
    }

    private func stop(_ file: ServerRunFile) async throws {
        guard kill(file.pid, SIGTERM) == 0 || errno == ESRCH else {
            throw CommandFailure("cannot signal process \(file.pid): \(String(cString: strerror(errno)))").exit()
        }
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        while Self.serves(file) {
            guard Date() < deadline else {
                throw CommandFailure("the server (pid \(file.pid)) is still running after \(timeout) s; its log: \(file.logFile ?? "its terminal")")
                    .exit()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        printLine(
            options.json
                ? jsonText(["stopped": true, "dataDirectory": file.dataDirectory, "pid": Int(file.pid)])
                : "stopped the server on \(file.endpoint) (pid \(file.pid))"
        )
    }

    /// Whether the server has not finished exiting: its run file still names it (a clean exit
    /// removes it last, after closing the log) and its process runs.
    static func serves(_ file: ServerRunFile) -> Bool {
        ServerRunFile.read(dataDirectory: file.dataDirectory)?.pid == file.pid && ServerState.processIsAlive(file.pid)
    }
}
