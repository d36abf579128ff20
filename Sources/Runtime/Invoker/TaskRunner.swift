import AsyncHTTPClient
import Foundation
package import JSON
import Memberwise
import NIOCore
import NIOHTTP1
import Subprocess
package import SystemPackage

/// One external task call: what a handler receives.
@MemberwiseInit(.package)
package struct TaskInvocation: Sendable {
    package var resource: String
    package var input: JSONValue
    /// Names the effect (``IdempotencyKey``): the same for every delivery of it,
    /// so a handler can deduplicate.
    package var idempotencyKey: String
    package var token: String?
    package var executionArn: String
    package var stateName: String
}

/// The error an in-process handler throws to fail its task with a chosen error name and cause.
@MemberwiseInit(.public)
public struct TaskFailure: Error, Sendable {
    public var error: String
    public var cause: String = ""
}

/// How an external task ended.
package enum TaskOutcome: Sendable {
    case succeeded(JSONValue)
    case failed(error: String, cause: String)
}

/// Runs tasks on local commands and HTTP endpoints (after commit, outside the actor).
package struct TaskRunner: Sendable {
    package static let idempotencyVariable = "STEPLINE_IDEMPOTENCY_KEY"
    package static let idempotencyHeader = "Stepline-Idempotency-Key"
    package static let tokenVariable = "STEPLINE_TASK_TOKEN"
    package static let tokenHeader = "Stepline-Task-Token"

    /// The States Language's names for a target that failed and for a task that
    /// cannot run (`StatesError.Name`): every target's failure, whether a Task state,
    /// a bus target or a subscription called it, is reported in Step Functions' terms.
    package static let taskFailed = "States.TaskFailed"
    package static let runtimeError = "States.Runtime"

    package init() {}

    package func run(_ handler: TaskHandlerMap.Handler, _ invocation: TaskInvocation) async -> TaskOutcome {
        switch handler {
        case .command(let arguments, let directory, let timeout):
            return await runCommand(arguments, directory: directory, timeout: timeout, invocation)
        case .http(let url, let method, let headers):
            return await runHTTP(url: url, method: method, headers: headers, invocation)
        }
    }

    private func runCommand(
        _ arguments: [String],
        directory: String?,
        timeout: Int?,
        _ invocation: TaskInvocation
    ) async
        -> TaskOutcome
    {
        var environment: [Subprocess.Environment.Key: String?] = [
            Subprocess.Environment.Key(stringLiteral: Self.idempotencyVariable): invocation.idempotencyKey,
            "STEPLINE_EXECUTION_ARN": invocation.executionArn,
            "STEPLINE_STATE_NAME": invocation.stateName,
        ]
        if let token = invocation.token { environment[Subprocess.Environment.Key(stringLiteral: Self.tokenVariable)] = token }
        do {
            let result = try await Subprocess.run(
                .path(FilePath(arguments[0])),
                arguments: Arguments(Array(arguments.dropFirst())),
                environment: .inherit.updating(environment),
                workingDirectory: directory.map { FilePath($0) },
                input: .fileDescriptor(try Self.inputFile(invocation.input), closeAfterSpawningProcess: true),
                output: .string(limit: 16 << 20),
                error: .string(limit: 1 << 20)
            )
            let standardOutput = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            let standardError = result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
            if result.terminationStatus.isSuccess {
                if standardOutput.isEmpty { return .succeeded(.null) }
                do { return .succeeded(try JSONParser.parse(standardOutput)) } catch {
                    return .failed(
                        error: Self.taskFailed,
                        cause: "The handler \(arguments[0]) printed output that is not JSON: \(error)"
                    )
                }
            }
            return Self.failure(fromBody: standardOutput.isEmpty ? standardError : standardOutput) {
                "\(arguments[0]) exited with \(result.terminationStatus)\(standardError.isEmpty ? "" : ": \(standardError)")"
            }
        } catch {
            return .failed(error: Self.taskFailed, cause: "The handler \(arguments[0]) could not run: \(error)")
        }
    }

    /// The handler's standard input: an unlinked temporary file holding `input`.
    ///
    /// Not a pipe: a handler that exits without reading its input would make the
    /// write into a pipe fail with SIGPIPE (killing the whole process: the server,
    /// or `stepline run`) or, with SIGPIPE ignored, crash swift-subprocess, which
    /// traps on a descriptor left open by a failed write.
    package static func inputFile(_ input: JSONValue) throws -> SystemPackage.FileDescriptor {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("stepline-input-\(UInt64.random(in: 0...UInt64.max))").path
        let file = try SystemPackage.FileDescriptor.open(
            FilePath(path), .readWrite, options: [.create, .exclusiveCreate], permissions: .ownerReadWrite)
        do {
            _ = unlink(path)
            _ = try file.writeAll(input.bytes)
            _ = try file.seek(offset: 0, from: .start)
            return file
        } catch {
            try? file.close()
            throw error
        }
    }

    /// A failure the handler described as `{"error": …, "cause": …}`, or a generic one.
    package static func failure(fromBody body: String, otherwise cause: () -> String) -> TaskOutcome {
        if let json = try? JSONParser.parse(body), let error = json["error"]?.stringValue {
            return .failed(error: error, cause: json["cause"]?.stringValue ?? json["cause"]?.serialized ?? "")
        }
        return .failed(error: Self.taskFailed, cause: cause())
    }

    private func runHTTP(
        url: String?,
        method: String,
        headers: [String: String],
        _ invocation: TaskInvocation
    ) async
        -> TaskOutcome
    {
        let invoke = url == nil
        let target: String
        var request: HTTPClientRequest
        var body: String?
        if invoke {
            // arn:aws:states:::http:invoke: the request is in the Parameters.
            guard let endpoint = invocation.input["ApiEndpoint"]?.stringValue else {
                return .failed(error: Self.runtimeError, cause: "http:invoke needs Parameters.ApiEndpoint")
            }
            target = Self.withQuery(endpoint, invocation.input["QueryParameters"]?.objectValue)
            request = HTTPClientRequest(url: target)
            request.method = .init(rawValue: invocation.input["Method"]?.stringValue ?? "GET")
            if let requestHeaders = invocation.input["Headers"]?.objectValue {
                for (name, value) in requestHeaders.entries {
                    request.headers.add(name: name, value: value.stringValue ?? value.serialized)
                }
            }
            if let requestBody = invocation.input["RequestBody"] {
                body = requestBody.stringValue ?? requestBody.serialized
            }
        } else {
            target = url ?? ""
            request = HTTPClientRequest(url: target)
            request.method = .init(rawValue: method)
            body = invocation.input.serialized
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        request.headers.replaceOrAdd(name: Self.idempotencyHeader, value: invocation.idempotencyKey)
        if let token = invocation.token { request.headers.replaceOrAdd(name: Self.tokenHeader, value: token) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(300))
            let bytes = try await response.body.collect(upTo: 16 << 20)
            let text = String(buffer: bytes)
            let status = Int(response.status.code)
            if invoke {
                var headersObject = JSONObject()
                for header in response.headers { headersObject[header.name] = .string(header.value) }
                let responseBody: JSONValue = (try? JSONParser.parse(text)) ?? .string(text)
                if !(200..<300).contains(status) {
                    return .failed(
                        error: "States.Http.StatusCode.\(status)",
                        cause: JSONValue.object([
                            "StatusCode": .integer(status), "StatusText": .string(response.status.reasonPhrase),
                            "ResponseBody": responseBody,
                        ]).serialized
                    )
                }
                return .succeeded([
                    "StatusCode": .integer(status), "StatusText": .string(response.status.reasonPhrase),
                    "Headers": .object(headersObject), "ResponseBody": responseBody,
                ])
            }
            guard (200..<300).contains(status) else {
                return Self.failure(fromBody: text) { "\(target) answered \(status): \(text)" }
            }
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return .succeeded(.null) }
            do { return .succeeded(try JSONParser.parse(text)) } catch {
                return .failed(error: Self.taskFailed, cause: "\(target) answered with a body that is not JSON: \(error)")
            }
        } catch {
            return .failed(error: Self.taskFailed, cause: "\(target) could not be called: \(error)")
        }
    }

    private static func withQuery(_ endpoint: String, _ query: JSONObject?) -> String {
        guard let query, !query.keys.isEmpty else { return endpoint }
        var components = URLComponents(string: endpoint)
        components?.queryItems = query.entries.map { URLQueryItem(name: $0.0, value: $0.1.stringValue ?? $0.1.serialized) }
        return components?.string ?? endpoint
    }
}
