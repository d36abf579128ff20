import Foundation
public import JSON
import Yams

/// YAML read as JSON values, for definitions and maps people write in YAML.
///
/// Lives in Runtime because Yams is its dependency; the command line uses it
/// to accept `.yaml` state machine definitions in `validate` and `run`, and every
/// configuration file of a workflows directory (`handlers.yaml`, `events.yaml`,
/// `webhooks.yaml`, `pipes.yaml`) is read through ``load(path:)``.
public enum YAMLDocument {
    /// The JSON value of a YAML document (mapping keys in sorted order, which the States
    /// Language does not depend on; numbers stay integers when YAML reads them as integers).
    /// - Throws: ``TaskHandlerMapError`` with YAML's message when the text is not valid YAML
    ///   or holds a value JSON cannot express.
    public static func json(from text: String) throws -> JSONValue {
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch { throw TaskHandlerMapError("not valid YAML: \(error)") }
        return try TaskHandlerMap.jsonValue(fromYAML: loaded as Any)
    }

    /// The JSON value of the configuration file at `path`: JSON when its name ends in
    /// `.json`, YAML otherwise.
    /// - Throws: ``LoadError``, whose message starts with `path` and says whether the file
    ///   cannot be read or is not valid JSON or YAML; each configuration rewraps it in its
    ///   own error type.
    public static func load(path: String) throws(LoadError) -> JSONValue {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw LoadError("\(path): cannot be read: \(error.localizedDescription)")
        }
        if path.hasSuffix(".json") {
            do { return try JSONParser.parse(text) } catch { throw LoadError("\(path): not valid JSON: \(error)") }
        }
        do { return try json(from: text) } catch { throw LoadError("\(path): \(error)") }
    }

    /// A configuration file that cannot be read, or whose text is not valid JSON or YAML.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        /// `<path>: <what is wrong>`.
        public let message: String
        init(_ message: String) { self.message = message }
        public var description: String { message }
    }
}
