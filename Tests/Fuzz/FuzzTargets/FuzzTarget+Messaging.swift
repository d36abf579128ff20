import JSON
import Messaging

extension FuzzTarget {
    /// A pattern that compiles is matched against the event two ways, by the pattern
    /// alone and by a `RuleMatcher` holding it, and both must agree; the same text is
    /// also read as an SNS filter policy of either scope.
    static func eventPattern(_ input: FuzzInput) {
        let text = input.firstText
        let event = input.second.flatMap { try? JSONParser.parse(bytes: $0) } ?? .object([:])
        for scope in FilterPolicy.Scope.allCases {
            guard let policy = try? FilterPolicy(parsing: text, scope: scope) else { continue }
            _ = policy.matches(body: input.secondText ?? "{}", attributes: Self.attributes(of: event))
        }
        guard let pattern = try? EventPattern(parsing: text) else { return }
        let alone = pattern.matches(event)
        var matcher = RuleMatcher()
        matcher.add(rule: "fuzz", pattern: pattern)
        let byMatcher = matcher.matches(event) == ["fuzz"]
        precondition(alone == byMatcher, "EventPattern says \(alone), RuleMatcher says \(byMatcher) for \(text)")
        matcher.remove(rule: "fuzz")
        precondition(matcher.matches(event).isEmpty, "a removed rule still matches")
    }

    /// The event's top-level members as SNS message attributes, so a filter policy of
    /// scope `MessageAttributes` has something to read.
    static func attributes(of event: JSONValue) -> [String: FilterPolicy.AttributeValue] {
        guard case .object(let members) = event else { return [:] }
        var attributes: [String: FilterPolicy.AttributeValue] = [:]
        for (name, value) in members.entries {
            switch value {
            case .string(let text): attributes[name] = .string(text)
            case .integer, .double: attributes[name] = .number(value.serialized(pretty: false))
            case .array: attributes[name] = .stringArray(value.serialized(pretty: false))
            default: attributes[name] = .binary
            }
        }
        return attributes
    }

    /// A form body is decoded and read the way the SNS actions read it: maps, lists of
    /// structures and lists of strings under every top-level name it carries.
    static func snsQuery(_ input: FuzzInput) {
        guard let query = try? QueryParameters(formEncoded: input.bytes) else { return }
        var members = Set<String>()
        for name in query.values.keys {
            members.insert(String(name.prefix { $0 != "." }))
        }
        for member in members {
            _ = query.contains(member)
            _ = query.strings(member)
            _ = query.structures(member)
            _ = try? query.stringMap(member)
            if let map = try? query.structureMap(member) {
                let attributes = map.map { pair in
                    (
                        name: pair.key,
                        value: MessageAttribute(
                            dataType: pair.value["DataType"] ?? "", stringValue: pair.value["StringValue"],
                            binaryValue: pair.value["BinaryValue"])
                    )
                }
                _ = try? MessageAttribute.validate(attributes)
            }
        }
    }
}
