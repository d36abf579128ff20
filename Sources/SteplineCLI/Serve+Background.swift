import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Serve {
    /// `serve --background`: starts this same command without `--background` as a process of
    /// its own, its output appended to `DATA_DIR/server.log`, and returns once that server
    /// answers `/health` and its run file names it.
    ///
    /// Waiting for the answer, not for the process to start, is the point: a walk-through can
    /// run `stepline start …` on the next line. If the server exits first (a taken port, a
    /// data directory it cannot open), its own error is printed from the log and the exit
    /// code is 1, so a script stops there.
    func startInBackground() async throws {
        let dataDir = options.dataDirectory
        do { try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true) } catch {
            throw ServeError("cannot create the data directory \(dataDir): \(error.localizedDescription)")
        }
        let logPath = (dataDir as NSString).appendingPathComponent("server.log")
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw ServeError("cannot write the server log \(logPath)") }
        let logStart = (try? log.seekToEnd()) ?? 0

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executablePath)
        var arguments = Array(CommandLine.arguments.dropFirst()).filter { $0 != "--background" }
        arguments += ["--background-log", logPath]
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        do { try process.run() } catch { throw ServeError("cannot start \(Self.executablePath): \(error.localizedDescription)") }
        try? log.close()
        let pid = process.processIdentifier

        let deadline = Date().addingTimeInterval(TimeInterval(startTimeout))
        while Date() < deadline {
            if case .running(let file) = await ServerState.of(dataDirectory: dataDir), file.pid == pid {
                if options.json {
                    let data = (try? JSONEncoder().encode(file)) ?? Data("{}".utf8)
                    printLine(String(decoding: data, as: UTF8.self))
                } else {
                    printLine(
                        "stepline: serving on \(file.endpoint) in the background (pid \(pid), data dir \(dataDir), log \(logPath)); "
                            + "'stepline stop\(Self.dataDirArgument(options))' stops it"
                    )
                }
                return
            }
            if !process.isRunning {
                let output = Self.text(of: logPath, from: logStart).trimmingCharacters(in: .whitespacesAndNewlines)
                if !output.isEmpty { printError(output) }
                throw ServeError("the server exited (status \(process.terminationStatus)) before it answered; its output is in \(logPath)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServeError(
            "the server (pid \(pid)) did not answer within \(startTimeout) s; it may still be opening a large log: "
                + "'stepline wait\(Self.dataDirArgument(options))' waits for it, \(logPath) says what it does"
        )
    }

    /// This executable's path (`/proc/self/exe` on Linux), so the background server is the same binary.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
    }

    /// The text of `path` from byte `offset` on.
    static func text(of path: String, from offset: UInt64) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.readToEnd() else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
