import Foundation

/// A state machine definition read from a file for `validate` and `run`.
///
/// Definitions are Amazon States Language JSON. YAML definitions need the Engine's
/// loader (Yams belongs to the Engine module); until it is available a `.yaml` file is
/// refused with a message that says so rather than parsed as JSON and misreported.
struct DefinitionFile {
    let path: String
    let text: String

    /// Reads `path`, or standard input when `path` is `-`.
    /// - Throws: ``CommandFailure`` (exit 2) when the file cannot be read or is YAML.
    init(path: String) throws {
        self.path = path
        if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
            throw CommandFailure(
                "\(path): YAML definitions are not supported yet; convert it to JSON (for example with `yq -o json`)",
                exitCode: 2
            )
        }
        if path == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            return
        }
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CommandFailure("cannot read \(path): \(error.localizedDescription); check the path", exitCode: 2)
        }
    }
}
