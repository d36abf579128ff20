public import JSON
import Runtime

/// A Pipes input template: JSON text with `<$.path>` placeholders filled from one record.
///
/// As in EventBridge Pipes, a placeholder inside a JSON string is replaced by the
/// value's text (a string without its quotes, anything else serialized); one outside
/// a string is replaced by the value's JSON. A path that finds nothing gives `null`
/// (or an empty string inside quotes). The filled text must be JSON.
public struct PipeInputTemplate: Sendable, Hashable {
    package enum Piece: Sendable, Hashable {
        case text(String)
        case value(JSONPath, quoted: Bool)
    }

    public let text: String
    package let pieces: [Piece]

    /// Parses the template.
    /// - Throws: ``PipeConfigurationError`` naming an unterminated placeholder or a bad path.
    public init(_ text: String) throws {
        self.text = text
        var pieces: [Piece] = []
        var literal = ""
        var inString = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "<", text[text.index(after: index)...].hasPrefix("$") {
                guard let close = text[index...].firstIndex(of: ">") else {
                    throw PipeConfigurationError("inputTemplate: the placeholder at offset \(text.distance(from: text.startIndex, to: index)) has no closing '>'")
                }
                let pathText = String(text[text.index(after: index)..<close])
                let path: JSONPath
                do { path = try JSONPath(pathText) } catch {
                    throw PipeConfigurationError("inputTemplate: \(pathText) is not a JSONPath: \(error)")
                }
                pieces.append(.text(literal))
                literal = ""
                pieces.append(.value(path, quoted: inString))
                index = text.index(after: close)
                continue
            }
            if character == "\\", inString {
                literal.append(character)
                index = text.index(after: index)
                if index < text.endIndex { literal.append(text[index]) }
                index = index < text.endIndex ? text.index(after: index) : index
                continue
            }
            if character == "\"" { inString.toggle() }
            literal.append(character)
            index = text.index(after: index)
        }
        pieces.append(.text(literal))
        self.pieces = pieces
    }

    /// The template filled from `record`.
    /// - Throws: ``PipeConfigurationError`` when the filled text is not JSON.
    public func apply(to record: JSONValue) throws -> JSONValue {
        var output = ""
        for piece in pieces {
            switch piece {
            case .text(let text): output += text
            case .value(let path, let quoted):
                let value = path.evaluate(record)
                if quoted {
                    let raw: String
                    switch value {
                    case .string(let string)?: raw = string
                    case nil, .null?: raw = ""
                    case let other?: raw = other.serialized
                    }
                    // Escape as JSON does, without the surrounding quotes.
                    output += String(JSONValue.string(raw).serialized.dropFirst().dropLast())
                } else {
                    output += (value ?? .null).serialized
                }
            }
        }
        do { return try JSONParser.parse(output) } catch {
            throw PipeConfigurationError("inputTemplate \(text) does not give JSON (\(output)): \(error)")
        }
    }
}
