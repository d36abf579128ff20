import ArgumentParser
import JSON

extension ValidationError {
    /// Checks, in a command's `validate()`, that the value of `option` is JSON
    /// text; the error says so, how to quote it, and where parsing failed.
    static func checkJSON(_ text: String, option: String, example: String? = nil) throws {
        do { _ = try JSONParser.parse(text) } catch {
            let hint = example.map { "quote it for the shell, e.g. \(option) '\($0)'" } ?? "quote it for the shell"
            throw ValidationError("\(option) must be JSON text (\(hint)): \(error)")
        }
    }
}
