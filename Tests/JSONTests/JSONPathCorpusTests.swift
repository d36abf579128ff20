import Foundation
import JSON
import Testing

/// JSONPath against the executions AWS recorded (`../shared/conformance/asl`
/// beside the repository): every path in a JSONPath-mode definition parses, and
/// the single-Pass-state cases whose `Parameters` only read input paths produce
/// AWS's output. The interpreter's own corpus tests cover everything else.
@Suite struct JSONPathCorpusTests {
    /// One recorded case, as far as these tests need it.
    struct RecordedCase: Sendable {
        let name: String
        let definition: JSONValue
        let input: JSONValue
        let expected: JSONValue
    }

    /// A path-valued field of a corpus definition.
    struct CorpusPath: CustomTestStringConvertible, Sendable {
        let caseName: String
        let field: String
        let text: String
        var testDescription: String { "\(caseName): \(field) = \(text)" }
    }

    static let directory: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        components.removeLast(3)  // this file, JSONTests, Tests
        components.removeLast()  // the repository folder
        return (components + ["shared", "conformance", "asl"]).joined(separator: "/")
    }()

    static let cases: [RecordedCase] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".json") }.sorted().compactMap { file in
            guard let data = FileManager.default.contents(atPath: directory + "/" + file),
                let json = try? JSONParser.parse(bytes: data),
                let definition = json["definition"],
                !definition.serialized.contains("JSONata")
            else { return nil }
            return RecordedCase(
                name: String(file.dropLast(5)),
                definition: definition,
                input: json["input"] ?? [:],
                expected: json["expected"] ?? .null
            )
        }
    }()

    static let paths: [CorpusPath] = cases.flatMap { recorded in
        var found: [CorpusPath] = []
        collectPaths(in: recorded.definition, field: "", caseName: recorded.name, into: &found)
        return found
    }

    /// Values of `…Path` fields and `Variable`, and `$`-values of `key.$` fields
    /// (intrinsic calls, `States.…`, are parsed by StatesLanguage).
    static func collectPaths(in value: JSONValue, field: String, caseName: String, into found: inout [CorpusPath]) {
        switch value {
        case .object(let object):
            for (key, child) in object.entries { collectPaths(in: child, field: key, caseName: caseName, into: &found) }
        case .array(let elements):
            for element in elements { collectPaths(in: element, field: field, caseName: caseName, into: &found) }
        case .string(let text) where text.hasPrefix("$"):
            if field.hasSuffix("Path") || field == "Variable" || field.hasSuffix(".$") {
                found.append(CorpusPath(caseName: caseName, field: field, text: text))
            }
        default: break
        }
    }

    /// Single Pass states whose `Parameters` are flat and read only `$`-input paths.
    static let passCases: [RecordedCase] = cases.filter { recorded in
        guard let states = recorded.definition["States"]?.objectValue, states.count == 1,
            let state = states.values.first?.objectValue, state["Type"] == "Pass",
            Set(state.keys).isSubset(of: ["Type", "Parameters", "End", "Comment"]),
            let parameters = state["Parameters"]?.objectValue
        else { return false }
        let readsInput = parameters.entries.contains { key, _ in key.hasSuffix(".$") }
        let onlyInputPaths = parameters.entries.allSatisfy { key, value in
            guard key.hasSuffix(".$") else { return value.objectValue == nil && value.arrayValue == nil }
            guard let text = value.stringValue, let path = try? JSONPath(text) else { return false }
            return path.root == .input
        }
        return readsInput && onlyInputPaths
    }

    /// Failures whose cause quotes Jayway ("Invalid path '$.x' : No results for
    /// path: $['x']") in single Pass states that pass their input through.
    static let invalidPathCases: [RecordedCase] = cases.filter { recorded in
        guard let cause = recorded.expected["cause"]?.stringValue, cause.contains("Invalid path '"),
            let states = recorded.definition["States"]?.objectValue, states.count == 1,
            let state = states.values.first?.objectValue, state["Type"] == "Pass"
        else { return false }
        return Set(state.keys).isSubset(of: ["Type", "InputPath", "OutputPath", "End", "Comment"])
    }

    @Test(arguments: invalidPathCases.map(\.name))
    func notFoundMessagesMatchTheRecordedCause(_ name: String) throws {
        let recorded = try #require(Self.invalidPathCases.first { $0.name == name })
        let cause = try #require(recorded.expected["cause"]?.stringValue)
        let quoted = try #require(cause.range(of: "Invalid path '"))
        let rest = cause[quoted.upperBound...]
        let separator = try #require(rest.range(of: "' : "))
        let path = try JSONPath(String(rest[..<separator.lowerBound]))
        #expect(path.notFoundMessage(in: recorded.input) == String(rest[separator.upperBound...]))
    }

    @Test func corpusIsPresent() {
        #expect(Self.paths.count >= 600, "expected the ASL corpus at \(Self.directory)")
        #expect(Self.passCases.count >= 15)
        #expect(Self.invalidPathCases.count >= 2)
    }

    @Test(arguments: paths)
    func everyPathInTheCorpusParses(_ corpusPath: CorpusPath) throws {
        let path = try JSONPath(corpusPath.text)
        #expect(path.text == corpusPath.text)
        if corpusPath.field == "ResultPath" { #expect(path.isReferencePath) }
    }

    @Test(arguments: passCases.map(\.name))
    func passParametersProduceTheRecordedOutput(_ name: String) throws {
        let recorded = try #require(Self.passCases.first { $0.name == name })
        let parameters = try #require(recorded.definition["States"]?.objectValue?.values.first?["Parameters"]?.objectValue)
        var output = JSONObject()
        var missing: JSONPath?
        for (key, value) in parameters.entries {
            guard key.hasSuffix(".$") else {
                output[key] = value
                continue
            }
            let path = try JSONPath(try #require(value.stringValue))
            guard let selected = path.evaluate(recorded.input) else {
                missing = path
                break
            }
            output[String(key.dropLast(2))] = selected
        }
        if recorded.expected["status"] == "SUCCEEDED" {
            #expect(missing == nil)
            var expected = try #require(recorded.expected["output"])
            if case .string(let text) = expected { expected = try JSONParser.parse(text) }
            #expect(JSONValue.object(output) == expected, "got \(JSONValue.object(output).serialized)")
        } else {
            let path = try #require(missing, "AWS failed, but every path selected a value")
            #expect(recorded.expected["error"] == "States.Runtime")
            #expect(recorded.expected["cause"]?.stringValue?.contains("The JSONPath '\(path.text)'") == true)
        }
    }
}
