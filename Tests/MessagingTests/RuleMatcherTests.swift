import JSON
import Messaging
import Testing

@Suite struct RuleMatcherTests {
    static let corpusPresent = EventPatternConformanceTests.corpusPresent

    /// The corpus cases whose pattern and event AWS accepted.
    static let validCases: [(id: String, pattern: EventPattern, event: String, expected: Bool)] =
        EventPatternConformanceTests.patternCases.compactMap { testCase in
            guard let expected = testCase.expectedMatch, let pattern = try? EventPattern(parsing: testCase.pattern) else { return nil }
            return (testCase.id, pattern, testCase.event, expected)
        }

    @Test(
        "Holding every corpus pattern at once, the matcher picks exactly the rules AWS matched",
        .enabled(if: corpusPresent, Comment(rawValue: ConformanceCorpus.absenceNote))
    )
    func allCorpusPatternsTogether() throws {
        var matcher = RuleMatcher()
        for testCase in Self.validCases { matcher.add(rule: testCase.id, pattern: testCase.pattern) }
        #expect(matcher.count == Self.validCases.count)
        var scratch = RuleMatcher.Scratch()
        for testCase in Self.validCases {
            let event = try JSONParser.parse(testCase.event)
            let expected = Set(Self.validCases.filter { $0.pattern.matches(event) }.map(\.id))
            #expect(expected.contains(testCase.id) == testCase.expected, "\(testCase.id): naive evaluation disagrees with AWS")
            let fromText = try matcher.matches(eventJSON: testCase.event, scratch: &scratch)
            #expect(Set(fromText) == expected, "\(testCase.id): scanning the text")
            #expect(fromText.count == Set(fromText).count, "\(testCase.id): a rule reported twice")
            #expect(Set(matcher.matches(event, scratch: &scratch)) == expected, "\(testCase.id): walking the value")
        }
    }

    @Test(
        "The matcher routes the recorded rule deliveries as AWS did",
        .enabled(if: corpusPresent, Comment(rawValue: ConformanceCorpus.absenceNote))
    )
    func routingCorpus() throws {
        for testCase in EventPatternConformanceTests.routingCases {
            var matcher = RuleMatcher()
            matcher.add(rule: "rule", pattern: try EventPattern(parsing: testCase.pattern))
            #expect(try matcher.matches(eventJSON: testCase.event.serialized) == (testCase.expectedMatch ? ["rule"] : []), "\(testCase.id)")
        }
    }

    @Test func removingARuleStopsItMatchingAndKeepsTheOthers() throws {
        var matcher = RuleMatcher()
        matcher.add(rule: "a", pattern: try EventPattern(parsing: #"{"source": ["s"], "detail": {"n": [{"numeric": [">", 1]}]}}"#))
        matcher.add(rule: "b", pattern: try EventPattern(parsing: #"{"source": ["s"]}"#))
        let event = #"{"source": "s", "detail": {"n": 5}}"#
        #expect(Set(try matcher.matches(eventJSON: event)) == ["a", "b"])
        matcher.remove(rule: "a")
        #expect(try matcher.matches(eventJSON: event) == ["b"])
        matcher.remove(rule: "b")
        #expect(try matcher.matches(eventJSON: event).isEmpty)
        matcher.add(rule: "a", pattern: try EventPattern(parsing: #"{"detail": {"n": [5]}}"#))
        #expect(try matcher.matches(eventJSON: event) == ["a"])
    }

    @Test func aCopiedMatcherKeepsItsRulesWhenTheOriginalChangesEveryKindOfCondition() throws {
        let patterns = [
            #"{"source": ["s"], "n": [1], "big": [1e300], "b": [true], "f": [false], "z": [null]}"#,
            #"{"source": [{"prefix": "pre"}], "e": [{"exists": true}], "r": [{"numeric": [">", 1]}]}"#,
            #"{"source": [{"suffix": "fix"}], "w": [{"wildcard": "a*"}]}"#,
            #"{"source": [{"anything-but": ["x"]}]}"#,
        ]
        let events = [
            #"{"source": "s", "n": 1, "big": 1e300, "b": true, "f": false, "z": null}"#,
            #"{"source": "prefix", "e": 0, "r": 2}"#, #"{"source": "suffix", "w": "ab"}"#, #"{"source": "y"}"#,
        ]
        var original = RuleMatcher()
        for (index, pattern) in patterns.enumerated() { original.add(rule: "r\(index)", pattern: try EventPattern(parsing: pattern)) }
        let copy = original
        let before = try events.map { Set(try copy.matches(eventJSON: $0)) }
        for index in patterns.indices { original.remove(rule: "r\(index)") }
        original.add(rule: "other", pattern: try EventPattern(parsing: #"{"source": ["s", "y"]}"#))
        #expect(try events.map { Set(try copy.matches(eventJSON: $0)) } == before)
        #expect(before == [["r0", "r3"], ["r1", "r3"], ["r2", "r3"], ["r3"]])
        #expect(try original.matches(eventJSON: #"{"source": "y"}"#) == ["other"])
    }

    @Test func addingARuleWithAnExistingNameReplacesItsPattern() throws {
        var matcher = RuleMatcher()
        matcher.add(rule: "r", pattern: try EventPattern(parsing: #"{"source": ["a"]}"#))
        matcher.add(rule: "r", pattern: try EventPattern(parsing: #"{"source": ["b"]}"#))
        #expect(matcher.count == 1)
        #expect(try matcher.matches(eventJSON: #"{"source": "a"}"#).isEmpty)
        #expect(try matcher.matches(eventJSON: #"{"source": "b"}"#) == ["r"])
    }

    @Test func aRuleMatchesOnceEvenWhenSeveralBranchesHold() throws {
        var matcher = RuleMatcher()
        matcher.add(rule: "r", pattern: try EventPattern(parsing: #"{"$or": [{"a": ["x"]}, {"b": ["y"]}]}"#))
        #expect(try matcher.matches(eventJSON: #"{"a": "x", "b": "y"}"#) == ["r"])
    }

    @Test func aPatternOfOnlyAbsentFieldsMatchesEventsWithoutThem() throws {
        var matcher = RuleMatcher()
        matcher.add(rule: "r", pattern: try EventPattern(parsing: #"{"detail": {"error": [{"exists": false}]}}"#))
        #expect(try matcher.matches(eventJSON: #"{"detail": {"ok": true}}"#) == ["r"])
        #expect(try matcher.matches(eventJSON: #"{"detail": {"error": "x"}}"#).isEmpty)
    }

    @Test func leavesFromDifferentArrayElementsDoNotCombine() throws {
        var matcher = RuleMatcher()
        matcher.add(rule: "r", pattern: try EventPattern(parsing: #"{"items": {"kind": ["a"], "size": [2]}}"#))
        #expect(try matcher.matches(eventJSON: #"{"items": [{"kind": "a", "size": 1}, {"kind": "b", "size": 2}]}"#).isEmpty)
        #expect(try matcher.matches(eventJSON: #"{"items": [{"kind": "b", "size": 1}, {"kind": "a", "size": 2}]}"#) == ["r"])
    }

    @Test func malformedEventTextIsAValidationError() {
        let matcher = RuleMatcher()
        #expect(throws: EventBridgeError.validation("Event is not valid JSON.")) { try matcher.matches(eventJSON: #"{"a": "#) }
    }
}

@Suite struct RuleMatcherAbsenceTests {
    @Test func aConditionThatAlsoAcceptsAbsenceCanBeSatisfiedByAValue() throws {
        // The last condition interned has an `exists: false` alternative and is
        // satisfied by a value: its (empty) list of counted branches must still exist.
        var matcher = RuleMatcher()
        matcher.add(rule: "r", pattern: try EventPattern(parsing: #"{"s": ["x"], "t": [{"anything-but": "no"}, {"exists": false}]}"#))
        #expect(try matcher.matches(eventJSON: #"{"s": "x", "t": "yes"}"#) == ["r"])
        #expect(try matcher.matches(eventJSON: #"{"s": "x"}"#) == ["r"])
        #expect(try matcher.matches(eventJSON: #"{"s": "x", "t": "no"}"#).isEmpty)
    }
}

@Suite struct RuleMatcherDuplicateKeyTests {
    @Test func aRepeatedKeyInTheEventKeepsOnlyItsLastValueAsTheParserDoes() throws {
        var matcher = RuleMatcher()
        matcher.add(rule: "first", pattern: try EventPattern(parsing: #"{"a": {"b": ["x"]}}"#))
        matcher.add(rule: "last", pattern: try EventPattern(parsing: #"{"a": {"c": ["y"]}}"#))
        let text = #"{"a": {"b": "x"}, "a": {"c": "y"}}"#
        #expect(try matcher.matches(eventJSON: text) == ["last"])
        #expect(matcher.matches(try JSONParser.parse(text)) == ["last"])
        #expect(try EventPattern(parsing: #"{"a": {"b": ["x"]}}"#).matches(try JSONParser.parse(text)) == false)
    }
}
