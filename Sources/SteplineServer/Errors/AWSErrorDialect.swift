internal import HTTPTypes
internal import Messaging
import Runtime
import Workflows

/// The one mapping from a service's failure to the error its AWS clients expect.
///
/// Every operation table answers what a service call threw through
/// ``AWSError/init(_:answeredBy:)``: the service says what the failure *means*
/// (``Engine/ServiceError``), this file says how each AWS service names and
/// sends it. Two rules hold for every service:
///
/// - a name of the service's own (``Engine/ServiceError/reason``: `InvalidDefinition`,
///   `ReceiptHandleIsInvalid`) is the code as it is; otherwise the kind and resource
///   choose the service's name (`StateMachineDoesNotExist`, `QueueDoesNotExist`,
///   `ResourceNotFoundException`, `NotFound`), as botocore's models spell them;
/// - a failure of the server (the log, an unnamed error) is HTTP 500 with the code AWS
///   uses for server faults in that protocol — `InternalFailure` in the JSON
///   protocols, `InternalError` in SNS's query protocol — never an internal name, so
///   SDKs retry it.
enum AWSErrorDialect: Sendable {
    /// Step Functions and Stepline's own operations on executions.
    case stepFunctions
    /// EventBridge and Stepline's bus-delivery operations.
    case eventBridge
    /// SQS, whose SDKs also match the legacy query code in `x-amzn-query-error`.
    case sqs
    /// SNS; `query` is false for Stepline's topic-delivery operations, which speak JSON.
    case sns(query: Bool)

    /// The dialect `service`'s clients speak.
    init(_ service: AWSService) {
        switch service.targetPrefix {
        case AWSService.sqs.targetPrefix: self = .sqs
        case AWSService.sns.targetPrefix: self = .sns(query: true)
        case AWSService.steplineTopics.targetPrefix: self = .sns(query: false)
        case AWSService.events.targetPrefix, AWSService.steplineEvents.targetPrefix: self = .eventBridge
        // Stepline's own operations on executions, and any service not named above.
        default: self = .stepFunctions
        }
    }

    /// The error `error` is in this dialect.
    func answer(_ error: ServiceError) -> AWSError {
        if error.kind.isServerFault {
            return AWSError(serverFaultCode, error.description, status: .internalServerError)
        }
        let code = error.reason?.rawValue ?? genericCode(error.kind, error.resource)
        switch self {
        case .sqs:
            return AWSError(AWSError.Code(code), error.message, queryErrorCode: Self.sqsQueryCodes[code] ?? code)
        case .sns:
            let status = Self.snsStatuses[code] ?? Self.snsStatus(error.kind)
            return AWSError(AWSError.Code(code), error.message, status: HTTPResponse.Status(code: status))
        case .stepFunctions, .eventBridge:
            return AWSError(AWSError.Code(code), error.message)
        }
    }

    /// The code AWS uses for a server fault in this dialect's protocol.
    var serverFaultCode: AWSError.Code {
        if case .sns(query: true) = self { return .internalError }
        return .internalFailure
    }

    /// The service's name for a client error the service did not name itself.
    func genericCode(_ kind: ServiceError.Kind, _ resource: ServiceError.Resource?) -> String {
        switch (self, kind) {
        case (.stepFunctions, .notFound):
            switch resource {
            case .stateMachine?: "StateMachineDoesNotExist"
            case .execution?: "ExecutionDoesNotExist"
            case .activity?: "ActivityDoesNotExist"
            case .task?: "TaskDoesNotExist"
            default: "ResourceNotFound"
            }
        case (.stepFunctions, .alreadyExists):
            switch resource {
            case .stateMachine?: "StateMachineAlreadyExists"
            case .execution?: "ExecutionAlreadyExists"
            case .activity?: "ActivityAlreadyExists"
            default: "ConflictException"
            }
        case (.stepFunctions, .conflict): "ConflictException"
        case (.stepFunctions, .limitExceeded): "ServiceQuotaExceededException"
        case (.eventBridge, .notFound): "ResourceNotFoundException"
        case (.eventBridge, .alreadyExists): "ResourceAlreadyExistsException"
        case (.eventBridge, .conflict): "ConcurrentModificationException"
        case (.eventBridge, .invalidState): "IllegalStatusException"
        case (.eventBridge, .limitExceeded): "LimitExceededException"
        case (.stepFunctions, .throttled), (.eventBridge, .throttled): "ThrottlingException"
        case (.stepFunctions, .unauthorized), (.eventBridge, .unauthorized): "AccessDeniedException"
        case (.stepFunctions, _), (.eventBridge, _): "ValidationException"
        case (.sqs, .notFound): resource == .queue ? "QueueDoesNotExist" : "ResourceNotFoundException"
        case (.sqs, .alreadyExists): "QueueNameExists"
        case (.sqs, .limitExceeded): "OverLimit"
        case (.sqs, .throttled): "RequestThrottled"
        case (.sqs, .unsupported): "UnsupportedOperation"
        case (.sqs, _): "InvalidParameterValue"
        case (.sns, .notFound): "NotFound"
        case (.sns, .conflict): "ConcurrentAccess"
        case (.sns, .invalidState): "InvalidState"
        case (.sns, .throttled): "Throttled"
        case (.sns, .unauthorized): "AuthorizationError"
        case (.sns, _): "InvalidParameter"
        }
    }

    /// SQS's legacy query code for each JSON code, from ``Messaging/QueueError/Code/all``;
    /// a code not listed is its own query code, as SQS sends for every client error.
    static let sqsQueryCodes: [String: String] = Dictionary(
        QueueError.Code.all.map { ($0.rawValue, $0.queryCode) },
        uniquingKeysWith: { first, _ in first }
    )

    /// SNS's HTTP status for each of its codes, from ``Messaging/TopicError/Code/all``.
    static let snsStatuses: [String: Int] = Dictionary(
        TopicError.Code.all.map { ($0.rawValue, $0.status) },
        uniquingKeysWith: { first, _ in first }
    )

    /// SNS's status for a kind whose code has none of its own.
    static func snsStatus(_ kind: ServiceError.Kind) -> Int {
        switch kind {
        case .notFound: 404
        case .unauthorized: 403
        case .throttled: 429
        default: 400
        }
    }
}

extension AWSError {
    /// `error`, thrown by a service call, as `service`'s clients expect it.
    ///
    /// An ``AWSError`` (a handler's own input check) passes through; anything else is
    /// read as a ``Engine/ServiceError`` (``Engine/ServiceError/init(_:)``) and answered
    /// in `service`'s dialect.
    public init(_ error: any Error, answeredBy service: AWSService) {
        if let error = error as? AWSError {
            self = error
        } else {
            self = AWSErrorDialect(service).answer(ServiceError(error))
        }
    }
}

extension AWSService {
    /// Runs one service call of an operation, answering its failure as this service's
    /// clients expect (``AWSError/init(_:answeredBy:)``).
    func call<Value>(_ body: () async throws -> Value) async throws(AWSError) -> Value {
        do { return try await body() } catch { throw AWSError(error, answeredBy: self) }
    }
}
