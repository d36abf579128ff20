// stepline-activity-worker: the ActivityWorker library as a command.
//
// Polls an activity on Stepline (or AWS) and runs a local command handler on each task —
// tools/media/* or anything that follows the engine's command contract (input JSON on
// stdin, result JSON on stdout, exit 0; on failure a non-zero exit and optionally
// {"error", "cause"} on stdout). The Swift twin of tools/workers/activity-worker.
//
//   SteplineActivityWorker --endpoint-url http://127.0.0.1:8423 \
//       --activity-arn arn:aws:states:us-east-1:123456789012:activity:media-transcode \
//       --handler tools/media/transcode [--heartbeat-seconds 20] [--worker-name NAME]
//
// Signs requests with SigV4 when AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set
// (AWS_SESSION_TOKEN, AWS_REGION or AWS_DEFAULT_REGION too). SIGTERM or SIGINT stops
// polling and lets the task in hand finish. Exit codes: 0 after a graceful stop,
// 64 for invalid arguments.
import ActivityWorker
import Foundation
import JSON
import Logging
import ServiceLifecycle
import UnixSignals

struct Options {
    var endpoint = ProcessInfo.processInfo.environment["STEPLINE_ENDPOINT"] ?? "http://127.0.0.1:8423"
    var activityArn = ""
    var handler: [String] = []
    var workerName = "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
    var heartbeatSeconds = 20.0

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            guard index + 1 < arguments.count else { return nil }
            let value = arguments[index + 1]
            switch name {
            case "--endpoint-url": options.endpoint = value
            case "--activity-arn": options.activityArn = value
            case "--worker-name": options.workerName = value
            case "--heartbeat-seconds":
                guard let seconds = Double(value), seconds > 0 else { return nil }
                options.heartbeatSeconds = seconds
            case "--handler":
                options.handler = Array(arguments[(index + 1)...])  // the rest is the command and its arguments
                index = arguments.count
                continue
            default: return nil
            }
            index += 2
        }
        return options.activityArn.isEmpty || options.handler.isEmpty ? nil : options
    }
}

/// Runs the handler command on a task; blocking pipe reads happen on a GCD thread, not the cooperative pool.
func runHandler(_ command: [String], _ task: ActivityTask) async throws -> JSONValue {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    var environment = ProcessInfo.processInfo.environment
    environment["STEPLINE_TASK_TOKEN"] = task.taskToken
    environment["STEPLINE_IDEMPOTENCY_KEY"] = task.idempotencyKey
    process.environment = environment
    let input = Pipe()
    let output = Pipe()
    // Standard error goes to a file, so reading it never competes with reading standard output.
    let errorPath = NSTemporaryDirectory() + "stepline-activity-worker-\(UUID().uuidString).stderr"
    guard FileManager.default.createFile(atPath: errorPath, contents: nil),
        let errorFile = FileHandle(forWritingAtPath: errorPath)
    else { throw ActivityFailure(error: "States.TaskFailed", cause: "cannot create \(errorPath)") }
    defer {
        try? errorFile.close()
        try? FileManager.default.removeItem(atPath: errorPath)
    }
    (process.standardInput, process.standardOutput, process.standardError) = (input, output, errorFile)
    let (status, stdout): (Int32, String) = try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do { try process.run() } catch {
                    continuation.resume(
                        throwing: ActivityFailure(error: "States.TaskFailed", cause: "\(command[0]) could not run: \(error)")
                    )
                    return
                }
                input.fileHandleForWriting.write(Data(task.input.serialized.utf8))
                try? input.fileHandleForWriting.close()
                let outputText = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, String(decoding: outputText, as: UTF8.self)))
            }
        }
    } onCancel: {
        if process.isRunning { process.terminate() }
    }
    let stderr = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
    let printed = try? JSONParser.parse(stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    if status == 0 {
        guard let printed else {
            throw ActivityFailure(error: "States.TaskFailed", cause: "\(command[0]) printed output that is not JSON")
        }
        return printed
    }
    if let error = printed?["error"]?.stringValue {
        throw ActivityFailure(error: error, cause: printed?["cause"]?.stringValue ?? "")
    }
    throw ActivityFailure(
        error: "States.TaskFailed",
        cause: "\(command[0]) exited with \(status): \(String(stderr.suffix(4000)))"
    )
}

guard let options = Options.parse(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(
        Data(
            ("usage: SteplineActivityWorker [--endpoint-url URL] --activity-arn ARN [--worker-name NAME] "
                + "[--heartbeat-seconds N] --handler COMMAND [ARGUMENTS…]\n").utf8
        )
    )
    exit(64)
}
LoggingSystem.bootstrap(StreamLogHandler.standardError)
let logger = Logger(label: "stepline-activity-worker")
let environment = ProcessInfo.processInfo.environment
var signer: SignatureV4Signer?
if let key = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] {
    signer = SignatureV4Signer(
        credentials: AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"]),
        region: environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
    )
}
let handler = options.handler
let worker = ActivityWorker(
    api: StepFunctionsActivityClient(endpoint: options.endpoint, signer: signer),
    configuration: .init(
        activityArn: options.activityArn,
        workerName: options.workerName,
        heartbeatInterval: .milliseconds(Int64(options.heartbeatSeconds * 1000))
    ),
    logger: logger
) { task in try await runHandler(handler, task) }
let group = ServiceGroup(services: [worker], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
try await group.run()
