import Foundation
import JSON
import StatesLanguage

/// Runs the workflows' Task states on the real commands in `tools/media`, the
/// way the engine's handler map does (input on stdin, key in the environment),
/// so the definitions and the handlers are tested together before the durable
/// runtime is involved.
enum MediaHandlers {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// What a handler printed and how it exited.
    static func run(_ name: String, _ input: JSONValue, key: String) -> EmbeddedRunner.TaskOutcome {
        let result: (status: Int32, output: String)
        do {
            result = try execute(
                root.appendingPathComponent("tools/media/\(name)").path,
                [],
                input: input.serialized,
                environment: ["STEPLINE_IDEMPOTENCY_KEY": key, "STEPLINE_X264_PRESET": "ultrafast"]
            )
        } catch {
            return .failed(error: "States.TaskFailed", cause: "tools/media/\(name) could not run: \(error)")
        }
        let printed = try? JSONParser.parse(result.output)
        if result.status == 0, let printed { return .succeeded(printed) }
        return .failed(
            error: printed?["error"]?.stringValue ?? "States.TaskFailed",
            cause: printed?["cause"]?.stringValue ?? result.output
        )
    }

    /// The name of the tools/media command behind a `…:function:media-NAME` resource.
    static func command(for resource: String) -> String? {
        guard let function = resource.split(separator: ":").last, function.hasPrefix("media-") else { return nil }
        return String(function.dropFirst("media-".count))
    }

    /// A task handler for `EmbeddedRunner`: Lambda resources run their command; any other resource is
    /// answered by `other` (the review's token answer, a started child execution).
    static func handler(
        other: @escaping @Sendable (ScheduledTask) -> EmbeddedRunner.TaskOutcome
    ) -> @Sendable (ScheduledTask) -> EmbeddedRunner.TaskOutcome {
        { task in
            guard let name = command(for: task.resource) else { return other(task) }
            return run(name, task.parameters, key: "execution/\(task.enteredEventId)/\(task.attempt)")
        }
    }

    static func definition(_ name: String) throws -> StateMachineDefinition {
        let text = try String(contentsOf: root.appendingPathComponent("workflows/\(name).asl.json"), encoding: .utf8)
        let result = StateMachineDefinition.parse(text)
        guard let definition = result.definition else {
            throw WorkflowInvalid(name: name, diagnostics: result.diagnostics.map { "\($0.code) \($0.location): \($0.message)" })
        }
        return definition
    }

    /// A short H.264 test clip made with ffmpeg's test sources.
    static func makeClip(at path: String, size: String, seconds: Int = 2) throws {
        let result = try execute(
            "/usr/bin/env",
            [
                "ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "testsrc=duration=\(seconds):size=\(size):rate=25", "-f", "lavfi", "-i", "sine=duration=\(seconds)",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path,
            ],
            input: "",
            environment: [:]
        )
        guard result.status == 0 else { throw ClipNotMade(message: "ffmpeg (tools/setup installs it) exited with \(result.status)") }
    }

    static func execute(
        _ executable: String,
        _ arguments: [String],
        input: String,
        environment: [String: String]
    ) throws
        -> (status: Int32, output: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let standardInput = Pipe()
        let standardOutput = Pipe()
        process.standardInput = standardInput
        process.standardOutput = standardOutput
        process.standardError = FileHandle.nullDevice
        try process.run()
        standardInput.fileHandleForWriting.write(Data(input.utf8))
        try standardInput.fileHandleForWriting.close()
        let output = standardOutput.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

struct WorkflowInvalid: Error, CustomStringConvertible {
    var name: String
    var diagnostics: [String]
    var description: String { "workflows/\(name).asl.json is invalid: \(diagnostics.joined(separator: "; "))" }
}

struct ClipNotMade: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
