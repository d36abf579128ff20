public import JSON
import Memberwise

/// What a rule's target receives for a matched event: the event itself, a constant
/// (`Input`), a part of the event (`InputPath`), or a template filled from it
/// (`InputTransformer`), as EventBridge applies them.
///
/// Build it once from the target's settings when `PutTargets` stores the target
/// (that is where AWS validates them), then call ``body(for:context:)`` for each
/// delivery.
///
/// ```swift
/// let input = try TargetInput(targetId: "t1", inputPath: "$.detail")
/// input.body(for: event, context: context)   // the detail object, as JSON text
/// ```
public enum TargetInput: Sendable, Hashable {
    /// No input setting: the whole event, as JSON.
    case event
    /// `Input`: this JSON text, whatever the event.
    case constant(String)
    /// `InputPath`: the part of the event the path selects.
    case path(JSONPath)
    /// `InputTransformer`.
    case transformer(InputTransformer)

    /// AWS's limit on `InputPath` and each `InputPathsMap` path.
    public static let maximumPathLength = 256
    /// AWS's limit on `Input`.
    public static let maximumInputLength = 8192

    /// Validates a target's input settings as `PutTargets` does.
    ///
    /// - Throws: ``EventBridgeError`` (`ValidationException`) when more than one of
    ///   the three is given, `Input` is not JSON, a path does not parse, or the
    ///   transformer is invalid (see ``InputTransformer/init(targetId:inputPathsMap:inputTemplate:)``).
    public init(
        targetId: String,
        input: String? = nil,
        inputPath: String? = nil,
        inputTransformer: (inputPathsMap: [(String, String)], inputTemplate: String)? = nil
    ) throws(EventBridgeError) {
        let given = [input != nil, inputPath != nil, inputTransformer != nil].filter { $0 }.count
        if given > 1 {
            throw .validation("Only one of Input, InputPath, or InputTransformer must be provided for target \(targetId).")
        }
        if let input {
            guard input.utf8.count <= Self.maximumInputLength else {
                throw .validation("Input for target \(targetId) is longer than \(Self.maximumInputLength) characters.")
            }
            guard (try? JSONParser.parse(input)) != nil else { throw .validation("Input for target \(targetId) is not valid JSON.") }
            self = .constant(input)
        } else if let inputPath {
            self = .path(try Self.eventPath(inputPath, targetId: targetId, field: "InputPath"))
        } else if let inputTransformer {
            self = .transformer(
                try InputTransformer(
                    targetId: targetId,
                    inputPathsMap: inputTransformer.inputPathsMap,
                    inputTemplate: inputTransformer.inputTemplate
                )
            )
        } else {
            self = .event
        }
    }

    /// The body delivered to the target, or `nil` when AWS delivers nothing (an
    /// `InputPath` that selects nothing, a JSON template whose result is not JSON).
    public func body(for event: JSONValue, context: TargetInputContext) -> String? {
        switch self {
        case .event: return event.serialized
        case .constant(let text): return text
        case .path(let path): return path.evaluate(event)?.serialized
        case .transformer(let transformer): return transformer.body(for: event, context: context)
        }
    }

    /// Parses a path that reads the event (`$…`), with the target's error wording.
    static func eventPath(_ text: String, targetId: String, field: String) throws(EventBridgeError) -> JSONPath {
        guard text.utf8.count <= maximumPathLength else {
            throw .validation("\(field) for target \(targetId) is longer than \(maximumPathLength) characters.")
        }
        let path: JSONPath
        do { path = try JSONPath(text) } catch { throw .validation("\(field) for target \(targetId) is not a valid JSON path: \(error).") }
        guard path.root == .input else { throw .validation("\(field) for target \(targetId) must start with '$.'.") }
        return path
    }
}

/// The values of the predefined template variables that do not come from the
/// event: the Engine knows the rule and when the event was ingested.
@MemberwiseInit(.public)
public struct TargetInputContext: Sendable, Hashable {
    /// `<aws.events.rule-name>`.
    public var ruleName: String
    /// `<aws.events.rule-arn>`: `arn:aws:events:REGION:ACCOUNT:rule/NAME`, with
    /// `rule/BUS/NAME` on a bus other than `default`.
    public var ruleArn: String
    /// `<aws.events.event.ingestion-time>`: an RFC 3339 timestamp.
    public var ingestionTime: String
}
