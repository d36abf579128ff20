import JSON
import Messaging
import Testing

/// One recorded target delivery: a target's input settings, the event, and what
/// the target received (or the `PutTargets` error).
struct TargetInputCase: Sendable, CustomTestStringConvertible {
    enum Input: Sendable {
        case none
        case inputPath(String)
        case transformer(paths: [(String, String)], template: String)
        case pathAndTransformer(String, paths: [(String, String)], template: String)
    }

    enum Body: Sendable {
        case json(JSONValue)
        case text(String)
    }

    let id: String
    let input: Input
    let event: JSONValue
    let expectedBodies: [Body]
    let expectedError: (code: String, message: String)?

    var testDescription: String { id }

    /// The context values as the recording normalised them.
    static let recordedContext = TargetInputContext(
        ruleName: "<rule-name>",
        ruleArn: "arn:<partition>:events:<region>:111111111111:rule/<bus-name>/<rule-name>",
        ingestionTime: "date"
    )

    init(_ json: JSONValue) {
        id = json["id"]?.stringValue ?? "?"
        event = json["event"] ?? .null
        let target = json["target"]
        let path = target?["InputPath"]?.stringValue
        if let transformer = target?["InputTransformer"] {
            let paths = transformer["InputPathsMap"]?.objectValue.map { $0.entries.map { ($0.0, $0.1.stringValue ?? "") } } ?? []
            let template = transformer["InputTemplate"]?.stringValue ?? ""
            input = path.map { .pathAndTransformer($0, paths: paths, template: template) } ?? .transformer(paths: paths, template: template)
        } else {
            input = path.map(Input.inputPath) ?? .none
        }
        let expected = json["expected"]
        expectedBodies = (expected?["delivered"]?.arrayValue ?? []).compactMap { body in
            if let text = body["body_text"]?.stringValue { return .text(text) }
            return body["body_json"].map(Body.json)
        }
        expectedError = expected?["put_targets_error"].map { ($0["code"]?.stringValue ?? "", $0["message"]?.stringValue ?? "") }
    }

    static func targetInput(_ input: Input) throws(EventBridgeError) -> TargetInput {
        switch input {
        case .none: return try TargetInput(targetId: "<target-id>")
        case .inputPath(let path): return try TargetInput(targetId: "<target-id>", inputPath: path)
        case .transformer(let paths, let template):
            return try TargetInput(targetId: "<target-id>", inputTransformer: (paths, template))
        case .pathAndTransformer(let path, let paths, let template):
            return try TargetInput(targetId: "<target-id>", inputPath: path, inputTransformer: (paths, template))
        }
    }

    func failure() -> String? {
        if let expectedError {
            do {
                _ = try Self.targetInput(input)
                return "expected \(expectedError.code), PutTargets accepted the target"
            } catch {
                if error.code.rawValue == expectedError.code, error.message == expectedError.message { return nil }
                return "expected \(expectedError.code) \"\(expectedError.message)\", got \(error)"
            }
        }
        return Self.compare(delivered: input, event: event, expected: expectedBodies)
    }

    /// Shapes `event` for `input` and compares with the recorded bodies (none = nothing delivered).
    static func compare(delivered input: Input, event: JSONValue, expected: [Body]) -> String? {
        let body: String?
        do { body = try targetInput(input).body(for: event, context: recordedContext) } catch { return "target refused: \(error)" }
        guard let expectedBody = expected.first else {
            return body.map { "expected nothing delivered, got \($0)" }
        }
        guard let body else { return "expected a delivery, got nothing" }
        switch expectedBody {
        case .text(let text):
            return body == text ? nil : "expected body \(text), got \(body)"
        case .json(let json):
            guard let parsed = try? JSONParser.parse(body) else { return "expected JSON, got \(body)" }
            return normalised(parsed) == normalised(json) ? nil : "expected \(json.serialized), got \(body)"
        }
    }

    /// Undoes the recording's renaming of volatile values: `<uuid:N>` ids and the
    /// ingestion time placeholder stand for the values the event carries.
    static func normalised(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text):
            if text.hasPrefix("<uuid") { return .string("<uuid>") }
            if text == "<ingestion-time>" { return .string("date") }
            return value
        case .array(let elements): return .array(elements.map(normalised))
        case .object(let object):
            var copy = JSONObject()
            for (key, element) in object.entries { copy[key] = normalised(element) }
            return .object(copy)
        default: return value
        }
    }
}

@Suite struct InputTransformerConformanceTests {
    static let cases = ConformanceCorpus.lines("input-transformers/cases.jsonl").map(TargetInputCase.init)
    static let corpusPresent = ConformanceCorpus.isAvailable("input-transformers/cases.jsonl")

    @Test(
        "A target receives what AWS delivered for each recorded input setting",
        .enabled(if: corpusPresent, Comment(rawValue: ConformanceCorpus.absenceNote)),
        arguments: cases
    )
    func targetInputCase(_ testCase: TargetInputCase) {
        let failure = testCase.failure()
        #expect(failure == nil, "\(testCase.id): \(failure ?? "")")
    }

    @Test(
        "Every recorded input-transformer case passes",
        .enabled(if: corpusPresent, Comment(rawValue: ConformanceCorpus.absenceNote))
    )
    func corpusPassRate() {
        let failures = Self.cases.compactMap { testCase in testCase.failure().map { "\(testCase.id): \($0)" } }
        for failure in failures { print("FAIL \(failure)") }
        print("Input transformers: \(Self.cases.count - failures.count) passed, \(failures.count) failed")
        #expect(Self.cases.count == 35)
        #expect(failures.isEmpty)
    }
}
