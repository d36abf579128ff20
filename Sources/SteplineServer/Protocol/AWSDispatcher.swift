internal import HTTPTypes
public import Hummingbird
internal import JSON
public import Logging

/// Routes `POST /` requests of the AWS JSON protocols to the handler of their service.
///
/// For each request, in this order, so that nothing is half-done when a check fails:
/// 1. `X-Amz-Target` names the service and operation; a missing header is an
///    `UnknownOperationException`.
/// 2. The body is read up to the service's ``AWSService/maximumRequestBodySize``; a
///    larger one (by `Content-Length` or while streaming) is refused with
///    `RequestEntityTooLargeException` (413) before it is buffered whole.
/// 3. With credentials configured, the SigV4 signature is verified (``SignatureV4Verifier``).
/// 4. The body is parsed as JSON (an empty body is `{}`); malformed JSON is a
///    `SerializationException` with line and column.
/// 5. The handler registered for the prefix runs; no handler is an `UnknownOperationException`.
///
/// Every response carries `X-Amzn-RequestId` and the service's JSON media type; every
/// request is counted in ``AWSRequestMetrics``
/// and logged at debug level with its id, target, status and error.
public struct AWSDispatcher: Sendable {
    let handlers: [String: any AWSServiceHandler]
    let services: [String: AWSService]
    let verifier: SignatureV4Verifier?
    let defaultRegion: String
    let metrics: AWSRequestMetrics
    let clock: @Sendable () -> AMZDate

    /// The limit for targets of services Stepline does not know: the largest it accepts at all.
    static let unknownServiceBodyLimit = 1 << 20

    /// - Parameters:
    ///   - handlers: one per target prefix; a handler's ``AWSService`` replaces the built-in one.
    ///   - credentials: empty to accept unsigned requests.
    ///   - defaultRegion: the region handlers see for unsigned requests.
    ///   - metrics: where request counts and latencies go.
    ///   - clock: the time SigV4 dates are checked against.
    /// - Precondition: no two handlers share a target prefix.
    public init(
        handlers: [any AWSServiceHandler],
        credentials: AWSCredentials = AWSCredentials(),
        defaultRegion: String = "us-east-1",
        metrics: AWSRequestMetrics,
        clock: @escaping @Sendable () -> AMZDate = WallClock.now
    ) {
        var services = Dictionary(uniqueKeysWithValues: AWSService.builtIn.map { ($0.targetPrefix, $0) })
        var byPrefix: [String: any AWSServiceHandler] = [:]
        for handler in handlers {
            precondition(byPrefix[handler.targetPrefix] == nil, "two handlers registered for \(handler.targetPrefix)")
            byPrefix[handler.targetPrefix] = handler
            services[handler.targetPrefix] = handler.service
        }
        self.handlers = byPrefix
        self.services = services
        self.verifier = credentials.isEmpty ? nil : SignatureV4Verifier(credentials: credentials)
        self.defaultRegion = defaultRegion
        self.metrics = metrics
        self.clock = clock
    }

    /// The target prefixes with a registered handler, sorted.
    public var registeredPrefixes: [String] { handlers.keys.sorted() }

    /// Answers one request; never throws, since every failure is an AWS-shaped response.
    public func respond(to request: Request, logger: Logger) async -> Response {
        if Self.isQueryRequest(request) { return await respondQuery(to: request, logger: logger) }
        let started = ContinuousClock.now
        let requestID = RequestID.make()
        var logger = logger
        logger[metadataKey: "aws.request_id"] = "\(requestID)"

        let target = request.headers[.amzTarget]
        let (prefix, operation) = Self.split(target: target ?? "")
        let service = services[prefix] ?? Self.unknownService(prefix: prefix, request: request)
        logger[metadataKey: "aws.target"] = "\(target ?? "-")"

        let outcome: Result<JSONValue, AWSError>
        do throws(AWSError) {
            outcome = .success(try await run(request, target: target, service: service, operation: operation, requestID: requestID, logger: logger))
        } catch {
            outcome = .failure(error)
        }

        let response: Response
        let errorCode: String?
        switch outcome {
        case .success(let output):
            errorCode = nil
            response = Response(
                status: .ok,
                headers: [.contentType: service.contentType, .amznRequestID: requestID],
                body: ResponseBody(byteBuffer: ByteBuffer(string: output.serialized))
            )
        case .failure(let error):
            errorCode = error.code.rawValue
            response = error.response(requestID: requestID, contentType: service.contentType)
        }

        let duration = ContinuousClock.now - started
        let known = handlers[prefix]?.provides(operation: operation) ?? false
        metrics.record(
            service: services[prefix] != nil ? prefix : "unknown",
            operation: known ? operation : "unknown",
            errorCode: errorCode,
            duration: duration
        )
        var metadata: Logger.Metadata = [
            "http.status": "\(response.status.code)",
            "duration_us": "\(duration.nanoseconds / 1_000)",
        ]
        if let errorCode { metadata["aws.error"] = "\(errorCode)" }
        logger.debug("AWS request", metadata: metadata)
        return response
    }

    private func run(
        _ request: Request,
        target: String?,
        service: AWSService,
        operation: String,
        requestID: String,
        logger: Logger
    ) async throws(AWSError) -> JSONValue {
        guard let target else {
            throw AWSError(
                .unknownOperation,
                "Missing X-Amz-Target header: AWS JSON protocol requests name their operation as 'X-Amz-Target: <Service>.<Operation>'"
            )
        }
        let body = try await collectBody(request, service: service)

        var principal: SignatureV4Verifier.Principal?
        if let verifier {
            principal = try verifier.verify(
                signedRequest(request, body: body),
                signingName: services[service.targetPrefix] != nil ? service.signingName : nil,
                now: clock()
            )
        }

        let input: JSONValue
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            input = .object([:])
        } else {
            do {
                input = try JSONParser.parse(bytes: body)
            } catch {
                throw AWSError.serialization("Request body is not valid JSON: \(error)")
            }
        }
        guard case .object = input else {
            throw AWSError.serialization("Request body must be a JSON object, got \(input.typeName)")
        }

        guard let handler = handlers[service.targetPrefix], !operation.isEmpty else {
            throw AWSError.unknownOperation(target: target)
        }
        // Unverified (no credentials configured), the Authorization header still says which
        // key and region the client signed for: resources are kept per account and region.
        let claimed = principal == nil ? request.headers[.authorization].flatMap { try? AuthorizationHeader(parsing: $0) } : nil
        let context = AWSRequestContext(
            requestID: requestID,
            service: service,
            operation: operation,
            accessKeyID: principal?.accessKeyID ?? claimed?.accessKeyID,
            region: principal?.region ?? claimed?.region ?? defaultRegion,
            logger: logger
        )
        return try await handler.handle(operation: operation, input: input, context: context)
    }

    /// Reads the body, refusing it as soon as it is known to exceed the service's limit.
    func collectBody(_ request: Request, service: AWSService) async throws(AWSError) -> [UInt8] {
        let limit = service.maximumRequestBodySize
        func tooLarge(_ size: String) -> AWSError {
            AWSError(
                .requestEntityTooLarge,
                "Request body of \(size) exceeds the \(service.targetPrefix) limit of \(limit) bytes",
                status: .contentTooLarge
            )
        }
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw tooLarge("\(declared) bytes")
        }
        var bytes: [UInt8] = []
        do {
            for try await chunk in request.body {
                guard bytes.count + chunk.readableBytes <= limit else { throw tooLarge("more than \(limit) bytes") }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch let error as AWSError {
            throw error
        } catch {
            throw AWSError(.serialization, "Request body could not be read: \(error)")
        }
        return bytes
    }

    func signedRequest(_ request: Request, body: [UInt8]) -> SignatureV4Verifier.SignedRequest {
        var headers: [SignatureV4.Header] = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
        if let authority = request.head.authority, !headers.contains(where: { $0.name == "host" }) {
            headers.append((name: "host", value: authority))
        }
        let uri = request.uri
        return SignatureV4Verifier.SignedRequest(
            method: request.method.rawValue,
            path: uri.path,
            query: uri.query ?? "",
            headers: headers,
            body: body
        )
    }

    /// Splits `AWSStepFunctions.StartExecution` at its first dot.
    static func split(target: String) -> (prefix: String, operation: String) {
        guard let dot = target.firstIndex(of: ".") else { return (target, "") }
        return (String(target[..<dot]), String(target[target.index(after: dot)...]))
    }

    /// A stand-in for a prefix no service has, answering in the protocol version the client used.
    static func unknownService(prefix: String, request: Request) -> AWSService {
        let version = request.headers[.contentType] == "application/x-amz-json-1.1" ? "1.1" : "1.0"
        return AWSService(targetPrefix: prefix, jsonVersion: version, signingName: "", maximumRequestBodySize: unknownServiceBodyLimit)
    }
}
