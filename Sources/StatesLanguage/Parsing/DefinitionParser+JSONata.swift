import JSON

extension DefinitionParser {
    /// Compiles the `{% … %}` fields of a JSONata state; a syntax error is a
    /// diagnostic at the string that holds it.
    mutating func jsonataFields(_ object: JSONObject, type: StateType, at location: String) -> JSONataFields {
        var fields = JSONataFields()
        func compile(_ name: String) -> JSONataTemplate? {
            guard let value = object[name] else { return nil }
            return jsonataTemplate(value, at: "\(location)/\(name)")
        }
        fields.arguments = compile("Arguments")
        fields.output = compile("Output")
        fields.assign = compile("Assign")
        fields.items = compile("Items")
        fields.itemSelector = compile("ItemSelector")
        fields.maxConcurrency = compile("MaxConcurrency")
        fields.toleratedFailureCount = compile("ToleratedFailureCount")
        fields.toleratedFailurePercentage = compile("ToleratedFailurePercentage")
        fields.seconds = compile("Seconds")
        fields.timestamp = compile("Timestamp")
        fields.error = compile("Error")
        fields.cause = compile("Cause")
        fields.timeoutSeconds = compile("TimeoutSeconds")
        fields.heartbeatSeconds = compile("HeartbeatSeconds")
        if type == .choice, let rules = object["Choices"]?.arrayValue {
            for (index, rule) in rules.enumerated() {
                let ruleLocation = "\(location)/Choices/\(index)"
                guard let rule = rule.objectValue else {
                    error("A choice rule must be a JSON object.", at: ruleLocation)
                    continue
                }
                checkFields(rule, allowed: ["Condition", "Next", "Assign", "Output", "Comment"], at: ruleLocation)
                guard let conditionValue = rule["Condition"] else {
                    error("These fields are required: [Condition]", at: ruleLocation)
                    continue
                }
                guard let next = rule["Next"]?.stringValue else {
                    error("A top-level choice rule must have a 'Next' field.", at: ruleLocation)
                    continue
                }
                guard let condition = jsonataTemplate(conditionValue, at: "\(ruleLocation)/Condition") else { continue }
                fields.choices.append(
                    JSONataChoice(
                        condition: condition,
                        next: next,
                        assign: rule["Assign"].flatMap { jsonataTemplate($0, at: "\(ruleLocation)/Assign") },
                        output: rule["Output"].flatMap { jsonataTemplate($0, at: "\(ruleLocation)/Output") }
                    )
                )
            }
        }
        return fields
    }

    private mutating func jsonataTemplate(_ value: JSONValue, at location: String) -> JSONataTemplate? {
        do {
            return try JSONataTemplate.compile(value)
        } catch {
            self.error(
                "The JSONata expression '\(error.expression)' is not valid: \(error.error)",
                at: location + error.pointer
            )
            return nil
        }
    }
}
