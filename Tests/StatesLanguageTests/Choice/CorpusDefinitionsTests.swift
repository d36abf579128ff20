import JSON
import StatesLanguage
import Testing

/// Every JSONPath-mode definition of the corpus was accepted by AWS, so every
/// intrinsic call and Choice rule in it must parse without a problem.
@Suite struct CorpusDefinitionsTests {
    static let cases = ConformanceCorpus.cases(prefix: "").filter { !$0.usesJSONata }

    /// Each state object of a definition, however deeply nested in Map and Parallel states.
    static func states(in definition: JSONValue) -> [JSONObject] {
        var found: [JSONObject] = []
        func visit(_ value: JSONValue) {
            switch value {
            case .object(let object):
                if object["Type"]?.stringValue != nil { found.append(object) }
                object.values.forEach(visit)
            case .array(let elements): elements.forEach(visit)
            default: break
            }
        }
        visit(definition["States"] ?? .null)
        return found
    }

    /// The expressions a state evaluates as intrinsics: `.$` values in its
    /// payload templates and Assign, and `ErrorPath`/`CausePath`.
    static func intrinsicCalls(in state: JSONObject) -> [String] {
        var calls: [String] = []
        func visit(_ value: JSONValue) {
            guard case .object(let object) = value else {
                value.arrayValue?.forEach(visit)
                return
            }
            for (key, member) in object.entries {
                if key.hasSuffix(".$"), let text = member.stringValue, IntrinsicExpression.looksLikeIntrinsic(text) {
                    calls.append(text)
                } else {
                    visit(member)
                }
            }
        }
        for field in ["Parameters", "ResultSelector", "ItemSelector", "Assign"] { state[field].map(visit) }
        for field in ["ErrorPath", "CausePath"] {
            if let text = state[field]?.stringValue, IntrinsicExpression.looksLikeIntrinsic(text) { calls.append(text) }
        }
        return calls
    }

    @Test func everyIntrinsicCallParses() throws {
        var count = 0
        for testCase in Self.cases {
            for state in Self.states(in: testCase.definition) {
                for call in Self.intrinsicCalls(in: state) {
                    count += 1
                    #expect(throws: Never.self, "\(testCase.name): \(call)") { try IntrinsicExpression.parse(call) }
                }
            }
        }
        #expect(count > 150)
    }

    @Test func everyChoiceRuleParsesWithoutDiagnostics() {
        var count = 0
        for testCase in Self.cases {
            let defaultLanguage = testCase.definition["QueryLanguage"] ?? "JSONPath"
            for state in Self.states(in: testCase.definition)
            where state["Type"] == "Choice" && (state["QueryLanguage"] ?? defaultLanguage) == "JSONPath" {
                for (index, rule) in (state["Choices"]?.arrayValue ?? []).enumerated() {
                    count += 1
                    var diagnostics: [Diagnostic] = []
                    let parsed = ChoiceRule.parse(rule, at: "/Choices/\(index)", diagnostics: &diagnostics)
                    #expect(parsed != nil && diagnostics.isEmpty, "\(testCase.name): \(diagnostics)")
                }
            }
        }
        #expect(count > 472)
    }
}
