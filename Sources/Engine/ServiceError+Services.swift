import EventLog
import LMDB
public import Messaging

extension ServiceError {
    /// Any error a service operation threw, as a ``ServiceError``: the one entry the HTTP
    /// layer calls before it chooses a protocol's answer.
    ///
    /// Each service's own error type maps itself in one place (``EngineError/serviceError``,
    /// ``Messaging/QueueError/serviceError``, …); a log or LMDB failure goes through
    /// ``storage(_:about:)``; anything else is ``Kind/internal`` with the error as its cause.
    public init(_ error: any Error) {
        switch error {
        case let error as ServiceError: self = error
        case let error as EngineError: self = error.serviceError
        case let error as QueueError: self = error.serviceError
        case let error as TopicError: self = error.serviceError
        case let error as EventBridgeError: self = error.serviceError
        case is LMDBError, is EventLogError: self = .storage(error)
        default: self.init(.internal, "The service failed", cause: error)
        }
    }

    /// What a service's code for a failure means: its kind, the resource it concerns, and
    /// whether the code is a name of its own (a ``Reason``) or one the kind and resource
    /// already give (`StateMachineDoesNotExist` is "not found" of a state machine).
    struct Meaning {
        var kind: Kind
        var resource: Resource?
        var isNamed: Bool

        static func named(_ kind: Kind) -> Meaning { Meaning(kind: kind, isNamed: true) }
        static func generic(_ kind: Kind, _ resource: Resource? = nil) -> Meaning { Meaning(kind: kind, resource: resource, isNamed: false) }

        /// The batch conditions SQS and SNS name alike (SNS's batch API copies SQS's).
        static let batch: [String: Meaning] = [
            "EmptyBatchRequest": .named(.validation),
            "BatchEntryIdsNotDistinct": .named(.validation),
            "InvalidBatchEntryId": .named(.validation),
            "TooManyEntriesInBatchRequest": .named(.limitExceeded),
            "BatchRequestTooLong": .named(.limitExceeded),
        ]

        func error(code: String, _ message: String) -> ServiceError {
            ServiceError(kind, resource: resource, reason: isNamed ? Reason(rawValue: code) : nil, message)
        }
    }
}

extension EngineError {
    /// This failure by meaning. A code not in the table (one carried over from an
    /// EventBridge pattern error) is a validation error under its own name.
    public var serviceError: ServiceError {
        (Self.meanings[code] ?? .named(.validation)).error(code: code.rawValue, message)
    }

    static let meanings: [Code: ServiceError.Meaning] = [
        .stateMachineDoesNotExist: .generic(.notFound, .stateMachine),
        .executionDoesNotExist: .generic(.notFound, .execution),
        .activityDoesNotExist: .generic(.notFound, .activity),
        .taskDoesNotExist: .generic(.notFound, .task),
        // Also `reviewItemDoesNotExist`: both are Step Functions' `ResourceNotFound`.
        .statesResourceNotFound: .generic(.notFound),
        .resourceNotFound: .generic(.notFound),
        .stateMachineAlreadyExists: .generic(.alreadyExists, .stateMachine),
        .executionAlreadyExists: .generic(.alreadyExists, .execution),
        .activityAlreadyExists: .generic(.alreadyExists, .activity),
        .resourceAlreadyExists: .generic(.alreadyExists),
        .conflict: .generic(.conflict),
        .validation: .generic(.validation),
        .invalidDefinition: .named(.validation),
        .invalidName: .named(.validation),
        .invalidArn: .named(.validation),
        .invalidExecutionInput: .named(.validation),
        .invalidOutput: .named(.validation),
        .invalidToken: .named(.validation),
        .invalidEventPattern: .named(.validation),
        .stateMachineDeleting: .named(.invalidState),
        .executionNotRedrivable: .named(.invalidState),
        .taskTimedOut: .named(.invalidState),
        .illegalStatus: .generic(.invalidState),
        .tooManyTags: .named(.limitExceeded),
        .storage: .generic(.storage),
    ]
}

extension QueueError {
    /// This failure by meaning; SQS's codes of their own stay its ``ServiceError/reason``.
    public var serviceError: ServiceError {
        (Self.meanings[code.rawValue] ?? .named(.validation)).error(code: code.rawValue, message)
    }

    static let meanings: [String: ServiceError.Meaning] = ServiceError.Meaning.batch.merging([
        Code.queueDoesNotExist.rawValue: .generic(.notFound, .queue),
        Code.resourceNotFound.rawValue: .generic(.notFound),
        Code.queueNameExists.rawValue: .generic(.alreadyExists, .queue),
        Code.invalidParameterValue.rawValue: .generic(.validation),
        Code.invalidAttributeName.rawValue: .named(.validation),
        Code.invalidAttributeValue.rawValue: .named(.validation),
        Code.missingParameter.rawValue: .named(.validation),
        Code.receiptHandleIsInvalid.rawValue: .named(.validation),
        Code.invalidAddress.rawValue: .named(.validation),
        Code.invalidMessageContents.rawValue: .named(.validation),
        Code.messageNotInflight.rawValue: .named(.invalidState),
        Code.purgeQueueInProgress.rawValue: .named(.invalidState),
        Code.unsupportedOperation.rawValue: .generic(.unsupported),
        Code.storage.rawValue: .generic(.storage),
    ]) { _, own in own }
}

extension TopicError {
    /// This failure by meaning; SNS's codes of their own stay its ``ServiceError/reason``.
    public var serviceError: ServiceError {
        (Self.meanings[code.rawValue] ?? .named(.validation)).error(code: code.rawValue, message)
    }

    static let meanings: [String: ServiceError.Meaning] = ServiceError.Meaning.batch.merging([
        Code.notFound.rawValue: .generic(.notFound),
        Code.resourceNotFound.rawValue: .named(.notFound),
        Code.invalidParameter.rawValue: .generic(.validation),
        Code.invalidParameterValue.rawValue: .named(.validation),
        Code.validation.rawValue: .named(.validation),
        Code.tagLimitExceeded.rawValue: .named(.limitExceeded),
        Code.filterPolicyLimitExceeded.rawValue: .named(.limitExceeded),
        Code.authorizationError.rawValue: .generic(.unauthorized),
        Code.internalError.rawValue: .generic(.storage),
    ]) { _, own in own }
}

extension EventBridgeError {
    /// This failure by meaning: a validation error, under its own name when it is about a pattern.
    public var serviceError: ServiceError {
        ServiceError(.validation, reason: code == .validation ? nil : ServiceError.Reason(rawValue: code.rawValue), message)
    }
}
