public import JSON

/// A call of a States Language intrinsic function, such as
/// `States.Format('Hello, {}', $.name)`, parsed once and evaluated per execution.
///
/// Intrinsics appear wherever a JSONPath-mode field accepts a path: as the value
/// of a `.$` key in `Parameters`, `ResultSelector`, `ItemSelector` and `Assign`,
/// and in a Fail state's `ErrorPath`/`CausePath`. Parsing checks the syntax and the
/// function name, which is what `CreateStateMachine` rejects; argument counts and
/// types are checked when the call runs, because that is when Step Functions
/// checks them (see ``IntrinsicFunction``).
///
/// Evaluation is pure: paths are resolved through a closure the caller supplies
/// (input, context object or variables) and `States.UUID` and unseeded
/// `States.MathRandom` draw only from the generator passed in, so the engine can
/// record what was drawn and replay it.
///
/// ```swift
/// let call = try IntrinsicExpression.parse("States.MathAdd($.count, 1)")
/// let next = try call.evaluate(resolve: { path throws(StatesError) in try lookUp(path) }, random: &rng)
/// ```
///
/// ## Topics
/// - ``looksLikeIntrinsic(_:)``
/// - ``parse(_:)``
/// - ``evaluate(resolve:random:)``
public struct IntrinsicExpression: Sendable, Hashable, CustomStringConvertible {
    /// How deep calls may be nested inside one another. AWS documents a limit of
    /// 10; keeping it also bounds the recursion of parsing and evaluation.
    public static let maximumNestingDepth = 10

    /// The function called.
    public let function: IntrinsicFunction
    /// The arguments, in the order written.
    public let arguments: [IntrinsicArgument]
    /// The call as written in the definition.
    public let text: String

    init(function: IntrinsicFunction, arguments: [IntrinsicArgument], text: String) {
        self.function = function
        self.arguments = arguments
        self.text = text
    }

    public var description: String { text }

    /// Whether a `.$` field value is meant as an intrinsic call rather than a path.
    ///
    /// Step Functions decides by the `States.` prefix alone, so `States.Nope($.a)`
    /// is an invalid intrinsic (reported by ``parse(_:)``), not an invalid path.
    public static func looksLikeIntrinsic(_ text: String) -> Bool {
        text.hasPrefix("States.")
    }

    /// Parses the text of an intrinsic function call.
    ///
    /// - Throws: ``IntrinsicParseError`` naming what is wrong (unknown function,
    ///   unterminated string, invalid path argument, …) and the character where
    ///   the parser stopped.
    public static func parse(_ text: String) throws(IntrinsicParseError) -> IntrinsicExpression {
        var parser = IntrinsicParser(text)
        return try parser.parseWholeCall()
    }
}

/// One argument of an intrinsic call.
public enum IntrinsicArgument: Sendable, Hashable {
    /// A number, `true`, `false` or `null` written in the call.
    case literal(JSONValue)
    /// A single-quoted string: its value with escapes applied, and the text
    /// between the quotes as written. `States.Format` needs the latter, because
    /// `\{` in a template is a literal brace while `{}` is a placeholder.
    case string(value: String, source: String)
    /// A path into the input (`$.a`), the context object (`$$.Execution.Id`) or a variable (`$var`).
    case path(JSONPath)
    /// A nested call, whose result is the argument.
    case call(IntrinsicExpression)
}
