import ArgumentParser
import Foundation

/// `--scratch` of the benchmarks: the directory their logs go in, by default a fresh
/// temporary one that is removed when the benchmark ends.
struct ScratchDirectoryOptions: ParsableArguments {
    @Option(help: "Directory for the benchmark's logs (default: a fresh temporary directory, removed afterwards).")
    var scratch: String?

    /// Creates the directory: `--scratch`, else `stepline-bench-NAME-UUID` in the temporary directory.
    func create(benchmark name: String) throws -> String {
        let root =
            scratch ?? FileManager.default.temporaryDirectory.appendingPathComponent("stepline-bench-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    /// Removes `root` unless `--scratch` named it (a directory the caller keeps).
    func remove(_ root: String) {
        if scratch == nil { try? FileManager.default.removeItem(atPath: root) }
    }
}
