/// Reshapes a tree as written into the tree the evaluator runs, as the
/// reference implementation's `processAST` does: `.` chains become paths of
/// steps, predicates become stages, `@`/`#` annotate steps, `%` is linked to
/// the step whose input it names, and tail calls in lambda bodies become
/// thunks for the trampoline.
///
/// `%` resolution ("ancestry"): each `%` gets a slot that climbs back one
/// step per level; the step where it lands binds its input under the slot's
/// label, and every step from there on runs as a tuple stream that carries
/// the binding forward, so the `%` reads it later as a variable.
struct JSONataReshaper {
    private var nextLabel = 0
    private var depth = 0

    mutating func reshape(_ node: JSONataNode) throws(JSONataError) -> JSONataNode {
        depth += 1
        defer { depth -= 1 }
        // Left-associative chains (`1+1+1…`) nest without nesting the parser.
        guard depth <= JSONataParser.maximumNesting * 2 else {
            throw JSONataError(
                "S0201",
                "Syntax error: the expression nests more than \(JSONataParser.maximumNesting * 2) operations deep",
                position: node.position
            )
        }
        let result: JSONataNode
        switch node.kind {
        case .step(let lhs, let rhs):
            result = try reshapeStep(lhs, rhs)
        case .predicate(let lhs, let rhs):
            result = try reshape(lhs)
            var step = result
            if case .path(let steps) = result.kind, let last = steps.last { step = last }
            if step.group != nil {
                throw JSONataError("S0209", "A predicate cannot follow a grouping expression in a step", position: node.position)
            }
            let predicate = try reshape(rhs)
            if let seeking = predicate.seekingParent {
                for slot in seeking {
                    if slot.level == 1 {
                        _ = try seekParent(step, slot)
                    } else {
                        slot.level -= 1
                    }
                }
                pushAncestry(step, predicate)
            }
            if result.isPath {
                step.stages = (step.stages ?? []) + [.filter(predicate)]
            } else {
                step.predicates = (step.predicates ?? []) + [predicate]
            }
        case .groupBy(let lhs, let pairs):
            result = try reshape(lhs)
            if result.group != nil {
                throw JSONataError("S0210", "Each step can only have one grouping expression", position: node.position)
            }
            var reshaped: [(JSONataNode, JSONataNode)] = []
            for (key, value) in pairs { reshaped.append((try reshape(key), try reshape(value))) }
            result.group = JSONataGroup(pairs: reshaped, position: node.position)
        case .focusBinding(let lhs, let name):
            result = try reshape(lhs)
            var step = result
            if case .path(let steps) = result.kind, let last = steps.last { step = last }
            if step.stages != nil || step.predicates != nil {
                throw JSONataError("S0215", "A context variable binding must precede any predicates on a step", position: node.position)
            }
            if case .sort = step.kind {
                throw JSONataError("S0216", "A context variable binding must precede the 'order-by' clause on a step", position: node.position)
            }
            if node.keepArray { step.keepArray = true }
            step.focus = name
            step.tuple = true
        case .indexBinding(let lhs, let name):
            var path = try reshape(lhs)
            var step = path
            if case .path(let steps) = path.kind, let last = steps.last {
                step = last
            } else {
                path = JSONataNode(.path([step]), at: step.position)
                if let predicates = step.predicates {
                    step.stages = predicates.map { .filter($0) }
                    step.predicates = nil
                }
            }
            if step.stages == nil {
                step.index = name
            } else {
                step.stages?.append(.index(name))
            }
            step.tuple = true
            result = path
        case .orderBy(let lhs, let terms):
            var path = try reshape(lhs)
            if !path.isPath { path = JSONataNode(.path([path]), at: path.position) }
            let sortStep = JSONataNode(.sort([]), at: node.position)
            var reshaped: [(JSONataNode, descending: Bool)] = []
            for (term, descending) in terms {
                let expression = try reshape(term)
                pushAncestry(sortStep, expression)
                reshaped.append((expression, descending))
            }
            sortStep.kind = .sort(reshaped)
            if case .path(let steps) = path.kind { path.kind = .path(steps + [sortStep]) }
            try resolveAncestry(path)
            result = path
        case .apply(let lhs, let rhs):
            let left = try reshape(lhs)
            let right = try reshape(rhs)
            result = JSONataNode(.apply(left, right), at: node.position)
            result.keepArray = left.keepArray || right.keepArray
        case .bind(let name, let value):
            let rhs = try reshape(value)
            result = JSONataNode(.bind(name, rhs), at: node.position)
            pushAncestry(result, rhs)
        case .binary(let op, let lhs, let rhs):
            let left = try reshape(lhs)
            let right = try reshape(rhs)
            result = JSONataNode(.binary(op, left, right), at: node.position)
            pushAncestry(result, left)
            pushAncestry(result, right)
        case .negate(let operand):
            let inner = try reshape(operand)
            if case .number(let n) = inner.kind {
                inner.kind = .number(-n)
                result = inner
            } else {
                result = JSONataNode(.negate(inner), at: node.position)
                pushAncestry(result, inner)
            }
        case .array(let items):
            result = JSONataNode(.array([]), at: node.position)
            result.kind = .array(try reshape(items, under: result))
        case .object(let pairs):
            result = JSONataNode(.object([]), at: node.position)
            var reshaped: [(JSONataNode, JSONataNode)] = []
            for (key, value) in pairs {
                let k = try reshape(key)
                pushAncestry(result, k)
                let v = try reshape(value)
                pushAncestry(result, v)
                reshaped.append((k, v))
            }
            result.kind = .object(reshaped)
        case .call(let procedure, let arguments), .partial(let procedure, let arguments):
            result = JSONataNode(.block([]), at: node.position)
            let reshaped = try reshape(arguments, under: result)
            let callee = try reshape(procedure)
            if case .partial = node.kind {
                result.kind = .partial(callee, reshaped)
            } else {
                result.kind = .call(callee, reshaped)
            }
        case .lambda(var definition):
            definition.body = tailCallOptimized(try reshape(definition.body))
            result = JSONataNode(.lambda(definition), at: node.position)
        case .condition(let test, let then, let otherwise):
            let t = try reshape(test)
            let a = try reshape(then)
            let b = try otherwise.map { (branch) throws(JSONataError) in try reshape(branch) }
            result = JSONataNode(.condition(t, a, b), at: node.position)
            for part in [t, a, b].compactMap({ $0 }) { pushAncestry(result, part) }
        case .coalesce(let lhs, let rhs), .elvis(let lhs, let rhs):
            let left = try reshape(lhs)
            let right = try reshape(rhs)
            if case .coalesce = node.kind {
                result = JSONataNode(.coalesce(left, right), at: node.position)
            } else {
                result = JSONataNode(.elvis(left, right), at: node.position)
            }
            pushAncestry(result, left)
            pushAncestry(result, right)
        case .transform(let pattern, let update, let delete):
            let p = try reshape(pattern)
            let u = try reshape(update)
            let d = try delete.map { (part) throws(JSONataError) in try reshape(part) }
            result = JSONataNode(.transform(p, u, d), at: node.position)
        case .block(let expressions):
            result = JSONataNode(.block([]), at: node.position)
            let reshaped = try reshape(expressions, under: result)
            for part in reshaped {
                if part.consarray { result.consarray = true }
                if case .path(let steps) = part.kind, steps.first?.consarray == true { result.consarray = true }
            }
            result.kind = .block(reshaped)
        case .name:
            result = JSONataNode(.path([node]), at: node.position)
            if node.keepArray { result.keepSingletonArray = true }
        case .parent:
            node.kind = .parent(JSONataAncestorSlot(label: "!\(nextLabel)", level: 1))
            nextLabel += 1
            result = node
        case .string, .number, .value, .wildcard, .descendants, .variable, .regex, .placeholder, .path, .sort:
            result = node
        }
        if node.keepArray { result.keepArray = true }
        return result
    }

    private mutating func reshapeStep(_ lhs: JSONataNode, _ rhs: JSONataNode) throws(JSONataError) -> JSONataNode {
        let left = try reshape(lhs)
        let path = left.isPath ? left : JSONataNode(.path([left]), at: left.position)
        if case .parent(let slot?) = left.kind { path.seekingParent = [slot] }
        let rest = try reshape(rhs)
        guard case .path(var steps) = path.kind else { return path }
        if case .path(let more) = rest.kind {
            steps.append(contentsOf: more)
        } else {
            if let predicates = rest.predicates {
                rest.stages = predicates.map { .filter($0) }
                rest.predicates = nil
            }
            steps.append(rest)
        }
        for step in steps {
            switch step.kind {
            case .number(let n):
                throw JSONataError(
                    "S0213",
                    "The literal value \(JSONataNumberText.text(n)) cannot be used as a step within a path expression",
                    position: step.position
                )
            case .value(let value):
                throw JSONataError(
                    "S0213",
                    "The literal value \(JSONataNumberText.string(value)) cannot be used as a step within a path expression",
                    position: step.position
                )
            case .string(let name):
                step.kind = .name(name)
            default:
                break
            }
        }
        if steps.contains(where: { $0.keepArray }) { path.keepSingletonArray = true }
        if case .array = steps[0].kind { steps[0].consarray = true }
        if case .array = steps[steps.count - 1].kind { steps[steps.count - 1].consarray = true }
        path.kind = .path(steps)
        try resolveAncestry(path)
        return path
    }

    /// Sends the `%` slots that the last step of `path` looks for back along
    /// its earlier steps; those that climb out of the path wait on the path.
    private func resolveAncestry(_ path: JSONataNode) throws(JSONataError) {
        guard case .path(let steps) = path.kind, let last = steps.last else { return }
        var slots = last.seekingParent ?? []
        if case .parent(let slot?) = last.kind { slots.append(slot) }
        for var slot in slots {
            var index = steps.count - 2
            while slot.level > 0 {
                if index < 0 {
                    path.seekingParent = (path.seekingParent ?? []) + [slot]
                    break
                }
                var step = steps[index]
                index -= 1
                // Contiguous steps that bind the focus share one context.
                while index >= 0 && step.focus != nil && steps[index].focus != nil {
                    step = steps[index]
                    index -= 1
                }
                slot = try seekParent(step, slot)
            }
        }
    }

    private func seekParent(_ node: JSONataNode, _ slot: JSONataAncestorSlot) throws(JSONataError) -> JSONataAncestorSlot {
        var slot = slot
        switch node.kind {
        case .name, .wildcard:
            slot.level -= 1
            if slot.level == 0 {
                if let existing = node.ancestor { slot.label = existing.label }
                node.ancestor = slot
                node.tuple = true
            }
        case .parent:
            slot.level += 1
        case .block(let expressions):
            if let last = expressions.last {
                node.tuple = true
                slot = try seekParent(last, slot)
            }
        case .path(let steps):
            node.tuple = true
            var index = steps.count - 1
            slot = try seekParent(steps[index], slot)
            index -= 1
            while slot.level > 0 && index >= 0 {
                slot = try seekParent(steps[index], slot)
                index -= 1
            }
        default:
            throw JSONataError(
                "S0217",
                "The object representing the 'parent' cannot be derived from this expression",
                position: node.position
            )
        }
        return slot
    }

    /// `nodes` reshaped in order, each one's pending parent lookups passed up to `parent`.
    private mutating func reshape(_ nodes: [JSONataNode], under parent: JSONataNode) throws(JSONataError) -> [JSONataNode] {
        var reshaped: [JSONataNode] = []
        for node in nodes {
            let value = try reshape(node)
            pushAncestry(parent, value)
            reshaped.append(value)
        }
        return reshaped
    }

    private func pushAncestry(_ result: JSONataNode, _ value: JSONataNode) {
        var slots = value.seekingParent ?? []
        if case .parent(let slot?) = value.kind { slots.append(slot) }
        guard value.seekingParent != nil || !slots.isEmpty else { return }
        result.seekingParent = (result.seekingParent ?? []) + slots
    }

    /// A call in tail position becomes a thunk that `apply` unwraps in a
    /// loop, so tail recursion does not grow the stack.
    private func tailCallOptimized(_ node: JSONataNode) -> JSONataNode {
        switch node.kind {
        case .call where node.predicates == nil && node.group == nil:
            let thunk = JSONataLambdaDefinition(parameters: [], signature: nil, body: node, isThunk: true)
            return JSONataNode(.lambda(thunk), at: node.position)
        case .condition(let test, let then, let otherwise):
            node.kind = .condition(test, tailCallOptimized(then), otherwise.map(tailCallOptimized))
            return node
        case .block(var expressions):
            if let last = expressions.last {
                expressions[expressions.count - 1] = tailCallOptimized(last)
                node.kind = .block(expressions)
            }
            return node
        default:
            return node
        }
    }
}
