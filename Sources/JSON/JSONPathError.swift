/// Why a JSONPath could not be parsed or applied, and where.
///
/// Parse errors point at the character of ``path`` where the parser gave up
/// (`offset`, 0-based, in `Character`s), so a definition validator can say
/// "`$.a[?(@.x >)]`: expected a value after the operator at character 10".
/// Errors from ``JSONPath/setting(_:in:)`` point at the start of the segment that
/// could not be applied.
public struct JSONPathError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, independent of where.
    public struct Reason: Sendable, Hashable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }

        // Parsing.
        public static let empty = Reason("a path must not be empty")
        public static let expectedRoot = Reason("a path must start with '$'")
        public static let unexpectedEnd = Reason("the path ends too early")
        public static let unexpectedCharacter = Reason("unexpected character")
        public static let expectedMemberName = Reason("expected a member name or '*' after '.'")
        public static let blankInMemberName = Reason(
            "a member name after '.' cannot contain blanks: use bracket notation ['my name']"
        )
        public static let invalidVariableName = Reason(
            "a variable name must start with a letter or '_' and contain only letters, digits and '_'"
        )
        public static let unterminatedString = Reason("unterminated quoted name")
        public static let expectedCommaOrBracket = Reason("expected ',' or ']'")
        public static let invalidIndex = Reason("invalid array index")
        public static let invalidSlice = Reason("invalid slice: expected [start:end] or [start:end:step] with step > 0")
        public static let mixedUnion = Reason("a union lists either quoted names or indexes, not both")
        public static let functionsUnsupported = Reason("path functions such as length() are not supported")
        public static let endsWithDot = Reason("a path must not end with '.' or '..'")
        public static let invalidFilter = Reason("invalid filter expression")
        public static let expectedOperand = Reason("expected a value: @-path, $-path, number, string, true, false or null")
        public static let expectedClosingParenthesis = Reason("expected ')'")
        public static let invalidRegularExpression = Reason("invalid regular expression")
        public static let tooDeep = Reason("filter expressions nest too deeply")
        public static let tooManySegments = Reason("a path has at most \(JSONParser.maximumDepth) segments")

        // Setting (ResultPath).
        public static let notAReferencePath = Reason(
            "only member names and single indexes can be set (a Reference Path)"
        )
        public static let notInputRooted = Reason("only paths that start at '$' can be set")
        public static let notAnObject = Reason("cannot set a member: the value there is not an object")
        public static let notAnArray = Reason("cannot set an index: the value there is not an array")
        public static let indexOutOfRange = Reason("cannot set an index: it is outside the array")
    }

    /// What went wrong.
    public let reason: Reason
    /// The path text as written.
    public let path: String
    /// 0-based position, in `Character`s of ``path``, of the offending character or segment.
    public let offset: Int

    /// Creates an error at a UTF-8 offset of `path` (where the parser stands),
    /// reported as a `Character` offset.
    init(reason: Reason, path: String, utf8Offset: Int) {
        let bounded = min(max(0, utf8Offset), path.utf8.count)
        let index = path.utf8.index(path.utf8.startIndex, offsetBy: bounded)
        self.reason = reason
        self.path = path
        self.offset = path.distance(from: path.startIndex, to: index)
    }

    public var description: String { "invalid JSONPath '\(path)': \(reason) at character \(offset)" }
}
