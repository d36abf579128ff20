import Foundation
import JSON
import StatesLanguage
import Testing

/// One case of the official JSONata test suite (jsonata-js `test/test-suite`,
/// kept as data in `shared/conformance/jsonata/suite` beside the repository):
/// an expression, its input and bindings, and the reference implementation's
/// answer.
struct JSONataSuiteCase: Sendable, CustomTestStringConvertible {
    enum Expected: Sendable {
        case value(JSONValue)
        case undefined
        case error(code: String)
    }

    /// `group/file#index`, as the suite runner names cases.
    var id: String
    var expression: String
    var input: JSONValue?
    var bindings: [String: JSONValue]
    var expected: Expected

    var testDescription: String { "\(id): \(expression)" }

    /// The suite folder: `$JSONATA_SUITE`, else `shared/conformance/jsonata/suite`
    /// next to the repository.
    static var suiteDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["JSONATA_SUITE"] { return URL(fileURLWithPath: path) }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }
        return root.deletingLastPathComponent().appendingPathComponent("shared/conformance/jsonata/suite")
    }

    /// Every case of `groups`, in file order; empty when the suite is absent
    /// (``suiteIsPresent`` reports that as a failure of its own).
    static func load(groups: [String]) -> [JSONataSuiteCase] {
        let suite = suiteDirectory
        var cases: [JSONataSuiteCase] = []
        for group in groups {
            let folder = suite.appendingPathComponent("groups").appendingPathComponent(group)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.filter { $0.hasSuffix(".json") }.sorted() ?? []
            for file in files {
                guard let text = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8),
                    let parsed = try? JSONParser.parse(text)
                else { continue }
                let entries = parsed.arrayValue ?? [parsed]
                for (index, entry) in entries.enumerated() {
                    let name = "\(group)/\(file.dropLast(5))#\(index)"
                    if let suiteCase = JSONataSuiteCase(name, entry, suite: suite) { cases.append(suiteCase) }
                }
            }
        }
        return cases
    }

    private init?(_ id: String, _ entry: JSONValue, suite: URL) {
        guard let expression = entry["expr"]?.stringValue else { return nil }
        self.id = id
        self.expression = expression
        if let data = entry["data"] {
            input = data
        } else if let dataset = entry["dataset"]?.stringValue {
            let file = suite.appendingPathComponent("datasets").appendingPathComponent("\(dataset).json")
            guard let text = try? String(contentsOf: file, encoding: .utf8), let data = try? JSONParser.parse(text) else { return nil }
            input = data
        }
        var bindings: [String: JSONValue] = [:]
        if let object = entry["bindings"]?.objectValue {
            for (key, value) in object.entries { bindings[key] = value }
        }
        self.bindings = bindings
        if let result = entry["result"] {
            expected = .value(result)
        } else if let code = entry["code"]?.stringValue ?? entry["error"]?["code"]?.stringValue {
            expected = .error(code: code)
        } else if entry["undefinedResult"]?.boolValue == true {
            expected = .undefined
        } else {
            return nil
        }
    }

    /// Evaluates the case at a fixed instant and checks the answer.
    func check() {
        var random = StatesLanguage.SplitMix64(seed: 1)
        let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_123)
        do throws(JSONataError) {
            let result = try JSONataExpression(expression).evaluate(input: input, variables: bindings, now: now, random: &random)
            switch expected {
            case .value(let value): #expect(result == value, "\(id) gave \(result?.serialized ?? "undefined")")
            case .undefined: #expect(result == nil, "\(id) gave \(result?.serialized ?? "undefined")")
            case .error(let code): Issue.record("\(id) gave \(result?.serialized ?? "undefined"), expected error \(code)")
            }
        } catch {
            guard case .error(let code) = expected else {
                Issue.record("\(id) failed: \(error)")
                return
            }
            #expect(error.code == code, "\(id): \(error)")
        }
    }
}
