public import HTTPTypes

extension HTTPField.Name {
    // Each literal below is a valid RFC 9110 token (letters, digits and '-'), the only
    // condition under which `HTTPField.Name(_:)` returns nil, so the force unwraps hold.

    /// `X-Amz-Target`: `<service prefix>.<operation>`, how the AWS JSON protocols name an operation.
    public static let amzTarget = HTTPField.Name("X-Amz-Target")!
    /// `X-Amz-Date`: the SigV4 timestamp, `yyyyMMdd'T'HHmmss'Z'`.
    public static let amzDate = HTTPField.Name("X-Amz-Date")!
    /// `X-Amzn-RequestId`: the id botocore reports as `ResponseMetadata.RequestId`.
    public static let amznRequestID = HTTPField.Name("X-Amzn-RequestId")!
    /// `X-Amzn-ErrorType`: the error code, repeated in a header as AWS does.
    public static let amznErrorType = HTTPField.Name("X-Amzn-ErrorType")!
    /// `x-amzn-query-error`: `<legacy code>;Sender|Receiver` of a query-compatible service (SQS).
    public static let amznQueryError = HTTPField.Name("x-amzn-query-error")!
}
