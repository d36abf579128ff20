import JSON
import StatesLanguage
import Testing

/// The JSONPath-mode corpus cases whose machine is a single state that only
/// evaluates intrinsics: a Pass state with `Parameters` (its output is the
/// payload) or a Fail state with `ErrorPath`/`CausePath`. The full interpreter
/// runs every case; these pin the intrinsic semantics on their own.
@Suite struct IntrinsicCorpusTests {
    static let cases: [ConformanceCase] = ConformanceCorpus.cases(prefix: "").filter { isSingleIntrinsicState($0) }

    static func isSingleIntrinsicState(_ testCase: ConformanceCase) -> Bool {
        guard !testCase.usesJSONata, let states = testCase.definition["States"]?.objectValue, states.count == 1,
            let state = states.values.first?.objectValue
        else { return false }
        let text = JSONValue.object(state).serialized
        guard text.contains("States.") else { return false }
        switch state["Type"]?.stringValue {
        case "Pass": return Set(state.keys).isSubset(of: ["Type", "Parameters", "End", "Comment"])
        case "Fail": return Set(state.keys).isSubset(of: ["Type", "ErrorPath", "CausePath", "Error", "Cause", "Comment"])
        default: return false
        }
    }

    @Test func corpusHasSingleStateIntrinsicCases() {
        #expect(Self.cases.count >= 100, "expected the intrinsic cases of \(ConformanceCorpus.directory)")
    }

    @Test(arguments: cases)
    func producesTheRecordedResult(_ testCase: ConformanceCase) throws {
        let state = try #require(testCase.definition["States"]?.objectValue?.values.first)
        var random = SplitMix64(seed: 7)
        let evaluator = PayloadEvaluator(input: testCase.input, context: testCase.contextObject)
        if state["Type"] == "Pass" {
            let output = try evaluator.payload(state["Parameters"] ?? .null, random: &random)
            let expected = try #require(testCase.expected["output"])
            #expect(testCase.matches(output, expected: expected), "got \(output.serialized)")
        } else {
            let error = try state["ErrorPath"].map { try evaluator.value(of: $0.stringValue ?? "", random: &random) } ?? state["Error"]
            let cause = try state["CausePath"].map { try evaluator.value(of: $0.stringValue ?? "", random: &random) } ?? state["Cause"]
            #expect(error == testCase.expected["error"])
            #expect(cause == testCase.expected["cause"])
        }
    }
}

/// Builds a JSONPath-mode payload template (`"key.$": "States.…"`) the simple
/// way the single-state cases need: paths against the input or context object.
struct PayloadEvaluator {
    let input: JSONValue
    let context: JSONValue

    func resolve(_ path: JSONPath) throws(StatesError) -> JSONValue {
        let document: JSONValue
        switch path.root {
        case .input: document = input
        case .context: document = context
        case .variable: throw .runtime("no variables in this test")
        }
        guard let value = path.evaluate(document) else { throw .runtime("The JSONPath '\(path)' could not be found in the input") }
        return value
    }

    func value(of expression: String, random: inout some RandomNumberGenerator) throws -> JSONValue {
        if IntrinsicExpression.looksLikeIntrinsic(expression) {
            return try IntrinsicExpression.parse(expression).evaluate(resolve: resolve, random: &random)
        }
        return try resolve(JSONPath(expression))
    }

    func payload(_ template: JSONValue, random: inout some RandomNumberGenerator) throws -> JSONValue {
        switch template {
        case .object(let object):
            var result = JSONObject()
            for (key, value) in object.entries {
                if key.hasSuffix(".$"), let expression = value.stringValue {
                    result[String(key.dropLast(2))] = try self.value(of: expression, random: &random)
                } else {
                    result[key] = try payload(value, random: &random)
                }
            }
            return .object(result)
        case .array(let elements):
            return .array(try elements.map { try payload($0, random: &random) })
        default:
            return template
        }
    }
}

/// A small deterministic generator (SplitMix64) so tests never depend on the clock or system randomness.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
