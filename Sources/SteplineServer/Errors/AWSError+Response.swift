internal import HTTPTypes
public import Hummingbird
public import JSON

extension AWSError {
    /// The error as AWS's JSON protocols put it in a body: `{"__type": …, "message": …}`.
    public var jsonBody: JSONValue {
        ["__type": .string(typeName), "message": .string(message)]
    }

    /// `__type` as AWS sends it. SQS, the one query-compatible service here (its errors
    /// carry a ``queryErrorCode``), names the error by its Smithy shape id,
    /// `com.amazonaws.sqs#QueueDoesNotExist`, as AWS answers SQS's JSON protocol; SDKs
    /// keep what follows `#`. The other JSON services send the bare code.
    public var typeName: String {
        queryErrorCode == nil ? code.rawValue : "com.amazonaws.sqs#\(code.rawValue)"
    }

    /// The whole HTTP response for this error.
    ///
    /// - Parameters:
    ///   - requestID: echoed as `X-Amzn-RequestId`, which SDKs report with the error.
    ///   - contentType: the JSON protocol's media type (`application/x-amz-json-1.0`);
    ///     SDKs parse error bodies whatever it is, but AWS always sends it.
    public func response(requestID: String, contentType: String) -> Response {
        var headers: HTTPFields = [
            .contentType: contentType,
            .amznRequestID: requestID,
            .amznErrorType: code.rawValue,
        ]
        if let queryErrorCode {
            headers[.amznQueryError] = "\(queryErrorCode);\(fault.rawValue)"
        }
        return Response(
            status: status,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: jsonBody.serialized))
        )
    }
}

extension AWSError {
    /// The error as AWS's query protocol (SNS) sends it: an `<ErrorResponse>` whose
    /// `<Error>` holds `<Type>` (`Sender` or `Receiver`), `<Code>` and `<Message>`,
    /// with the request id beside it, under the service's XML `namespace`.
    public func queryResponse(requestID: String, namespace: String?) -> Response {
        let xml = XMLNode.element(
            "ErrorResponse",
            [
                .element("Error", [.field("Type", fault.rawValue), .field("Code", code.rawValue), .field("Message", message)]),
                .field("RequestId", requestID),
            ]
        ).rendered(namespace: namespace)
        return Response(
            status: status,
            headers: [.contentType: "text/xml", .amznRequestID: requestID],
            body: ResponseBody(byteBuffer: ByteBuffer(string: xml))
        )
    }
}
