public import JSON

/// A JSONPath as written in a definition, kept with its source text.
///
/// AWS quotes the path exactly as the user wrote it in runtime error causes
/// (`The JSONPath '$.x' specified for the field 'value.$' could not be found…`),
/// so the text travels with the compiled path.
public struct StatesPath: Sendable {
    /// The path as written (`$.detail.id`, `$$.Execution.Input`, `$myVar.x`).
    public let text: String
    /// The compiled path.
    public let jsonPath: JSONPath

    /// Compiles `text`, or throws the JSONPath module's error.
    public init(_ text: String) throws(JSONPathError) {
        self.text = text
        self.jsonPath = try JSONPath(text)
    }

    /// Whether this is the identity path `$`, which the core short-circuits.
    public var isIdentity: Bool { text == "$" }
}
