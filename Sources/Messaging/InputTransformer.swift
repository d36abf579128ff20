public import JSON

/// An `InputTransformer`: named JSON paths into the event (`InputPathsMap`) and a
/// template (`InputTemplate`) with `<name>` placeholders.
///
/// Two kinds of template, as in EventBridge:
/// - A **JSON template** (it starts with `{` or `[`): a placeholder outside quotes
///   becomes the value as JSON (`<id>` → `"abc"`, an object stays an object); inside
///   a quoted string a string value goes in without quotes and any other value as
///   its JSON text. The result must be JSON; when it is not (an object inserted
///   inside quotes), nothing is delivered.
/// - A **string template** (anything else, normally a quoted string): every value
///   goes in as text; strings without quotes, objects and arrays as their JSON with
///   the quotes removed (`{acc_id:1,sf_id:baz}`, `[HIGH,LOW]`).
///
/// A path that selects nothing gives an empty string. The predefined variables
/// `<aws.events.rule-name>`, `<aws.events.rule-arn>`,
/// `<aws.events.event.ingestion-time>`, `<aws.events.event>` (the envelope without
/// `detail`, with `detail-type` spelled `detailType`) and `<aws.events.event.json>`
/// (the whole event) need no entry in the map.
public struct InputTransformer: Sendable, Hashable {
    /// AWS's limit on `InputPathsMap` entries.
    public static let maximumPaths = 100
    /// AWS's limit on `InputTemplate`.
    public static let maximumTemplateLength = 8192
    /// The variables every template may use.
    public static let predefinedVariables: Set<String> = [
        "aws.events.rule-name", "aws.events.rule-arn", "aws.events.event.ingestion-time", "aws.events.event", "aws.events.event.json",
    ]

    /// The map's names and paths, in the order given.
    public let paths: [(name: String, path: JSONPath)]
    /// The `InputTemplate` text.
    public let template: String
    private let pieces: [TemplatePiece]
    private let isJSONTemplate: Bool

    /// Validates the transformer as `PutTargets` does.
    ///
    /// - Throws: ``EventBridgeError`` (`ValidationException`): a template placeholder
    ///   that is neither in the map nor predefined (AWS: "InputTemplate for target T
    ///   contains invalid placeholder NAME."), more than 100 paths, a name starting
    ///   with `aws.`, a path that does not parse, a template that is empty or over
    ///   8192 characters.
    public init(targetId: String, inputPathsMap: [(String, String)], inputTemplate: String) throws(EventBridgeError) {
        guard inputPathsMap.count <= Self.maximumPaths else {
            throw .validation("InputPathsMap for target \(targetId) has more than \(Self.maximumPaths) entries.")
        }
        guard !inputTemplate.isEmpty, inputTemplate.utf8.count <= Self.maximumTemplateLength else {
            throw .validation("InputTemplate for target \(targetId) must be 1 to \(Self.maximumTemplateLength) characters long.")
        }
        var paths: [(name: String, path: JSONPath)] = []
        for (name, text) in inputPathsMap {
            if name.lowercased().hasPrefix("aws.") {
                throw .validation("InputPathsMap for target \(targetId) uses the reserved name \(name).")
            }
            paths.append((name, try TargetInput.eventPath(text, targetId: targetId, field: "InputPathsMap value \(name)")))
        }
        let pieces = TemplatePiece.split(inputTemplate)
        let names = Set(paths.map(\.name))
        for case .placeholder(let name, _) in pieces where !names.contains(name) && !Self.predefinedVariables.contains(name) {
            throw .validation("InputTemplate for target \(targetId) contains invalid placeholder \(name).")
        }
        self.paths = paths
        self.template = inputTemplate
        self.pieces = pieces
        let start = inputTemplate.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }.first
        self.isJSONTemplate = start == "{" || start == "["
    }

    /// Fills the template for one event; `nil` when a JSON template does not give JSON.
    public func body(for event: JSONValue, context: TargetInputContext) -> String? {
        var values: [String: JSONValue] = [:]
        for (name, path) in paths {
            values[name] = path.evaluate(event) ?? .string("")
        }
        var output = ""
        for piece in pieces {
            switch piece {
            case .text(let text): output += text
            case .placeholder(let name, let insideString):
                let value = values[name] ?? Self.predefined(name, event: event, context: context)
                output += isJSONTemplate ? Self.jsonText(value, insideString: insideString) : Self.plainText(value)
            }
        }
        if isJSONTemplate, (try? JSONParser.parse(output)) == nil { return nil }
        return output
    }

    /// Transformers are equal when their maps and templates are.
    public static func == (lhs: InputTransformer, rhs: InputTransformer) -> Bool {
        lhs.template == rhs.template && lhs.paths.map(\.name) == rhs.paths.map(\.name) && lhs.paths.map(\.path) == rhs.paths.map(\.path)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(template)
        for (name, path) in paths {
            hasher.combine(name)
            hasher.combine(path)
        }
    }

    private static func predefined(_ name: String, event: JSONValue, context: TargetInputContext) -> JSONValue {
        switch name {
        case "aws.events.rule-name": return .string(context.ruleName)
        case "aws.events.rule-arn": return .string(context.ruleArn)
        case "aws.events.event.ingestion-time": return .string(context.ingestionTime)
        case "aws.events.event.json": return event
        case "aws.events.event":
            guard case .object(let object) = event else { return event }
            var envelope = JSONObject()
            for (key, value) in object.entries where key != "detail" {
                envelope[key == "detail-type" ? "detailType" : key] = value
            }
            return .object(envelope)
        default: return .string("")
        }
    }

    /// A value in a JSON template.
    private static func jsonText(_ value: JSONValue, insideString: Bool) -> String {
        if insideString, case .string(let text) = value { return text }
        return value.serialized
    }

    /// A value in a string template: text, with JSON's quotes removed from structures.
    private static func plainText(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .object, .array: return value.serialized.replacing("\"", with: "")
        default: return value.serialized
        }
    }
}

/// A template cut into literal text and `<name>` placeholders.
enum TemplatePiece: Sendable, Hashable {
    case text(String)
    /// `insideString`: the placeholder sits between JSON string quotes.
    case placeholder(String, insideString: Bool)

    /// Splits at `<name>` (a name has no `<`, `>`, white space or quote), tracking
    /// whether each placeholder is inside a double-quoted string.
    static func split(_ template: String) -> [TemplatePiece] {
        var pieces: [TemplatePiece] = []
        var text = ""
        var insideString = false
        var index = template.startIndex
        while index < template.endIndex {
            let character = template[index]
            if character == "\\", insideString, template.index(after: index) < template.endIndex {
                text.append(character)
                index = template.index(after: index)
                text.append(template[index])
                index = template.index(after: index)
                continue
            }
            if character == "\"" { insideString.toggle() }
            if character == "<", let close = template[index...].firstIndex(of: ">") {
                let name = template[template.index(after: index)..<close]
                if !name.isEmpty, !name.contains(where: { $0 == "<" || $0 == "\"" || $0.isWhitespace }) {
                    if !text.isEmpty { pieces.append(.text(text)) }
                    text = ""
                    pieces.append(.placeholder(String(name), insideString: insideString))
                    index = template.index(after: close)
                    continue
                }
            }
            text.append(character)
            index = template.index(after: index)
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        return pieces
    }
}
