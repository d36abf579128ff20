internal import HTTPTypes
public import Hummingbird
public import Logging
internal import Messaging

extension AWSDispatcher {
    /// Whether a request is for a query-protocol service: no `X-Amz-Target` and a form body.
    static func isQueryRequest(_ request: Request) -> Bool {
        guard request.headers[.amzTarget] == nil else { return false }
        return request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") ?? false
    }

    /// Answers a query-protocol request (`Action=…`, XML out); never throws.
    ///
    /// The steps mirror the JSON path: body size, signature (unless the handler lets the
    /// action through unsigned), form decoding, then the handler chosen by the credential
    /// scope's service or, unsigned, the `Version` parameter. A GET carries its parameters
    /// in the URL's query instead of a body.
    public func respondQuery(to request: Request, logger: Logger) async -> Response {
        let started = ContinuousClock.now
        let requestID = RequestID.make()
        var logger = logger
        logger[metadataKey: "aws.request_id"] = "\(requestID)"
        let queryHandlers = handlers.values.compactMap { $0 as? any AWSQueryServiceHandler }
        var chosen: (any AWSQueryServiceHandler)?
        var action = ""
        let outcome: Result<String, AWSError>
        do throws(AWSError) {
            let scope = request.headers[.authorization].flatMap { try? AuthorizationHeader(parsing: $0) }
            var body: [UInt8] = []
            let limit = queryHandlers.map(\.service.maximumRequestBodySize).max() ?? Self.unknownServiceBodyLimit
            if request.method == .post {
                body = try await collectBody(
                    request, service: AWSService(targetPrefix: "query", jsonVersion: "1.0", signingName: "", maximumRequestBodySize: limit))
            }
            let parameters: QueryParameters
            do {
                parameters = request.method == .post ? try QueryParameters(formEncoded: body) : try QueryParameters(formEncoded: Array((request.uri.query ?? "").utf8))
            } catch {
                throw AWSError(error, answeredBy: .sns)
            }
            action = parameters["Action"] ?? ""
            logger[metadataKey: "aws.action"] = "\(action)"
            chosen = queryHandlers.first { handler in
                if let scope { return handler.service.signingName == scope.service }
                return parameters["Version"] == nil || handler.apiVersion == parameters["Version"]
            }
            guard let handler = chosen else {
                throw AWSError(.invalidAction, "No query-protocol service answers this request (Version \(parameters["Version"] ?? "missing")).")
            }
            guard !action.isEmpty else { throw AWSError(.missingAction, "The request must contain the parameter Action.") }
            var principal: SignatureV4Verifier.Principal?
            if let verifier, !(handler.allowsUnsigned(action: action) && scope == nil) {
                principal = try verifier.verify(signedRequest(request, body: body), signingName: handler.service.signingName, now: clock())
            }
            let context = AWSRequestContext(
                requestID: requestID, service: handler.service, operation: action, accessKeyID: principal?.accessKeyID ?? scope?.accessKeyID,
                region: principal?.region ?? scope?.region ?? defaultRegion, logger: logger)
            let result = try await handler.handle(action: action, parameters: parameters, context: context)
            var children: [XMLNode] = []
            if let result { children.append(.element("\(action)Result", result)) }
            children.append(.element("ResponseMetadata", [.field("RequestId", requestID)]))
            outcome = .success(XMLNode.element("\(action)Response", children).rendered(namespace: handler.xmlNamespace))
        } catch {
            outcome = .failure(error)
        }
        let namespace = chosen?.xmlNamespace
        let response: Response
        var errorCode: String?
        switch outcome {
        case .success(let xml):
            response = Response(
                status: .ok, headers: [.contentType: "text/xml", .amznRequestID: requestID],
                body: ResponseBody(byteBuffer: ByteBuffer(string: xml)))
        case .failure(let error):
            errorCode = error.code.rawValue
            response = error.queryResponse(requestID: requestID, namespace: namespace)
        }
        let duration = ContinuousClock.now - started
        let known = chosen?.provides(operation: action) ?? false
        metrics.record(
            service: chosen?.service.targetPrefix ?? "unknown", operation: known ? action : "unknown", errorCode: errorCode, duration: duration)
        var metadata: Logger.Metadata = ["http.status": "\(response.status.code)", "duration_us": "\(duration.nanoseconds / 1_000)"]
        if let errorCode { metadata["aws.error"] = "\(errorCode)" }
        logger.debug("AWS query request", metadata: metadata)
        return response
    }
}

extension AWSError.Code {
    /// Query protocol: the `Action` names nothing the service does.
    public static let invalidAction: Self = "InvalidAction"
    /// Query protocol: no `Action` parameter.
    public static let missingAction: Self = "MissingAction"
}
