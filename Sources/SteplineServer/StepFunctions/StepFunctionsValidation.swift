public import JSON
public import StatesLanguage

/// `ValidateStateMachineDefinition`: the States Language parser's diagnostics, as the
/// API reports them.
///
/// It never fails on a bad definition: a definition that does not parse is a `FAIL`
/// result with diagnostics, exactly as AWS answers, so editors and CI can show every
/// problem at once. Only a malformed request (no `definition`, an unknown `type` or
/// `severity`, `maxResults` out of range) is an error.
enum StepFunctionsValidation {
    /// The largest definition AWS accepts (the `Definition` shape's `max`).
    static let maximumDefinitionLength = 1_048_576

    static func validate(_ input: AWSInput) throws(AWSError) -> JSONValue {
        let definition = try input.requiredString("definition", length: 1...maximumDefinitionLength)
        _ = try input.enumeration("type", allowed: ["STANDARD", "EXPRESS"])
        let severity = try input.enumeration("severity", allowed: ["ERROR", "WARNING"]) ?? "ERROR"
        let requested = try input.integer("maxResults", range: 0...100) ?? 0
        let limit = requested == 0 ? 100 : requested

        let result = StateMachineDefinition.parse(definition)
        let shown = result.diagnostics.filter { severity == "WARNING" || $0.severity == .error }
        var output = JSONObject()
        output["result"] = .string(result.result.rawValue)
        output["diagnostics"] = .array(shown.prefix(limit).map(\.awsJSON))
        output["truncated"] = .bool(shown.count > limit)
        return .object(output)
    }
}

extension Diagnostic {
    /// A `ValidateStateMachineDefinitionDiagnostic`: `location` only when there is one.
    public var awsJSON: JSONValue {
        var object: JSONObject = [
            "severity": .string(severity.rawValue), "code": .string(code), "message": .string(message),
        ]
        if !location.isEmpty { object["location"] = .string(location) }
        return .object(object)
    }
}

extension AWSInput {
    /// An optional string member that must be one of `allowed` (an enum shape of the model).
    func enumeration(_ member: String, allowed: [String]) throws(AWSError) -> String? {
        guard let value = try string(member) else { return nil }
        guard allowed.contains(value) else {
            throw AWSError.validation(
                member: path(of: member),
                constraint: "Member must satisfy enum value set: [\(allowed.joined(separator: ", "))]",
                value: "'\(value)'"
            )
        }
        return value
    }
}
