extension RuleMatcher {
    /// Per-event working memory for ``RuleMatcher``, reused across events so that
    /// matching allocates almost nothing.
    ///
    /// Marks are generation stamps: starting an event bumps the generation instead
    /// of clearing arrays. One scratch serves one matching call at a time; give each
    /// thread its own.
    public struct Scratch: Sendable {
        private var generation: UInt32 = 0
        private var conditionMark: [UInt32] = []
        private var exclusionMark: [UInt32] = []
        private var exclusionGeneration: UInt32 = 0
        /// Per branch: the generation (high 32 bits) and the conditions still missing (low 32 bits).
        private var branchState: [UInt64] = []
        private var fieldMark: [UInt32] = []
        private var ruleMark: [UInt32] = []
        private var candidates: [Int32] = []
        var leaves: [ScannedLeaf] = []
        var hasObjectArrays = false

        /// An empty scratch area; it grows to the matcher's size on first use.
        public init() {}

        mutating func begin(_ matcher: RuleMatcher) {
            func fit<T>(_ marks: inout [T], _ count: Int, _ zero: T) {
                if marks.count < count { marks.append(contentsOf: repeatElement(zero, count: count - marks.count)) }
            }
            if generation == UInt32.max { self = Scratch() }
            generation += 1
            fit(&conditionMark, matcher.conditionCapacity, 0)
            fit(&exclusionMark, matcher.conditionCapacity, 0)
            fit(&branchState, matcher.branchCapacity, 0)
            fit(&fieldMark, matcher.fields.count, 0)
            fit(&ruleMark, matcher.ruleCapacity, 0)
            candidates.removeAll(keepingCapacity: true)
            leaves.removeAll(keepingCapacity: true)
            hasObjectArrays = false
        }

        /// Marks what the scanned leaves satisfy, then accepts the complete branches.
        mutating func match(_ matcher: RuleMatcher) -> [String] {
            if exclusionGeneration > UInt32.max - UInt32(leaves.count) - 1 {
                exclusionGeneration = 0
                for position in exclusionMark.indices { exclusionMark[position] = 0 }
            }
            // The marking loop runs on raw buffers: array writes through `self` would
            // check uniqueness on every store, and this loop is the matcher's hot path.
            var marks = Marks(generation: generation, exclusionGeneration: exclusionGeneration)
            marks.candidates = candidates
            conditionMark.withUnsafeMutableBufferPointer { conditionMark in
                branchState.withUnsafeMutableBufferPointer { branchState in
                    fieldMark.withUnsafeMutableBufferPointer { fieldMark in
                        exclusionMark.withUnsafeMutableBufferPointer { exclusionMark in
                            marks.condition = conditionMark
                            marks.branch = branchState
                            marks.field = fieldMark
                            marks.exclusion = exclusionMark
                            for leaf in leaves where leaf.field >= 0 { marks.visit(leaf, in: matcher) }
                        }
                    }
                }
            }
            exclusionGeneration = marks.exclusionGeneration
            candidates = marks.candidates
            var names: [String] = []
            for branch in candidates { accept(Int(branch), in: matcher, into: &names) }
            for branch in matcher.unconditionalBranches { accept(Int(branch), in: matcher, into: &names) }
            return names
        }

        private mutating func accept(_ branch: Int, in matcher: RuleMatcher, into names: inout [String]) {
            let rule = Int(matcher.branchRule[branch])
            guard rule >= 0, ruleMark[rule] != generation else { return }
            for condition32 in matcher.branchAbsence.contents(branch) {
                let condition = Int(condition32)
                let satisfied = conditionMark[condition] == generation
                let absent = fieldMark[Int(matcher.conditionField[condition])] != generation
                guard satisfied || absent else { return }
            }
            if hasObjectArrays, !isConsistent(branch, in: matcher) { return }
            ruleMark[rule] = generation
            names.append(matcher.ruleNamesByID[rule])
        }

        /// Re-checks a branch leaf by leaf, keeping leaves from different elements of
        /// one array apart (needed only when the event has arrays of objects).
        private func isConsistent(_ branch: Int, in matcher: RuleMatcher) -> Bool {
            let conditions = matcher.branchConditions(branch)
            var chosen: [ArraySteps] = []
            func satisfy(_ index: Int) -> Bool {
                guard index < conditions.count else { return true }
                let (field, condition) = conditions[index]
                let candidates = leaves.filter { $0.field == field }
                if candidates.isEmpty { return condition.allowsAbsence && satisfy(index + 1) }
                for leaf in candidates where condition.accepts(leaf.value) {
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

    /// The marking state of one event, on raw buffers borrowed from a ``Scratch``.
    private struct Marks {
        let generation: UInt32
        var exclusionGeneration: UInt32
        var condition = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
        var branch = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
        var field = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
        var exclusion = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
        var candidates: [Int32] = []

        init(generation: UInt32, exclusionGeneration: UInt32) {
            self.generation = generation
            self.exclusionGeneration = exclusionGeneration
        }

        @inline(__always)
        mutating func visit(_ leaf: ScannedLeaf, in matcher: RuleMatcher) {
            let fieldID = leaf.field
            let index = matcher.fields[fieldID]
            if field[fieldID] != generation {
                field[fieldID] = generation
                for condition in index.present { satisfy(condition, in: matcher) }
            }
            index.forEachSatisfied(by: leaf.value) { satisfy($0, in: matcher) }
            if index.hasAnythingBut {
                exclusionGeneration += 1
                let stamp = exclusionGeneration
                let exclusion = self.exclusion
                index.excluded(by: leaf.value) { exclusion[$0] = stamp }
                for condition in index.anythingBut where exclusion[condition] != stamp { satisfy(condition, in: matcher) }
            }
        }

        @inline(__always)
        mutating func satisfy(_ conditionID: Int, in matcher: RuleMatcher) {
            guard condition[conditionID] != generation else { return }
            condition[conditionID] = generation
            matcher.conditionCounts.forEach(in: conditionID) { branch32 in
                let branchID = Int(branch32)
                // One word per branch: a stale generation means "all conditions still missing".
                var state = branch[branchID]
                if UInt32(truncatingIfNeeded: state >> 32) != generation {
                    state = UInt64(generation) << 32 | UInt64(UInt32(matcher.branchNeeds[branchID]))
                }
                state -= 1
                branch[branchID] = state
                if UInt32(truncatingIfNeeded: state) == 0 { candidates.append(branch32) }
            }
        }
    }
}
