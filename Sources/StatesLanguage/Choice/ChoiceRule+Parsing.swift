public import JSON

extension ChoiceRule {
    /// Parses one top-level entry of `Choices` (JSONPath mode).
    ///
    /// Every problem is appended to `diagnostics` with the code
    /// `SCHEMA_VALIDATION_FAILED`, AWS's wording and a location below `location`
    /// (for example `/States/Check/Choices/0/And/1/NumericEquals`); parsing goes
    /// on after a problem so that all of them are reported at once.
    ///
    /// - Parameter location: where the rule is, such as `/States/Check/Choices/0`.
    /// - Returns: the rule, or nil when it has a problem.
    public static func parse(_ json: JSONValue, at location: String, diagnostics: inout [Diagnostic]) -> ChoiceRule? {
        guard let object = json.objectValue else {
            diagnostics.append(ChoiceDiagnostics.wrongType(of: "Choices", expected: "OBJECT", at: location))
            return nil
        }
        let before = diagnostics.count
        var next: String?
        switch object["Next"] {
        case .string(let name)?: next = name
        case nil: diagnostics.append(ChoiceDiagnostics.required(["Next"], at: location))
        case _?: diagnostics.append(ChoiceDiagnostics.wrongType(of: "Next", expected: "STRING", at: location + "/Next"))
        }
        let assign = object["Assign"]
        if let assign, assign.objectValue == nil {
            diagnostics.append(ChoiceDiagnostics.wrongType(of: "Assign", expected: "OBJECT", at: location + "/Assign"))
        }
        let comment = ChoiceCondition.comment(in: object, at: location, diagnostics: &diagnostics)
        let condition = ChoiceCondition.parse(object, at: location, extraFields: ["Next", "Assign"], diagnostics: &diagnostics)
        guard let condition, diagnostics.count == before else { return nil }
        return ChoiceRule(condition: condition, next: next, assign: assign, comment: comment)
    }
}

extension ChoiceCondition {
    /// Parses a rule object's condition; `extraFields` are the other fields its
    /// position allows (`Next` and `Assign` only at the top level).
    static func parse(
        _ object: JSONObject,
        at location: String,
        extraFields: Set<String>,
        diagnostics: inout [Diagnostic]
    ) -> ChoiceCondition? {
        let before = diagnostics.count
        var operators: [String] = []
        for key in object.keys {
            if ChoiceOperator.named(key) != nil || ["And", "Or", "Not"].contains(key) {
                operators.append(key)
            } else if key != "Variable" && key != "Comment" && !extraFields.contains(key) {
                diagnostics.append(ChoiceDiagnostics.unsupported(key, at: location))
            }
        }
        guard operators.count == 1, let field = operators.first, let operand = object[field] else {
            diagnostics.append(ChoiceDiagnostics.operatorCount(operators, at: location))
            return nil
        }
        if extraFields.isEmpty { _ = comment(in: object, at: location, diagnostics: &diagnostics) }

        let condition: ChoiceCondition?
        switch field {
        case "And", "Or":
            if object["Variable"] != nil { diagnostics.append(ChoiceDiagnostics.unsupported("Variable", at: location)) }
            guard let elements = operand.arrayValue, !elements.isEmpty else {
                diagnostics.append(ChoiceDiagnostics.nonEmptyArray(field, at: location + "/" + field))
                return nil
            }
            var nested: [ChoiceCondition] = []
            for (index, element) in elements.enumerated() {
                if let parsed = parseNested(element, field: field, at: "\(location)/\(field)/\(index)", diagnostics: &diagnostics) {
                    nested.append(parsed)
                }
            }
            condition = field == "And" ? .and(nested) : .or(nested)
        case "Not":
            if object["Variable"] != nil { diagnostics.append(ChoiceDiagnostics.unsupported("Variable", at: location)) }
            condition = parseNested(operand, field: "Not", at: location + "/Not", diagnostics: &diagnostics).map { .not($0) }
        default:
            condition = parseComparison(object, field: field, at: location, diagnostics: &diagnostics)
        }
        return diagnostics.count == before ? condition : nil
    }

    private static func parseNested(
        _ json: JSONValue,
        field: String,
        at location: String,
        diagnostics: inout [Diagnostic]
    ) -> ChoiceCondition? {
        guard let object = json.objectValue else {
            diagnostics.append(ChoiceDiagnostics.wrongType(of: field, expected: "OBJECT", at: location))
            return nil
        }
        return parse(object, at: location, extraFields: [], diagnostics: &diagnostics)
    }

    private static func parseComparison(
        _ object: JSONObject,
        field: String,
        at location: String,
        diagnostics: inout [Diagnostic]
    ) -> ChoiceCondition? {
        // `named` succeeded for this field when it was collected as an operator.
        guard let (op, isPath) = ChoiceOperator.named(field), let value = object[field] else { return nil }
        var variable: JSONPath?
        switch object["Variable"] {
        case nil: diagnostics.append(ChoiceDiagnostics.required(["Variable"], at: location))
        case .string(let text)?: variable = path(text, field: "Variable", at: location + "/Variable", diagnostics: &diagnostics)
        case _?: diagnostics.append(ChoiceDiagnostics.wrongType(of: "Variable", expected: "STRING", at: location + "/Variable"))
        }
        let operandLocation = location + "/" + field
        let operand: ChoiceOperand?
        if isPath {
            if case .string(let text) = value {
                operand = path(text, field: field, at: operandLocation, diagnostics: &diagnostics).map { .path($0) }
            } else {
                diagnostics.append(ChoiceDiagnostics.invalidPath(field, at: operandLocation))
                operand = nil
            }
        } else {
            let expected: String?
            switch op.kind {
            case .string: expected = value.stringValue == nil ? "STRING" : nil
            case .numeric: expected = value.isNumber ? nil : "NUMBER"
            case .boolean, .typeTest: expected = value.boolValue == nil ? "BOOLEAN" : nil
            case .timestamp: expected = value.stringValue.flatMap(ASLTimestamp.init) == nil ? "TIMESTAMP" : nil
            }
            if let expected {
                diagnostics.append(ChoiceDiagnostics.wrongType(of: field, expected: expected, at: operandLocation))
                operand = nil
            } else {
                operand = .literal(value)
            }
        }
        guard let variable, let operand else { return nil }
        return .comparison(variable: variable, operator: op, operand: operand)
    }

    private static func path(_ text: String, field: String, at location: String, diagnostics: inout [Diagnostic]) -> JSONPath? {
        do {
            return try JSONPath(text)
        } catch {
            diagnostics.append(ChoiceDiagnostics.invalidPath(field, at: location))
            return nil
        }
    }

    static func comment(in object: JSONObject, at location: String, diagnostics: inout [Diagnostic]) -> String? {
        guard let comment = object["Comment"] else { return nil }
        guard let text = comment.stringValue else {
            diagnostics.append(ChoiceDiagnostics.wrongType(of: "Comment", expected: "STRING", at: location + "/Comment"))
            return nil
        }
        return text
    }
}

/// The diagnostics of Choice rule validation, worded as `CreateStateMachine` words them.
enum ChoiceDiagnostics {
    static let code = "SCHEMA_VALIDATION_FAILED"

    static func unsupported(_ field: String, at location: String) -> Diagnostic {
        Diagnostic(code: code, message: "Field '\(field)' is not supported", location: location)
    }

    static func required(_ fields: [String], at location: String) -> Diagnostic {
        Diagnostic(code: code, message: "These fields are required: [\(fields.joined(separator: ", "))]", location: location)
    }

    static func wrongType(of field: String, expected: String, at location: String) -> Diagnostic {
        let article = expected.first.map { "AEIOU".contains($0) } == true ? "an" : "a"
        return Diagnostic(code: code, message: "The value for the field '\(field)' must be \(article) \(expected)", location: location)
    }

    static func invalidPath(_ field: String, at location: String) -> Diagnostic {
        Diagnostic(code: code, message: "The value for the field '\(field)' must be a valid JSONPath", location: location)
    }

    static func nonEmptyArray(_ field: String, at location: String) -> Diagnostic {
        Diagnostic(code: code, message: "The value for the field '\(field)' must be a non-empty ARRAY of choice rules", location: location)
    }

    static func operatorCount(_ found: [String], at location: String) -> Diagnostic {
        let message =
            found.isEmpty
            ? "A choice rule must have a comparison operator (such as StringEquals or IsPresent) or And, Or or Not"
            : "A choice rule must have exactly one comparison operator or And, Or or Not, not \(found.map { "'\($0)'" }.joined(separator: ", "))"
        return Diagnostic(code: code, message: message, location: location)
    }
}
