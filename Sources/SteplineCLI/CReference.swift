import Foundation

/// The C reference program (`lmdb_append`), compiled for this run.
struct CReference {
    /// Where the compiled program is.
    let executable: String

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Finds `lmdb_append.c`: the given path, else `../shared/bench/lmdb_append.c` relative to
    /// the working directory, else relative to the repository that holds this executable.
    static func locateSource(_ given: String?) throws -> String {
        if let given {
            guard FileManager.default.fileExists(atPath: given) else { throw Failure(description: "no file at \(given)") }
            return given
        }
        var candidates = ["../shared/bench/lmdb_append.c"]
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            // REPO/.build/<triple>/<configuration>/stepline
            let repository = URL(fileURLWithPath: executable)
                .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            candidates.append(repository.appendingPathComponent("../shared/bench/lmdb_append.c").standardized.path)
        }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw Failure(description: "cannot find lmdb_append.c (looked at \(candidates.joined(separator: ", "))); pass --reference PATH")
        }
        return found
    }

    /// Compiles `source` with `cc -O2` and pkg-config's lmdb flags into `directory`.
    static func build(source: String, into directory: String) throws -> CReference {
        let executable = (directory as NSString).appendingPathComponent("lmdb_append")
        let command = "cc -O2 -o '\(executable)' '\(source)' $(pkg-config --cflags --libs lmdb)"
        let result = try run("/bin/sh", ["-c", command])
        guard result.status == 0 else {
            throw Failure(description: "`\(command)` failed (\(result.status)): \(result.error)")
        }
        return CReference(executable: executable)
    }

    /// Runs `lmdb_append ARGUMENTS` and returns its `key=value` output.
    func measure(_ arguments: [String]) throws -> [String: String] {
        let result = try Self.run(executable, arguments)
        guard result.status == 0 else {
            throw Failure(description: "lmdb_append \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.error)")
        }
        var fields: [String: String] = [:]
        for pair in result.output.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }

    /// Runs a program to completion, capturing its output.
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }
}
