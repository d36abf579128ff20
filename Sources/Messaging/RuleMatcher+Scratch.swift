extension RuleMatcher {
    /// Per-event working memory for ``RuleMatcher``, reused across events so that
    /// matching does not allocate.
    ///
    /// Marks are generation stamps: starting an event bumps the generation instead
    /// of clearing arrays. One scratch serves one matching call at a time; give each
    /// thread its own.
    public struct Scratch: Sendable {
        private var generation: UInt32 = 0
        private var conditionMark: [UInt32] = []
        private var exclusionMark: [UInt32] = []
        private var exclusionGeneration: UInt32 = 0
        private var branchMark: [UInt32] = []
        private var branchCount: [Int32] = []
        private var fieldMark: [UInt32] = []
        private var ruleMark: [UInt32] = []
        private var candidates: [Int] = []
        private var leaves: [(field: Int, value: EventValue, steps: ArraySteps)] = []
        var hasObjectArrays = false

        public init() {}

        mutating func begin(_ matcher: RuleMatcher) {
            func fit(_ marks: inout [UInt32], _ count: Int) {
                if marks.count < count { marks.append(contentsOf: repeatElement(0, count: count - marks.count)) }
            }
            if generation == UInt32.max {
                self = Scratch()
            }
            generation += 1
            fit(&conditionMark, matcher.conditions.count)
            fit(&exclusionMark, matcher.conditions.count)
            fit(&branchMark, matcher.branches.count)
            if branchCount.count < matcher.branches.count {
                branchCount.append(contentsOf: repeatElement(0, count: matcher.branches.count - branchCount.count))
            }
            fit(&fieldMark, matcher.fields.count)
            fit(&ruleMark, matcher.rules.count)
            candidates.removeAll(keepingCapacity: true)
            leaves.removeAll(keepingCapacity: true)
            hasObjectArrays = false
        }

        /// One leaf of a field some rule tests.
        @inline(__always)
        mutating func visit(field: Int, value: EventValue, steps: ArraySteps, in matcher: RuleMatcher) {
            let index = matcher.fields[field]
            if fieldMark[field] != generation {
                fieldMark[field] = generation
                for condition in index.present { satisfy(condition, in: matcher) }
            }
            leaves.append((field, value, steps))
            index.forEachSatisfied(by: value) { satisfy($0, in: matcher) }
            if index.hasAnythingBut {
                if exclusionGeneration == UInt32.max {
                    exclusionGeneration = 0
                    for position in exclusionMark.indices { exclusionMark[position] = 0 }
                }
                exclusionGeneration += 1
                let stamp = exclusionGeneration
                index.excluded(by: value) { exclusionMark[$0] = stamp }
                for condition in index.anythingBut where exclusionMark[condition] != stamp { satisfy(condition, in: matcher) }
            }
        }

        @inline(__always)
        private mutating func satisfy(_ conditionID: Int, in matcher: RuleMatcher) {
            guard conditionMark[conditionID] != generation else { return }
            conditionMark[conditionID] = generation
            guard let condition = matcher.conditions[conditionID], !condition.condition.allowsAbsence else { return }
            for branchID in condition.branches {
                if branchMark[branchID] != generation {
                    branchMark[branchID] = generation
                    branchCount[branchID] = 0
                }
                branchCount[branchID] += 1
                if let branch = matcher.branches[branchID], branchCount[branchID] == branch.positiveCount {
                    candidates.append(branchID)
                }
            }
        }

        /// The names of the rules with a complete branch.
        mutating func finish(_ matcher: RuleMatcher) -> [String] {
            var names: [String] = []
            for branchID in candidates { accept(branchID, in: matcher, into: &names) }
            for branchID in matcher.unconditionalBranches { accept(branchID, in: matcher, into: &names) }
            return names
        }

        private mutating func accept(_ branchID: Int, in matcher: RuleMatcher, into names: inout [String]) {
            guard let branch = matcher.branches[branchID], ruleMark[branch.rule] != generation else { return }
            for conditionID in branch.absenceConditions {
                guard let condition = matcher.conditions[conditionID] else { return }
                let satisfied = conditionMark[conditionID] == generation
                let absent = fieldMark[condition.field] != generation
                guard satisfied || absent else { return }
            }
            if hasObjectArrays, !isConsistent(branch, in: matcher) { return }
            ruleMark[branch.rule] = generation
            if let rule = matcher.rules[branch.rule] { names.append(rule.name) }
        }

        /// Re-checks a branch leaf by leaf, keeping leaves from different elements of
        /// one array apart (needed only when the event has arrays of objects).
        private func isConsistent(_ branch: Branch, in matcher: RuleMatcher) -> Bool {
            let conditions = branch.conditions.compactMap { matcher.conditions[$0] }
            var chosen: [ArraySteps] = []
            func satisfy(_ index: Int) -> Bool {
                guard index < conditions.count else { return true }
                let condition = conditions[index]
                let candidates = leaves.filter { $0.field == condition.field }
                if candidates.isEmpty { return condition.condition.allowsAbsence && satisfy(index + 1) }
                for leaf in candidates where condition.condition.accepts(leaf.value) {
                    guard chosen.allSatisfy({ $0.isCompatible(with: leaf.steps) }) else { continue }
                    chosen.append(leaf.steps)
                    if satisfy(index + 1) { return true }
                    chosen.removeLast()
                }
                return false
            }
            return satisfy(0)
        }
    }
}
