public import JSON

/// A field of a JSONata state (`Output`, `Arguments`, `Assign`, `Items`, …)
/// compiled at parse time: strings written `{% expression %}` are JSONata
/// expressions, everything else is copied as written, and objects and arrays
/// may hold expressions at any depth.
public indirect enum JSONataTemplate: Sendable {
    case constant(JSONValue)
    case expression(JSONataExpression)
    case object([(key: String, value: JSONataTemplate)])
    case array([JSONataTemplate])

    /// Compiles `value`.
    ///
    /// - Throws: ``JSONataError`` for an expression with a syntax error, and the
    ///   JSON pointer (below the field) of the string that holds it.
    public static func compile(_ value: JSONValue) throws(JSONataTemplateError) -> JSONataTemplate {
        switch value {
        case .string(let text):
            guard let inner = expressionText(text) else { return .constant(value) }
            do {
                return .expression(try JSONataExpression(inner))
            } catch {
                throw JSONataTemplateError(pointer: "", expression: inner, error: error)
            }
        case .object(let object):
            var members: [(key: String, value: JSONataTemplate)] = []
            var dynamic = false
            for (key, member) in object.entries {
                do {
                    let compiled = try compile(member)
                    if case .constant = compiled {} else { dynamic = true }
                    members.append((key, compiled))
                } catch {
                    throw JSONataTemplateError(pointer: "/\(key)" + error.pointer, expression: error.expression, error: error.error)
                }
            }
            return dynamic ? .object(members) : .constant(value)
        case .array(let items):
            var compiled: [JSONataTemplate] = []
            var dynamic = false
            for (index, item) in items.enumerated() {
                do {
                    let element = try compile(item)
                    if case .constant = element {} else { dynamic = true }
                    compiled.append(element)
                } catch {
                    throw JSONataTemplateError(pointer: "/\(index)" + error.pointer, expression: error.expression, error: error.error)
                }
            }
            return dynamic ? .array(compiled) : .constant(value)
        default:
            return .constant(value)
        }
    }

    /// The expression inside `{% … %}`, trimmed, or `nil` for a plain string.
    static func expressionText(_ text: String) -> String? {
        guard text.hasPrefix("{%"), text.hasSuffix("%}"), text.count >= 4 else { return nil }
        let inner = text.dropFirst(2).dropLast(2)
        return String(inner.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

/// A `{% … %}` string that is not valid JSONata, and where it is.
public struct JSONataTemplateError: Error, Sendable {
    /// The JSON pointer of the string below the field (empty for the field itself).
    public var pointer: String
    public var expression: String
    public var error: JSONataError
}

/// The JSONata-only fields of a state in JSONata mode, each compiled.
public struct JSONataFields: Sendable {
    public var arguments: JSONataTemplate?
    public var output: JSONataTemplate?
    public var assign: JSONataTemplate?
    public var items: JSONataTemplate?
    public var itemSelector: JSONataTemplate?
    public var maxConcurrency: JSONataTemplate?
    public var toleratedFailureCount: JSONataTemplate?
    public var toleratedFailurePercentage: JSONataTemplate?
    public var seconds: JSONataTemplate?
    public var timestamp: JSONataTemplate?
    public var error: JSONataTemplate?
    public var cause: JSONataTemplate?
    public var timeoutSeconds: JSONataTemplate?
    public var heartbeatSeconds: JSONataTemplate?
    /// A Choice state's rules: `Condition`, `Next`, and the rule's own `Assign`/`Output`.
    public var choices: [JSONataChoice] = []

    public init() {}
}

/// One rule of a JSONata Choice state.
public struct JSONataChoice: Sendable {
    public var condition: JSONataTemplate
    public var next: String
    public var assign: JSONataTemplate?
    public var output: JSONataTemplate?
}
