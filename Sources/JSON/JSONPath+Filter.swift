extension JSONPath {
    /// The expression of a filter segment `[?( ... )]`, as Jayway evaluates it.
    ///
    /// Operands are `@`-paths (relative to the candidate), `$`-paths (relative to
    /// the whole document), and literals. Comparison follows Jayway:
    /// - `==`/`!=` compare numbers by value, strings exactly, and JSON values
    ///   structurally; a number on the left also equals a string on the right that
    ///   spells the same number (Jayway converts the right side). A missing value
    ///   equals only another missing value, so `@.x != 1` holds where `x` is absent.
    /// - `<`, `<=`, `>`, `>=` hold only between two numbers or two strings (strings
    ///   compare by UTF-16 code units, like Java's `String.compareTo`).
    /// - `=~ /regex/i` matches a string entirely; `in`/`nin` test membership in an
    ///   array; `contains`, `subsetof`, `anyof`, `noneof`, `size`, `empty` as in Jayway.
    /// - A lone path, `[?(@.isbn)]`, tests that the member exists (even if `null`).
    public indirect enum Filter: Sendable, Hashable {
        case exists(Operand)
        case comparison(Operand, ComparisonOperator, Operand)
        case not(Filter)
        case and(Filter, Filter)
        case or(Filter, Filter)
    }

    /// A value in a filter expression.
    public enum Operand: Sendable, Hashable {
        /// `@...`: segments applied to the candidate value.
        case current([Segment])
        /// `$...`: segments applied to the whole document.
        case root([Segment])
        /// A number, string, `true`, `false`, `null` or array literal.
        case literal(JSONValue)
        /// `/pattern/flags`, the right side of `=~` (flag `i`: ignore case).
        case regex(pattern: String, ignoresCase: Bool)
    }

    /// The operators of a filter comparison, spelled as in Jayway.
    public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case matches = "=~"
        case `in` = "in"
        case notIn = "nin"
        case contains = "contains"
        case subsetOf = "subsetof"
        case anyOf = "anyof"
        case noneOf = "noneof"
        case size = "size"
        case empty = "empty"
    }
}

extension JSONPath.Filter {
    /// Whether the filter accepts `candidate` (`@`) within `root` (`$`).
    func holds(for candidate: JSONValue, root: JSONValue) -> Bool {
        switch self {
        case .exists(let operand):
            return operand.value(candidate: candidate, root: root) != nil
        case .comparison(let left, let op, let right):
            if op == .matches { return Self.regexMatch(left, right, candidate: candidate, root: root) }
            let lhs = left.value(candidate: candidate, root: root)
            let rhs = right.value(candidate: candidate, root: root)
            return Self.compare(lhs, op, rhs)
        case .not(let inner): return !inner.holds(for: candidate, root: root)
        case .and(let a, let b): return a.holds(for: candidate, root: root) && b.holds(for: candidate, root: root)
        case .or(let a, let b): return a.holds(for: candidate, root: root) || b.holds(for: candidate, root: root)
        }
    }

    /// `nil` stands for Jayway's "undefined" (a path that selected nothing).
    static func compare(_ lhs: JSONValue?, _ op: JSONPath.ComparisonOperator, _ rhs: JSONValue?) -> Bool {
        switch op {
        case .equal: return jaywayEquals(lhs, rhs)
        case .notEqual: return !jaywayEquals(lhs, rhs)
        case .less: return order(lhs, rhs).map { $0 < 0 } ?? false
        case .lessOrEqual: return order(lhs, rhs).map { $0 <= 0 } ?? false
        case .greater: return order(lhs, rhs).map { $0 > 0 } ?? false
        case .greaterOrEqual: return order(lhs, rhs).map { $0 >= 0 } ?? false
        case .in:
            guard let lhs, case .array(let list)? = rhs else { return false }
            return list.contains { jaywayEquals(lhs, $0) }
        case .notIn: return !compare(lhs, .in, rhs)
        case .contains:
            switch (lhs, rhs) {
            case (.string(let s)?, .string(let part)?): return s.contains(part)
            case (.array(let list)?, let element?): return list.contains { jaywayEquals($0, element) }
            default: return false
            }
        case .subsetOf:
            guard case .array(let left)? = lhs, case .array(let right)? = rhs else { return false }
            return left.allSatisfy { item in right.contains { jaywayEquals(item, $0) } }
        case .anyOf:
            guard case .array(let left)? = lhs, case .array(let right)? = rhs else { return false }
            return left.contains { item in right.contains { jaywayEquals(item, $0) } }
        case .noneOf:
            guard case .array(let left)? = lhs, case .array(let right)? = rhs else { return false }
            return !left.contains { item in right.contains { jaywayEquals(item, $0) } }
        case .size:
            guard let expected = rhs?.integerValue else { return false }
            switch lhs {
            case .string(let s)?: return s.count == expected
            case .array(let a)?: return a.count == expected
            default: return false
            }
        case .empty:
            guard case .bool(let expected)? = rhs else { return false }
            switch lhs {
            case .string(let s)?: return s.isEmpty == expected
            case .array(let a)?: return a.isEmpty == expected
            default: return false
            }
        case .matches:
            return false  // handled by regexMatch, which needs the pattern operand itself
        }
    }

    private static func jaywayEquals(_ lhs: JSONValue?, _ rhs: JSONValue?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): return true
        case (nil, _), (_, nil): return false
        case (.string(let text)?, let number?) where number.isNumber:
            return text == number.serialized
        case (let number?, .string(let text)?) where number.isNumber:
            guard let parsed = try? JSONParser.parse(text), parsed.isNumber else { return false }
            return number == parsed
        case (let a?, let b?): return a == b
        }
    }

    /// -1, 0 or 1 when both are numbers or both strings; `nil` otherwise.
    private static func order(_ lhs: JSONValue?, _ rhs: JSONValue?) -> Int? {
        switch (lhs, rhs) {
        case (.integer(let a)?, .integer(let b)?): return a < b ? -1 : (a == b ? 0 : 1)
        case (.string(let a)?, .string(let b)?):
            if a == b { return 0 }
            return a.utf16.lexicographicallyPrecedes(b.utf16) ? -1 : 1
        case (let a?, let b?):
            guard let x = a.doubleValue, let y = b.doubleValue, a.isNumber, b.isNumber else { return nil }
            return x < y ? -1 : (x == y ? 0 : 1)
        default: return nil
        }
    }

    private static func regexMatch(
        _ left: JSONPath.Operand,
        _ right: JSONPath.Operand,
        candidate: JSONValue,
        root: JSONValue
    ) -> Bool {
        let (patternOperand, subjectOperand): (JSONPath.Operand, JSONPath.Operand)
        switch (left, right) {
        case (_, .regex): (patternOperand, subjectOperand) = (right, left)
        case (.regex, _): (patternOperand, subjectOperand) = (left, right)
        default: return false
        }
        // A pattern that is invalid, or that would backtrack past the budget on this
        // subject, matches nothing: the filter stays a predicate, and a catastrophic
        // pattern costs a bounded number of steps instead of a thread.
        guard case .regex(let pattern, let ignoresCase) = patternOperand,
            case .string(let subject)? = subjectOperand.value(candidate: candidate, root: root),
            let regex = try? BoundedRegex(pattern: pattern, flags: ignoresCase ? "i" : "")
        else { return false }
        return (try? regex.wholeMatch(subject)) ?? false
    }
}

extension JSONPath.Operand {
    /// The operand's value for one candidate; `nil` when a path selects nothing.
    /// An indefinite path yields the array of its matches, as in Jayway.
    func value(candidate: JSONValue, root: JSONValue) -> JSONValue? {
        switch self {
        case .literal(let value): return value
        case .regex: return nil
        case .current(let segments): return Self.read(segments, from: candidate, root: root)
        case .root(let segments): return Self.read(segments, from: root, root: root)
        }
    }

    private static func read(_ segments: [JSONPath.Segment], from value: JSONValue, root: JSONValue) -> JSONValue? {
        if segments.allSatisfy(\.isSingular) { return JSONPath.evaluateDefinite(segments, in: value) }
        var matches: [JSONValue] = []
        JSONPath.select(segments[...], from: value, root: root, into: &matches)
        return .array(matches)
    }
}
