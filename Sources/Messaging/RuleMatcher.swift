public import JSON

/// Many compiled patterns, each under a rule name, matched against an event in
/// one pass whose cost follows the event's size and the conditions it satisfies,
/// not the number of rules.
///
/// How: every distinct field condition of every rule is indexed once by its field
/// path and value (exact strings and numbers in hash tables, prefixes in a byte
/// trie, `anything-but` sets as "all but these"). The event is scanned once; only
/// fields some rule looks at are read. Each leaf marks the conditions it
/// satisfies, each newly satisfied condition counts towards the pattern branches
/// that need it, and a branch whose count is complete matches once its
/// `exists: false` conditions and array consistency are checked. It gives exactly
/// the answers of ``EventPattern/matches(_:)`` for each rule.
///
/// ```swift
/// var matcher = RuleMatcher()
/// try matcher.add(rule: "transcode-failed", pattern: EventPattern(parsing: patternText))
/// let names = try matcher.matches(eventJSON: text)   // ["transcode-failed"]
/// matcher.remove(rule: "transcode-failed")
/// ```
///
/// It is a value type: build and update it in one place (the Engine's rule view)
/// and share copies freely. Matching reuses a ``Scratch`` so that it allocates
/// almost nothing per event; the convenience methods make a fresh one.
///
/// ## Topics
/// - ``add(rule:pattern:)``
/// - ``remove(rule:)``
/// - ``matches(eventJSON:scratch:)``
/// - ``matches(_:scratch:)``
public struct RuleMatcher: Sendable {
    struct Condition: Sendable {
        let field: Int
        let condition: FieldCondition
        /// Branches (by id) that contain this condition.
        var branches: [Int]
    }

    struct Branch: Sendable {
        let rule: Int
        /// Condition ids, one per field path.
        let conditions: [Int]
        /// How many of them must be satisfied by a leaf (those without `exists: false`).
        let positiveCount: Int
        /// The conditions a missing field also satisfies.
        let absenceConditions: [Int]
    }

    struct Rule: Sendable {
        let name: String
        let pattern: EventPattern
        let branches: [Int]
    }

    private struct ConditionKey: Hashable {
        let field: Int
        let condition: FieldCondition
    }

    private(set) var fieldIDs: [String: Int] = [:]
    private(set) var fields: [FieldIndex] = []
    private(set) var paths = PathTrie()
    private(set) var conditions: [Condition?] = []
    private var conditionIDs: [ConditionKey: Int] = [:]
    private var freeConditions: [Int] = []
    private(set) var branches: [Branch?] = []
    private var freeBranches: [Int] = []
    private(set) var rules: [Rule?] = []
    private var ruleIDs: [String: Int] = [:]
    private var freeRules: [Int] = []
    /// Branches with no positive condition: checked for every event.
    private(set) var unconditionalBranches: Set<Int> = []

    public init() {}

    /// The number of rules held.
    public var count: Int { ruleIDs.count }

    /// The names of the rules held.
    public var ruleNames: [String] { Array(ruleIDs.keys) }

    /// The pattern a rule was added with.
    public func pattern(of rule: String) -> EventPattern? {
        ruleIDs[rule].flatMap { rules[$0]?.pattern }
    }

    /// Adds a rule, or replaces the pattern of a rule with that name (as `PutRule` does).
    public mutating func add(rule name: String, pattern: EventPattern) {
        remove(rule: name)
        let ruleID = allocate(&rules, free: &freeRules)
        var branchIDs: [Int] = []
        for branch in pattern.branches {
            let branchID = allocate(&branches, free: &freeBranches)
            var conditionIDs: [Int] = []
            var positive = 0
            var absence: [Int] = []
            for condition in branch.conditions {
                let id = intern(condition, branch: branchID)
                conditionIDs.append(id)
                if condition.allowsAbsence { absence.append(id) } else { positive += 1 }
            }
            branches[branchID] = Branch(rule: ruleID, conditions: conditionIDs, positiveCount: positive, absenceConditions: absence)
            if positive == 0 { unconditionalBranches.insert(branchID) }
            branchIDs.append(branchID)
        }
        rules[ruleID] = Rule(name: name, pattern: pattern, branches: branchIDs)
        ruleIDs[name] = ruleID
    }

    /// Removes a rule; removing an unknown name does nothing.
    public mutating func remove(rule name: String) {
        guard let ruleID = ruleIDs.removeValue(forKey: name), let rule = rules[ruleID] else { return }
        for branchID in rule.branches {
            guard let branch = branches[branchID] else { continue }
            for conditionID in branch.conditions { release(conditionID, branch: branchID) }
            branches[branchID] = nil
            freeBranches.append(branchID)
            unconditionalBranches.remove(branchID)
        }
        rules[ruleID] = nil
        freeRules.append(ruleID)
    }

    private func allocate<T>(_ slots: inout [T?], free: inout [Int]) -> Int {
        if let id = free.popLast() { return id }
        slots.append(nil)
        return slots.count - 1
    }

    private mutating func intern(_ condition: FieldCondition, branch: Int) -> Int {
        let field = fieldID(for: condition.path)
        let key = ConditionKey(field: field, condition: condition)
        if let id = conditionIDs[key] {
            conditions[id]?.branches.append(branch)
            return id
        }
        let id = allocate(&conditions, free: &freeConditions)
        conditions[id] = Condition(field: field, condition: condition, branches: [branch])
        conditionIDs[key] = id
        fields[field].insert(condition.matchers, condition: id)
        return id
    }

    private mutating func release(_ id: Int, branch: Int) {
        guard var condition = conditions[id] else { return }
        if let position = condition.branches.firstIndex(of: branch) { condition.branches.remove(at: position) }
        if condition.branches.isEmpty {
            fields[condition.field].remove(condition.condition.matchers, condition: id)
            conditionIDs[ConditionKey(field: condition.field, condition: condition.condition)] = nil
            conditions[id] = nil
            freeConditions.append(id)
        } else {
            conditions[id] = condition
        }
    }

    private mutating func fieldID(for path: String) -> Int {
        if let id = fieldIDs[path] { return id }
        let id = fields.count
        fieldIDs[path] = id
        fields.append(FieldIndex())
        paths.insert(path, field: id)
        return id
    }

    /// The names of the rules the event (JSON text) matches, in no particular order.
    ///
    /// - Throws: ``EventBridgeError`` (`ValidationException`) when the text is not JSON.
    public func matches(eventJSON text: String, scratch: inout Scratch) throws(EventBridgeError) -> [String] {
        scratch.begin(self)
        var text = text
        let scanned = text.withUTF8 { bytes in
            var scanner = EventScanner(bytes: bytes, paths: paths)
            let wellFormed = scanner.scan { field, value, steps in scratch.visit(field: field, value: value, steps: steps, in: self) }
            scratch.hasObjectArrays = scanner.hasObjectArrays
            return wellFormed
        }
        guard scanned else { throw .validation("Event is not valid JSON.") }
        return scratch.finish(self)
    }

    /// ``matches(eventJSON:scratch:)`` with a fresh scratch area.
    public func matches(eventJSON text: String) throws(EventBridgeError) -> [String] {
        var scratch = Scratch()
        return try matches(eventJSON: text, scratch: &scratch)
    }

    /// The names of the rules a parsed event matches, in no particular order.
    public func matches(_ event: JSONValue, scratch: inout Scratch) -> [String] {
        scratch.begin(self)
        var walker = EventWalker(paths: paths)
        walker.walk(event) { field, value, steps in scratch.visit(field: field, value: value, steps: steps, in: self) }
        scratch.hasObjectArrays = walker.hasObjectArrays
        return scratch.finish(self)
    }

    /// ``matches(_:scratch:)`` with a fresh scratch area.
    public func matches(_ event: JSONValue) -> [String] {
        var scratch = Scratch()
        return matches(event, scratch: &scratch)
    }
}
