import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSON
import Logging
import Stepline
import SteplineTesting
import Testing
import Workflows

@testable import SteplineServer

/// The Step Functions, SQS, EventBridge and SNS operation tables over services on a
/// fresh data directory, served by the application `buildApplication` makes, with
/// helpers that send one request as an AWS SDK would and check an error's shape.
enum OperationTables {
    /// The base of queue URLs in these tests.
    static let queueBase = "http://localhost:4566"

    /// Opens Stepline on a temporary directory (the shared harness, services not
    /// running: every call here is answered by the tables alone), runs `body` with a
    /// client of the application serving all four tables, then closes it and removes
    /// the directory.
    static func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stepline-tables-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withStepline(directory, running: false) { stepline in
            let app = buildApplication(
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
                handlers: [
                    StepFunctionsOperations.table(engine: stepline.engine),
                    SQSHandler.make(queues: stepline.queues, baseURL: { queueBase }),
                    EventBridgeOperations.table(buses: stepline.buses),
                    SNSHandler(topics: stepline.topics),
                ],
                telemetry: ServerTelemetry(),
                logger: Logger(label: "test")
            )
            try await app.test(.router, body)
        }
    }

    /// One answer: status, headers and the body as text.
    struct Answer: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String

        /// The body parsed as JSON (`null` when it is not JSON).
        var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }
    }

    /// Calls `operation` of a JSON-protocol `service` with `input`, as botocore does.
    static func call(
        _ client: some TestClientProtocol,
        _ service: AWSService,
        _ operation: String,
        _ input: JSONValue = [:]
    ) async throws -> Answer {
        let headers: HTTPFields = [.contentType: service.contentType, .amzTarget: "\(service.targetPrefix).\(operation)"]
        return try await client.execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(string: input.serialized)) {
            Answer(status: $0.status, headers: $0.headers, body: String(buffer: $0.body))
        }
    }

    /// Calls SNS `action` with form parameters, as botocore's query protocol does.
    static func query(_ client: some TestClientProtocol, _ action: String, _ parameters: [(String, String)] = []) async throws -> Answer {
        let pairs = [("Action", action), ("Version", "2010-03-31")] + parameters
        let form = pairs.map { "\(escaped($0.0))=\(escaped($0.1))" }.joined(separator: "&")
        let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        return try await client.execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(string: form)) {
            Answer(status: $0.status, headers: $0.headers, body: String(buffer: $0.body))
        }
    }

    static func escaped(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        // Force-unwrap proven: percent-encoding a valid Swift string always succeeds.
        return text.addingPercentEncoding(withAllowedCharacters: allowed)!
    }

    /// Checks a JSON-protocol error: its status, `__type`, the `X-Amzn-ErrorType` header
    /// and a message, which must never show LMDB's names; for SQS also the legacy query code.
    static func expectError(
        _ answer: Answer,
        _ status: HTTPResponse.Status,
        _ code: String,
        queryCode: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(answer.status == status, "\(answer.body)", sourceLocation: sourceLocation)
        // SQS (the errors with a query code) names the error by its shape id, as AWS does.
        let type = queryCode == nil ? code : "com.amazonaws.sqs#\(code)"
        #expect(answer.json["__type"]?.stringValue == type, "\(answer.body)", sourceLocation: sourceLocation)
        #expect(answer.headers[.amznErrorType] == code, sourceLocation: sourceLocation)
        let message = answer.json["message"]?.stringValue ?? ""
        #expect(!message.isEmpty && !message.contains("MDB_"), "\(message)", sourceLocation: sourceLocation)
        if let queryCode {
            let fault = status.code >= 500 ? "Receiver" : "Sender"
            #expect(answer.headers[.amznQueryError] == "\(queryCode);\(fault)", sourceLocation: sourceLocation)
        }
    }

    /// Checks an SNS `<ErrorResponse>`: status, `<Type>`, `<Code>` and a message without LMDB's names.
    static func expectQueryError(
        _ answer: Answer,
        _ status: HTTPResponse.Status,
        _ code: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(answer.status == status, "\(answer.body)", sourceLocation: sourceLocation)
        #expect(answer.body.contains("<ErrorResponse"), "\(answer.body)", sourceLocation: sourceLocation)
        #expect(answer.body.contains("<Code>\(code)</Code>"), "\(answer.body)", sourceLocation: sourceLocation)
        #expect(answer.body.contains("<Type>\(status.code >= 500 ? "Receiver" : "Sender")</Type>"), sourceLocation: sourceLocation)
        #expect(answer.body.contains("<Message>") && !answer.body.contains("MDB_"), "\(answer.body)", sourceLocation: sourceLocation)
    }
}
