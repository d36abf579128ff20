import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The run file `stepline serve` keeps in its data directory (`server.json`) while it
/// serves: how `status`, `stop`, `wait` and the server commands find the server of a data
/// directory without being told its port.
///
/// `serve` writes it once the socket is bound and removes it on a clean exit (SIGTERM,
/// SIGINT). A server killed with SIGKILL leaves it behind: a reader treats it as *stale*
/// when its pid no longer runs or its endpoint's `/health` does not answer, and the next
/// `serve` overwrites it. It is a hint for finding the process, never a record: the log
/// knows nothing of it, and deleting it loses nothing but `stepline status`'s answer.
struct ServerRunFile: Codable, Equatable {
    /// The server's process id.
    var pid: Int32
    /// `http://HOST:PORT`, the address clients call.
    var endpoint: String
    var host: String
    var port: Int
    /// The data directory as an absolute path.
    var dataDirectory: String
    /// The `stepline` version that serves (``SteplineCommand/version``).
    var version: String
    /// When it started listening (ISO 8601, UTC).
    var startedAt: String
    /// Where a `serve --background` server writes its output (`nil` in the foreground).
    var logFile: String?

    /// The run file's name inside a data directory.
    static let fileName = "server.json"

    static func path(inDataDirectory dataDirectory: String) -> String {
        (dataDirectory as NSString).appendingPathComponent(fileName)
    }

    /// The run file of `dataDirectory`, or `nil` when there is none or it cannot be read.
    static func read(dataDirectory: String) -> ServerRunFile? {
        guard let data = FileManager.default.contents(atPath: path(inDataDirectory: dataDirectory)) else { return nil }
        return try? JSONDecoder().decode(ServerRunFile.self, from: data)
    }

    /// Writes the file atomically (a reader sees the old file or the new one, never half of it).
    func write() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(self).write(to: URL(fileURLWithPath: Self.path(inDataDirectory: dataDirectory)), options: .atomic)
    }

    /// Removes the run file of `dataDirectory` if it still names `pid` (a newer server may have replaced it).
    static func remove(dataDirectory: String, ifPid pid: Int32) {
        guard read(dataDirectory: dataDirectory)?.pid == pid else { return }
        try? FileManager.default.removeItem(atPath: path(inDataDirectory: dataDirectory))
    }

    /// The absolute, standardized form of `path` (relative paths start at the working directory).
    static func absolute(_ path: String) -> String {
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return url.standardizedFileURL.path
    }
}

/// What runs on a data directory, as `stepline status` reports it.
enum ServerState {
    /// A server whose process runs and whose `/health` answers.
    case running(ServerRunFile)
    /// A run file whose server is gone (killed, or its pid now belongs to something that does not answer).
    case stale(ServerRunFile, reason: String)
    /// No run file: no server was started on this data directory, or it stopped cleanly.
    case stopped

    /// Reads the run file of `dataDirectory` and checks its process and its `/health`.
    static func of(dataDirectory: String) async -> ServerState {
        guard let file = ServerRunFile.read(dataDirectory: dataDirectory) else { return .stopped }
        guard processIsAlive(file.pid) else { return .stale(file, reason: "process \(file.pid) is not running") }
        guard await healthAnswers(file.endpoint) else {
            return .stale(file, reason: "process \(file.pid) runs but \(file.endpoint)/health does not answer")
        }
        return .running(file)
    }

    /// Whether a process with this pid runs: `kill(pid, 0)` finds it (EPERM: it exists but is
    /// not ours) and it is not a zombie — a killed background server has exited, but where
    /// PID 1 does not reap orphans (some containers) it stays a zombie that `kill` still finds.
    static func processIsAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        // /proc/PID/stat: "PID (COMMAND) STATE …"; the command may hold spaces and parentheses.
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") {
            return stat[close...].dropFirst(2).first != "Z"
        }
        return true
    }

    /// Whether `GET endpoint/health` answers 200 within `timeout` seconds.
    static func healthAnswers(_ endpoint: String, timeout: TimeInterval = 2) async -> Bool {
        guard let url = URL(string: endpoint + "/health") else { return false }
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        guard let (_, response) = try? await URLSession.shared.data(for: request) else { return false }
        return (response as? HTTPURLResponse)?.statusCode == 200
    }
}
