import Foundation
import JSON
import StatesLanguage

/// The official JSONata test suite (`../shared/conformance/jsonata/` beside the
/// repository), posed to the embedded runner exactly as `run_jsonata.py` poses it to
/// the API: one JSONata Pass state per case, the case's data reached through
/// `$states.input`, bindings assigned by a first Pass state.
///
/// The wrapping and the verdicts follow the runner's docstring, so the embedded score
/// and the score through `stepline serve` agree; `refcheck.jsonl` says which cases the
/// reference implementation itself cannot answer once its input is reached through
/// `$states.input` (those, and `$eval`, are not applicable).
struct JSONataSuite {
    /// One case of the suite.
    struct Case: Sendable {
        enum Expectation: Sendable {
            case result(JSONValue, unordered: Bool)
            case undefined
            case error(code: String?)
            case nothing
        }

        var id: String
        var group: String
        var expression: String
        var data: JSONValue?
        var bindings: JSONObject
        var expectation: Expectation
        /// Why Step Functions cannot pose the case, or nil.
        var notApplicable: String?
    }

    /// What a state made of a case answered.
    enum Outcome: Sendable {
        case value(JSONValue)
        case undefined
        /// The execution failed (error name and cause).
        case error(String, String)
        /// The definition was refused (diagnostics).
        case invalid(String)
        /// Nothing came back within the watchdog's time.
        case timeout

        var text: String {
            switch self {
            case .value(let v): "value \(v.serialized(pretty: false).prefix(300))"
            case .undefined: "undefined"
            case .error(let e, let c): "error \(e): \(c.prefix(300))"
            case .invalid(let d): "invalid definition: \(d.prefix(300))"
            case .timeout: "timeout"
            }
        }
    }

    static var directory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // JSONata
            .deletingLastPathComponent()  // StatesLanguageTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository
            .deletingLastPathComponent()  // beside the repository
            .appendingPathComponent("shared/conformance/jsonata")
    }

    /// Every case in the reference runner's order, or nil when the suite is not there.
    static func load(only prefixes: [String] = []) throws -> [Case]? {
        let suite = directory.appendingPathComponent("suite")
        let groupsDirectory = suite.appendingPathComponent("groups")
        let files = FileManager.default
        guard let groups = try? files.contentsOfDirectory(atPath: groupsDirectory.path) else { return nil }
        var datasets: [String: JSONValue] = [:]
        let datasetsDirectory = suite.appendingPathComponent("datasets")
        for name in try files.contentsOfDirectory(atPath: datasetsDirectory.path) where name.hasSuffix(".json") {
            datasets[String(name.dropLast(5))] = try parse(datasetsDirectory.appendingPathComponent(name))
        }
        let refcheck = try loadRefcheck()
        var cases: [Case] = []
        for group in groups.sorted() {
            let groupDirectory = groupsDirectory.appendingPathComponent(group)
            var isDirectory: ObjCBool = false
            guard files.fileExists(atPath: groupDirectory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                continue
            }
            for file in try files.contentsOfDirectory(atPath: groupDirectory.path).sorted() where file.hasSuffix(".json") {
                let spec = try parse(groupDirectory.appendingPathComponent(file))
                let items = spec.arrayValue ?? [spec]
                for (index, item) in items.enumerated() {
                    let id = "\(group)/\(file.dropLast(5))" + (spec.arrayValue != nil ? "#\(index)" : "")
                    if !prefixes.isEmpty && !prefixes.contains(where: { id.hasPrefix($0) }) { continue }
                    var expression = item["expr"]?.stringValue ?? ""
                    if let exprFile = item["expr-file"]?.stringValue {
                        expression = try String(
                            contentsOf: groupDirectory.appendingPathComponent(exprFile),
                            encoding: .utf8
                        )
                    }
                    let data: JSONValue? =
                        if let d = item["data"] { d } else if let name = item["dataset"]?.stringValue { datasets[name] } else { nil }
                    let code = item["code"]?.stringValue ?? item["error"]?["code"]?.stringValue
                    let expectation: Case.Expectation =
                        if item["undefinedResult"] != nil {
                            .undefined
                        } else if let result = item["result"] {
                            .result(result, unordered: item["unordered"]?.boolValue ?? false)
                        } else if item["error"] != nil || item["code"] != nil {
                            .error(code: code)
                        } else {
                            .nothing
                        }
                    var testCase = Case(
                        id: id,
                        group: group,
                        expression: expression,
                        data: data,
                        bindings: item["bindings"]?.objectValue ?? JSONObject(),
                        expectation: expectation
                    )
                    testCase.notApplicable = notApplicable(testCase, reference: refcheck[id])
                    cases.append(testCase)
                }
            }
        }
        return cases
    }

    /// The suite files hold lone UTF-16 surrogates (inside string literals of
    /// expressions), which JSON text cannot carry as characters; like the Python
    /// runner, they become the JSONata escape `\uXXXX` (the same string).
    private static func parse(_ url: URL) throws -> JSONValue {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try JSONParser.parse(text.contains("\\u") ? escapingLoneSurrogates(text) : text)
    }

    /// `\uD800`-style escapes of a surrogate without its pair, written as `\\uD800`.
    private static func escapingLoneSurrogates(_ text: String) -> String {
        let bytes = Array(text.utf8)
        func surrogate(at i: Int) -> UInt16? {
            guard i + 5 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"),
                let value = UInt16(String(decoding: bytes[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16),
                (0xD800...0xDFFF).contains(value)
            else { return nil }
            return value
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\\") {
                out += [bytes[i], bytes[i + 1]]
                i += 2
                continue
            }
            if let high = surrogate(at: i) {
                if high < 0xDC00, let low = surrogate(at: i + 6), low >= 0xDC00 {
                    out += bytes[i..<(i + 12)]
                    i += 12
                    continue
                }
                out.append(UInt8(ascii: "\\"))
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func loadRefcheck() throws -> [String: JSONValue] {
        let url = directory.appendingPathComponent("refcheck.jsonl")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
        var entries: [String: JSONValue] = [:]
        for line in text.split(separator: "\n") where !line.isEmpty {
            let entry = try JSONParser.parse(String(line))
            if let id = entry["id"]?.stringValue { entries[id] = entry }
        }
        return entries
    }

    private static func notApplicable(_ testCase: Case, reference: JSONValue?) -> String? {
        if testCase.expression.contains(/\$eval\s*\(/) { return "$eval is not available in Step Functions" }
        guard let reference else { return nil }
        if reference["raw_function"]?.boolValue == true { return "the reference result is a function value" }
        if reference["raw"] != reference["wrapped"] || reference["raw_code"] != reference["wrapped_code"] {
            return "the reference answers differently when the input is reached through $states.input"
        }
        return nil
    }

    // MARK: Posing a case

    /// The expression as the Python runner sends it: bare without data, else evaluated
    /// inside a path step over `[data]` and handed out by a closure.
    static func wrapped(_ testCase: Case) -> String {
        guard testCase.data != nil else { return testCase.expression }
        return "($__case := $states.input.($$ := $; $__value := \(testCase.expression); function(){ $__value }); $__case())"
    }

    static func definition(_ expression: String, bindings: JSONObject) -> String {
        let pass: JSONValue = [
            "Type": "Pass", "QueryLanguage": "JSONata", "Output": .string("{% " + expression + " %}"), "End": true,
        ]
        let machine: JSONValue =
            if bindings.isEmpty {
                ["QueryLanguage": "JSONata", "StartAt": "S", "States": ["S": pass]]
            } else {
                [
                    "QueryLanguage": "JSONata", "StartAt": "Bind",
                    "States": ["Bind": ["Type": "Pass", "Assign": .object(bindings), "Next": "S"], "S": pass],
                ]
            }
        return machine.serialized(pretty: false)
    }

    static func run(_ expression: String, input: JSONValue, bindings: JSONObject) -> Outcome {
        let parsed = StateMachineDefinition.parse(definition(expression, bindings: bindings))
        guard let machine = parsed.definition else {
            return .invalid(parsed.diagnostics.map { "\($0)" }.joined(separator: "; "))
        }
        let result = EmbeddedRunner(definition: machine).run(input: input)
        switch result.status {
        case .succeeded:
            return .value(result.output ?? .null)
        default:
            let error = result.error ?? "", cause = result.cause ?? ""
            if error == "States.QueryEvaluationError" && cause.contains("returned nothing (undefined)") {
                return .undefined
            }
            return .error(error, cause)
        }
    }

    /// Runs a case on a thread of its own with a large stack (deep recursion is part
    /// of the suite), and gives up waiting after `timeout` seconds.
    static func outcome(of testCase: Case, timeout: Double = 10) -> Outcome {
        let box = OutcomeBox()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            var outcome = run(wrapped(testCase), input: testCase.data.map { [$0] } ?? [:], bindings: testCase.bindings)
            if case .invalid = outcome, testCase.data != nil {
                // A syntax error: report the one for the bare expression, not for the wrapper.
                let bare = run(testCase.expression, input: [:], bindings: JSONObject())
                if case .invalid = bare { outcome = bare }
            }
            box.set(outcome)
            done.signal()
        }
        thread.stackSize = 256 << 20
        thread.start()
        guard done.wait(timeout: .now() + timeout) == .success else { return .timeout }
        return box.get() ?? .timeout
    }

    /// Whether an outcome passes the case, as `run_jsonata.py`'s `verdict` decides.
    static func passes(_ testCase: Case, _ outcome: Outcome) -> Bool {
        switch (testCase.expectation, outcome) {
        case (.error, .error), (.error, .invalid): true
        case (.undefined, .undefined): true
        case (.result(let expected, let unordered), .value(let value)):
            if unordered, let e = expected.arrayValue, let v = value.arrayValue {
                e.map(canonical).sorted() == v.map(canonical).sorted()
            } else {
                value == expected
            }
        default: false
        }
    }

    /// A JSON text with sorted keys, for comparing unordered results.
    private static func canonical(_ value: JSONValue) -> String {
        switch value {
        case .object(let object):
            "{" + object.keys.sorted().map { "\($0):\(canonical(object[$0] ?? .null))" }.joined(separator: ",") + "}"
        case .array(let items): "[" + items.map(canonical).joined(separator: ",") + "]"
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: "\(Int(d))"
        default: value.serialized(pretty: false)
        }
    }
}

/// Hands a case's outcome from its thread to the waiting test.
///
/// `@unchecked Sendable`: the one stored value is read and written under `lock` only.
private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var outcome: JSONataSuite.Outcome?
    func set(_ value: JSONataSuite.Outcome) { lock.withLock { outcome = value } }
    func get() -> JSONataSuite.Outcome? { lock.withLock { outcome } }
}
