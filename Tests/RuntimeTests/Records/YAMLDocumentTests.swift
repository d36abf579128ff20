import Foundation
import JSON
import Runtime
import TestSupport
import Testing

/// `YAMLDocument.load(path:)`: the one reader of the configuration files of a workflows directory.
@Suite struct YAMLDocumentTests {
    @Test("a .json file is read as JSON, any other as YAML, to the same value")
    func readsJSONByItsEndingAndYAMLOtherwise() throws {
        let directory = TemporaryDirectory()
        try #"{"queues": [{"name": "a", "delay": 3}]}"#.write(toFile: directory.path + "/events.json", atomically: true, encoding: .utf8)
        try "queues:\n  - name: a\n    delay: 3\n".write(toFile: directory.path + "/events.yaml", atomically: true, encoding: .utf8)
        let json = try YAMLDocument.load(path: directory.path + "/events.json")
        #expect(json == ["queues": [["name": "a", "delay": 3]]])
        #expect(try YAMLDocument.load(path: directory.path + "/events.yaml") == json)
    }

    @Test("a file that cannot be read, or is not valid JSON or YAML, is an error that starts with its path")
    func errorsNameTheFileAndWhatIsWrong() throws {
        let directory = TemporaryDirectory()
        let missing = directory.path + "/missing.yaml"
        let unreadable = #expect(throws: YAMLDocument.LoadError.self) { try YAMLDocument.load(path: missing) }
        #expect(unreadable?.message.hasPrefix("\(missing): cannot be read: ") == true)

        let badJSON = directory.path + "/bad.json"
        try #"{"a": "#.write(toFile: badJSON, atomically: true, encoding: .utf8)
        let notJSON = #expect(throws: YAMLDocument.LoadError.self) { try YAMLDocument.load(path: badJSON) }
        #expect(notJSON?.message.hasPrefix("\(badJSON): not valid JSON: ") == true)

        let badYAML = directory.path + "/bad.yaml"
        try "a: [1, 2\n".write(toFile: badYAML, atomically: true, encoding: .utf8)
        let notYAML = #expect(throws: YAMLDocument.LoadError.self) { try YAMLDocument.load(path: badYAML) }
        #expect(notYAML?.message.hasPrefix("\(badYAML): not valid YAML: ") == true)
    }
}
