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
    private struct Condition: Sendable {
        let field: Int
        let condition: FieldCondition
        /// Branches (by id) that contain this condition.
        var branches: [Int]
    }

    private struct Rule: Sendable {
        let name: String
        let pattern: EventPattern
        let branches: [Int]
    }

    private struct ConditionKey: Hashable {
        let field: Int
        let condition: FieldCondition
    }

    // Bookkeeping for add and remove.
    private var fieldIDs: [String: Int] = [:]
    private var conditionSlots: [Condition?] = []
    private var conditionIDs: [ConditionKey: Int] = [:]
    private var freeConditions: [Int] = []
    private var branchSlots: [[Int]?] = []
    private var freeBranches: [Int] = []
    private var ruleSlots: [Rule?] = []
    private var ruleIDs: [String: Int] = [:]
    private var freeRules: [Int] = []

    // What matching reads, as flat arrays indexed by id (no per-leaf reference counting).
    private(set) var paths = PathTrie()
    private(set) var fields: [FieldIndex] = []
    /// Per condition: its field, whether a missing field satisfies it, the branches it counts towards.
    private(set) var conditionField: [Int32] = []
    private(set) var conditionAllowsAbsence: [Bool] = []
    private(set) var conditionCounts = FlatLists()
    /// Per branch: its rule, how many counted conditions it needs, its `exists: false` conditions.
    private(set) var branchRule: [Int32] = []
    private(set) var branchNeeds: [Int32] = []
    private(set) var branchAbsence = FlatLists()
    private(set) var ruleNamesByID: [String] = []
    /// Branches with no counted condition: checked for every event.
    private(set) var unconditionalBranches: [Int32] = []

    /// A matcher with no rules.
    public init() {}

    /// The number of rules held.
    public var count: Int { ruleIDs.count }

    /// The names of the rules held.
    public var ruleNames: [String] { Array(ruleIDs.keys) }

    /// The pattern a rule was added with.
    public func pattern(of rule: String) -> EventPattern? {
        ruleIDs[rule].flatMap { ruleSlots[$0]?.pattern }
    }

    /// Adds a rule, or replaces the pattern of a rule with that name (as `PutRule` does).
    ///
    /// Cost: proportional to the pattern's size (its conditions are interned and indexed).
    public mutating func add(rule name: String, pattern: EventPattern) {
        remove(rule: name)
        let ruleID = Self.allocate(&ruleSlots, free: &freeRules)
        Self.fit(&ruleNamesByID, ruleID + 1, "")
        ruleNamesByID[ruleID] = name
        var branchIDs: [Int] = []
        for branch in pattern.branches {
            let branchID = Self.allocate(&branchSlots, free: &freeBranches)
            Self.fit(&branchRule, branchID + 1, -1)
            Self.fit(&branchNeeds, branchID + 1, 0)
            var conditionIDs: [Int] = []
            var needs: Int32 = 0
            var absence: [Int32] = []
            for condition in branch.conditions {
                let id = intern(condition, branch: branchID)
                conditionIDs.append(id)
                if condition.allowsAbsence { absence.append(Int32(id)) } else { needs += 1 }
            }
            branchSlots[branchID] = conditionIDs
            branchRule[branchID] = Int32(ruleID)
            branchNeeds[branchID] = needs
            branchAbsence.removeAll(from: branchID)
            for condition in absence { branchAbsence.append(condition, to: branchID) }
            if needs == 0 { unconditionalBranches.append(Int32(branchID)) }
            branchIDs.append(branchID)
        }
        ruleSlots[ruleID] = Rule(name: name, pattern: pattern, branches: branchIDs)
        ruleIDs[name] = ruleID
    }

    /// Removes a rule; removing an unknown name does nothing.
    ///
    /// Cost: proportional to the rule's size and the index lists it appears in.
    public mutating func remove(rule name: String) {
        guard let ruleID = ruleIDs.removeValue(forKey: name), let rule = ruleSlots[ruleID] else { return }
        for branchID in rule.branches {
            guard let conditionIDs = branchSlots[branchID] else { continue }
            for conditionID in conditionIDs { release(conditionID, branch: branchID) }
            branchSlots[branchID] = nil
            branchRule[branchID] = -1
            branchNeeds[branchID] = 0
            branchAbsence.removeAll(from: branchID)
            freeBranches.append(branchID)
            unconditionalBranches.removeAll { $0 == Int32(branchID) }
        }
        ruleSlots[ruleID] = nil
        ruleNamesByID[ruleID] = ""
        freeRules.append(ruleID)
    }

    private static func allocate<T>(_ slots: inout [T?], free: inout [Int]) -> Int {
        if let id = free.popLast() { return id }
        slots.append(nil)
        return slots.count - 1
    }

    private static func fit<T>(_ array: inout [T], _ count: Int, _ filler: T) {
        if array.count < count { array.append(contentsOf: repeatElement(filler, count: count - array.count)) }
    }

    /// The field's index, copied first if another matcher value shares it.
    private mutating func uniqueField(_ field: Int) -> FieldIndex {
        if !isKnownUniquelyReferenced(&fields[field]) { fields[field] = fields[field].copy() }
        return fields[field]
    }

    private mutating func intern(_ condition: FieldCondition, branch: Int) -> Int {
        let field = fieldID(for: condition.path)
        let key = ConditionKey(field: field, condition: condition)
        if let id = conditionIDs[key] {
            conditionSlots[id]?.branches.append(branch)
            if !condition.allowsAbsence { conditionCounts.append(Int32(branch), to: id) }
            return id
        }
        let id = Self.allocate(&conditionSlots, free: &freeConditions)
        conditionSlots[id] = Condition(field: field, condition: condition, branches: [branch])
        conditionIDs[key] = id
        Self.fit(&conditionField, id + 1, -1)
        Self.fit(&conditionAllowsAbsence, id + 1, false)
        conditionField[id] = Int32(field)
        conditionAllowsAbsence[id] = condition.allowsAbsence
        conditionCounts.removeAll(from: id)
        if !condition.allowsAbsence { conditionCounts.append(Int32(branch), to: id) }
        uniqueField(field).insert(condition.matchers, condition: id)
        return id
    }

    private mutating func release(_ id: Int, branch: Int) {
        guard var condition = conditionSlots[id] else { return }
        if let position = condition.branches.firstIndex(of: branch) { condition.branches.remove(at: position) }
        conditionCounts.remove(Int32(branch), from: id)
        if condition.branches.isEmpty {
            uniqueField(condition.field).remove(condition.condition.matchers, condition: id)
            conditionIDs[ConditionKey(field: condition.field, condition: condition.condition)] = nil
            conditionSlots[id] = nil
            conditionCounts.removeAll(from: id)
            freeConditions.append(id)
        } else {
            conditionSlots[id] = condition
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

    /// The conditions of a branch with their field and matchers, for the leaf-by-leaf check.
    func branchConditions(_ branch: Int) -> [(field: Int, condition: FieldCondition)] {
        (branchSlots[branch] ?? []).compactMap { id in conditionSlots[id].map { ($0.field, $0.condition) } }
    }

    var conditionCapacity: Int { conditionSlots.count }
    var branchCapacity: Int { branchSlots.count }
    var ruleCapacity: Int { ruleSlots.count }

    /// The names of the rules the event (JSON text) matches, in no particular order.
    ///
    /// Only the fields some rule tests are decoded; the rest of the text is skipped.
    ///
    /// - Throws: ``EventBridgeError`` (`ValidationException`) when the text is not JSON.
    public func matches(eventJSON text: String, scratch: inout Scratch) throws(EventBridgeError) -> [String] {
        scratch.begin(self)
        var text = text
        let wellFormed = text.withUTF8 { bytes in
            var scanner = EventScanner(bytes: bytes, paths: paths)
            let wellFormed = scanner.scan(into: &scratch.leaves)
            scratch.hasObjectArrays = scanner.hasObjectArrays
            return wellFormed
        }
        guard wellFormed else { throw .validation("Event is not valid JSON.") }
        return scratch.match(self)
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
        walker.walk(event, into: &scratch.leaves)
        scratch.hasObjectArrays = walker.hasObjectArrays
        return scratch.match(self)
    }

    /// ``matches(_:scratch:)`` with a fresh scratch area.
    public func matches(_ event: JSONValue) -> [String] {
        var scratch = Scratch()
        return matches(event, scratch: &scratch)
    }
}
