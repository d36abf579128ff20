public import Messaging
public import Runtime

extension QueueError: ServiceErrorConvertible {
    /// This failure by meaning; SQS's codes of their own stay its ``ServiceError/reason``.
    public var serviceError: ServiceError {
        (Self.meanings[code.rawValue] ?? .named(.validation)).error(code: code.rawValue, message)
    }

    package static let meanings: [String: ServiceError.Meaning] = ServiceError.Meaning.batch.merging([
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

