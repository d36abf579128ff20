import Foundation
import JSON
import Runtime
import Workflows

/// A state machine definition read from a file for `validate` and `run`.
///
/// Definitions are Amazon States Language JSON, or the same structure in YAML (`.yaml`,
/// `.yml`), converted to JSON text with the Engine's loader before anything reads it.
struct DefinitionFile {
    let path: String
    let text: String

    /// Reads `path`, or standard input when `path` is `-`.
    /// - Throws: ``CommandFailure`` (exit 2) when the file cannot be read or is not valid YAML.
    init(path: String) throws {
        self.path = path
        let raw: String
        if path == "-" {
            raw = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            do {
                raw = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw CommandFailure("cannot read \(path): \(error.localizedDescription); check the path", exitCode: 2)
            }
        }
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml") else {
            text = raw
            return
        }
        do { text = try YAMLDocument.json(from: raw).serialized } catch {
            throw CommandFailure("\(path): \(error)", exitCode: 2)
        }
    }
}
