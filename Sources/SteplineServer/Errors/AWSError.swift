public import HTTPTypes

/// An error in the shape AWS's JSON protocols give it: a code, a message and an HTTP status.
///
/// Every failure a client can see goes through this type, so boto3, the aws CLI and
/// any AWS SDK map it to their modeled exception (`sfn.exceptions.ExecutionDoesNotExist`,
/// …) exactly as they would for AWS. It renders itself as
/// `{"__type": "<code>", "message": "<message>"}` with the `X-Amzn-ErrorType` header
/// (see ``AWSError/response(requestID:contentType:)``).
///
/// Codes are an extensible struct, not an enum, so each service's handler declares
/// its own (`AWSError.Code("ExecutionDoesNotExist")`) without editing this file:
///
/// ```swift
/// extension AWSError.Code {
///     static let executionDoesNotExist = AWSError.Code("ExecutionDoesNotExist")
/// }
/// throw AWSError(.executionDoesNotExist, "Execution Does Not Exist: '\(arn)'")
/// ```
///
/// ## Topics
/// - ``Code``
/// - ``unknownOperation(target:)``
/// - ``serialization(_:)``
/// - ``validation(member:constraint:value:)``
public struct AWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name clients match on, rendered as `__type` (`ValidationException`).
    public struct Code: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
        /// The code as AWS spells it.
        public let rawValue: String

        /// A code spelled exactly as the service's botocore model names the error shape.
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }
    }

    /// Who caused the error, as the `;Sender`/`;Receiver` suffix of a query-compatible code.
    public enum Fault: String, Sendable, Equatable {
        case sender = "Sender"
        case receiver = "Receiver"
    }

    /// What went wrong, matchable by clients.
    public var code: Code
    /// What went wrong and, where it helps, what to do, for people.
    public var message: String
    /// The HTTP status AWS uses for this code (400 for nearly every client error).
    public var status: HTTPResponse.Status
    /// The legacy code of a query-compatible service (SQS's `AWS.SimpleQueueService.NonExistentQueue`).
    ///
    /// SQS moved from the query protocol to JSON; SDKs still match some errors by the old
    /// code, which they read from the `x-amzn-query-error` header. `nil` for other services.
    public var queryErrorCode: String?

    /// An error with a code, message and status (400 unless given).
    public init(_ code: Code, _ message: String, status: HTTPResponse.Status = .badRequest, queryErrorCode: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.queryErrorCode = queryErrorCode
    }

    /// Whether the client (4xx) or the server (5xx) is at fault.
    public var fault: Fault { status.code >= 500 ? .receiver : .sender }

    public var description: String { "\(code): \(message)" }
}

extension AWSError.Code {
    /// The `X-Amz-Target` names a service or operation this server does not provide.
    public static let unknownOperation: Self = "UnknownOperationException"
    /// The body is not JSON, or a member has the wrong JSON type.
    public static let serialization: Self = "SerializationException"
    /// A member is missing or breaks a constraint of the operation's model.
    public static let validation: Self = "ValidationException"
    /// The request body is larger than the service accepts.
    public static let requestEntityTooLarge: Self = "RequestEntityTooLargeException"
    /// The access key id is not one of the configured credentials.
    public static let unrecognizedClient: Self = "UnrecognizedClientException"
    /// The SigV4 signature does not match, or its date is outside the allowed window.
    public static let invalidSignature: Self = "InvalidSignatureException"
    /// The `Authorization` header is present but not a complete SigV4 header.
    public static let incompleteSignature: Self = "IncompleteSignatureException"
    /// Credentials are configured and the request carries no `Authorization` header.
    public static let missingAuthenticationToken: Self = "MissingAuthenticationTokenException"
    /// A pagination token was not issued by this server for this listing.
    public static let invalidToken: Self = "InvalidToken"
    /// The server failed; the request may be retried.
    public static let internalFailure: Self = "InternalFailure"
}

extension AWSError {
    /// The error for a target no registered handler serves, naming it as AWS does.
    public static func unknownOperation(target: String) -> AWSError {
        AWSError(.unknownOperation, "Operation \(target) is not supported by Stepline")
    }

    /// The error for a body that is not valid JSON, with the parser's line and column.
    public static func serialization(_ reason: String) -> AWSError {
        AWSError(.serialization, reason)
    }

    /// A `ValidationException` in AWS's own phrasing:
    /// `1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null`.
    ///
    /// - Parameters:
    ///   - member: the member's path as sent (`stateMachineArn`, `Entries.1.Detail`).
    ///   - constraint: the constraint, phrased "Member must …".
    ///   - value: the offending value as AWS quotes it (`null` for a missing member).
    public static func validation(member: String, constraint: String, value: String = "null") -> AWSError {
        AWSError(
            .validation,
            "1 validation error detected: Value \(value) at '\(member)' failed to satisfy constraint: \(constraint)"
        )
    }
}
