import JSON
import StatesLanguage
import Testing

/// `parse(json:)` takes documents that never went through the JSON parser's depth
/// limit (YAML workflows); the definition parser recurses along them.
@Suite struct DefinitionDepthLimitTests {
    /// A Choice state whose rule is `{"Not": {"Not": … {"Variable": "$.x", "IsPresent": true}}}`, `nots` deep.
    func definition(nots: Int) -> JSONValue {
        var rule: JSONValue = ["Variable": "$.x", "IsPresent": true]
        for _ in 0..<nots { rule = ["Not": rule] }
        rule = ["Not": rule, "Next": "Done"]
        return [
            "StartAt": "Pick",
            "States": [
                "Pick": ["Type": "Choice", "Choices": [rule], "Default": "Done"],
                "Done": ["Type": "Succeed"],
            ],
        ]
    }

    @Test("a definition document nested deeper than the JSON depth limit is refused with one diagnostic, not walked")
    func tooDeepIsRefused() {
        let result = StateMachineDefinition.parse(json: definition(nots: 2_000))
        #expect(result.result == .fail)
        #expect(result.diagnostics.map(\.message) == ["The definition nests deeper than 512 levels of objects and arrays."])
    }

    @Test("a deep but admissible choice rule still parses")
    func deepButAdmissibleParses() {
        let result = StateMachineDefinition.parse(json: definition(nots: 400))
        #expect(result.result == .ok, "\(result.diagnostics)")
    }
}
