public import Messaging
public import Runtime

extension EventBridgeError: ServiceErrorConvertible {
    /// This failure by meaning: a validation error, under its own name when it is about a pattern.
    public var serviceError: ServiceError {
        ServiceError(.validation, reason: code == .validation ? nil : ServiceError.Reason(rawValue: code.rawValue), message)
    }
}
