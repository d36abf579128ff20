public import JSON

/// A JSONata expression, parsed once and evaluated many times.
///
/// The evaluator is pure: `$now()` and `$millis()` return the `now` given to
/// ``evaluate(input:variables:now:random:)``, and `$random()`, `$uuid()` and
/// `$shuffle()` draw from the `random` generator, so that the same command
/// always produces the same events (the core's determinism rule).
///
/// ```swift
/// let expression = try JSONataExpression("$sum(items.price)")
/// let total = try expression.evaluate(input: order, now: time, random: &random)
/// ```
///
/// `@unchecked Sendable`: the parsed tree is made of ``JSONataNode`` objects,
/// which the parser annotates while it reshapes the tree and never after
/// `init` returns, and compiled regexes (immutable); environments and function
/// values exist only during one evaluation.
public struct JSONataExpression: @unchecked Sendable, CustomStringConvertible {
    /// The expression as written.
    public let text: String
    let root: JSONataNode

    /// Parses `text`.
    ///
    /// - Throws: ``JSONataError`` with an `S0…` code on a syntax error.
    public init(_ text: String) throws(JSONataError) {
        self.text = text
        self.root = try JSONataParser.parse(text)
    }

    public var description: String { text }

    /// Evaluates the expression against `input`, with `variables` bound as
    /// `$name`. Returns `nil` when the result is JSONata's `undefined`.
    ///
    /// - Throws: ``JSONataError`` with JSONata's `T…`/`D…` code on a type or
    ///   dynamic error.
    public func evaluate(
        input: JSONValue?,
        variables: [String: JSONValue] = [:],
        now: Timestamp,
        random: inout SplitMix64
    ) throws(JSONataError) -> JSONValue? {
        let evaluator = JSONataEvaluator(now: now, random: random)
        defer { random = evaluator.random }
        let environment = JSONataEnvironment(parent: nil)
        for (name, builtin) in JSONataBuiltin.library { environment.bind(name, .function(.builtin(builtin))) }
        for (name, value) in variables { environment.bind(name, JSONataValue(value)) }
        var value = input.map(JSONataValue.init)
        if case .array? = value {
            var wrapper = JSONataArray([value!], isSequence: true)  // Non-nil: matched by the pattern.
            wrapper.isOuterWrapper = true
            value = .array(wrapper)
        }
        environment.bind("$", value)
        let result = try evaluator.evaluate(root, value, environment)
        if let result, result.containsNonFiniteNumber {
            throw JSONataError("D1001", "Number out of range: the result contains Infinity or NaN, which JSON cannot represent")
        }
        return result?.json
    }
}
