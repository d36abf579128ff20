public import Messaging
public import Runtime

extension TopicError: ServiceErrorConvertible {
    /// This failure by meaning; SNS's codes of their own stay its ``ServiceError/reason``.
    public var serviceError: ServiceError {
        (Self.meanings[code.rawValue] ?? .named(.validation)).error(code: code.rawValue, message)
    }

    package static let meanings: [String: ServiceError.Meaning] = ServiceError.Meaning.batch.merging([
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

