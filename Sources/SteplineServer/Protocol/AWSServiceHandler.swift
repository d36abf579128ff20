public import JSON

/// One AWS service's operations: what the engine plugs into the server.
///
/// The dispatcher has already checked the body size and the signature, parsed the body
/// and checked that it is a JSON object; a handler reads the input (``AWSInput`` helps),
/// does the work and returns the output structure, or throws the ``AWSError`` the
/// service's model names. It must throw ``AWSRequestContext/unknownOperation()`` for an
/// operation it does not provide, never answer an empty success.
///
/// ```swift
/// struct StepFunctionsHandler: AWSServiceHandler {
///     let service = AWSService.stepFunctions
///     func handle(operation: String, input: JSONValue, context: AWSRequestContext) async throws(AWSError) -> JSONValue {
///         switch operation {
///         case "DescribeExecution": return try await describeExecution(AWSInput(input), context)
///         default: throw context.unknownOperation()
///         }
///     }
/// }
/// ```
public protocol AWSServiceHandler: Sendable {
    /// The service this handler answers for; its ``AWSService/targetPrefix`` is the key it is registered under.
    var service: AWSService { get }

    /// Runs one operation.
    ///
    /// - Parameters:
    ///   - operation: the part of `X-Amz-Target` after the dot.
    ///   - input: the request body, always a JSON object (`{}` for an empty body).
    ///   - context: the request's id, principal, region and logger.
    /// - Returns: the output structure; `{}` for operations without output.
    func handle(operation: String, input: JSONValue, context: AWSRequestContext) async throws(AWSError) -> JSONValue

    /// Whether `operation` is one this handler provides; used to label metrics, so that
    /// invented operation names do not each become a time series.
    func provides(operation: String) -> Bool
}

extension AWSServiceHandler {
    /// The `X-Amz-Target` prefix, `service.targetPrefix`.
    public var targetPrefix: String { service.targetPrefix }
}
