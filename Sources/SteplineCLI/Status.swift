import ArgumentParser
import Foundation

/// `stepline status`: whether a server serves the data directory, where, and which version.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say whether a server serves the data directory: its address, pid and version.",
        discussion: """
            Reads the run file a server keeps in its data directory (server.json) and checks that \
            its process runs and its /health answers. With --json: {"running", "dataDirectory", \
            "server"} (server: pid, endpoint, host, port, version, startedAt, logFile), plus \
            "stale" when a server died without cleaning up.

            Exit codes: 0 when a server runs; 3 when none does (also after a crash: the run \
            file it left is reported as stale); 64 for invalid options.
            """
    )

    @OptionGroup var options: DataDirectoryOptions

    func run() async throws {
        let dataDir = options.dataDirectory
        let absolute = ServerRunFile.absolute(dataDir)
        let state = await ServerState.of(dataDirectory: dataDir)
        if options.json {
            var object: [String: Any] = ["dataDirectory": absolute]
            switch state {
            case .running(let file):
                object["running"] = true
                object["server"] = file.jsonObject
            case .stale(let file, let reason):
                object["running"] = false
                object["server"] = file.jsonObject
                object["stale"] = reason
            case .stopped:
                object["running"] = false
            }
            printLine(jsonText(object))
        } else {
            switch state {
            case .running(let file):
                printLine("running: \(file.endpoint) (pid \(file.pid), stepline \(file.version), data dir \(absolute), since \(file.startedAt))")
                if let log = file.logFile { printLine("log: \(log)") }
            case .stale(_, let reason):
                printLine("not running: a server of \(absolute) did not exit cleanly (\(reason)); 'stepline serve' starts a new one")
            case .stopped:
                printLine("not running: no server serves \(absolute)")
            }
        }
        if case .running = state { return }
        throw ExitCode(3)
    }
}

extension ServerRunFile {
    /// The run file as a JSON-compatible dictionary, for `--json` outputs.
    var jsonObject: [String: Any] {
        guard let data = try? JSONEncoder().encode(self), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return [:]
        }
        return object
    }
}
