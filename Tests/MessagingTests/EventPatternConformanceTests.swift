import JSON
import Messaging
import Testing

/// One recorded `TestEventPattern` call and what AWS answered.
struct TestEventPatternCase: Sendable, CustomTestStringConvertible {
    let id: String
    let category: String
    let event: String
    let pattern: String
    /// `true`/`false` for a result, `nil` for an error.
    let expectedMatch: Bool?
    let expectedErrorCode: String?
    /// Compared only when the corpus says the first line is significant.
    let expectedMessage: String?

    var testDescription: String { id }

    init(_ json: JSONValue) {
        id = json["id"]?.stringValue ?? "?"
        category = json["category"]?.stringValue ?? "?"
        event = json["wire"]?["event"]?.stringValue ?? ""
        pattern = json["wire"]?["pattern"]?.stringValue ?? ""
        let expected = json["expected"]
        expectedMatch = expected?["match"]?.boolValue
        expectedErrorCode = expected?["error"]?.stringValue
        expectedMessage = expected?["message_check"]?.stringValue == "first-line" ? expected?["message"]?.stringValue : nil
    }

    /// Runs the case; returns why it failed, or `nil` when it passed.
    func failure() -> String? {
        do {
            let matched = try TestEventPattern.evaluate(event: event, pattern: pattern)
            guard let expectedMatch else { return "expected \(expectedErrorCode ?? "an error"), got match=\(matched)" }
            return matched == expectedMatch ? nil : "expected match=\(expectedMatch), got \(matched)"
        } catch {
            guard let expectedErrorCode else { return "expected match=\(expectedMatch ?? false), got \(error)" }
            if error.code.rawValue != expectedErrorCode { return "expected \(expectedErrorCode), got \(error)" }
            if let expectedMessage, expectedMessage != error.message {
                return "expected message \"\(expectedMessage)\", got \"\(error.message)\""
            }
            return nil
        }
    }
}

/// One recorded rule delivery: a rule's pattern, the event `PutEvents` built, and
/// whether (and what) the target received.
struct RuleRoutingCase: Sendable, CustomTestStringConvertible {
    let id: String
    let pattern: String
    let event: JSONValue
    let expectedMatch: Bool
    let inputPath: String?
    let expectedBody: JSONValue?

    var testDescription: String { id }

    init(_ json: JSONValue) {
        id = json["id"]?.stringValue ?? "?"
        pattern = json["pattern"]?.serialized ?? "{}"
        event = json["event"] ?? .null
        expectedMatch = json["expected"]?["match"]?.boolValue ?? false
        inputPath = json["target_input_path"]?.stringValue
        expectedBody = json["expected_delivery"]?["body_json"]
    }

    func failure() -> String? {
        let matched: Bool
        do { matched = try EventPattern(parsing: pattern).matches(event) } catch { return "pattern refused: \(error)" }
        guard matched == expectedMatch else { return "expected delivered=\(expectedMatch), got \(matched)" }
        guard matched, let expectedBody else { return nil }
        let target = inputPath.map { TargetInputCase.Input.inputPath($0) } ?? .none
        return TargetInputCase.compare(delivered: target, event: event, expected: [.json(expectedBody)])
    }
}

@Suite struct EventPatternConformanceTests {
    static let patternCases = ConformanceCorpus.lines("event-patterns/test-event-pattern.jsonl").map(TestEventPatternCase.init)
    static let routingCases = ConformanceCorpus.lines("event-patterns/rule-routing.jsonl").map(RuleRoutingCase.init)
    static let corpusPresent = ConformanceCorpus.isAvailable("event-patterns/test-event-pattern.jsonl")

    @Test(
        "TestEventPattern answers as AWS did",
        .enabled(if: corpusPresent, Comment(rawValue: ConformanceCorpus.absenceNote)),
        arguments: patternCases
    )
    func testEventPatternCase(_ testCase: TestEventPatternCase) {
        let failure = testCase.failure()
        if KnownFailures.eventPatterns.contains(testCase.id) {
            withKnownIssue { #expect(failure == nil, "\(failure ?? "")") }
        } else {
            #expect(failure == nil, "\(testCase.id) [\(testCase.category)]: \(failure ?? "")")
        }
    }

    @Test(
        "A rule's pattern routes each recorded event as AWS did",
        .enabled(if: corpusPresent, Comment(rawValue: ConformanceCorpus.absenceNote)),
        arguments: routingCases
    )
    func ruleRoutingCase(_ testCase: RuleRoutingCase) {
        let failure = testCase.failure()
        #expect(failure == nil, "\(testCase.id): \(failure ?? "")")
    }

    @Test(
        "At least 98% of the event-pattern corpus passes",
        .enabled(if: corpusPresent, Comment(rawValue: ConformanceCorpus.absenceNote))
    )
    func corpusPassRate() {
        let failures =
            Self.patternCases.compactMap { testCase in testCase.failure().map { "\(testCase.id): \($0)" } }
            + Self.routingCases.compactMap { testCase in testCase.failure().map { "\(testCase.id): \($0)" } }
        let total = Self.patternCases.count + Self.routingCases.count
        for failure in failures { print("FAIL \(failure)") }
        print("Event patterns: \(total - failures.count) passed, \(failures.count) failed")
        #expect(total == 186)
        #expect(Double(total - failures.count) >= 0.98 * Double(total))
    }
}

/// Corpus cases that fail for a reason written down in KNOWN_FAILURES.md.
enum KnownFailures {
    static let eventPatterns: Set<String> = []
}
