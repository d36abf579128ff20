import Foundation
import TestSupport

/// The built `stepline` executable, beside the test bundle in the build products
/// directory (`swift build --build-tests` builds it).
enum SteplineBinary {
    static var path: String {
        let runner =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: runner).deletingLastPathComponent()
        // On Linux the runner is PRODUCTS/SteplinePackageTests.xctest; on macOS it
        // may be inside the bundle: walk up until `stepline` is beside us.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("stepline").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: runner).deletingLastPathComponent().appendingPathComponent("stepline").path
    }

    /// Runs `stepline ARGUMENTS` to completion and returns its exit status and output.
    /// Waits on a thread of its own (``TestSupport/offPool(_:)``), not on the cooperative pool.
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:]
    ) async throws
        -> (status: Int32, output: String, error: String)
    {
        try await offPool { try runBlocking(arguments, environment: environment) }
    }

    private static func runBlocking(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
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
