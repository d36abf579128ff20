public import JSON

/// A compiled EventBridge event pattern.
///
/// Build one from the pattern's JSON text with ``init(parsing:)``; it refuses what
/// AWS refuses, with AWS's message. Test an event with ``matches(_:)``. To match
/// one event against many patterns at once, put them in a ``RuleMatcher``.
///
/// A pattern is an OR of *branches* (`$or` multiplies them out); a branch is an AND
/// of *field conditions*, one per dotted path (`detail.state`); a condition is an
/// OR of alternatives (`["a", {"prefix": "b"}]`). The event is seen as its leaves:
/// each string, number, boolean or null with the dotted path of the object keys
/// above it (array positions are not part of the path, so an array's elements all
/// sit at the array's path).
///
/// ```swift
/// let pattern = try EventPattern(parsing: #"{"detail": {"state": [{"anything-but": "stopped"}]}}"#)
/// pattern.matches(try JSONParser.parse(#"{"detail": {"state": "running"}}"#))  // true
/// ```
///
/// ## Topics
/// - ``init(parsing:)``
/// - ``matches(_:)``
/// - ``RuleMatcher``
public struct EventPattern: Sendable, Hashable {
    /// The pattern text it was compiled from.
    public let text: String
    let branches: [PatternBranch]

    /// Compiles pattern text.
    ///
    /// - Throws: ``EventBridgeError`` with code `InvalidEventPatternException` and
    ///   AWS's message (`Event pattern is not valid. Reason: …`) for malformed JSON,
    ///   a pattern that is not an object, a leaf that is not an array, an unknown or
    ///   malformed operator, and a wildcard set that is too complex.
    public init(parsing text: String) throws(EventBridgeError) {
        var compiler = PatternCompiler(text: text)
        let rules = try compiler.compile()
        var branches: [PatternBranch] = []
        for rule in rules {
            let conditions = rule.map { FieldCondition(path: $0.key, matchers: $0.value) }.sorted { $0.path < $1.path }
            for condition in conditions {
                let wildcards = condition.matchers.flatMap { matcher -> [WildcardPattern] in
                    switch matcher {
                    case .wildcard(let pattern): return [pattern]
                    case .anythingBut(.wildcards(let patterns)): return patterns
                    default: return []
                    }
                }
                if !wildcards.isEmpty, WildcardPattern.complexity(of: wildcards) > WildcardPattern.complexityLimit {
                    throw .invalidPattern(
                        "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character"
                    )
                }
            }
            branches.append(PatternBranch(conditions: conditions))
        }
        self.text = text
        self.branches = branches
    }

    /// Whether the event (a JSON object) matches.
    public func matches(_ event: JSONValue) -> Bool {
        matches(FlattenedEvent(event))
    }

    /// Whether an already flattened event matches; flatten once to test many patterns.
    public func matches(_ event: FlattenedEvent) -> Bool {
        branches.contains { $0.matches(event) }
    }

    /// The dotted field paths the pattern looks at.
    public var fieldPaths: Set<String> {
        Set(branches.flatMap { $0.conditions.map(\.path) })
    }

    /// Patterns are equal when they compile to the same conditions, whatever their spelling.
    public static func == (lhs: EventPattern, rhs: EventPattern) -> Bool { lhs.branches == rhs.branches }
    public func hash(into hasher: inout Hasher) { hasher.combine(branches) }
}

/// One way to satisfy a pattern: every condition must hold.
struct PatternBranch: Hashable, Sendable {
    /// Sorted by path; paths are unique within a branch.
    let conditions: [FieldCondition]

    /// Whether the event satisfies every condition with leaves that can stand
    /// together: leaves from different elements of one array never combine, so
    /// `{"a": [{"b": 1, "c": 1}, {"b": 2, "c": 2}]}` matches `b = 1 AND c = 1` but not
    /// `b = 1 AND c = 2` (event-ruler's array consistency).
    func matches(_ event: FlattenedEvent) -> Bool {
        var chosen: [ArraySteps] = []
        return satisfy(from: 0, event: event, chosen: &chosen)
    }

    private func satisfy(from index: Int, event: FlattenedEvent, chosen: inout [ArraySteps]) -> Bool {
        guard index < conditions.count else { return true }
        let condition = conditions[index]
        let leaves = event.leaves(at: condition.path)
        if leaves.isEmpty {
            return condition.allowsAbsence && satisfy(from: index + 1, event: event, chosen: &chosen)
        }
        for leaf in leaves where condition.accepts(leaf.value) {
            if event.hasObjectArrays {
                guard chosen.allSatisfy({ $0.isCompatible(with: leaf.steps) }) else { continue }
                chosen.append(leaf.steps)
                defer { chosen.removeLast() }
                if satisfy(from: index + 1, event: event, chosen: &chosen) { return true }
            } else if satisfy(from: index + 1, event: event, chosen: &chosen) {
                return true
            }
        }
        return false
    }
}

/// The alternatives for one field path.
struct FieldCondition: Hashable, Sendable {
    let path: String
    let matchers: [ValueMatcher]

    /// `{"exists": false}` among the alternatives: a field with no leaf satisfies it.
    var allowsAbsence: Bool { matchers.contains(.exists(false)) }

    func accepts(_ value: EventValue) -> Bool {
        matchers.contains { $0.accepts(value) }
    }
}
