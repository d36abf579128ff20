import Foundation
import JSON
import Testing

/// One recorded execution of `../shared/conformance/asl/`, as far as the
/// expression tests need it: the definition, the input and what AWS returned.
struct ConformanceCase: CustomTestStringConvertible, Sendable {
    let name: String
    let definition: JSONValue
    let input: JSONValue
    let expected: JSONValue
    /// Placeholders that stand for any value of a kind (`number`, `uuid`, …).
    let wildcards: [String: String]
    let features: [String]

    var testDescription: String { name }

    var usesJSONata: Bool { features.contains { $0.lowercased() == "jsonata" } }

    /// The context object of a test execution, with the names and ARNs the
    /// corpus's normalisation writes in place of real ones, so recorded outputs
    /// that quote them compare literally.
    var contextObject: JSONValue {
        [
            "Execution": [
                "Id": "arn:<partition>:states:<region>:111111111111:execution:<ArnPart_0idx>:<ExecArnPart_0idx>",
                "Input": input,
                "Name": "<ExecArnPart_0idx>",
                "RoleArn": "snf_role_arn",
                "StartTime": "date",
            ],
            "StateMachine": [
                "Id": "arn:<partition>:states:<region>:111111111111:stateMachine:<ArnPart_0idx>",
                "Name": "<ArnPart_0idx>",
            ],
        ]
    }

    /// Whether `actual` is what AWS recorded, honouring the case's wildcards.
    func matches(_ actual: JSONValue, expected: JSONValue) -> Bool {
        switch (expected, actual) {
        case (.string(let placeholder), _) where wildcards[placeholder] != nil:
            switch wildcards[placeholder] {
            case "number": return actual.isNumber
            case "string": return actual.stringValue != nil
            case "uuid":
                guard let text = actual.stringValue else { return false }
                return text.count == 36 && text.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12]
            default: return true
            }
        case (.array(let e), .array(let a)):
            return e.count == a.count && zip(e, a).allSatisfy { matches($1, expected: $0) }
        case (.object(let e), .object(let a)):
            return e.count == a.count && e.entries.allSatisfy { key, value in a[key].map { matches($0, expected: value) } ?? false }
        default:
            return expected == actual
        }
    }
}

enum ConformanceCorpus {
    /// `../shared/conformance/asl` beside the repository (or `STEPLINE_ASL_CORPUS`).
    static let directory: String = {
        if let configured = ProcessInfo.processInfo.environment["STEPLINE_ASL_CORPUS"] { return configured }
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        while let last = components.last, last != "Tests" { components.removeLast() }
        components.removeLast(2)
        return (components + ["shared", "conformance", "asl"]).joined(separator: "/")
    }()

    /// Every case whose file name starts with `prefix`, sorted by name.
    static func cases(prefix: String) -> [ConformanceCase] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }.sorted()
            .compactMap { file in
                guard let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8), let json = try? JSONParser.parse(text) else {
                    return nil
                }
                var expected = json["expected"]?.objectValue ?? JSONObject()
                // Non-object outputs are stored as JSON text.
                if case .string(let raw)? = expected["output"], let parsed = try? JSONParser.parse(raw) {
                    expected["output"] = parsed
                }
                var wildcards: [String: String] = [:]
                for (key, value) in json["normalise"]?["wildcards"]?.objectValue?.entries ?? JSONObject().entries {
                    wildcards[key] = value.stringValue
                }
                return ConformanceCase(
                    name: String(file.dropLast(".json".count)),
                    definition: json["definition"] ?? .null,
                    input: json["input"] ?? [:],
                    expected: .object(expected),
                    wildcards: wildcards,
                    features: json["features"]?.arrayValue?.compactMap(\.stringValue) ?? []
                )
            }
    }
}
