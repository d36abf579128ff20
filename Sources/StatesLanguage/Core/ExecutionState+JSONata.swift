import JSON

/// What a JSONata field of a state sees: `$states` and the variables in scope.
struct JSONataBindings {
    var variables: [String: JSONValue]

    /// `$states.input`, `$states.context`, and `$states.result` /
    /// `$states.errorOutput` where the field may read them.
    init(scope: Scope, input: JSONValue, result: JSONValue? = nil, errorOutput: JSONValue? = nil) {
        var variables: [String: JSONValue] = [:]
        for outer in scope.outerVariables.reversed() {
            for (name, value) in outer.entries { variables[name] = value }
        }
        for (name, value) in scope.variables.entries { variables[name] = value }
        var states = JSONObject()
        states["input"] = input
        states["context"] = scope.context()
        if let result { states["result"] = result }
        if let errorOutput { states["errorOutput"] = errorOutput }
        variables["states"] = .object(states)
        self.variables = variables
    }
}

extension JSONataTemplate {
    /// The value of this field, with AWS's `States.QueryEvaluationError` when an
    /// expression fails or yields nothing.
    ///
    /// - Parameter field: the field as AWS names it in causes (`Output`,
    ///   `Assign/total`, `Items`).
    func evaluate(
        field: String,
        _ bindings: JSONataBindings,
        now: Timestamp,
        random: inout SplitMix64
    ) throws(StatesError) -> JSONValue {
        switch self {
        case .constant(let value):
            return value
        case .expression(let expression):
            let value: JSONValue?
            do {
                value = try expression.evaluate(input: nil, variables: bindings.variables, now: now, random: &random)
            } catch {
                throw StatesError(
                    StatesError.Name.queryEvaluationError,
                    cause:
                        "The JSONata expression '\(expression.text)' specified for the field '\(field)' threw an error during evaluation. \(error.message) (JSONata error code \(error.code) at position \(error.position))"
                )
            }
            guard let value else {
                throw StatesError(
                    StatesError.Name.queryEvaluationError,
                    cause: "The JSONata expression '\(expression.text)' specified for the field '\(field)' returned nothing (undefined)."
                )
            }
            return value
        case .object(let members):
            var object = JSONObject()
            for (key, member) in members {
                object[key] = try member.evaluate(field: "\(field)/\(key)", bindings, now: now, random: &random)
            }
            return .object(object)
        case .array(let items):
            var values: [JSONValue] = []
            for (index, item) in items.enumerated() {
                values.append(try item.evaluate(field: "\(field)[\(index)]", bindings, now: now, random: &random))
            }
            return .array(values)
        }
    }

    /// The text AWS quotes for this field in a type-mismatch cause.
    var quotedText: String {
        switch self {
        case .expression(let expression): expression.text
        case .constant(let value): value.serialized
        default: ""
        }
    }

    /// The value, which must have JSON type `expected` (`array`, `number`, …).
    func evaluate(
        field: String,
        expecting expected: String,
        _ bindings: JSONataBindings,
        now: Timestamp,
        random: inout SplitMix64
    ) throws(StatesError) -> JSONValue {
        let value = try evaluate(field: field, bindings, now: now, random: &random)
        let actual = value.typeName
        guard actual == expected else {
            throw StatesError(
                StatesError.Name.queryEvaluationError,
                cause:
                    "The JSONata expression '\(quotedText)' specified for the field '\(field)' returned an unexpected result type. Expected '\(expected)', but was '\(actual)' for value: \(value.serialized)"
            )
        }
        return value
    }

    /// An integer field (`MaxConcurrency`, `Seconds`, …).
    func integer(field: String, _ bindings: JSONataBindings, now: Timestamp, random: inout SplitMix64) throws(StatesError) -> Int {
        let value = try evaluate(field: field, expecting: "number", bindings, now: now, random: &random)
        guard let number = value.integerValue else {
            throw StatesError(
                StatesError.Name.queryEvaluationError,
                cause:
                    "The JSONata expression '\(quotedText)' specified for the field '\(field)' returned an unexpected result type. Expected 'integer', but was 'number' for value: \(value.serialized)"
            )
        }
        return number
    }
}

extension ExecutionState {
    /// Leaves a JSONata state: `Assign` and `Output` are both evaluated against
    /// the same bindings (a variable assigned here is not visible in this
    /// state's `Output`), `Assign` first, as AWS reports its failures first.
    mutating func jsonataExit(
        _ state: State,
        _ bindings: JSONataBindings,
        defaultOutput: JSONValue,
        assign: JSONataTemplate?? = nil,
        output: JSONataTemplate?? = nil,
        transition: Transition?,
        _ decision: inout Decision
    ) throws(StatesError) -> Step {
        var assigned: JSONObject?
        if let template = assign ?? state.jsonata.assign {
            assigned = try template.evaluate(field: "Assign", bindings, now: decision.now, random: &decision.random)
                .objectValue
        }
        var result = defaultOutput
        if let template = output ?? state.jsonata.output {
            result = try template.evaluate(field: "Output", bindings, now: decision.now, random: &decision.random)
        }
        return .exit(output: result, assigned: assigned, transition: transition)
    }

    /// A JSONata field's value, or `nil` when the state does not have the field.
    func jsonataValue(
        _ template: JSONataTemplate?,
        field: String,
        _ bindings: JSONataBindings,
        _ decision: inout Decision
    ) throws(StatesError) -> JSONValue? {
        guard let template else { return nil }
        return try template.evaluate(field: field, bindings, now: decision.now, random: &decision.random)
    }
}
