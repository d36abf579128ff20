import EventLog
import LMDB

/// A service's own error type, which says what each of its codes means.
public protocol ServiceErrorConvertible: Error {
    /// This failure by meaning.
    var serviceError: ServiceError { get }
}

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
        case let error as any ServiceErrorConvertible: self = error.serviceError
        case is LMDBError, is EventLogError: self = .storage(error)
        default: self.init(.internal, "The service failed", cause: error)
        }
    }

    /// What a service's code for a failure means: its kind, the resource it concerns, and
    /// whether the code is a name of its own (a ``Reason``) or one the kind and resource
    /// already give (`StateMachineDoesNotExist` is "not found" of a state machine).
    package struct Meaning {
        package var kind: Kind
        package var resource: Resource?
        package var isNamed: Bool

        package static func named(_ kind: Kind) -> Meaning { Meaning(kind: kind, isNamed: true) }
        package static func generic(_ kind: Kind, _ resource: Resource? = nil) -> Meaning { Meaning(kind: kind, resource: resource, isNamed: false) }

        /// The batch conditions SQS and SNS name alike (SNS's batch API copies SQS's).
        package static let batch: [String: Meaning] = [
            "EmptyBatchRequest": .named(.validation),
            "BatchEntryIdsNotDistinct": .named(.validation),
            "InvalidBatchEntryId": .named(.validation),
            "TooManyEntriesInBatchRequest": .named(.limitExceeded),
            "BatchRequestTooLong": .named(.limitExceeded),
        ]

        package func error(code: String, _ message: String) -> ServiceError {
            ServiceError(kind, resource: resource, reason: isNamed ? Reason(rawValue: code) : nil, message)
        }
    }
}

extension EngineError: ServiceErrorConvertible {
    /// This failure by meaning. A code not in the table (one carried over from an
    /// EventBridge pattern error) is a validation error under its own name.
    public var serviceError: ServiceError {
        (Self.meanings[code] ?? .named(.validation)).error(code: code.rawValue, message)
    }

    package static let meanings: [Code: ServiceError.Meaning] = [
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

