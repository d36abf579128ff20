import JSON
import Messaging
import Testing

@Suite struct EventPatternTests {
    func matches(_ pattern: String, _ event: String) throws -> Bool {
        try EventPattern(parsing: pattern).matches(JSONParser.parse(event))
    }

    func refusal(_ pattern: String) -> String? {
        do {
            _ = try EventPattern(parsing: pattern)
            return nil
        } catch {
            #expect(error.code == .invalidEventPattern)
            return error.message
        }
    }

    @Test func aLaterDuplicateFieldReplacesTheEarlierOneOnTheSamePathOnly() throws {
        let pattern = #"{"a": {"x": ["1"]}, "a": {"y": ["2"]}, "b": ["no"], "b": ["yes"]}"#
        #expect(try matches(pattern, #"{"a": {"x": "1", "y": "2"}, "b": "yes"}"#))
        #expect(try !matches(pattern, #"{"a": {"y": "2"}, "b": "yes"}"#))
        #expect(try !matches(pattern, #"{"a": {"x": "1", "y": "2"}, "b": "no"}"#))
    }

    @Test func fieldsAfterAnOrApplyToEveryAlternative() throws {
        let pattern = #"{"$or": [{"a": ["1"]}, {"b": ["2"]}], "c": ["3"]}"#
        #expect(try matches(pattern, #"{"a": "1", "c": "3"}"#))
        #expect(try matches(pattern, #"{"b": "2", "c": "3"}"#))
        #expect(try !matches(pattern, #"{"a": "1"}"#))
    }

    @Test func orNeedsAnArrayOfAtLeastTwoObjectsWithoutOperatorNames() {
        #expect(refusal(#"{"$or": {"a": ["1"]}}"#) == "Event pattern is not valid. Reason: It must be an Array followed with $or.")
        #expect(refusal(#"{"$or": [{"a": ["1"]}]}"#) == "Event pattern is not valid. Reason: There must have at least 2 Objects in $or relationship.")
        #expect(
            refusal(#"{"$or": [{"a": ["1"]}, "b"]}"#)
                == "Event pattern is not valid. Reason: Only JSON object is allowed in array of $or relationship."
        )
        #expect(
            refusal(#"{"$or": [{"a": ["1"]}, {"prefix": ["b"]}]}"#)
                == "Event pattern is not valid. Reason: prefix is Ruler reserved fieldName which cannot be used inside $or."
        )
    }

    @Test func emptyObjectsAndTrailingTextAreRefused() {
        #expect(refusal("{}") == "Event pattern is not valid. Reason: Empty objects are not allowed")
        #expect(refusal(#"{"a": {}}"#) == "Event pattern is not valid. Reason: Empty objects are not allowed")
        #expect(refusal(#"{"a": ["1"]} x"#) != nil)
    }

    @Test func numbersMatchByValueWithSixDecimalPlaces() throws {
        #expect(try matches(#"{"n": [300]}"#, #"{"n": 300.0}"#))
        #expect(try matches(#"{"n": [300]}"#, #"{"n": 300.0000001}"#))
        #expect(try !matches(#"{"n": [300]}"#, #"{"n": "300"}"#))
        #expect(try matches(#"{"n": [{"numeric": [">", 0, "<=", 5]}]}"#, #"{"n": 5}"#))
        #expect(try !matches(#"{"n": [{"numeric": [">", 0, "<=", 5]}]}"#, #"{"n": 0}"#))
        #expect(try matches(#"{"n": [123456789012]}"#, #"{"n": 123456789012}"#))
    }

    @Test func numericBoundsOutsideFiveBillionAreRefused() {
        #expect(
            refusal(#"{"n": [{"numeric": [">", 5000000001]}]}"#)
                == "Event pattern is not valid. Reason: Value must be between -5.0E9 and 5.0E9, inclusive"
        )
        #expect(refusal(#"{"n": [{"numeric": ["<", "x"]}]}"#) == "Event pattern is not valid. Reason: Value of < must be numeric")
        #expect(refusal(#"{"n": [{"numeric": ["~", 1]}]}"#) == "Event pattern is not valid. Reason: Unrecognized numeric range operator: ~")
    }

    @Test func anArrayInTheEventMatchesWhenAnyElementDoes() throws {
        #expect(try matches(#"{"tags": ["b"]}"#, #"{"tags": ["a", "b"]}"#))
        #expect(try !matches(#"{"tags": ["c"]}"#, #"{"tags": ["a", "b"]}"#))
        #expect(try !matches(#"{"tags": [{"exists": true}]}"#, #"{"tags": []}"#))
        #expect(try matches(#"{"tags": [{"exists": false}]}"#, #"{"tags": []}"#))
    }

    @Test func anythingButAcceptsNullAndOtherTypesButNotAMissingField() throws {
        let pattern = #"{"state": [{"anything-but": ["stopped"]}]}"#
        #expect(try matches(pattern, #"{"state": null}"#))
        #expect(try matches(pattern, #"{"state": 7}"#))
        #expect(try !matches(pattern, #"{"state": "stopped"}"#))
        #expect(try !matches(pattern, #"{"other": 1}"#))
    }

    @Test func anythingButListsMayNotMixStringsAndNumbers() {
        #expect(
            refusal(#"{"s": [{"anything-but": ["a", 1]}]}"#)
                == "Event pattern is not valid. Reason: Inside anything but list, either all values are number or string, mixed type is not supported"
        )
    }

    @Test func wildcardEscapesAndLimits() throws {
        #expect(try matches(#"{"f": [{"wildcard": "a\\*b*"}]}"#, #"{"f": "a*bcd"}"#))
        #expect(try !matches(#"{"f": [{"wildcard": "a\\*b*"}]}"#, #"{"f": "axbcd"}"#))
        #expect(refusal(#"{"f": [{"wildcard": "a\\b"}]}"#) == "Event pattern is not valid. Reason: Invalid escape character at pos 2")
        #expect(refusal(#"{"f": [{"wildcard": "a**"}]}"#) == "Event pattern is not valid. Reason: Consecutive wildcard characters at pos 2")
        #expect(try matches(#"{"f": [{"wildcard": "*.png"}]}"#, #"{"f": "x.png"}"#))
    }

    @Test func cidrComparesAddressesNotSpellings() throws {
        #expect(try matches(#"{"ip": [{"cidr": "10.0.0.0/24"}]}"#, #"{"ip": "10.0.0.255"}"#))
        #expect(try !matches(#"{"ip": [{"cidr": "10.0.0.0/24"}]}"#, #"{"ip": "10.0.1.0"}"#))
        #expect(try matches(#"{"ip": [{"cidr": "2001:db8::/32"}]}"#, #"{"ip": "2001:0DB8:ffff::1"}"#))
        #expect(try matches(#"{"ip": ["2001:db8::1"]}"#, #"{"ip": "2001:0db8:0:0:0:0:0:1"}"#))
        #expect(refusal(#"{"ip": [{"cidr": "10.0.0.0/32"}]}"#) == "Event pattern is not valid. Reason: IPv4 mask bits must be < 32")
    }

    @Test func caseInsensitiveOperatorsFoldBothSides() throws {
        #expect(try matches(#"{"s": [{"equals-ignore-case": "AbC"}]}"#, #"{"s": "aBc"}"#))
        #expect(try matches(#"{"s": [{"prefix": {"equals-ignore-case": "AB"}}]}"#, #"{"s": "abc"}"#))
        #expect(try matches(#"{"s": [{"suffix": {"equals-ignore-case": "BC"}}]}"#, #"{"s": "abc"}"#))
        #expect(try !matches(#"{"s": [{"anything-but": {"equals-ignore-case": ["ABC"]}}]}"#, #"{"s": "abc"}"#))
    }

    @Test func malformedJSONIsReportedInJacksonsWords() {
        #expect(
            refusal(#"{"a": nope}"#)
                == "Event pattern is not valid. Reason: Unrecognized token 'nope': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
        )
        #expect(refusal(#"{"a": ["1"]"#) == "Event pattern is not valid. Reason: Unexpected end-of-input: expected close marker for Object")
    }

    @Test func testEventPatternRequiresTheEnvelopeFields() throws {
        #expect(throws: EventBridgeError.validation("Parameter Event is not valid.")) {
            try TestEventPattern.evaluate(event: #"{"source": "a"}"#, pattern: #"{"source": ["a"]}"#)
        }
        let event = #"{"id": "1", "account": "1", "source": "a", "time": "t", "region": "r", "detail-type": "d"}"#
        #expect(try TestEventPattern.evaluate(event: event, pattern: #"{"source": ["a"]}"#))
    }
}

@Suite struct TargetInputTests {
    let context = TargetInputContext(ruleName: "r", ruleArn: "arn:aws:events:us-east-1:1:rule/r", ingestionTime: "2025-01-01T00:00:00Z")
    let event: JSONValue = ["source": "s", "detail-type": "t", "detail": ["id": "x", "n": 3, "list": ["a", "b"]]]

    @Test func jsonTemplatesInsertValuesAsJSONOutsideQuotes() throws {
        let input = try TargetInput(targetId: "t", inputTransformer: ([("n", "$.detail.n"), ("l", "$.detail.list")], #"{"n": <n>, "l": <l>}"#))
        #expect(input.body(for: event, context: context) == #"{"n": 3, "l": ["a","b"]}"#)
    }

    @Test func stringTemplatesDropQuotesFromStructures() throws {
        let input = try TargetInput(targetId: "t", inputTransformer: ([("l", "$.detail.list")], #""<l> at <aws.events.rule-name>""#))
        #expect(input.body(for: event, context: context) == #""[a,b] at r""#)
    }

    @Test func constantInputMustBeJSONAndOnlyOneSettingIsAllowed() {
        #expect(throws: EventBridgeError.validation("Input for target t is not valid JSON.")) { try TargetInput(targetId: "t", input: "{x") }
        #expect(throws: EventBridgeError.validation("Only one of Input, InputPath, or InputTransformer must be provided for target t.")) {
            try TargetInput(targetId: "t", input: "{}", inputPath: "$")
        }
    }

    @Test func anInputPathThatSelectsNothingDeliversNothing() throws {
        #expect(try TargetInput(targetId: "t", inputPath: "$.detail.missing").body(for: event, context: context) == nil)
        #expect(try TargetInput(targetId: "t", inputPath: "$.detail.n").body(for: event, context: context) == "3")
    }
}
