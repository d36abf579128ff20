extension JSONataEvaluator {
    /// `f(args)`, or `lhs ~> f(args)` with `applyTo` as the first argument.
    func call(
        _ procedure: JSONataNode,
        _ argumentNodes: [JSONataNode],
        applyTo: JSONataValue??,
        position: Int,
        _ input: JSONataValue?,
        _ env: JSONataEnvironment
    ) throws(JSONataError) -> JSONataValue? {
        let callee = try evaluate(procedure, input, env)
        if callee == nil, let name = Self.forgottenDollar(procedure, env) {
            throw JSONataError("T1005", "Attempted to invoke a non-function. Did you mean ${\(name)}?", position: position)
        }
        var arguments: [JSONataValue?] = []
        if let applyTo { arguments.append(applyTo) }
        for node in argumentNodes { arguments.append(try evaluate(node, input, env)) }
        return try apply(callee, arguments, input, name: Self.name(of: procedure), position: position)
    }

    /// A name written without `$` where a function of that name exists.
    private static func forgottenDollar(_ procedure: JSONataNode, _ env: JSONataEnvironment) -> String? {
        guard case .path(let steps) = procedure.kind, case .name(let name) = steps[0].kind, env.lookup(name) != nil else { return nil }
        return name
    }

    /// How errors name the function a call invokes.
    static func name(of procedure: JSONataNode) -> String {
        switch procedure.kind {
        case .variable(let name): name
        case .path(let steps): if case .name(let name) = steps[0].kind { name } else { "function" }
        default: "function"
        }
    }

    /// Calls `callee`, then runs the tail calls it hands back (thunks) in a
    /// loop, so tail recursion uses constant stack.
    func apply(
        _ callee: JSONataValue?,
        _ arguments: [JSONataValue?],
        _ context: JSONataValue?,
        name: String,
        position: Int
    ) throws(JSONataError) -> JSONataValue? {
        var result = try applyOnce(callee, arguments, context, name: name, position: position)
        while case .function(.lambda(let thunk))? = result, thunk.isThunk,
            case .call(let procedure, let argumentNodes) = thunk.body.kind
        {
            let next = try evaluate(procedure, thunk.input, thunk.closure)
            var evaluated: [JSONataValue?] = []
            for node in argumentNodes { evaluated.append(try evaluate(node, thunk.input, thunk.closure)) }
            result = try applyOnce(next, evaluated, context, name: Self.name(of: procedure), position: thunk.body.position)
        }
        return result
    }

    /// Calls `function` with `arguments`; `context` is the input at the call
    /// site, which a `-` parameter falls back on.
    func apply(
        _ function: JSONataFunction,
        _ arguments: [JSONataValue?],
        _ context: JSONataValue?
    ) throws(JSONataError) -> JSONataValue? {
        try apply(.function(function), arguments, context, name: "function", position: 0)
    }

    /// Calls a function value from a higher-order built-in, passing only as many
    /// arguments as it declares.
    func callback(_ function: JSONataFunction, _ arguments: [JSONataValue?]) throws(JSONataError) -> JSONataValue? {
        let count = max(1, min(function.arity, arguments.count))
        return try apply(function, Array(arguments.prefix(count)), nil)
    }

    private func applyOnce(
        _ callee: JSONataValue?,
        _ arguments: [JSONataValue?],
        _ context: JSONataValue?,
        name: String,
        position: Int
    ) throws(JSONataError) -> JSONataValue? {
        guard case .function(let function)? = callee else {
            throw JSONataError("T1006", "Attempted to invoke a non-function", position: position)
        }
        do throws(JSONataError) {
            switch function {
            case .lambda(let lambda):
                var arguments = arguments
                if let signature = lambda.signature {
                    arguments = try signature.validate(arguments, context: context, function: name, position: position)
                }
                let frame = JSONataEnvironment(parent: lambda.closure)
                for (index, parameter) in lambda.parameters.enumerated() {
                    frame.bind(parameter, index < arguments.count ? arguments[index] : nil)
                }
                return try evaluate(lambda.body, lambda.input, frame)
            case .builtin(let builtin):
                var arguments = arguments
                if let signature = builtin.signature {
                    arguments = try signature.validate(arguments, context: context, function: builtin.name, position: position)
                } else {
                    guard arguments.count <= builtin.maxArguments else {
                        throw JSONataError(
                            "T0410",
                            "Argument \(builtin.maxArguments + 1) of function \"\(builtin.name)\" does not match function signature",
                            position: position
                        )
                    }
                }
                return try callBuiltin(builtin, arguments)
            case .regex(let regex):
                guard case .string(let text)? = arguments.first ?? nil else { return nil }
                return try regex.firstMatch(in: text).map { $0.object }
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
                // As in jsonata-js, a partially applied built-in is called
                // directly, without its signature's checks.
                if case .builtin(let builtin) = inner { return try callBuiltin(builtin, filled) }
                return try apply(.function(inner), filled, context, name: name, position: position)
            case .composition(let first, let second):
                let intermediate = try apply(.function(first), Array(arguments.prefix(1)), context, name: name, position: position)
                return try apply(.function(second), [intermediate], context, name: name, position: position)
            case .transform(let node, let environment):
                let arguments = try Self.transformSignature.validate(arguments, context: context, function: name, position: position)
                return try transform(node, environment, arguments.first ?? nil)
            }
        } catch {
            guard error.position == 0 else { throw error }
            var located = error
            located.position = position
            throw located
        }
    }

    // MARK: Matchers

    /// The matches of `matcher` in `text`, up to `limit`: a regex, or a
    /// function that returns jsonata-js's matcher objects (`match`, `start`,
    /// `end`, `groups`, and `next` for the following match).
    ///
    /// - Throws: `T1010` when a matcher function returns anything else.
    func matches(of matcher: JSONataFunction, in text: String, limit: Int = Int.max) throws(JSONataError) -> [JSONataRegex.Match] {
        if case .regex(let regex) = matcher { return try regex.matches(in: text, limit: limit) }
        var indices = Array(text.indices)
        indices.append(text.endIndex)
        var found: [JSONataRegex.Match] = []
        var result = try apply(matcher, [.string(text)], nil)
        while let value = result, found.count < limit {
            guard case .object(let object) = value, case .string(let matched)? = object["match"],
                case .number(let start)? = object["start"], case .number(let end)? = object["end"],
                case .array(let groups)? = object["groups"], case .function(let next)? = object["next"]
            else {
                throw JSONataError("T1010", "The matcher function argument passed to a string function does not return the correct object structure")
            }
            // The offsets come from the caller's function: any number, 1e300 among them.
            let from = min(max(0, Self.integer(start)), text.count)
            let to = min(max(from, Self.integer(end)), text.count)
            found.append(
                JSONataRegex.Match(
                    text: matched,
                    offset: from,
                    groups: groups.items.map { $0.string ?? "" },
                    range: indices[from]..<indices[to]
                )
            )
            result = try apply(next, [], nil)
        }
        return found
    }

    // MARK: Partial application and ~>

    func partial(
        _ procedure: JSONataNode,
        _ argumentNodes: [JSONataNode],
        position: Int,
        _ input: JSONataValue?,
        _ env: JSONataEnvironment
    ) throws(JSONataError) -> JSONataValue? {
        var arguments: [JSONataValue??] = []
        for node in argumentNodes {
            if case .placeholder = node.kind {
                arguments.append(.none)
            } else {
                arguments.append(.some(try evaluate(node, input, env)))
            }
        }
        let callee = try evaluate(procedure, input, env)
        if callee == nil, let name = Self.forgottenDollar(procedure, env) {
            throw JSONataError("T1007", "Attempted to partially apply a non-function. Did you mean ${\(name)}?", position: position)
        }
        switch callee {
        case .function(.lambda(let lambda))?:
            let frame = JSONataEnvironment(parent: lambda.closure)
            var unbound: [String] = []
            for (index, parameter) in lambda.parameters.enumerated() {
                if index < arguments.count, arguments[index] == nil {
                    unbound.append(parameter)
                } else {
                    frame.bind(parameter, index < arguments.count ? arguments[index]! : nil)  // Not a placeholder, checked above.
                }
            }
            return .function(.lambda(JSONataLambda(parameters: unbound, signature: nil, body: lambda.body, closure: frame, input: lambda.input)))
        case .function(let function)?:
            var bound = arguments
            if case .builtin(let builtin) = function {
                // The built-in takes at most its declared parameters; the rest are dropped.
                bound = Array(bound.prefix(builtin.maxArguments))
                while bound.count < builtin.maxArguments { bound.append(.some(nil)) }
            }
            return .function(.partial(function, bound))
        default:
            throw JSONataError("T1008", "Attempted to partially apply a non-function", position: position)
        }
    }

    /// `lhs ~> f`: calls `f` with `lhs` first, or composes two functions.
    func applyOperator(
        _ lhs: JSONataNode,
        _ rhs: JSONataNode,
        position: Int,
        _ input: JSONataValue?,
        _ env: JSONataEnvironment
    ) throws(JSONataError) -> JSONataValue? {
        let left = try evaluate(lhs, input, env)
        if case .call(let procedure, let arguments) = rhs.kind {
            return try call(procedure, arguments, applyTo: .some(left), position: rhs.position, input, env)
        }
        guard case .function(let function)? = try evaluate(rhs, input, env) else {
            throw JSONataError("T2006", "The right side of the function application operator ~> must be a function", position: position)
        }
        if case .function(let first)? = left {
            return .function(.composition(first, function))
        }
        return try apply(.function(function), [left], nil, name: Self.name(of: rhs), position: position)
    }

    // MARK: Transform

    private static let transformSignature: JSONataSignature = {
        // A fixed, valid signature: parsing it cannot fail.
        try! JSONataSignature("<(oa):o>")
    }()

    /// `| location | update [, delete] |` applied to `document`: a copy in
    /// which every object the location selects has the update merged in and
    /// the deleted keys removed.
    ///
    /// jsonata-js mutates the selected objects of a deep copy in place. Values
    /// here are not references, so the copy's objects get identities, the
    /// location is evaluated on it, and each selected object is then looked
    /// up by identity in the current copy, updated, and written back.
    private func transform(_ node: JSONataNode, _ env: JSONataEnvironment, _ document: JSONataValue?) throws(JSONataError) -> JSONataValue? {
        guard let document, case .transform(let pattern, let update, let delete) = node.kind else { return nil }
        var copy = tagged(document)
        guard let selected = try evaluate(pattern, copy, env) else { return copy }
        for match in selected.arrayItems ?? [selected] {
            var current = match
            var identity = 0
            if case .object(let object) = match, object.identity != 0, let found = Self.object(withIdentity: object.identity, in: copy) {
                identity = object.identity
                current = .object(found)
            }
            let changes = try evaluate(update, current, env)
            if let changes {
                guard case .object(let fields) = changes else {
                    throw JSONataError(
                        "T2011",
                        "The insert/update clause of the transform expression must evaluate to an object: \(JSONataNumberText.string(changes))",
                        position: update.position
                    )
                }
                if case .object(var object) = current {
                    for key in fields.keys { object[key] = fields[key] }
                    current = .object(object)
                }
            }
            if let delete, let deletions = try evaluate(delete, current, env) {
                let names = deletions.arrayItems ?? [deletions]
                guard names.allSatisfy({ $0.string != nil }) else {
                    throw JSONataError(
                        "T2012",
                        "The delete clause of the transform expression must evaluate to a string or array of strings: \(JSONataNumberText.string(deletions))",
                        position: delete.position
                    )
                }
                if case .object(var object) = current {
                    for case .string(let name) in names { object[name] = nil }
                    current = .object(object)
                }
            }
            if identity != 0, case .object(let object) = current {
                copy = Self.replacing(identity, with: object, in: copy)
            }
        }
        return copy
    }

    /// `value` with a fresh identity on each of its objects.
    private func tagged(_ value: JSONataValue) -> JSONataValue {
        switch value {
        case .object(let object):
            var copy = JSONataObject()
            for key in object.keys { copy[key] = tagged(object[key]!) }  // `keys` lists exactly the stored keys.
            nextIdentity += 1
            copy.identity = nextIdentity
            return .object(copy)
        case .array(var array):
            array.items = array.items.map(tagged)
            return .array(array)
        default:
            return value
        }
    }

    private static func object(withIdentity identity: Int, in value: JSONataValue) -> JSONataObject? {
        switch value {
        case .object(let object):
            if object.identity == identity { return object }
            for key in object.keys {
                if let found = Self.object(withIdentity: identity, in: object[key]!) { return found }  // `keys` lists exactly the stored keys.
            }
            return nil
        case .array(let array):
            for item in array.items {
                if let found = Self.object(withIdentity: identity, in: item) { return found }
            }
            return nil
        default:
            return nil
        }
    }

    private static func replacing(_ identity: Int, with replacement: JSONataObject, in value: JSONataValue) -> JSONataValue {
        switch value {
        case .object(var object):
            if object.identity == identity { return .object(replacement) }
            for key in object.keys { object[key] = replacing(identity, with: replacement, in: object[key]!) }  // `keys` lists exactly the stored keys.
            return .object(object)
        case .array(var array):
            array.items = array.items.map { replacing(identity, with: replacement, in: $0) }
            return .array(array)
        default:
            return value
        }
    }
}
