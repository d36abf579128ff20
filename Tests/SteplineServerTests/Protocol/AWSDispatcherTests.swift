import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSON
import Logging
import Testing

@testable import SteplineServer

@Suite("AWS JSON dispatch")
struct AWSDispatcherTests {
    static let fixedNow = AMZDate("20261125T120000Z")!

    static func app(
        handlers: [any AWSServiceHandler] = [EchoHandler()],
        credentials: AWSCredentials = AWSCredentials(),
        telemetry: ServerTelemetry = ServerTelemetry()
    ) -> some ApplicationProtocol {
        buildApplication(
            configuration: ServerConfiguration(port: 0, credentials: credentials, defaultRegion: "eu-central-1"),
            handlers: handlers,
            telemetry: telemetry,
            clock: { fixedNow },
            logger: Logger(label: "test")
        )
    }

    /// Posts `body` with `X-Amz-Target: target` and returns status, headers and parsed body.
    static func post(
        _ client: some TestClientProtocol,
        target: String?,
        body: String,
        headers extra: [SignatureV4.Header] = []
    ) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, json: JSONValue) {
        var headers: HTTPFields = [.contentType: "application/x-amz-json-1.0"]
        if let target { headers[.amzTarget] = target }
        for header in extra {
            guard let name = HTTPField.Name(header.name) else { continue }
            headers[name] = header.value
        }
        return try await client.execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            (response.status, response.headers, try JSONParser.parse(String(buffer: response.body)))
        }
    }

    @Test("an operation of a service without a handler is an UnknownOperationException naming it")
    func serviceWithoutHandler() async throws {
        try await Self.app().test(.router) { client in
            let response = try await Self.post(client, target: "AWSEvents.PutEvents", body: "{}")
            #expect(response.status == .badRequest)
            #expect(response.json["__type"] == "UnknownOperationException")
            #expect(response.json["message"]?.stringValue?.contains("AWSEvents.PutEvents") == true)
            #expect(response.headers[.amznErrorType] == "UnknownOperationException")
            #expect(response.headers[.contentType] == "application/x-amz-json-1.1")
            #expect(response.headers[.amznRequestID]?.count == 36)
        }
    }

    @Test("an unknown service prefix or a missing target is an UnknownOperationException")
    func unknownTarget() async throws {
        try await Self.app().test(.router) { client in
            let unknown = try await Self.post(client, target: "DynamoDB_20120810.ListTables", body: "{}")
            #expect(unknown.json["__type"] == "UnknownOperationException")
            #expect(unknown.json["message"]?.stringValue?.contains("DynamoDB_20120810.ListTables") == true)
            let missing = try await Self.post(client, target: nil, body: "{}")
            #expect(missing.json["__type"] == "UnknownOperationException")
            #expect(missing.json["message"]?.stringValue?.contains("X-Amz-Target") == true)
        }
    }

    @Test("an operation the handler does not provide is an UnknownOperationException naming it")
    func operationWithoutImplementation() async throws {
        try await Self.app().test(.router) { client in
            let response = try await Self.post(client, target: "AWSStepFunctions.ListMapRuns", body: "{}")
            #expect(response.status == .badRequest)
            #expect(response.json["message"] == "Operation AWSStepFunctions.ListMapRuns is not supported by Stepline")
        }
    }

    @Test("a handler's output is the response body, with the service's media type and a request id")
    func handlerOutput() async throws {
        try await Self.app().test(.router) { client in
            let response = try await Self.post(client, target: "AWSStepFunctions.Echo", body: #"{"a": [1, 2.5, "é"]}"#)
            #expect(response.status == .ok)
            #expect(response.json == ["a": [1, 2.5, "é"]])
            #expect(response.headers[.contentType] == "application/x-amz-json-1.0")
            #expect(response.headers[.amznRequestID] != nil)
        }
    }

    @Test("an empty body is the empty input structure")
    func emptyBody() async throws {
        try await Self.app().test(.router) { client in
            let response = try await Self.post(client, target: "AWSStepFunctions.Echo", body: "")
            #expect(response.json == [:])
        }
    }

    @Test("a handler's error renders as __type and message with its status")
    func handlerError() async throws {
        try await Self.app().test(.router) { client in
            let response = try await Self.post(client, target: "AWSStepFunctions.Fail", body: #"{"executionArn": "arn:x"}"#)
            #expect(response.status == .badRequest)
            #expect(response.json == ["__type": "ExecutionDoesNotExist", "message": "Execution Does Not Exist: 'arn:x'"])
            #expect(response.headers[.amznQueryError] == nil)
            let invalid = try await Self.post(client, target: "AWSStepFunctions.Fail", body: "{}")
            #expect(invalid.json["__type"] == "ValidationException")
        }
    }

    @Test("a query-compatible error carries x-amzn-query-error for SDKs that match the legacy code")
    func queryCompatibleError() async throws {
        try await Self.app(handlers: [EchoHandler(service: .sqs)]).test(.router) { client in
            let response = try await Self.post(client, target: "AmazonSQS.Fail", body: #"{"executionArn": "q"}"#)
            #expect(response.headers[.amznQueryError] == "AWS.SimpleQueueService.NonExistentQueue;Sender")
        }
    }

    @Test("malformed JSON is a SerializationException giving line and column")
    func malformedJSON() async throws {
        try await Self.app().test(.router) { client in
            let response = try await Self.post(client, target: "AWSStepFunctions.Echo", body: "{\n  \"a\": tru }")
            #expect(response.status == .badRequest)
            #expect(response.json["__type"] == "SerializationException")
            #expect(response.json["message"]?.stringValue?.contains("line 2, column 11") == true)
        }
    }

    @Test("a body that is JSON but not an object is a SerializationException")
    func nonObjectBody() async throws {
        try await Self.app().test(.router) { client in
            let response = try await Self.post(client, target: "AWSStepFunctions.Echo", body: "[1]")
            #expect(response.json["__type"] == "SerializationException")
        }
    }

    @Test("a body over the service's limit is refused with 413")
    func oversizedBody() async throws {
        try await Self.app().test(.router) { client in
            let body = #"{"input": ""# + String(repeating: "x", count: AWSService.sqs.maximumRequestBodySize) + #""}"#
            var headers: HTTPFields = [.amzTarget: "AmazonSQS.SendMessage"]
            headers[.contentLength] = "\(body.utf8.count)"
            let status = try await client.execute(uri: "/", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                #expect(String(buffer: response.body).contains("RequestEntityTooLargeException"))
                return response.status
            }
            #expect(status == .contentTooLarge)
        }
    }

    @Test("a streamed body is refused as soon as it passes the limit, without Content-Length")
    func oversizedStream() async throws {
        let dispatcher = AWSDispatcher(handlers: [EchoHandler()], metrics: ServerTelemetry().requests)
        let limit = AWSService.stepFunctions.maximumRequestBodySize
        let chunk = ByteBuffer(repeating: UInt8(ascii: " "), count: 64 << 10)
        let chunkCount = limit / chunk.readableBytes + 2
        let chunks = AsyncStream<ByteBuffer> { continuation in
            for _ in 0..<chunkCount { continuation.yield(chunk) }
            continuation.finish()
        }
        let request = Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/", headerFields: [.amzTarget: "AWSStepFunctions.Echo"]),
            body: RequestBody(asyncSequence: chunks)
        )
        let response = await dispatcher.respond(to: request, logger: Logger(label: "test"))
        #expect(response.status == .contentTooLarge)
    }

    @Test("with credentials, a correctly signed request reaches the handler with its principal and region")
    func signedRequestPasses() async throws {
        let signer = TestSigner()
        let app = Self.app(credentials: AWSCredentials([signer.accessKeyID: signer.secretAccessKey]))
        try await app.test(.router) { client in
            let body = #"{"x": 1}"#
            let headers = Self.whoamiHeaders(signer, body: body)
            let response = try await Self.post(client, target: "AWSStepFunctions.Whoami", body: body, headers: headers)
            #expect(response.json == ["accessKeyID": "AKIDTEST", "region": "us-east-1", "target": "AWSStepFunctions.Whoami"])

            let changed = try await Self.post(client, target: "AWSStepFunctions.Whoami", body: #"{"x": 2}"#, headers: headers)
            #expect(changed.json["__type"] == "InvalidSignatureException")

            let unsigned = try await Self.post(client, target: "AWSStepFunctions.Whoami", body: body)
            #expect(unsigned.json["__type"] == "MissingAuthenticationTokenException")
        }
    }

    @Test("a signature that leaves X-Amz-Target or Content-Type out is refused, so it cannot be re-targeted")
    func targetMustBeSigned() async throws {
        let signer = TestSigner()
        let app = Self.app(credentials: AWSCredentials([signer.accessKeyID: signer.secretAccessKey]))
        try await app.test(.router) { client in
            let body = "{}"
            // Signed over Content-Type only: the target is added afterwards, as a replay would.
            let withoutTarget = signer.sign(
                host: "localhost", headers: [(name: "Content-Type", value: "application/x-amz-json-1.0")], body: body, date: Self.fixedNow)
            let retargeted = try await Self.post(client, target: "AWSStepFunctions.Whoami", body: body, headers: withoutTarget)
            #expect(retargeted.status == .badRequest)
            #expect(retargeted.json["__type"] == "InvalidSignatureException")
            #expect(retargeted.json["message"]?.stringValue?.contains("x-amz-target") == true)

            let withoutContentType = signer.sign(
                host: "localhost", headers: [(name: "X-Amz-Target", value: "AWSStepFunctions.Whoami")], body: body, date: Self.fixedNow)
            let retyped = try await Self.post(client, target: "AWSStepFunctions.Whoami", body: body, headers: withoutContentType)
            #expect(retyped.json["__type"] == "InvalidSignatureException")
            #expect(retyped.json["message"]?.stringValue?.contains("content-type") == true)
        }
    }

    @Test("without credentials, unsigned requests are accepted and see the default region")
    func unsignedWithoutCredentials() async throws {
        try await Self.app().test(.router) { client in
            let response = try await Self.post(client, target: "AWSStepFunctions.Whoami", body: "{}")
            #expect(response.json == ["accessKeyID": nil, "region": "eu-central-1", "target": "AWSStepFunctions.Whoami"])
        }
    }

    @Test("without credentials, a signed request is not verified but its key and region reach the handler, which keeps resources by them")
    func claimedScopeWithoutCredentials() async throws {
        let signer = TestSigner(region: "ap-southeast-2")
        try await Self.app().test(.router) { client in
            let response = try await Self.post(client, target: "AWSStepFunctions.Whoami", body: "{}", headers: Self.whoamiHeaders(signer, body: "{}"))
            #expect(response.json == ["accessKeyID": "AKIDTEST", "region": "ap-southeast-2", "target": "AWSStepFunctions.Whoami"])
        }
    }

    /// The headers of `AWSStepFunctions.Whoami` with `body`, signed by `signer` at ``fixedNow``.
    static func whoamiHeaders(_ signer: TestSigner, body: String) -> [SignatureV4.Header] {
        signer.sign(
            host: "localhost",
            headers: [(name: "Content-Type", value: "application/x-amz-json-1.0"), (name: "X-Amz-Target", value: "AWSStepFunctions.Whoami")],
            body: body,
            date: fixedNow
        )
    }

    @Test("each request is logged once at debug level, with its id, target, status and error as metadata")
    func requestLog() async throws {
        let dispatcher = AWSDispatcher(handlers: [EchoHandler()], metrics: ServerTelemetry().requests)
        let (logger, store) = RecordingLogHandler.logger()
        let request = Request(
            head: HTTPRequest(
                method: .post,
                scheme: "http",
                authority: "localhost",
                path: "/",
                headerFields: [.amzTarget: "AWSStepFunctions.Fail"]
            ),
            body: RequestBody(buffer: ByteBuffer(string: "{}"))
        )
        let response = await dispatcher.respond(to: request, logger: logger)
        let entries = store.recorded
        try #require(entries.count == 1)
        let entry = entries[0]
        #expect(entry.level == .debug)
        #expect(entry.metadata["aws.target"] == "AWSStepFunctions.Fail")
        #expect(entry.metadata["aws.request_id"]?.description == response.headers[.amznRequestID])
        #expect(entry.metadata["http.status"] == "400")
        #expect(entry.metadata["aws.error"] == "ValidationException")
        #expect(entry.metadata["duration_us"] != nil)
    }
}
