import EventLog
import HTTPTypes
import LMDB
import Messaging
import Testing
import Workflows

@testable import SteplineServer
@testable import Runtime

/// The one mapping from a service's failure to each AWS service's error.
@Suite("Service errors as AWS errors")
struct AWSErrorDialectTests {
    static let keyTooLong = LMDBError(code: .badValueSize, function: "mdb_get", message: "MDB_BAD_VALSIZE: Unsupported size of key/DB name/data")
    static let diskFull = LMDBError(code: .noSpace, function: "mdb_txn_commit", message: "No space left on device")

    @Test(
        "a key LMDB refuses as too long is each service's validation error with status 400",
        arguments: [
            (AWSService.sqs, "InvalidParameterValue"),
            (AWSService.sns, "InvalidParameter"),
            (AWSService.stepFunctions, "ValidationException"),
            (AWSService.events, "ValidationException"),
        ]
    )
    func keyTooLong(service: AWSService, code: String) {
        // As a service's storage wrap sees it, and as a read that reached the server unwrapped.
        let wrapped = EventLogError(.storage, "the index could not be written", cause: Self.keyTooLong)
        for thrown in [ServiceError.storage(wrapped, about: "arn:aws:sqs:us-east-1:123456789012:q") as any Error, Self.keyTooLong] {
            let answer = AWSError(thrown, answeredBy: service)
            #expect(answer.status == .badRequest)
            #expect(answer.code.rawValue == code)
            #expect(!answer.message.contains("MDB_"))
        }
        #expect(ServiceError.storage(wrapped, about: "queue jobs").message.contains("'queue jobs'"))
    }

    @Test(
        "a failing log is a 500 with the protocol's server-fault code, never an internal name",
        arguments: [
            (AWSService.stepFunctions, "InternalFailure"),
            (AWSService.events, "InternalFailure"),
            (AWSService.sqs, "InternalFailure"),
            (AWSService.sns, "InternalError"),
            (AWSService.steplineTopics, "InternalFailure"),
        ]
    )
    func storageFailure(service: AWSService, code: String) {
        let failures: [any Error] = [
            ServiceError.storage(Self.diskFull, about: "bus orders"), Self.diskFull, EngineError(.storage, "unrecordable"),
            QueueError(.storage, "no index"), TopicError(.internalError, "no index"), CancellationError(),
        ]
        for failure in failures {
            let answer = AWSError(failure, answeredBy: service)
            #expect(answer.status == .internalServerError)
            #expect(answer.code.rawValue == code)
            #expect(answer.fault == .receiver)
        }
    }

    @Test("a storage failure keeps LMDB's error as its cause, not as text")
    func storageCause() throws {
        let error = ServiceError.storage(EventLogError(.storage, "commit failed", cause: Self.diskFull), about: "bus orders")
        #expect(error.kind == .storage)
        #expect((error.cause as? LMDBError)?.code == .noSpace)
    }

    static let stepFunctionsCodes: [EngineError.Code] = [
        .stateMachineDoesNotExist, .stateMachineAlreadyExists, .stateMachineDeleting, .invalidDefinition, .invalidName, .invalidArn,
        .invalidExecutionInput, .invalidOutput, .invalidToken, .executionDoesNotExist, .executionAlreadyExists, .executionNotRedrivable,
        .activityDoesNotExist, .activityAlreadyExists, .taskDoesNotExist, .taskTimedOut, .validation, .reviewItemDoesNotExist,
        .statesResourceNotFound, .conflict, .tooManyTags,
    ]

    @Test("every Step Functions code keeps its name through the mapping", arguments: stepFunctionsCodes)
    func stepFunctionsCode(code: EngineError.Code) {
        for service in [AWSService.stepFunctions, .stepline] {
            let answer = AWSError(EngineError(code, "m"), answeredBy: service)
            #expect(answer.code.rawValue == code.rawValue)
            #expect(answer.status == .badRequest)
            #expect(answer.message == "m")
        }
    }

    @Test(
        "every EventBridge code keeps its name through the mapping",
        arguments: [EngineError.Code.resourceNotFound, .resourceAlreadyExists, .invalidEventPattern, .illegalStatus, .validation]
    )
    func eventBridgeCode(code: EngineError.Code) {
        for service in [AWSService.events, .steplineEvents] {
            let answer = AWSError(EngineError(code, "m"), answeredBy: service)
            #expect(answer.code.rawValue == code.rawValue)
            #expect(answer.status == .badRequest)
        }
        #expect(AWSError(EventBridgeError.invalidPattern("bad"), answeredBy: .events).code == "InvalidEventPatternException")
        #expect(AWSError(EventBridgeError.validation("bad"), answeredBy: .events).code == "ValidationException")
    }

    @Test("every SQS code keeps its name and its legacy query code", arguments: QueueError.Code.all.filter { $0 != .storage })
    func sqsCode(code: QueueError.Code) {
        let answer = AWSError(QueueError(code, "m"), answeredBy: .sqs)
        #expect(answer.code.rawValue == code.rawValue)
        #expect(answer.queryErrorCode == code.queryCode)
        #expect(answer.status == .badRequest)
    }

    @Test("every SNS code keeps its name and its status", arguments: TopicError.Code.all.filter { $0 != .internalError })
    func snsCode(code: TopicError.Code) {
        for service in [AWSService.sns, .steplineTopics] {
            let answer = AWSError(TopicError(code, "m"), answeredBy: service)
            #expect(answer.code.rawValue == code.rawValue)
            #expect(Int(answer.status.code) == code.status)
        }
    }

    @Test("a failure a service raises by meaning alone gets each service's name for it")
    func meaningsOnly() {
        let missingQueue = ServiceError(.notFound, resource: .queue, "The specified queue does not exist.")
        let answer = AWSError(missingQueue, answeredBy: .sqs)
        #expect(answer.code == "QueueDoesNotExist")
        #expect(answer.queryErrorCode == "AWS.SimpleQueueService.NonExistentQueue")
        let missing = ServiceError(.notFound, "gone")
        #expect(AWSError(missing, answeredBy: .events).code == "ResourceNotFoundException")
        #expect(AWSError(missing, answeredBy: .sns).status == .notFound)
        #expect(AWSError(ServiceError(.notFound, resource: .execution, "gone"), answeredBy: .stepFunctions).code == "ExecutionDoesNotExist")
        #expect(AWSError(ServiceError.validation(field: "Name", "bad"), answeredBy: .sns).code == "InvalidParameter")
    }

    @Test("an AWSError a handler threw passes through unchanged")
    func passThrough() {
        let error = AWSError.validation(member: "name", constraint: "Member must not be null")
        #expect(AWSError(error, answeredBy: .sqs) == error)
    }
}
