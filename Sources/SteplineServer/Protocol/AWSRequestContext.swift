public import Logging
public import Runtime
import Memberwise

/// What a handler knows about the request besides its input.
@MemberwiseInit(.public)
public struct AWSRequestContext: Sendable {
    /// The id returned as `X-Amzn-RequestId`; put it in logs and error reports.
    public var requestID: String
    /// The service the target named.
    public var service: AWSService
    /// The operation the target named (`StartExecution`).
    public var operation: String
    /// The access key id that signed the request (verified when credentials are configured,
    /// as the client claims it otherwise); `nil` for an unsigned request.
    public var accessKeyID: String?
    /// The region of the signature's credential scope, or the server's configured region
    /// for unsigned requests; ARNs a handler creates use it (see ``scope(in:)``).
    public var region: String
    /// A logger whose metadata already carries the request id and target.
    public var logger: Logger

    /// The account and region the request creates, lists and names resources in: the
    /// region above and the account of the access key (``ServiceContext/scope(accessKeyID:region:)``).
    public func scope(in services: ServiceContext) -> ResourceScope {
        services.scope(accessKeyID: accessKeyID, region: region)
    }

    /// `<prefix>.<operation>`, as the client sent it in `X-Amz-Target`.
    public var target: String { "\(service.targetPrefix).\(operation)" }

    /// The `UnknownOperationException` a handler throws for an operation it does not provide.
    public func unknownOperation() -> AWSError { AWSError.unknownOperation(target: target) }
}
