/// A data-test operator of a JSONPath-mode Choice rule, without its `Path` suffix.
///
/// Every comparison also has a `…Path` form (`NumericLessThanPath`) whose value
/// is a path to compare against instead of a literal; `StringMatches` and the
/// `Is…` type tests do not.
public enum ChoiceOperator: String, Sendable, Hashable, CaseIterable {
    case stringEquals = "StringEquals"
    case stringLessThan = "StringLessThan"
    case stringGreaterThan = "StringGreaterThan"
    case stringLessThanEquals = "StringLessThanEquals"
    case stringGreaterThanEquals = "StringGreaterThanEquals"
    case stringMatches = "StringMatches"
    case numericEquals = "NumericEquals"
    case numericLessThan = "NumericLessThan"
    case numericGreaterThan = "NumericGreaterThan"
    case numericLessThanEquals = "NumericLessThanEquals"
    case numericGreaterThanEquals = "NumericGreaterThanEquals"
    case booleanEquals = "BooleanEquals"
    case timestampEquals = "TimestampEquals"
    case timestampLessThan = "TimestampLessThan"
    case timestampGreaterThan = "TimestampGreaterThan"
    case timestampLessThanEquals = "TimestampLessThanEquals"
    case timestampGreaterThanEquals = "TimestampGreaterThanEquals"
    case isNull = "IsNull"
    case isPresent = "IsPresent"
    case isNumeric = "IsNumeric"
    case isString = "IsString"
    case isBoolean = "IsBoolean"
    case isTimestamp = "IsTimestamp"

    /// The kind of value the operator compares, which is also what its literal operand must be.
    public enum Kind: Sendable, Hashable {
        case string, numeric, boolean, timestamp
        /// A type test; its operand is a boolean (`"IsNull": true`).
        case typeTest
    }

    public var kind: Kind {
        switch self {
        case .stringEquals, .stringLessThan, .stringGreaterThan, .stringLessThanEquals, .stringGreaterThanEquals, .stringMatches: .string
        case .numericEquals, .numericLessThan, .numericGreaterThan, .numericLessThanEquals, .numericGreaterThanEquals: .numeric
        case .booleanEquals: .boolean
        case .timestampEquals, .timestampLessThan, .timestampGreaterThan, .timestampLessThanEquals, .timestampGreaterThanEquals:
            .timestamp
        case .isNull, .isPresent, .isNumeric, .isString, .isBoolean, .isTimestamp: .typeTest
        }
    }

    /// Whether a `…Path` form exists.
    public var hasPathForm: Bool { kind != .typeTest && self != .stringMatches }

    /// The operator named by a rule field (`"NumericEqualsPath"` → `.numericEquals`, path form).
    public static func named(_ field: String) -> (ChoiceOperator, isPath: Bool)? {
        if let op = ChoiceOperator(rawValue: field) { return (op, false) }
        if field.hasSuffix("Path"), let op = ChoiceOperator(rawValue: String(field.dropLast(4))), op.hasPathForm { return (op, true) }
        return nil
    }

    /// Whether `ordering` (the variable compared with the operand) satisfies the operator.
    func accepts(_ ordering: Ordering) -> Bool {
        switch self {
        case .stringEquals, .numericEquals, .booleanEquals, .timestampEquals: ordering == .equal
        case .stringLessThan, .numericLessThan, .timestampLessThan: ordering == .less
        case .stringGreaterThan, .numericGreaterThan, .timestampGreaterThan: ordering == .greater
        case .stringLessThanEquals, .numericLessThanEquals, .timestampLessThanEquals: ordering != .greater
        case .stringGreaterThanEquals, .numericGreaterThanEquals, .timestampGreaterThanEquals: ordering != .less
        case .stringMatches, .isNull, .isPresent, .isNumeric, .isString, .isBoolean, .isTimestamp: false
        }
    }

    enum Ordering { case less, equal, greater }
}
