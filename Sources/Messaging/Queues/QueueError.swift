/// A failure of an SQS operation, named as the SQS JSON protocol names it.
///
/// ``Code`` raw values are the awsJson error names (`QueueDoesNotExist`);
/// ``Code/queryCode`` is the legacy query-protocol code SDKs still match on
/// (`AWS.SimpleQueueService.NonExistentQueue`), which the server sends in
/// `x-amzn-query-error` so boto3 raises `sqs.exceptions.QueueDoesNotExist`.
public struct QueueError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        /// The query-protocol code: SQS's legacy name where it has one
        /// (`AWS.SimpleQueueService.NonExistentQueue`), else ``rawValue``.
        public let queryCode: String
        public init(_ rawValue: String, queryCode: String? = nil) {
            self.rawValue = rawValue
            self.queryCode = queryCode ?? rawValue
        }
        public var description: String { rawValue }

        public static let queueDoesNotExist = Code("QueueDoesNotExist", queryCode: "AWS.SimpleQueueService.NonExistentQueue")
        public static let queueNameExists = Code("QueueNameExists", queryCode: "QueueAlreadyExists")
        public static let invalidAttributeName = Code("InvalidAttributeName")
        public static let invalidAttributeValue = Code("InvalidAttributeValue")
        public static let invalidParameterValue = Code("InvalidParameterValue")
        public static let missingParameter = Code("MissingParameter")
        public static let receiptHandleIsInvalid = Code("ReceiptHandleIsInvalid")
        public static let messageNotInflight = Code("MessageNotInflight", queryCode: "AWS.SimpleQueueService.MessageNotInflight")
        public static let tooManyEntriesInBatchRequest = Code(
            "TooManyEntriesInBatchRequest", queryCode: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest")
        public static let emptyBatchRequest = Code("EmptyBatchRequest", queryCode: "AWS.SimpleQueueService.EmptyBatchRequest")
        public static let batchEntryIdsNotDistinct = Code(
            "BatchEntryIdsNotDistinct", queryCode: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct")
        public static let invalidBatchEntryId = Code("InvalidBatchEntryId", queryCode: "AWS.SimpleQueueService.InvalidBatchEntryId")
        public static let batchRequestTooLong = Code("BatchRequestTooLong", queryCode: "AWS.SimpleQueueService.BatchRequestTooLong")
        public static let purgeQueueInProgress = Code("PurgeQueueInProgress", queryCode: "AWS.SimpleQueueService.PurgeQueueInProgress")
        public static let resourceNotFound = Code("ResourceNotFoundException")
        public static let unsupportedOperation = Code("UnsupportedOperation", queryCode: "AWS.SimpleQueueService.UnsupportedOperation")
        /// A queue URL that names no queue this endpoint serves.
        public static let invalidAddress = Code("InvalidAddress")
        /// A body or attribute with characters outside the XML range SQS allows.
        public static let invalidMessageContents = Code("InvalidMessageContents")
        /// Not an SQS name: the log could not commit (the server answers 500).
        public static let storage = Code("InternalError")

        /// Every code above: the server derives its table of query codes from this list.
        public static let all: [Code] = [
            .queueDoesNotExist, .queueNameExists, .invalidAttributeName, .invalidAttributeValue, .invalidParameterValue,
            .missingParameter, .receiptHandleIsInvalid, .messageNotInflight, .tooManyEntriesInBatchRequest, .emptyBatchRequest,
            .batchEntryIdsNotDistinct, .invalidBatchEntryId, .batchRequestTooLong, .purgeQueueInProgress, .resourceNotFound,
            .unsupportedOperation, .invalidAddress, .invalidMessageContents, .storage,
        ]
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
