/// Runs a parsed expression. One evaluator per evaluation: it carries the
/// recorded time and randomness that `$now()`, `$millis()`, `$random()` and
/// `$uuid()` read, so evaluation stays deterministic.
final class JSONataEvaluator {
    let now: Timestamp
    var random: SplitMix64
    private var depth = 0
    /// Deep enough for real recursion, shallow enough for a 512 KiB thread stack.
    static let maximumDepth = 150

    init(now: Timestamp, random: SplitMix64) {
        self.now = now
        self.random = random
    }

    func evaluate(
        _ node: JSONataNode,
        _ input: JSONataValue?,
        _ env: JSONataEnvironment
    ) throws(JSONataError)
        -> JSONataValue?
    {
        depth += 1
        defer { depth -= 1 }
        guard depth < Self.maximumDepth else {
            throw JSONataError("U1001", "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive.")
        }
        var result: JSONataValue?
        var keepArray = false
        switch node {
        case .literal(let value): result = value
        case .name(let key): result = Self.lookup(input, key)
        case .variable(let name):
            if name.isEmpty { result = input } else { result = env.lookup(name) }
        case .wildcard: result = Self.wildcard(input)
        case .descendants:
            guard let input else { return nil }
            var found: [JSONataValue] = []
            Self.descendants(input, &found)
            result = found.count == 1 ? found[0] : .sequence(found)
        case .regex(let regex): result = .function(.regex(regex))
        case .path(let path):
            result = try evaluatePath(path, input, env)
            keepArray = path.keepSingletonArray
        case .binary(let op, let lhs, let rhs): result = try binary(op, lhs, rhs, input, env)
        case .negate(let operand):
            guard let value = try evaluate(operand, input, env) else { return nil }
            guard case .number(let n) = value else {
                throw JSONataError("D1002", "Cannot negate a non-numeric value: \(JSONataNumberText.string(value))")
            }
            result = .number(-n)
        case .array(let items, let constructed):
            var values: [JSONataValue] = []
            for item in items {
                guard let value = try evaluate(item, input, env) else { continue }
                if case .array(_, _) = item {
                    values.append(value)
                } else if case .array(let array) = value {
                    values.append(contentsOf: array.items)
                } else {
                    values.append(value)
                }
            }
            var array = JSONataArray(values)
            array.isConstructed = constructed
            result = .array(array)
        case .object(let base, let pairs):
            var source = input
            if let base { source = try evaluate(base, input, env) }
            result = try group(pairs, source, env)
        case .condition(let test, let then, let otherwise):
            if Self.boolean(try evaluate(test, input, env)) {
                result = try evaluate(then, input, env)
            } else if let otherwise {
                result = try evaluate(otherwise, input, env)
            }
        case .bind(let name, let valueNode):
            result = try evaluate(valueNode, input, env)
            env.bind(name, result)
        case .block(let expressions):
            let frame = JSONataEnvironment(parent: env)
            for expression in expressions { result = try evaluate(expression, input, frame) }
        case .call(let function, let argumentNodes):
            result = try call(function, argumentNodes, prepending: [], input, env)
        case .lambda(let parameters, let body):
            result = .function(.lambda(parameters: parameters, body: body, closure: env, input: input))
        case .chain(let lhs, let rhs):
            let value = try evaluate(lhs, input, env)
            if case .call(let function, let argumentNodes) = rhs {
                result = try call(function, argumentNodes, prepending: [value], input, env)
            } else {
                guard case .function(let function)? = try evaluate(rhs, input, env) else {
                    throw JSONataError("T2006", "The right side of the function application operator ~> must be a function")
                }
                result = try apply(function, [value], input)
            }
        case .filter(let base, let predicate):
            result = try filter(predicate, try evaluate(base, input, env), env)
        }
        if case .array(var array)? = result, array.isSequence {
            if keepArray { array.keepSingleton = true }
            if array.items.isEmpty { return nil }
            if array.items.count == 1 && !array.keepSingleton { return array.items[0] }
            return .array(array)
        }
        return result
    }

    // MARK: Paths

    private func evaluatePath(
        _ path: JSONataPath,
        _ input: JSONataValue?,
        _ env: JSONataEnvironment
    )
        throws(JSONataError) -> JSONataValue?
    {
        var sequence: [JSONataValue?]
        if case .array(let array)? = input, !Self.isVariable(path.steps[0].node) {
            sequence = array.items
        } else {
            sequence = [input]
        }
        var result = JSONataArray([], isSequence: true)
        for (index, step) in path.steps.enumerated() {
            if let terms = step.sortTerms {
                result = JSONataArray(try sort(sequence.compactMap { $0 }, terms, env), isSequence: true)
                for stage in step.stages {
                    let filtered = try filter(stage, .array(result), env)
                    result = Self.asSequence(filtered)
                }
            } else if index == 0, case .array(_, constructed: true) = step.node {
                let whole: JSONataValue? = sequence.count == 1 ? sequence[0] : .sequence(sequence.compactMap { $0 })
                result = Self.asSequence(try evaluate(step.node, whole, env))
            } else {
                result = try evaluateStep(step, sequence, env, isLast: index == path.steps.count - 1)
            }
            if result.items.isEmpty { break }
            sequence = result.items
        }
        if path.keepSingletonArray {
            if result.isConstructed && !result.isSequence {
                result = JSONataArray([.array(result)], isSequence: true)
            }
            result.keepSingleton = true
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
        _ step: JSONataStep,
        _ input: [JSONataValue?],
        _ env: JSONataEnvironment,
        isLast: Bool
    )
        throws(JSONataError) -> JSONataArray
    {
        var results: [JSONataValue] = []
        for item in input {
            var value = try evaluate(step.node, item, env)
            for stage in step.stages { value = try filter(stage, value, env) }
            if let value { results.append(value) }
        }
        if isLast, results.count == 1, case .array(let array) = results[0], !array.isSequence {
            return array
        }
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

    private static func isVariable(_ node: JSONataNode) -> Bool {
        if case .variable = node { return true }
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

    private static func wildcard(_ input: JSONataValue?) -> JSONataValue? {
        guard case .object(let object)? = input else { return .sequence() }
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
    /// the items for which it is truthy.
    func filter(
        _ predicate: JSONataNode,
        _ input: JSONataValue?,
        _ env: JSONataEnvironment
    ) throws(JSONataError)
        -> JSONataValue?
    {
        guard let input else { return nil }
        let items: [JSONataValue]
        if case .array(let array) = input { items = array.items } else { items = [input] }
        if case .literal(.number(let n)) = predicate {
            var index = Int(n.rounded(.down))
            if index < 0 { index += items.count }
            guard items.indices.contains(index) else { return nil }
            if case .array = items[index] { return items[index] }
            return .sequence([items[index]])
        }
        var kept: [JSONataValue] = []
        for (position, item) in items.enumerated() {
            var value = try evaluate(predicate, item, env)
            if case .number? = value { value = .plainArray([value!]) }  // Checked non-nil by the pattern.
            if case .array(let array)? = value, !array.items.isEmpty, array.items.allSatisfy({ $0.number != nil }) {
                for case .number(let n) in array.items {
                    var index = Int(n.rounded(.down))
                    if index < 0 { index += items.count }
                    if index == position { kept.append(item) }
                }
            } else if Self.boolean(value) {
                kept.append(item)
            }
        }
        return .sequence(kept)
    }

    private func sort(
        _ items: [JSONataValue],
        _ terms: [(JSONataNode, descending: Bool)],
        _ env: JSONataEnvironment
    )
        throws(JSONataError) -> [JSONataValue]
    {
        var keys: [[JSONataValue?]] = []
        for item in items {
            var row: [JSONataValue?] = []
            for (term, _) in terms { row.append(try evaluate(term, item, env)) }
            keys.append(row)
        }
        for column in terms.indices {
            var kind: String?
            for row in keys {
                guard let value = row[column] else { continue }
                guard value.number != nil || value.string != nil else {
                    throw JSONataError("T2008", "The expressions within an order-by clause must evaluate to numeric or string values")
                }
                if let kind, kind != value.typeName {
                    throw JSONataError("T2007", "Type mismatch when comparing values \(JSONataNumberText.string(value)) in order-by clause")
                }
                kind = value.typeName
            }
        }
        let order = items.indices.sorted { a, b in
            for (column, term) in terms.enumerated() {
                let comparison = Self.compareOrderKeys(keys[a][column], keys[b][column])
                if comparison != 0 { return term.descending ? comparison > 0 : comparison < 0 }
            }
            return a < b
        }
        return order.map { items[$0] }
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

    private func group(
        _ pairs: [(JSONataNode, JSONataNode)],
        _ input: JSONataValue?,
        _ env: JSONataEnvironment
    )
        throws(JSONataError) -> JSONataValue
    {
        var items: [JSONataValue?]
        if case .array(let array)? = input { items = array.items } else { items = [input] }
        if items.isEmpty { items = [nil] }
        var order: [String] = []
        var groups: [String: (data: JSONataValue?, pair: Int)] = [:]
        for item in items {
            for (index, pair) in pairs.enumerated() {
                let key = try evaluate(pair.0, item, env)
                guard let key else { continue }
                guard case .string(let name) = key else {
                    throw JSONataError("T1003", "Key in object structure must evaluate to a string; got: \(JSONataNumberText.string(key))")
                }
                if let existing = groups[name] {
                    guard existing.pair == index else {
                        throw JSONataError("D1009", "Multiple key definitions evaluate to same key: \"\(name)\"")
                    }
                    groups[name] = (Self.append(existing.data, item), index)
                } else {
                    groups[name] = (item, index)
                    order.append(name)
                }
            }
        }
        var object = JSONataObject()
        for name in order {
            // Every name in `order` was stored in `groups`.
            let entry = groups[name]!
            if let value = try evaluate(pairs[entry.pair].1, entry.data, env) { object[name] = value }
        }
        return .object(object)
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
        _ env: JSONataEnvironment
    )
        throws(JSONataError) -> JSONataValue?
    {
        if op == "and" || op == "or" {
            let first = Self.boolean(try evaluate(lhs, input, env))
            if first == (op == "or") { return .bool(first) }
            return .bool(Self.boolean(try evaluate(rhs, input, env)))
        }
        let left = try evaluate(lhs, input, env)
        let right = try evaluate(rhs, input, env)
        switch op {
        case "+", "-", "*", "/", "%":
            if let left, left.number == nil {
                throw JSONataError("T2001", "The left side of the \"\(op)\" operator must evaluate to a number")
            }
            if let right, right.number == nil {
                throw JSONataError("T2002", "The right side of the \"\(op)\" operator must evaluate to a number")
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
            guard value.isFinite else { throw JSONataError("D1001", "Number out of range: \(value)") }
            return .number(value)
        case "=", "!=":
            guard let left, let right else { return .bool(false) }
            return .bool(Self.deepEqual(left, right) == (op == "="))
        case "<", "<=", ">", ">=":
            for value in [left, right] {
                if let value, value.number == nil, value.string == nil {
                    throw JSONataError("T2010", "The expressions either side of operator \"\(op)\" must evaluate to numeric or string values")
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
                    "The values \(JSONataNumberText.string(left)) and \(JSONataNumberText.string(right)) either side of operator \"\(op)\" must be of the same data type"
                )
            }
            switch op {
            case "<": return .bool(comparison < 0)
            case "<=": return .bool(comparison <= 0)
            case ">": return .bool(comparison > 0)
            default: return .bool(comparison >= 0)
            }
        case "&":
            var text = ""
            if let left { text += try JSONataNumberText.castString(left) }
            if let right { text += try JSONataNumberText.castString(right) }
            return .string(text)
        case "in":
            guard let left, let right else { return .bool(false) }
            let candidates = right.arrayItems ?? [right]
            return .bool(candidates.contains { Self.deepEqual($0, left) })
        case "..":
            if let left, left.number.map({ $0 != $0.rounded() }) ?? true {
                throw JSONataError("T2003", "The left side of the range operator (..) must evaluate to an integer")
            }
            if let right, right.number.map({ $0 != $0.rounded() }) ?? true {
                throw JSONataError("T2004", "The right side of the range operator (..) must evaluate to an integer")
            }
            guard let from = left?.number, let to = right?.number else { return nil }
            guard from <= to else { return nil }
            guard to - from < 1e7 else {
                throw JSONataError(
                    "D2014",
                    "The size of the sequence allocated by the range operator (..) must not exceed 1e7.  Attempted to allocate \(JSONataNumberText.text(to - from + 1))."
                )
            }
            return .plainArray(stride(from: from, through: to, by: 1).map { .number($0) })
        default:
            throw JSONataError("S0204", "Unknown operator: \"\(op)\"")
        }
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

    // MARK: Functions

    private func call(
        _ functionNode: JSONataNode,
        _ argumentNodes: [JSONataNode?],
        prepending: [JSONataValue?],
        _ input: JSONataValue?,
        _ env: JSONataEnvironment
    ) throws(JSONataError) -> JSONataValue? {
        let callee = try evaluate(functionNode, input, env)
        guard case .function(let function)? = callee else {
            if case .path(let path) = functionNode, path.steps.count == 1, case .name(let name) = path.steps[0].node {
                throw JSONataError("T1005", "Attempted to invoke a non-function. Did you mean ${\(name)}?")
            }
            throw JSONataError("T1006", "Attempted to invoke a non-function")
        }
        var arguments = prepending
        var isPartial = false
        for node in argumentNodes {
            if let node {
                arguments.append(try evaluate(node, input, env))
            } else {
                isPartial = true
                arguments.append(nil)
            }
        }
        if isPartial {
            // Placeholders are marked by a position list, since `nil` also means "absent".
            var placeholders: [JSONataValue?] = []
            for (index, value) in arguments.enumerated() {
                let isPlaceholder = index >= prepending.count && argumentNodes[index - prepending.count] == nil
                placeholders.append(isPlaceholder ? nil : .some(value ?? .null))
            }
            return .function(.partial(function, placeholders))
        }
        return try apply(function, arguments, input)
    }

    /// Calls `function` with `arguments`; `context` is the input at the call
    /// site, which built-ins with an optional first argument fall back on.
    func apply(
        _ function: JSONataFunction,
        _ arguments: [JSONataValue?],
        _ context: JSONataValue?
    ) throws(JSONataError)
        -> JSONataValue?
    {
        switch function {
        case .lambda(let parameters, let body, let closure, let input):
            let frame = JSONataEnvironment(parent: closure)
            for (index, name) in parameters.enumerated() {
                frame.bind(name, index < arguments.count ? arguments[index] : nil)
            }
            return try evaluate(body, input, frame)
        case .builtin(let builtin):
            var arguments = arguments
            if builtin.usesContext && arguments.count < builtin.minArguments {
                arguments.insert(context, at: 0)
            }
            guard arguments.count <= builtin.maxArguments else {
                throw JSONataError("T0410", "Argument \(builtin.maxArguments + 1) of function \"\(builtin.name)\" does not match function signature")
            }
            return try callBuiltin(builtin, arguments)
        case .regex(let regex):
            guard case .string(let text)? = arguments.first ?? nil else { return nil }
            return regex.matches(in: text).first.map { $0.object }
        case .partial(let inner, let bound):
            var filled: [JSONataValue?] = []
            var next = 0
            for value in bound {
                if let value {
                    filled.append(value)
                } else {
                    filled.append(next < arguments.count ? arguments[next] : nil)
                    next += 1
                }
            }
            return try apply(inner, filled, context)
        }
    }

    /// Calls a function value from a higher-order built-in, passing only as many
    /// arguments as it declares.
    func callback(_ function: JSONataFunction, _ arguments: [JSONataValue?]) throws(JSONataError) -> JSONataValue? {
        let count = max(1, min(function.arity, arguments.count))
        return try apply(function, Array(arguments.prefix(count)), nil)
    }
}
