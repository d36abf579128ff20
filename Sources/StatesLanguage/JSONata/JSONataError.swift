/// A JSONata failure: JSONata's own error code (`T2001`, `D3001`, `S0202`, …),
/// its message, and the character offset in the expression where it arose.
///
/// The codes and messages follow the JSONata reference implementation, because
/// Step Functions passes them through in `States.QueryEvaluationError` causes and
/// users search for them.
public struct JSONataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// JSONata's code: `S` for syntax, `T` for type, `D` for dynamic errors.
    public var code: String
    public var message: String
    /// The offset (in characters) of the token the error is about.
    public var position: Int

    public init(_ code: String, _ message: String, position: Int = 0) {
        self.code = code
        self.message = message
        self.position = position
    }

    public var description: String { "\(code): \(message)" }
}
