public import JSON

/// An ``AWSServiceHandler`` made of one closure per operation.
///
/// The engine's handlers have dozens of operations; a table keeps each one a small
/// function of its input, and derives ``provides(operation:)`` from what is registered,
/// so the list of supported operations cannot drift from the code that runs them.
///
/// ```swift
/// var states = AWSOperationTable(service: .stepFunctions)
/// states.register("DescribeExecution") { input, context async throws(AWSError) in
///     let arn = try input.requiredString("executionArn")
///     return try await engine.describeExecution(arn).jsonValue
/// }
/// ```
public struct AWSOperationTable: AWSServiceHandler {
    /// One operation: its input structure and the request's context in, its output structure out.
    public typealias Operation = @Sendable (AWSInput, AWSRequestContext) async throws(AWSError) -> JSONValue

    public let service: AWSService
    private var operations: [String: Operation] = [:]

    /// An empty table for `service`.
    public init(service: AWSService) { self.service = service }

    /// Adds or replaces the operation called `name` (`StartExecution`).
    public mutating func register(_ name: String, _ operation: @escaping Operation) {
        operations[name] = operation
    }

    /// The registered operation names, sorted.
    public var operationNames: [String] { operations.keys.sorted() }

    public func provides(operation: String) -> Bool { operations[operation] != nil }

    public func handle(operation: String, input: JSONValue, context: AWSRequestContext) async throws(AWSError) -> JSONValue {
        guard let body = operations[operation] else { throw context.unknownOperation() }
        return try await body(AWSInput(input), context)
    }
}
