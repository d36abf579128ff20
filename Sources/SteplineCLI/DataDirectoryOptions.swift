import ArgumentParser
import Foundation

/// The options every data-directory command shares: where the log lives and
/// whether to print JSON.
struct DataDirectoryOptions: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: "Directory of the log and its indexes (env STEPLINE_DATA_DIR; default ./.stepline)."
    )
    var dataDirOption: String?

    @Flag(help: "Print the result as one JSON object on standard output.")
    var json = false

    /// `--data-dir`, else `STEPLINE_DATA_DIR`, else `./.stepline`.
    var dataDirectory: String {
        dataDirOption ?? ProcessInfo.processInfo.environment["STEPLINE_DATA_DIR"] ?? "./.stepline"
    }

    /// Whether the data directory holds a log (an LMDB data file).
    var holdsLog: Bool {
        FileManager.default.fileExists(atPath: (dataDirectory as NSString).appendingPathComponent("data.mdb"))
    }
}

/// Writes `text` and a newline to standard error, unbuffered.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Writes `text` and a newline to standard output, unbuffered (scripts and tests read it from a pipe).
func printLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// Serializes a JSON-compatible dictionary with sorted keys.
func jsonText(_ object: [String: Any]) -> String {
    // JSONSerialization accepts any tree of dictionaries, arrays, strings and
    // numbers, which is all the callers build.
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
}
