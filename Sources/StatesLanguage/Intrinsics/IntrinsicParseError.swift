public import JSON

/// Why the text of an intrinsic function call could not be parsed, and where.
///
/// Definition validation turns this into a `SCHEMA_VALIDATION_FAILED` diagnostic
/// for the field that holds the call, so the reason names the construct that is
/// wrong and ``offset`` points at the character where the parser gave up
/// (0-based, in `Character`s of ``text``).
public struct IntrinsicParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, independent of where.
    public struct Reason: Sendable, Hashable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }

        public static let notAFunctionCall = Reason("an intrinsic function call must look like States.Name(arguments)")
        public static let expectedOpeningParenthesis = Reason("expected '(' after the function name")
        public static let expectedArgument = Reason(
            "expected an argument: a 'string', a number, true, false, null, a path ($…) or an intrinsic function call"
        )
        public static let expectedCommaOrClosingParenthesis = Reason("expected ',' or ')' after an argument")
        public static let unterminatedString = Reason("a string argument is missing its closing single quote")
        public static let invalidNumber = Reason("invalid number")
        public static let trailingCharacters = Reason("unexpected characters after the closing ')'")
        public static let tooDeep = Reason(
            "intrinsic functions can be nested at most \(IntrinsicExpression.maximumNestingDepth) deep"
        )

        /// `States.Name` is not one of the intrinsic functions of the States Language.
        public static func unknownFunction(_ name: String) -> Reason {
            Reason("'\(name)' is not an intrinsic function; the functions are \(IntrinsicFunction.allCases.map(\.name).joined(separator: ", "))")
        }

        /// A path argument is not a valid JSONPath.
        public static func invalidPath(_ error: JSONPathError) -> Reason {
            Reason("invalid path argument '\(error.path)': \(error.reason)")
        }
    }

    public let reason: Reason
    /// The whole call as written.
    public let text: String
    /// 0-based position, in `Character`s of ``text``, where parsing stopped.
    public let offset: Int

    public var description: String { "invalid intrinsic function call '\(text)': \(reason) at character \(offset)" }
}
