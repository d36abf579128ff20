public import AsyncHTTPClient
import Foundation
public import JSON
import NIOCore
import NIOHTTP1

/// ``ActivityAPI`` over HTTP: the Step Functions JSON protocol against
/// `stepline serve` (or AWS), optionally signed with SigV4.
///
/// ```swift
/// let client = StepFunctionsActivityClient(endpoint: "http://127.0.0.1:8423")
/// if let task = try await client.getActivityTask(activityArn: arn, workerName: "w1") { … }
/// ```
///
/// A poll waits up to ``pollTimeout`` for the server's answer (Step Functions
/// holds a poll for 60 seconds); other calls up to ``requestTimeout``.
/// Errors are ``ActivityAPIError``: the service's own (`__type`), or status 0
/// with code `RequestFailed` when no answer arrived.
public struct StepFunctionsActivityClient: ActivityAPI {
    /// `scheme://host:port`, without a path: requests go to `/`.
    public var endpoint: String
    public var signer: SignatureV4Signer?
    public var pollTimeout: Duration
    public var requestTimeout: Duration
    private let httpClient: HTTPClient
    private let secondsSince1970: @Sendable () -> Int64

    /// - Parameters:
    ///   - signer: signs every request when set (the server requires it when it has credentials).
    ///   - httpClient: defaults to `HTTPClient.shared`, whose lifetime is the process's.
    ///   - secondsSince1970: the clock for `X-Amz-Date`; the system clock by default.
    public init(
        endpoint: String,
        signer: SignatureV4Signer? = nil,
        pollTimeout: Duration = .seconds(70),
        requestTimeout: Duration = .seconds(20),
        httpClient: HTTPClient = .shared,
        secondsSince1970: (@Sendable () -> Int64)? = nil
    ) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.signer = signer
        self.pollTimeout = pollTimeout
        self.requestTimeout = requestTimeout
        self.httpClient = httpClient
        self.secondsSince1970 = secondsSince1970 ?? { Int64(Date().timeIntervalSince1970) }
    }

    public func getActivityTask(activityArn: String, workerName: String) async throws -> ActivityTask? {
        let answer = try await call(
            AWSJSONCall(
                operation: "GetActivityTask",
                body: ["activityArn": .string(activityArn), "workerName": .string(workerName)]
            ),
            timeout: pollTimeout
        )
        return try Self.task(from: answer)
    }

    public func sendTaskHeartbeat(taskToken: String) async throws {
        _ = try await call(AWSJSONCall(operation: "SendTaskHeartbeat", body: ["taskToken": .string(taskToken)]))
    }

    public func sendTaskSuccess(taskToken: String, output: JSONValue) async throws {
        _ = try await call(
            AWSJSONCall(
                operation: "SendTaskSuccess",
                body: ["taskToken": .string(taskToken), "output": .string(output.serialized)]
            )
        )
    }

    public func sendTaskFailure(taskToken: String, error: String, cause: String) async throws {
        _ = try await call(
            AWSJSONCall(
                operation: "SendTaskFailure",
                body: [
                    "taskToken": .string(taskToken), "error": .string(String(error.prefix(256))),
                    "cause": .string(String(cause.prefix(32768))),
                ]
            )
        )
    }

    /// The task in a `GetActivityTask` answer; an empty poll has no (or an empty) `taskToken`.
    /// - Throws: ``ActivityAPIError`` `InvalidResponse` when `input` is not JSON text.
    static func task(from answer: JSONValue) throws(ActivityAPIError) -> ActivityTask? {
        guard let token = answer["taskToken"]?.stringValue, !token.isEmpty else { return nil }
        let text = answer["input"]?.stringValue ?? "{}"
        let input: JSONValue
        do { input = try JSONParser.parse(text) } catch {
            throw ActivityAPIError(code: "InvalidResponse", message: "The task's input is not JSON: \(error)", status: 200)
        }
        return ActivityTask(taskToken: token, input: input, idempotencyKey: answer["idempotencyKey"]?.stringValue)
    }

    private func call(_ call: AWSJSONCall, timeout: Duration? = nil) async throws -> JSONValue {
        let body = call.bodyBytes
        var request = HTTPClientRequest(url: endpoint + "/")
        request.method = .POST
        for (name, value) in call.headers { request.headers.add(name: name, value: value) }
        // Set explicitly so the Host the server sees is the one that was signed.
        let host = Self.host(of: endpoint)
        request.headers.replaceOrAdd(name: "Host", value: host)
        if let signer {
            let signed = signer.signatureHeaders(
                method: "POST",
                path: "/",
                headers: call.headers + [("Host", host)],
                body: body,
                amzDate: AMZDate.string(secondsSince1970: secondsSince1970())
            )
            for (name, value) in signed { request.headers.replaceOrAdd(name: name, value: value) }
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let wait = timeout ?? requestTimeout
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await httpClient.execute(request, timeout: .nanoseconds(Int64(wait.nanoseconds)))
            bytes = try await response.body.collect(upTo: 8 << 20)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw ActivityAPIError(code: "RequestFailed", message: "\(call.operation) to \(endpoint): \(error)", status: 0)
        }
        return try AWSJSONCall.decode(status: Int(response.status.code), body: Array(buffer: bytes))
    }

    /// `host[:port]` of the endpoint, as the HTTP client sends it in `Host` (and SigV4 signs it).
    static func host(of endpoint: String) -> String {
        var rest = Substring(endpoint)
        if let range = rest.range(of: "://") { rest = rest[range.upperBound...] }
        return String(rest.prefix { $0 != "/" })
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
