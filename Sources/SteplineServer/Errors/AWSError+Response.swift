internal import HTTPTypes
public import Hummingbird
public import JSON

extension AWSError {
    /// The error as AWS's JSON protocols put it in a body: `{"__type": …, "message": …}`.
    public var jsonBody: JSONValue {
        ["__type": .string(code.rawValue), "message": .string(message)]
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
