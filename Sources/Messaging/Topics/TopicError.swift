/// A failure of an SNS operation, named as SNS's query protocol names it.
///
/// ``Code`` raw values are the `<Code>` of an `<ErrorResponse>` (`NotFound`,
/// `InvalidParameter`), each with the HTTP status botocore's `sns/2010-03-31`
/// model gives it, so boto3 raises the modeled exception
/// (`sns.exceptions.NotFoundException`). Messages follow AWS's wording
/// (`Invalid parameter: FilterPolicy: …`) because clients show them as they are.
public struct TopicError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An SNS error code and the HTTP status it travels with.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code as `<Code>` spells it.
        public let rawValue: String
        /// The HTTP status of the response.
        public let status: Int
        public init(_ rawValue: String, status: Int = 400) {
            self.rawValue = rawValue
            self.status = status
        }
        public var description: String { rawValue }

        public static let notFound = Code("NotFound", status: 404)
        public static let resourceNotFound = Code("ResourceNotFound", status: 404)
        public static let invalidParameter = Code("InvalidParameter")
        public static let invalidParameterValue = Code("ParameterValueInvalid")
        public static let authorizationError = Code("AuthorizationError", status: 403)
        public static let tagLimitExceeded = Code("TagLimitExceeded")
        public static let filterPolicyLimitExceeded = Code("FilterPolicyLimitExceeded", status: 403)
        public static let batchEntryIdsNotDistinct = Code("BatchEntryIdsNotDistinct")
        public static let batchRequestTooLong = Code("BatchRequestTooLong")
        public static let emptyBatchRequest = Code("EmptyBatchRequest")
        public static let invalidBatchEntryId = Code("InvalidBatchEntryId")
        public static let tooManyEntriesInBatchRequest = Code("TooManyEntriesInBatchRequest")
        public static let validation = Code("ValidationException")
        /// The log could not commit: the server's fault (500), the request may be retried.
        public static let internalError = Code("InternalError", status: 500)

        /// Every code above: the server derives its table of statuses from this list.
        public static let all: [Code] = [
            .notFound, .resourceNotFound, .invalidParameter, .invalidParameterValue, .authorizationError, .tagLimitExceeded,
            .filterPolicyLimitExceeded, .batchEntryIdsNotDistinct, .batchRequestTooLong, .emptyBatchRequest, .invalidBatchEntryId,
            .tooManyEntriesInBatchRequest, .validation, .internalError,
        ]
    }

    public let code: Code
    /// What went wrong, in AWS's words where AWS has them.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `Invalid parameter: <member>: <reason>` or `Invalid parameter: <reason>`, AWS's phrasing of `InvalidParameter`.
    public static func invalidParameter(_ member: String?, _ reason: String) -> TopicError {
        TopicError(.invalidParameter, member.map { "Invalid parameter: \($0) Reason: \(reason)" } ?? "Invalid parameter: \(reason)")
    }

    /// The `NotFound` of a topic ARN that names no topic.
    public static let topicNotFound = TopicError(.notFound, "Topic does not exist")
    /// The `NotFound` of a subscription ARN that names no subscription.
    public static let subscriptionNotFound = TopicError(.notFound, "Subscription does not exist")

    public var description: String { "\(code): \(message)" }
}
