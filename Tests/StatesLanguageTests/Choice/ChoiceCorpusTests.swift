import JSON
import StatesLanguage
import Testing

/// The 472 `choice_operators` cases: one Choice state with one rule whose `Next`
/// records "ConditionTrue", and a `Default` that records "ConditionFalse". The
/// recorded output says which branch AWS took, so it says whether the rule matched.
@Suite struct ChoiceCorpusTests {
    static let cases = ConformanceCorpus.cases(prefix: "choice_operators.")

    @Test func corpusHasTheChoiceOperatorCases() {
        #expect(Self.cases.count == 472, "expected the choice cases of \(ConformanceCorpus.directory)")
    }

    @Test(arguments: cases)
    func takesTheRecordedBranch(_ testCase: ConformanceCase) throws {
        let choice = try #require(testCase.definition["States"]?["CheckValues"])
        let rules = try #require(choice["Choices"]?.arrayValue)
        try #require(rules.count == 1)
        var diagnostics: [Diagnostic] = []
        let rule = try #require(ChoiceRule.parse(rules[0], at: "/States/CheckValues/Choices/0", diagnostics: &diagnostics))
        #expect(diagnostics.isEmpty)

        let taken = try #require(testCase.expected["output"]?["TestResult.$"]?.stringValue)
        let matched = try rule.matches { path throws(StatesError) in path.evaluate(testCase.input) }
        #expect((matched ? rule.next : choice["Default"]?.stringValue) == taken)
    }
}
