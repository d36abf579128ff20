/// Runs a parsed expression, following the reference implementation's
/// evaluator (jsonata-js 2.x) function by function, so that sequences,
/// flattening, tuple streams (`@`, `#`, `%`) and function application behave
/// the same.
///
/// One evaluator per evaluation: it carries the recorded time and randomness
/// that `$now()`, `$millis()`, `$random()` and `$uuid()` read, so evaluation
/// stays deterministic, and the budgets that stop runaway expressions.
final class JSONataEvaluator {
    let now: Timestamp
    var random: SplitMix64
    private var depth = 0
    private var steps = 0
    /// Range items made so far; see ``maximumRangeItems``.
    private var rangeItems = 0
    /// Array items and string bytes made so far; see ``maximumItemsMade``.
    private var itemsMade = 0
    private var charactersMade = 0
    /// Transform copies tag their objects with fresh identities.
    var nextIdentity = 0

    /// How deeply evaluation may nest, counted as jsonata-js's test harness
    /// counts (one per expression entered). Each level costs a few stack
    /// frames, and evaluation runs on server threads with small stacks, so
    /// non-tail recursion fails with `U1001` long before the stack would.
    /// Tail calls run in a loop and do not count.
    static let maximumDepth = 500
    /// How many expressions one evaluation may enter: a tail-recursive loop
    /// that never ends fails with `U1001` instead of holding a worker forever.
    static let maximumSteps = 1_000_000
    /// How many items the range operator may make in one evaluation. jsonata-js
    /// allows 1e7 per range (`D2014`), but each item here is a boxed value of
    /// about 40 bytes, and a state's whole payload is capped at 256 KiB: a
    /// million items (40 MB) is far beyond any useful result.
    static let maximumRangeItems = 1_000_000
    /// How many array items one evaluation may copy into the arrays it makes
    /// (path results, array constructors, built-ins' results). The step budget
    /// counts expressions, not what each makes: `($a := [1..500000]; $a.$a)` is
    /// 500,000 steps but 250 billion items, and `$append` doubling an array
    /// reaches gigabytes in thirty calls. Ten per step of the step budget is far
    /// beyond anything a 256 KiB payload holds.
    static let maximumItemsMade = 10_000_000
    /// How many bytes of strings one evaluation may make with `&` and the
    /// built-ins: a string doubled thirty times is a gigabyte. 400 times the
    /// payload limit leaves room for strings built piece by piece.
    static let maximumCharactersMade = 100_000_000

    init(now: Timestamp, random: SplitMix64) {
        self.now = now
        self.random = random
    }

    func evaluate(
        _ node: JSONataNode,
        _ input: JSONataValue?,
        _ env: JSONataEnvironment
    ) throws(JSONataError) -> JSONataValue? {
        depth += 1
        steps += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw JSONataError(
                "U1001",
                "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive.",
                position: node.position
            )
        }
        guard steps <= Self.maximumSteps else {
            throw JSONataError(
                "U1001",
                "Expression evaluation exceeded \(Self.maximumSteps) steps: Check for infinite loop",
                position: node.position
            )
        }
        var result: JSONataValue?
        switch node.kind {
        case .path(let steps): result = try evaluatePath(node, steps, input, env)
        case .binary(let op, let lhs, let rhs): result = try binary(op, lhs, rhs, input, env, position: node.position)
        case .negate(let operand):
            if let value = try evaluate(operand, input, env) {
                guard case .number(let n) = value else {
                    throw JSONataError(
                        "D1002",
                        "Cannot negate a non-numeric value: \(JSONataNumberText.string(value))",
                        position: node.position
                    )
                }
                result = .number(-n)
            }
        case .array(let items):
            var values: [JSONataValue] = []
            for item in items {
                guard let value = try evaluate(item, input, env) else { continue }
                if case .array = item.kind {
                    try charge(items: 1)
                    values.append(value)
                } else if case .array(let array) = value {
                    try charge(items: array.items.count)
                    values.append(contentsOf: array.items)
                } else {
                    try charge(items: 1)
                    values.append(value)
                }
            }
            var array = JSONataArray(values)
            array.isConstructed = node.consarray
            result = .array(array)
        case .object(let pairs): result = try group(JSONataGroup(pairs: pairs, position: node.position), input, env)
        case .name(let key):
            result = Self.lookup(input, key)
            // Over an array the lookup copies what it finds; over an object it makes nothing.
            if input?.isArray == true { try charge(result) }
        case .string(let s): result = .string(s)
        case .number(let n): result = .number(n)
        case .value(let v): result = v
        case .wildcard:
            result = Self.wildcard(input)
            try charge(result)
        case .descendants:
            if let input {
                var found: [JSONataValue] = []
                Self.descendants(input, &found)
                try charge(items: found.count)
                result = found.count == 1 ? found[0] : .sequence(found)
            }
        case .parent(let slot): result = slot.flatMap { env.lookup($0.label) }
        case .condition(let test, let then, let otherwise):
            if Self.boolean(try evaluate(test, input, env)) {
                result = try evaluate(then, input, env)
            } else if let otherwise {
                result = try evaluate(otherwise, input, env)
            }
        case .coalesce(let lhs, let rhs):
            result = try evaluate(lhs, input, env)
            if result == nil { result = try evaluate(rhs, input, env) }
        case .elvis(let lhs, let rhs):
            result = try evaluate(lhs, input, env)
            if !Self.boolean(result) { result = try evaluate(rhs, input, env) }
        case .block(let expressions):
            let frame = JSONataEnvironment(parent: env)
            for expression in expressions { result = try evaluate(expression, input, frame) }
        case .bind(let name, let valueNode):
            result = try evaluate(valueNode, input, env)
            env.bind(name, result)
        case .regex(let regex): result = .function(.regex(regex))
        case .call(let procedure, let arguments):
            result = try call(procedure, arguments, applyTo: nil, position: node.position, input, env)
        case .variable(let name):
            result = name.isEmpty ? Self.unwrapped(input) : env.lookup(name)
        case .lambda(let definition):
            result = .function(
                .lambda(
                    JSONataLambda(
                        parameters: definition.parameters,
                        signature: definition.signature,
                        body: definition.body,
                        closure: env,
                        input: input,
                        isThunk: definition.isThunk
                    )
                )
            )
        case .partial(let procedure, let arguments):
            result = try partial(procedure, arguments, position: node.position, input, env)
        case .apply(let lhs, let rhs): result = try applyOperator(lhs, rhs, position: node.position, input, env)
        case .transform: result = .function(.transform(node, env))
        case .sort, .placeholder, .step, .predicate, .focusBinding, .indexBinding, .groupBy, .orderBy:
            throw JSONataError("S0206", "Unknown expression type", position: node.position)
        }
        if let predicates = node.predicates {
            for predicate in predicates { result = try filter(predicate, result, env) }
        }
        if !node.isPath, let group = node.group {
            result = try self.group(group, result, env)
        }
        if case .array(var array)? = result, array.isSequence, !array.isTupleStream {
            if node.keepArray { array.keepSingleton = true }
            if array.items.isEmpty { return nil }
            if array.items.count == 1 && !array.keepSingleton { return array.items[0] }
            return .array(array)
        }
        return result
    }

    // MARK: Budgets

    /// Counts `items` array items and `characters` string bytes about to be made.
    ///
    /// - Throws: U1001 when the evaluation has made more than
    ///   ``maximumItemsMade`` or ``maximumCharactersMade``.
    func charge(items: Int = 0, characters: Int = 0) throws(JSONataError) {
        itemsMade += items
        charactersMade += characters
        guard itemsMade <= Self.maximumItemsMade else {
            throw JSONataError(
                "U1001",
                "Expression evaluation made more than \(Self.maximumItemsMade) array items: Check for a runaway expression"
            )
        }
        guard charactersMade <= Self.maximumCharactersMade else {
            throw JSONataError(
                "U1001",
                "Expression evaluation made more than \(Self.maximumCharactersMade) bytes of strings: Check for a runaway expression"
            )
        }
    }

    /// Counts what a new `value` holds at its top level (its items, members or bytes).
    func charge(_ value: JSONataValue?) throws(JSONataError) {
        switch value {
        case .string(let text)?: try charge(characters: text.utf8.count)
        case .array(let array)?: try charge(items: array.items.count)
        case .object(let object)?: try charge(items: object.count)
        default: break
        }
    }

    // MARK: Paths

    private func evaluatePath(
        _ path: JSONataNode,
        _ steps: [JSONataNode],
        _ input: JSONataValue?,
        _ env: JSONataEnvironment
    ) throws(JSONataError) -> JSONataValue? {
        var inputSequence: [JSONataValue?]
        if case .array(let array)? = input, !Self.isVariable(steps[0]) {
            inputSequence = array.items
        } else {
            inputSequence = [input]
        }
        var result = JSONataArray([], isSequence: true)
        var isTupleStream = false
        var tuples: [JSONataObject]?
        for (index, step) in steps.enumerated() {
            if step.tuple { isTupleStream = true }
            if index == 0 && step.consarray {
                let whole: JSONataValue = .sequence(inputSequence.compactMap { $0 })
                result = Self.asSequence(try evaluate(step, inputSequence.count == 1 ? inputSequence[0] : whole, env))
            } else if isTupleStream {
                tuples = try evaluateTupleStep(step, inputSequence, tuples, env)
            } else {
                result = try evaluateStep(step, inputSequence, env, isLast: index == steps.count - 1)
            }
            if !isTupleStream && result.items.isEmpty { break }
            if step.focus == nil { inputSequence = result.items.map { $0 } }
        }
        if isTupleStream {
            let stream = tuples ?? []
            if path.tuple {
                result = JSONataArray(stream.map { .object($0) }, isSequence: true)
                result.isTupleStream = true
            } else {
                result = JSONataArray(stream.compactMap { $0["@"] }, isSequence: true)
            }
        }
        if path.keepSingletonArray {
            if result.isConstructed && !result.isSequence {
                result = JSONataArray([.array(result)], isSequence: true)
            }
            result.keepSingleton = true
        }
        if let group = path.group {
            guard isTupleStream else { return try self.group(group, .array(result), env) }
            var stream = JSONataArray((tuples ?? []).map { .object($0) }, isSequence: true)
            stream.isTupleStream = true
            return try self.group(group, .array(stream), env)
        }
        return .array(result)
    }

    private static func asSequence(_ value: JSONataValue?) -> JSONataArray {
        switch value {
        case nil: JSONataArray([], isSequence: true)
        case .array(let array)?: array
        case let value?: JSONataArray([value], isSequence: true)
        }
    }

    private func evaluateStep(
        _ step: JSONataNode,
        _ input: [JSONataValue?],
        _ env: JSONataEnvironment,
        isLast: Bool
    ) throws(JSONataError) -> JSONataArray {
        if case .sort(let terms) = step.kind {
            var sorted = try sort(input.compactMap { $0 }.map { .some($0) }, terms, env, position: step.position)
            if let stages = step.stages { sorted = try evaluateStages(stages, sorted, env) }
            return sorted
        }
        var results: [JSONataValue] = []
        for item in input {
            var value = try evaluate(step, item, env)
            for case .filter(let predicate) in step.stages ?? [] { value = try filter(predicate, value, env) }
            if let value { results.append(value) }
        }
        if isLast, results.count == 1, case .array(let array) = results[0], !array.isSequence {
            return array
        }
        var count = 0
        for value in results {
            if case .array(let array) = value, !array.isConstructed { count += array.items.count } else { count += 1 }
        }
        try charge(items: count)
        var flattened: [JSONataValue] = []
        for value in results {
            if case .array(let array) = value, !array.isConstructed {
                flattened.append(contentsOf: array.items)
            } else {
                flattened.append(value)
            }
        }
        return JSONataArray(flattened, isSequence: true)
    }

    private func evaluateStages(_ stages: [JSONataStage], _ input: JSONataArray, _ env: JSONataEnvironment) throws(JSONataError) -> JSONataArray {
        var result = input
        for stage in stages {
            switch stage {
            case .filter(let predicate):
                result = Self.asSequence(try filter(predicate, .array(result), env))
                if input.isTupleStream { result.isTupleStream = true }
            case .index(let name):
                for position in result.items.indices {
                    guard case .object(var tuple) = result.items[position] else { continue }
                    tuple[name] = .number(Double(position))
                    result.items[position] = .object(tuple)
                }
            }
        }
        return result
    }

    /// A step of a path that carries bindings: each tuple's `@` is the
    /// context, its other entries are variables, and each result becomes a
    /// new tuple with the step's own bindings added.
    private func evaluateTupleStep(
        _ step: JSONataNode,
        _ input: [JSONataValue?],
        _ tuples: [JSONataObject]?,
        _ env: JSONataEnvironment
    ) throws(JSONataError) -> [JSONataObject] {
        if case .sort(let terms) = step.kind {
            var result: JSONataArray
            if let tuples {
                result = try sort(tuples.map { .object($0) }, terms, env, position: step.position, tuples: true)
            } else {
                let sorted = try sort(input.compactMap { $0 }.map { .some($0) }, terms, env, position: step.position)
                var made: [JSONataValue] = []
                for (position, item) in sorted.items.enumerated() {
                    var tuple = JSONataObject()
                    tuple["@"] = item
                    if let index = step.index { tuple[index] = .number(Double(position)) }
                    made.append(.object(tuple))
                }
                result = JSONataArray(made, isSequence: true)
            }
            result.isTupleStream = true
            if let stages = step.stages { result = try evaluateStages(stages, result, env) }
            return result.items.compactMap { if case .object(let o) = $0 { o } else { nil } }
        }
        let bindings =
            tuples
            ?? input.map { item in
                var tuple = JSONataObject()
                tuple["@"] = item
                return tuple
            }
        var made: [JSONataValue] = []
        for tuple in bindings {
            let frame = Self.frame(env, tuple)
            guard let value = try evaluate(step, tuple["@"], frame) else { continue }
            let items: [JSONataValue]
            var fromTuples = false
            if case .array(let array) = value {
                items = array.items
                fromTuples = array.isTupleStream
            } else {
                items = [value]
            }
            try charge(items: items.count)
            for (position, item) in items.enumerated() {
                var next = tuple
                if fromTuples, case .object(let inner) = item {
                    for key in inner.keys { next[key] = inner[key] }
                } else {
                    if let focus = step.focus {
                        next[focus] = item
                        next["@"] = tuple["@"]
                    } else {
                        next["@"] = item
                    }
                    if let index = step.index { next[index] = .number(Double(position)) }
                    if let ancestor = step.ancestor { next[ancestor.label] = tuple["@"] }
                }
                made.append(.object(next))
            }
        }
        var result = JSONataArray(made, isSequence: true)
        result.isTupleStream = true
        if let stages = step.stages { result = try evaluateStages(stages, result, env) }
        return result.items.compactMap { if case .object(let o) = $0 { o } else { nil } }
    }

    /// A frame with a tuple's entries bound as variables.
    private static func frame(_ env: JSONataEnvironment, _ tuple: JSONataObject) -> JSONataEnvironment {
        let frame = JSONataEnvironment(parent: env)
        for key in tuple.keys { frame.bind(key, tuple[key]) }
        return frame
    }

    private static func isVariable(_ node: JSONataNode) -> Bool {
        if case .variable = node.kind { return true }
        return false
    }

    static func lookup(_ input: JSONataValue?, _ key: String) -> JSONataValue? {
        switch input {
        case .array(let array)?:
            var found: [JSONataValue] = []
            for item in array.items {
                switch lookup(item, key) {
                case .array(let inner)?: found.append(contentsOf: inner.items)
                case let value?: found.append(value)
                case nil: break
                }
            }
            return .sequence(found)
        case .object(let object)?:
            return object[key]
        default:
            return nil
        }
    }

    /// The document itself for the outer wrapper of an array document.
    private static func unwrapped(_ value: JSONataValue?) -> JSONataValue? {
        if case .array(let array)? = value, array.isOuterWrapper, let first = array.items.first { return first }
        return value
    }

    private static func wildcard(_ input: JSONataValue?) -> JSONataValue? {
        if case .array(let array)? = unwrapped(input) {
            // A JavaScript array's keys are its indexes.
            return .sequence(array.items.flatMap(flatten))
        }
        guard case .object(let object)? = unwrapped(input) else { return .sequence() }
        var found: [JSONataValue] = []
        for key in object.keys {
            // `keys` lists exactly the stored keys.
            let value = object[key]!
            if case .array = value { found.append(contentsOf: flatten(value)) } else { found.append(value) }
        }
        return .sequence(found)
    }

    static func flatten(_ value: JSONataValue) -> [JSONataValue] {
        guard case .array(let array) = value else { return [value] }
        return array.items.flatMap(flatten)
    }

    private static func descendants(_ value: JSONataValue, _ found: inout [JSONataValue]) {
        switch value {
        case .array(let array):
            for item in array.items { descendants(item, &found) }
        case .object(let object):
            found.append(value)
            for key in object.keys { descendants(object[key]!, &found) }  // `keys` lists exactly the stored keys.
        default:
            found.append(value)
        }
    }

    /// A predicate: a number (or numbers) selects by index, anything else keeps
    /// the items for which it is truthy. Tuples are filtered with their
    /// bindings in scope.
    func filter(
        _ predicate: JSONataNode,
        _ input: JSONataValue?,
        _ env: JSONataEnvironment
    ) throws(JSONataError) -> JSONataValue? {
        var isTupleStream = false
        let items: [JSONataValue]
        switch input {
        case .array(let array)?:
            items = array.items
            isTupleStream = array.isTupleStream
        case let value?: items = [value]
        case nil: items = []
        }
        var kept = JSONataArray([], isSequence: true)
        kept.isTupleStream = isTupleStream
        if case .number(let n) = predicate.kind {
            guard var index = Self.arrayIndex(n) else { return .array(kept) }
            if index < 0 { index += items.count }
            guard items.indices.contains(index) else { return .array(kept) }
            if case .array(let inner) = items[index], !isTupleStream { return .array(inner) }
            kept.items.append(items[index])
            return .array(kept)
        }
        for (position, item) in items.enumerated() {
            var context: JSONataValue? = item
            var scope = env
            if isTupleStream, case .object(let tuple) = item {
                context = tuple["@"]
                scope = Self.frame(env, tuple)
            }
            var value = try evaluate(predicate, context, scope)
            if case .number? = value { value = .plainArray([value!]) }  // Checked non-nil by the pattern.
            if case .array(let array)? = value, !array.items.isEmpty, array.items.allSatisfy({ $0.number != nil }) {
                for case .number(let n) in array.items {
                    guard var index = Self.arrayIndex(n) else { continue }
                    if index < 0 { index += items.count }
                    if index == position { kept.items.append(item) }
                }
            } else if Self.boolean(value) {
                kept.items.append(item)
            }
        }
        return .array(kept)
    }

    /// Sorts `items` by the order-by terms (a stable merge sort, as jsonata-js).
    private func sort(
        _ items: [JSONataValue?],
        _ terms: [(JSONataNode, descending: Bool)],
        _ env: JSONataEnvironment,
        position: Int,
        tuples: Bool = false
    ) throws(JSONataError) -> JSONataArray {
        let values = items.compactMap { $0 }
        var keys: [[JSONataValue?]] = []
        for item in values {
            var context: JSONataValue? = item
            var scope = env
            if tuples, case .object(let tuple) = item {
                context = tuple["@"]
                scope = Self.frame(env, tuple)
            }
            var row: [JSONataValue?] = []
            for (term, _) in terms { row.append(try evaluate(term, context, scope)) }
            keys.append(row)
        }
        func after(_ a: Int, _ b: Int) throws(JSONataError) -> Bool {
            for (column, term) in terms.enumerated() {
                let x = keys[a][column]
                let y = keys[b][column]
                guard let x else {
                    if y == nil { continue }
                    return true
                }
                guard let y else { return false }
                guard x.number != nil || x.string != nil, y.number != nil || y.string != nil else {
                    throw JSONataError(
                        "T2008",
                        "The expressions within an order-by clause must evaluate to numeric or string values",
                        position: position
                    )
                }
                guard x.typeName == y.typeName else {
                    throw JSONataError(
                        "T2007",
                        "Type mismatch when comparing values \(JSONataNumberText.string(x)) and \(JSONataNumberText.string(y)) in order-by clause",
                        position: position
                    )
                }
                let comparison = Self.compareOrderKeys(x, y)
                if comparison == 0 { continue }
                return term.descending ? comparison < 0 : comparison > 0
            }
            return false
        }
        let order = try Self.stableSorted(Array(values.indices), after)
        return JSONataArray(order.map { values[$0] }, isSequence: true)
    }

    /// A stable merge sort whose comparator (`a` after `b`?) may throw.
    static func stableSorted<T>(_ items: [T], _ after: (T, T) throws(JSONataError) -> Bool) throws(JSONataError) -> [T] {
        guard items.count > 1 else { return items }
        let left = try stableSorted(Array(items[..<(items.count / 2)]), after)
        let right = try stableSorted(Array(items[(items.count / 2)...]), after)
        var merged: [T] = []
        var i = 0
        var j = 0
        while i < left.count && j < right.count {
            if try after(left[i], right[j]) {
                merged.append(right[j])
                j += 1
            } else {
                merged.append(left[i])
                i += 1
            }
        }
        return merged + left[i...] + right[j...]
    }

    /// Absent keys sort last; otherwise numbers or strings in their natural order.
    static func compareOrderKeys(_ a: JSONataValue?, _ b: JSONataValue?) -> Int {
        switch (a, b) {
        case (nil, nil): return 0
        case (nil, _): return 1
        case (_, nil): return -1
        case (.number(let x)?, .number(let y)?): return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x)?, .string(let y)?): return x < y ? -1 : (x > y ? 1 : 0)
        default: return 0
        }
    }

    // MARK: Objects

    /// `{key: value}` over the input (or each tuple), grouping items by key.
    private func group(_ group: JSONataGroup, _ input: JSONataValue?, _ env: JSONataEnvironment) throws(JSONataError) -> JSONataValue {
        var items: [JSONataValue?]
        var reduce = false
        if case .array(let array)? = input {
            items = array.items
            reduce = array.isTupleStream
        } else {
            items = [input]
        }
        if items.isEmpty { items = [nil] }
        var order: [String] = []
        // Each key's items in order, appended once at the end (``appendAll(_:)``):
        // appending item by item copies the group each time, quadratic in its size.
        var groups: [String: (items: [JSONataValue?], pair: Int)] = [:]
        for item in items {
            var context = item
            var scope = env
            if reduce, case .object(let tuple)? = item {
                context = tuple["@"]
                scope = Self.frame(env, tuple)
            }
            for (index, pair) in group.pairs.enumerated() {
                guard let key = try evaluate(pair.0, context, scope) else { continue }
                guard case .string(let name) = key else {
                    throw JSONataError(
                        "T1003",
                        "Key in object structure must evaluate to a string; got: \(JSONataNumberText.string(key))",
                        position: group.position
                    )
                }
                // Only the pair is read here: a copy of the entry would share its items'
                // storage, and the append below would then copy them every time.
                if let pair = groups[name]?.pair {
                    guard pair == index else {
                        throw JSONataError("D1009", "Multiple key definitions evaluate to same key: \"\(name)\"", position: group.position)
                    }
                    groups[name]?.items.append(item)
                } else {
                    groups[name] = ([item], index)
                    order.append(name)
                }
            }
        }
        var object = JSONataObject()
        for name in order {
            // Every name in `order` was stored in `groups`.
            let entry = groups[name]!
            let data = Self.appendAll(entry.items)
            var context = data
            var scope = env
            if reduce {
                var tuple = Self.reduceTuples(data)
                context = tuple["@"]
                tuple["@"] = nil
                scope = Self.frame(env, tuple)
            }
            if let value = try evaluate(group.pairs[entry.pair].1, context, scope) { object[name] = value }
        }
        return .object(object)
    }

    /// Tuples grouped under one key, merged into one whose entries append.
    private static func reduceTuples(_ data: JSONataValue?) -> JSONataObject {
        switch data {
        case .object(let tuple)?: return tuple
        case .array(let array)?:
            var order: [String] = []
            var entries: [String: [JSONataValue?]] = [:]
            for item in array.items {
                guard case .object(let tuple) = item else { continue }
                for key in tuple.keys {
                    if entries[key] == nil { order.append(key) }
                    entries[key, default: []].append(tuple[key])
                }
            }
            var result = JSONataObject()
            for key in order { result[key] = appendAll(entries[key] ?? []) }
            return result
        default: return JSONataObject()
        }
    }

    /// ``append(_:_:)`` folded over `values`, in one pass.
    static func appendAll(_ values: [JSONataValue?]) -> JSONataValue? {
        let present = values.compactMap { $0 }
        guard present.count > 1 else { return present.first }
        var items: [JSONataValue] = []
        for value in present { items.append(contentsOf: value.arrayItems ?? [value]) }
        return .plainArray(items)
    }

    static func append(_ a: JSONataValue?, _ b: JSONataValue?) -> JSONataValue? {
        guard let a else { return b }
        guard let b else { return a }
        var items: [JSONataValue] = a.arrayItems ?? [a]
        items.append(contentsOf: b.arrayItems ?? [b])
        return .plainArray(items)
    }

    // MARK: Operators

    private func binary(
        _ op: String,
        _ lhs: JSONataNode,
        _ rhs: JSONataNode,
        _ input: JSONataValue?,
        _ env: JSONataEnvironment,
        position: Int
    ) throws(JSONataError) -> JSONataValue? {
        let left = try evaluate(lhs, input, env)
        if op == "and" || op == "or" {
            let first = Self.boolean(left)
            if first == (op == "or") { return .bool(first) }
            return .bool(Self.boolean(try evaluate(rhs, input, env)))
        }
        let right = try evaluate(rhs, input, env)
        switch op {
        case "+", "-", "*", "/", "%":
            // As jsonata-js: NaN is not a number, and an infinite operand (from
            // an earlier `1/0`) is out of range; an infinite result is not yet.
            for (value, code, side) in [(left, "T2001", "left"), (right, "T2002", "right")] {
                guard let value else { continue }
                guard let n = value.number, !n.isNaN else {
                    throw JSONataError(code, "The \(side) side of the \"\(op)\" operator must evaluate to a number", position: position)
                }
                guard n.isFinite else { throw JSONataError("D1001", "Number out of range: \(JSONataNumberText.text(n))", position: position) }
            }
            guard let x = left?.number, let y = right?.number else { return nil }
            let value: Double
            switch op {
            case "+": value = x + y
            case "-": value = x - y
            case "*": value = x * y
            case "/": value = x / y
            default: value = x.truncatingRemainder(dividingBy: y)
            }
            return .number(value)
        case "=", "!=":
            guard let left, let right else { return .bool(false) }
            return .bool(Self.deepEqual(left, right) == (op == "="))
        case "<", "<=", ">", ">=":
            for value in [left, right] {
                if let value, value.number == nil, value.string == nil {
                    throw JSONataError(
                        "T2010",
                        "The expressions either side of operator \"\(op)\" must evaluate to numeric or string values",
                        position: position
                    )
                }
            }
            guard let left, let right else { return nil }
            let comparison: Int
            switch (left, right) {
            case (.number(let x), .number(let y)): comparison = x < y ? -1 : (x > y ? 1 : 0)
            case (.string(let x), .string(let y)): comparison = x < y ? -1 : (x > y ? 1 : 0)
            default:
                throw JSONataError(
                    "T2009",
                    "The values \(JSONataNumberText.string(left)) and \(JSONataNumberText.string(right)) either side of operator \"\(op)\" must be of the same data type",
                    position: position
                )
            }
            switch op {
            case "<": return .bool(comparison < 0)
            case "<=": return .bool(comparison <= 0)
            case ">": return .bool(comparison > 0)
            default: return .bool(comparison >= 0)
            }
        case "&":
            var leftText = ""
            var rightText = ""
            if let left { leftText = try JSONataNumberText.castString(left) }
            if let right { rightText = try JSONataNumberText.castString(right) }
            try charge(characters: leftText.utf8.count + rightText.utf8.count)
            return .string(leftText + rightText)
        case "in":
            guard let left, let right else { return .bool(false) }
            let candidates = right.arrayItems ?? [right]
            return .bool(candidates.contains { Self.strictEqual($0, left) })
        case "..":
            return try range(left, right, position: position)
        default:
            throw JSONataError("S0204", "Unknown operator: \"\(op)\"", position: position)
        }
    }

    private func range(_ left: JSONataValue?, _ right: JSONataValue?, position: Int) throws(JSONataError) -> JSONataValue? {
        if let left, left.number.map({ $0 != $0.rounded() }) ?? true {
            throw JSONataError("T2003", "The left side of the range operator (..) must evaluate to an integer", position: position)
        }
        if let right, right.number.map({ $0 != $0.rounded() }) ?? true {
            throw JSONataError("T2004", "The right side of the range operator (..) must evaluate to an integer", position: position)
        }
        guard let from = left?.number, let to = right?.number, from <= to else { return nil }
        let size = to - from + 1
        guard size <= 1e7 else {
            throw JSONataError(
                "D2014",
                "The size of the sequence allocated by the range operator (..) must not exceed 1e7.  Attempted to allocate \(JSONataNumberText.text(size)).",
                position: position
            )
        }
        guard Double(rangeItems) + size <= Double(Self.maximumRangeItems) else {
            throw JSONataError(
                "D2014",
                "The range operator (..) may allocate at most \(Self.maximumRangeItems) items in one evaluation.  Attempted to allocate \(JSONataNumberText.text(size)) more.",
                position: position
            )
        }
        rangeItems += Int(size)
        return .sequence(stride(from: from, through: to, by: 1).map { .number($0) })
    }

    /// JSONata's truthiness (`$boolean`).
    static func boolean(_ value: JSONataValue?) -> Bool {
        switch value {
        case nil, .null?, .function?: return false
        case .bool(let b)?: return b
        case .number(let n)?: return n != 0
        case .string(let s)?: return !s.isEmpty
        case .object(let o)?: return o.count > 0
        case .array(let a)?:
            if a.items.count == 1 { return boolean(a.items[0]) }
            return a.items.contains { boolean($0) }
        }
    }

    static func deepEqual(_ a: JSONataValue, _ b: JSONataValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)):
            return x.items.count == y.items.count && zip(x.items, y.items).allSatisfy { deepEqual($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.keys.allSatisfy { key in y[key].map { deepEqual(x[key]!, $0) } ?? false }
        default: return false
        }
    }

    /// JavaScript's `===`, which `in` uses: objects and arrays are never
    /// equal to a copy.
    private static func strictEqual(_ a: JSONataValue, _ b: JSONataValue) -> Bool {
        switch (a, b) {
        case (.array, _), (.object, _), (.function, _): return false
        default: return deepEqual(a, b)
        }
    }

    /// A predicate number as an array index (rounded down), or nil when no array can
    /// have it (beyond `Int`, infinite or NaN): `[1,2][1e300]` selects nothing.
    static func arrayIndex(_ n: Double) -> Int? {
        let floored = n.rounded(.down)
        guard floored.isFinite, abs(floored) < 9.0e18 else { return nil }
        return Int(floored)
    }
}
