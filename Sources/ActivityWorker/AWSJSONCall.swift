public import JSON

/// One call of the AWS JSON 1.0 protocol of Step Functions, as bytes on the
/// wire: `POST /`, `X-Amz-Target: AWSStepFunctions.<Operation>`,
/// `Content-Type: application/x-amz-json-1.0`, a JSON body.
///
/// Pure, so the tests check the exact request a worker sends and the way it
/// reads every kind of answer without a network.
public struct AWSJSONCall: Sendable {
    public var operation: String
    public var body: JSONValue

    public static let contentType = "application/x-amz-json-1.0"
    public static let targetPrefix = "AWSStepFunctions."

    public init(operation: String, body: JSONValue) {
        self.operation = operation
        self.body = body
    }

    /// The request body.
    public var bodyBytes: [UInt8] { Array(body.serialized.utf8) }

    /// The protocol headers (without `Host`, which the HTTP client adds, and the signature).
    public var headers: [(name: String, value: String)] {
        [("Content-Type", Self.contentType), ("X-Amz-Target", Self.targetPrefix + operation)]
    }

    /// The answer's body as JSON, or the service's error.
    ///
    /// AWS JSON errors carry `__type` (either `TaskTimedOut` or
    /// `com.amazonaws.states#TaskTimedOut`) and `message` (or `Message`).
    /// - Throws: ``ActivityAPIError``.
    public static func decode(status: Int, body: [UInt8]) throws(ActivityAPIError) -> JSONValue {
        let text = String(decoding: body, as: UTF8.self)
        let parsed: JSONValue?
        if text.allSatisfy(\.isWhitespace) { parsed = .object([:]) } else { parsed = try? JSONParser.parse(text) }
        guard (200..<300).contains(status) else {
            let type = parsed?["__type"]?.stringValue ?? ""
            let code = type.split(separator: "#").last.map(String.init) ?? ""
            let message = parsed?["message"]?.stringValue ?? parsed?["Message"]?.stringValue ?? text
            throw ActivityAPIError(code: code.isEmpty ? "HTTP\(status)" : code, message: message, status: status)
        }
        guard let parsed else {
            throw ActivityAPIError(code: "InvalidResponse", message: "The answer is not JSON: \(text.prefix(200))", status: status)
        }
        return parsed
    }
}

/// An error answered by the Step Functions API (or a response it could not read).
public struct ActivityAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The AWS error code without its namespace: `TaskTimedOut`, `ActivityDoesNotExist`, …
    public var code: String
    public var message: String
    /// The HTTP status, or 0 when no answer arrived.
    public var status: Int

    public init(code: String, message: String, status: Int) {
        self.code = code
        self.message = message
        self.status = status
    }

    /// The task this token named is over (answered, timed out, execution stopped)
    /// or the token is not one: nothing more can be sent for it, so work on it stops.
    public var taskIsGone: Bool {
        ["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"].contains(code)
    }

    /// Worth trying again: throttling, server errors and no answer at all.
    public var isTransient: Bool {
        status == 0 || status >= 500 || code == "ThrottlingException" || code == "ServiceUnavailable"
    }

    public var description: String { "\(code): \(message)" }
}
