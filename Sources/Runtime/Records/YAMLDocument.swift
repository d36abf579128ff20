public import JSON
import Yams

/// YAML read as JSON values, for definitions and maps people write in YAML.
///
/// Lives in the Engine because Yams is the Engine's dependency; the command line uses it
/// to accept `.yaml` state machine definitions in `validate` and `run`.
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
}
