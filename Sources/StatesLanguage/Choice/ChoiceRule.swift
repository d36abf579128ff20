public import JSON

/// One entry of a Choice state's `Choices` in JSONPath mode: a condition, the
/// state to go to when it holds, and the variables to assign then.
///
/// Rules are parsed with ``parse(_:at:diagnostics:)``, which reports every
/// problem it finds the way `ValidateStateMachineDefinition` does, and tested
/// with ``matches(resolve:)``, which is pure: paths are looked up through a
/// closure, so the same rule serves the input, the context object and variables.
///
/// ```swift
/// var diagnostics: [Diagnostic] = []
/// let rule = ChoiceRule.parse(json, at: "/States/Check/Choices/0", diagnostics: &diagnostics)
/// if try rule?.matches(resolve: { path throws(StatesError) in path.evaluate(input) }) == true { … }
/// ```
///
/// ## Topics
/// - ``parse(_:at:diagnostics:)``
/// - ``matches(resolve:)``
/// - ``ChoiceCondition``
/// - ``ChoiceOperator``
public struct ChoiceRule: Sendable, Hashable {
    /// What must hold for the rule to match.
    public let condition: ChoiceCondition
    /// The state to transition to; every top-level rule has one.
    public let next: String?
    /// The rule's `Assign` block (ASL variables), applied when it matches.
    public let assign: JSONValue?
    public let comment: String?

    public init(condition: ChoiceCondition, next: String?, assign: JSONValue? = nil, comment: String? = nil) {
        self.condition = condition
        self.next = next
        self.assign = assign
        self.comment = comment
    }

    /// Whether the rule's condition holds.
    ///
    /// - Parameter resolve: the value at a path, or nil when nothing is there.
    /// - Throws: `States.Runtime` with AWS's cause "Invalid path '$.x': The choice
    ///   state's condition path references an invalid value." when a path a
    ///   comparison needs is absent (only `IsPresent` tolerates that), and any
    ///   error `resolve` throws.
    public func matches(resolve: (JSONPath) throws(StatesError) -> JSONValue?) throws(StatesError) -> Bool {
        try condition.holds(resolve: resolve)
    }
}

/// A Choice rule's condition: a comparison of the value at `Variable`, or a
/// Boolean combination of nested conditions.
public indirect enum ChoiceCondition: Sendable, Hashable {
    case and([ChoiceCondition])
    case or([ChoiceCondition])
    case not(ChoiceCondition)
    /// `Variable` compared by `operator` with `operand`.
    case comparison(variable: JSONPath, operator: ChoiceOperator, operand: ChoiceOperand)

    /// Whether the condition holds; see ``ChoiceRule/matches(resolve:)``.
    public func holds(resolve: (JSONPath) throws(StatesError) -> JSONValue?) throws(StatesError) -> Bool {
        switch self {
        case .and(let conditions):
            for condition in conditions where !(try condition.holds(resolve: resolve)) { return false }
            return true
        case .or(let conditions):
            for condition in conditions where try condition.holds(resolve: resolve) { return true }
            return false
        case .not(let condition):
            return !(try condition.holds(resolve: resolve))
        case .comparison(let variable, let op, let operand):
            let value = try resolve(variable)
            if op == .isPresent { return (value != nil) == (operand.literal == .bool(true)) }
            guard let value else { throw Self.invalidPath(variable) }
            let other: JSONValue
            switch operand {
            case .literal(let literal): other = literal
            case .path(let path):
                guard let resolved = try resolve(path) else { throw Self.invalidPath(path) }
                other = resolved
            }
            return Self.compare(value, op, other)
        }
    }

    static func invalidPath(_ path: JSONPath) -> StatesError {
        .runtime("Invalid path '\(path)': The choice state's condition path references an invalid value.")
    }

    /// A comparison whose operands have the wrong types is false, not an error:
    /// `StringEquals` against a number, `NumericEquals` against `true`, a
    /// timestamp comparison against text that is not a timestamp.
    static func compare(_ value: JSONValue, _ op: ChoiceOperator, _ operand: JSONValue) -> Bool {
        switch op.kind {
        case .string:
            guard case .string(let text) = value, case .string(let other) = operand else { return false }
            if op == .stringMatches { return WildcardPattern(other).matches(text) }
            return op.accepts(ordering(text.utf16, other.utf16))
        case .numeric:
            guard let ordering = numericOrdering(value, operand) else { return false }
            return op.accepts(ordering)
        case .boolean:
            guard case .bool(let flag) = value, case .bool(let other) = operand else { return false }
            return flag == other
        case .timestamp:
            guard let instant = value.stringValue.flatMap(ASLTimestamp.init), let other = operand.stringValue.flatMap(ASLTimestamp.init)
            else { return false }
            return op.accepts(instant < other ? .less : instant == other ? .equal : .greater)
        case .typeTest:
            let expected = operand == .bool(true)
            let actual: Bool
            switch op {
            case .isNull: actual = value.isNull
            case .isNumeric: actual = value.isNumber
            case .isString: actual = value.stringValue != nil
            case .isBoolean: actual = value.boolValue != nil
            case .isTimestamp: actual = value.stringValue.flatMap(ASLTimestamp.init) != nil
            default: actual = true
            }
            return actual == expected
        }
    }

    /// Strings order by UTF-16 code units, as Java's `String.compareTo` does;
    /// Swift's `<` on `String` would order by Unicode scalars and treat
    /// canonically equivalent strings as equal.
    static func ordering(_ a: String.UTF16View, _ b: String.UTF16View) -> ChoiceOperator.Ordering {
        if a.elementsEqual(b) { return .equal }
        return a.lexicographicallyPrecedes(b) ? .less : .greater
    }

    static func numericOrdering(_ a: JSONValue, _ b: JSONValue) -> ChoiceOperator.Ordering? {
        switch (a, b) {
        case (.integer(let x), .integer(let y)):
            return x < y ? .less : x == y ? .equal : .greater
        default:
            guard a.isNumber, b.isNumber, let x = a.doubleValue, let y = b.doubleValue else { return nil }
            return x < y ? .less : x == y ? .equal : .greater
        }
    }
}

/// What a comparison compares the variable with.
public enum ChoiceOperand: Sendable, Hashable {
    /// A value written in the rule (`"NumericEquals": 3`).
    case literal(JSONValue)
    /// A path whose value is the operand (`"NumericEqualsPath": "$.limit"`).
    case path(JSONPath)

    var literal: JSONValue? { if case .literal(let value) = self { value } else { nil } }
}
