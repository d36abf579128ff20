import JSON
import StatesLanguage
import Testing

@Suite struct ChoiceRuleParsingTests {
    func parse(_ json: JSONValue) -> (ChoiceRule?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let rule = ChoiceRule.parse(json, at: "/States/C/Choices/0", diagnostics: &diagnostics)
        return (rule, diagnostics)
    }

    @Test func parsesNestedRulesWithNextAndAssignAtTheTop() throws {
        let (rule, diagnostics) = parse([
            "And": [
                ["Variable": "$.a", "NumericGreaterThanPath": "$.limit"],
                ["Not": ["Variable": "$$.Execution.Name", "StringMatches": "test-*"]],
            ],
            "Next": "Big", "Assign": ["seen": true], "Comment": "both",
        ])
        #expect(diagnostics.isEmpty)
        #expect(rule?.next == "Big")
        #expect(rule?.assign == ["seen": true])
        guard case .and(let conditions)? = rule?.condition else {
            Issue.record("expected an And condition")
            return
        }
        #expect(conditions.count == 2)
    }

    struct InvalidRule: Sendable, CustomTestStringConvertible {
        let json: JSONValue
        let message: String
        let location: String
        var testDescription: String { message }
    }

    static let invalidRules: [InvalidRule] = [
        InvalidRule(json: ["Variable": "$.a", "StringEquals": "x"], message: "These fields are required: [Next]", location: "/States/C/Choices/0"),
        InvalidRule(
            json: ["Variable": "$.a", "StringEqual": "x", "Next": "N"],
            message: "Field 'StringEqual' is not supported",
            location: "/States/C/Choices/0"
        ),
        InvalidRule(json: ["Variable": "$.a", "Next": "N"], message: "must have a comparison operator", location: "/States/C/Choices/0"),
        InvalidRule(
            json: ["Variable": "$.a", "IsNull": true, "IsString": true, "Next": "N"],
            message: "exactly one comparison operator",
            location: "/States/C/Choices/0"
        ),
        InvalidRule(json: ["StringEquals": "x", "Next": "N"], message: "These fields are required: [Variable]", location: "/States/C/Choices/0"),
        InvalidRule(
            json: ["Variable": "$.a", "NumericEquals": "1", "Next": "N"],
            message: "'NumericEquals' must be a NUMBER",
            location: "/States/C/Choices/0/NumericEquals"
        ),
        InvalidRule(
            json: ["Variable": "$.a", "BooleanEquals": 1, "Next": "N"],
            message: "'BooleanEquals' must be a BOOLEAN",
            location: "/States/C/Choices/0/BooleanEquals"
        ),
        InvalidRule(
            json: ["Variable": "$.a", "IsPresent": "yes", "Next": "N"],
            message: "'IsPresent' must be a BOOLEAN",
            location: "/States/C/Choices/0/IsPresent"
        ),
        InvalidRule(
            json: ["Variable": "$.a", "TimestampEquals": "2016-13-01T00:00:00Z", "Next": "N"],
            message: "'TimestampEquals' must be a TIMESTAMP",
            location: "/States/C/Choices/0/TimestampEquals"
        ),
        InvalidRule(
            json: ["Variable": "a", "StringEquals": "x", "Next": "N"],
            message: "'Variable' must be a valid JSONPath",
            location: "/States/C/Choices/0/Variable"
        ),
        InvalidRule(
            json: ["Variable": "$.a", "StringEqualsPath": "x", "Next": "N"],
            message: "'StringEqualsPath' must be a valid JSONPath",
            location: "/States/C/Choices/0/StringEqualsPath"
        ),
        InvalidRule(
            json: ["Variable": "$.a", "StringMatchesPath": "$.p", "Next": "N"],
            message: "Field 'StringMatchesPath' is not supported",
            location: "/States/C/Choices/0"
        ),
        InvalidRule(
            json: ["And": [["Variable": "$.a", "IsNull": true, "Next": "N"]], "Next": "N"],
            message: "Field 'Next' is not supported",
            location: "/States/C/Choices/0/And/0"
        ),
        InvalidRule(json: ["Or": [], "Next": "N"], message: "'Or' must be a non-empty ARRAY", location: "/States/C/Choices/0/Or"),
        InvalidRule(
            json: ["Not": ["Variable": "$.a", "IsNull": true], "Variable": "$.a", "Next": "N"],
            message: "Field 'Variable' is not supported",
            location: "/States/C/Choices/0"
        ),
        InvalidRule(json: ["Variable": "$.a", "IsNull": true, "Next": 3], message: "'Next' must be a STRING", location: "/States/C/Choices/0/Next"),
    ]

    @Test(arguments: invalidRules)
    func reportsProblemsWithAWSWordingAndLocation(_ invalid: InvalidRule) {
        let (rule, diagnostics) = parse(invalid.json)
        #expect(rule == nil)
        let reported = diagnostics.contains {
            $0.code == "SCHEMA_VALIDATION_FAILED" && $0.message.contains(invalid.message) && $0.location == invalid.location
        }
        #expect(reported, "\(diagnostics)")
    }

    @Test func reportsEveryProblemOfARuleAtOnce() {
        let (_, diagnostics) = parse(["Or": [["Variable": "$.a", "NumericEquals": "x"], ["Variable": 3, "IsNull": true]], "Foo": 1])
        #expect(
            diagnostics.map(\.location).sorted() == [
                "/States/C/Choices/0", "/States/C/Choices/0", "/States/C/Choices/0/Or/0/NumericEquals", "/States/C/Choices/0/Or/1/Variable",
            ]
        )
    }
}

@Suite struct ChoiceRuleMatchingTests {
    let input: JSONValue = [
        "name": "file*.txt", "path": "C:\\dir", "n": 3, "limit": 3.0, "flag": true, "when": "2024-02-29T12:00:00+02:00",
        "nothing": nil, "accent": "e\u{301}",
    ]

    func matches(_ json: JSONValue) throws -> Bool {
        var diagnostics: [Diagnostic] = []
        var object = json.objectValue ?? JSONObject()
        object["Next"] = "N"
        let rule = try #require(ChoiceRule.parse(.object(object), at: "/r", diagnostics: &diagnostics), "\(diagnostics)")
        return try rule.matches { path throws(StatesError) in path.evaluate(input) }
    }

    @Test func stringMatchesTreatsStarAsWildcardAndBackslashAsEscape() throws {
        #expect(try matches(["Variable": "$.name", "StringMatches": "file*"]))
        #expect(try matches(["Variable": "$.name", "StringMatches": "*\\*.txt"]))
        #expect(try !matches(["Variable": "$.name", "StringMatches": "file\\*x*"]))
        #expect(try matches(["Variable": "$.path", "StringMatches": "C:\\\\*"]))
        #expect(try matches(["Variable": "$.name", "StringMatches": "*"]))
        #expect(try !matches(["Variable": "$.name", "StringMatches": "*.json"]))
    }

    @Test func stringsCompareByCodeUnitsNotCanonicalEquivalence() throws {
        #expect(try !matches(["Variable": "$.accent", "StringEquals": "\u{e9}"]))
        #expect(try matches(["Variable": "$.accent", "StringEquals": "e\u{301}"]))
    }

    @Test func numbersCompareByValueAcrossIntegerAndDecimal() throws {
        #expect(try matches(["Variable": "$.n", "NumericEqualsPath": "$.limit"]))
        #expect(try matches(["Variable": "$.n", "NumericLessThanEquals": 3.0]))
        #expect(try !matches(["Variable": "$.flag", "NumericEquals": 1]))
    }

    @Test func timestampsCompareAsInstants() throws {
        #expect(try matches(["Variable": "$.when", "TimestampEquals": "2024-02-29T10:00:00Z"]))
        #expect(try matches(["Variable": "$.when", "TimestampLessThan": "2024-02-29T10:00:00.000000001Z"]))
        #expect(try matches(["Variable": "$.when", "IsTimestamp": true]))
        #expect(try !matches(["Variable": "$.name", "IsTimestamp": true]))
    }

    @Test func typeMismatchesAreFalseNotErrors() throws {
        #expect(try !matches(["Variable": "$.n", "StringEquals": "3"]))
        #expect(try !matches(["Variable": "$.name", "TimestampEquals": "2024-02-29T10:00:00Z"]))
        #expect(try !matches(["Variable": "$.nothing", "BooleanEquals": false]))
    }

    @Test func booleanCombinatorsShortCircuit() throws {
        #expect(try matches(["Or": [["Variable": "$.flag", "BooleanEquals": true], ["Variable": "$.missing", "IsNull": true]]]))
        #expect(try !matches(["And": [["Variable": "$.flag", "BooleanEquals": false], ["Variable": "$.missing", "IsNull": true]]]))
        #expect(try matches(["Not": ["Variable": "$.flag", "BooleanEquals": false]]))
    }

    @Test func onlyIsPresentToleratesAMissingVariable() throws {
        #expect(try !matches(["Variable": "$.missing", "IsPresent": true]))
        #expect(try matches(["Variable": "$.nothing", "IsPresent": true]))
        #expect(throws: StatesError.runtime("Invalid path '$.missing': The choice state's condition path references an invalid value.")) {
            try matches(["Variable": "$.missing", "IsNull": true])
        }
        #expect(throws: StatesError.runtime("Invalid path '$.gone': The choice state's condition path references an invalid value.")) {
            try matches(["Variable": "$.n", "NumericEqualsPath": "$.gone"])
        }
    }
}

@Suite struct ASLTimestampTests {
    @Test(arguments: [
        ("2012-10-09T19:00:55Z", 1_349_809_255, 0),
        ("2012-10-09T19:00:55+01:00", 1_349_805_655, 0),
        ("2016-03-14T01:59:00.5-00:30", 1_457_922_540, 500_000_000),
        ("1969-12-31T23:59:59.999999999Z", -1, 999_999_999),
        ("2024-02-29t12:00z", 1_709_208_000, 0),
    ])
    func parsesOffsetDateTimes(text: String, seconds: Int64, nanoseconds: Int32) {
        #expect(ASLTimestamp(text) == ASLTimestamp(epochSeconds: seconds, nanoseconds: nanoseconds))
    }

    @Test(arguments: [
        "2016-13-05T21:29:29Z", "2016-12-05T25:29:29Z", "2016-12-05T21:29:29", "2016-12-05 21:29:29Z", "05-12-2016T21:29:29Z",
        "2023-02-24", "2023-02-29T00:00:00Z", "2016-12-05T21:29:29.Z", "2016-12-05T21:29:29+1:00", "", "2016-12-05T21:29:29Zx",
    ])
    func rejectsWhatIsNotAnOffsetDateTime(text: String) {
        #expect(ASLTimestamp(text) == nil)
    }

    @Test func describesTheInstantInUTC() {
        #expect(ASLTimestamp("2016-03-14T01:59:00.250+01:00")?.description == "2016-03-14T00:59:00.25Z")
        #expect(ASLTimestamp(epochSeconds: -1).description == "1969-12-31T23:59:59Z")
    }
}
