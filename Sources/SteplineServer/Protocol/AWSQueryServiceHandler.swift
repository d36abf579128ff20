public import Messaging

/// A service that speaks AWS's query protocol (form-encoded `Action=…` requests,
/// XML responses), as SNS does, on the same `POST /` as the JSON protocols.
///
/// It is registered with the other handlers; the ``AWSDispatcher`` sends it the
/// requests that carry no `X-Amz-Target` and a form body, when the SigV4 credential
/// scope (or, unsigned, the `Version` parameter) names its service. The dispatcher
/// wraps what ``handle(action:parameters:context:)`` returns in
/// `<ActionResponse xmlns=…><ActionResult>…</ActionResult><ResponseMetadata>…`
/// and renders thrown errors as `<ErrorResponse>`.
public protocol AWSQueryServiceHandler: AWSServiceHandler {
    /// The `Version` parameter the service's requests carry (`2010-03-31`).
    var apiVersion: String { get }
    /// The `xmlns` of responses (`http://sns.amazonaws.com/doc/2010-03-31/`).
    var xmlNamespace: String { get }

    /// Runs one action.
    /// - Returns: the children of `<ActionResult>`, or `nil` for actions whose output has no members
    ///   (the response then has only `ResponseMetadata`).
    /// - Throws: ``AWSError`` with the service's code and status.
    func handle(action: String, parameters: QueryParameters, context: AWSRequestContext) async throws(AWSError) -> [XMLNode]?

    /// Whether an action may be called without a signature (SNS's `SubscribeURL` and
    /// `UnsubscribeURL`, which carry their own token or ARN, are followed by plain GETs).
    func allowsUnsigned(action: String) -> Bool
}

extension AWSQueryServiceHandler {
    public func allowsUnsigned(action: String) -> Bool { false }
}
