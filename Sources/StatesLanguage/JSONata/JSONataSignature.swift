/// A function signature such as `<s-nn?:s>`: the types a function accepts,
/// checked (and the context filled in for `-`) before each call.
///
/// Each parameter is one type symbol — `s`tring, `n`umber, `b`oolean, nu`l`l,
/// `o`bject, `a`rray (optionally `a<n>`), `f`unction, `j`SON, `x` anything,
/// or a choice `(sn)` — optionally followed by `?` (optional), `+` (one or
/// more) or `-` (use the context value when the argument is missing). The
/// return type after `:` is not checked, as in jsonata-js.
///
/// Matching follows jsonata-js, which turns the signature into a regular
/// expression over one letter per argument (`m` for a missing one) and
/// matches greedily; ``match(_:)`` is that regular expression's backtracking.
struct JSONataSignature {
    enum Quantifier { case one, optional, oneOrMore }

    struct Parameter {
        /// The argument symbols this parameter accepts.
        var symbols: Set<Character>
        var type: Character
        var quantifier: Quantifier = .one
        /// `-`: a missing argument is replaced by the context, if its type fits.
        var usesContext = false
        /// `a<n>`, `f<s:o>`: the item type of an array parameter.
        var subtype: String?
    }

    let definition: String
    private(set) var parameters: [Parameter] = []

    /// Parses `text` (with its angle brackets).
    ///
    /// - Throws: `S0401` for a type parameter on something other than `a` or
    ///   `f`, `S0402` for a choice that contains a parameterised type.
    init(_ text: String, position: Int = 0) throws(JSONataError) {
        definition = text
        let characters = Array(text)
        var index = 1
        func closing(_ open: Character, _ close: Character, from start: Int) -> Int {
            var depth = 1
            var position = start
            while position + 1 < characters.count {
                position += 1
                if characters[position] == close {
                    depth -= 1
                    if depth == 0 { break }
                } else if characters[position] == open {
                    depth += 1
                }
            }
            return position
        }
        let any: Set<Character> = ["a", "s", "n", "b", "l", "f", "o", "m"]
        while index < characters.count {
            let symbol = characters[index]
            if symbol == ":" { break }
            switch symbol {
            case "s", "n", "b", "l", "o":
                parameters.append(Parameter(symbols: [symbol, "m"], type: symbol))
            case "a":
                parameters.append(Parameter(symbols: any, type: symbol))
            case "f":
                parameters.append(Parameter(symbols: ["f"], type: symbol))
            case "j":
                parameters.append(Parameter(symbols: any.subtracting(["f"]), type: symbol))
            case "x":
                parameters.append(Parameter(symbols: any, type: symbol))
            case "-":
                if !parameters.isEmpty {
                    parameters[parameters.count - 1].usesContext = true
                    parameters[parameters.count - 1].quantifier = .optional
                }
            case "?", "+":
                if !parameters.isEmpty { parameters[parameters.count - 1].quantifier = symbol == "?" ? .optional : .oneOrMore }
            case "(":
                let end = closing("(", ")", from: index)
                let choice = String(characters[(index + 1)..<end])
                guard !choice.contains("<") else {
                    throw JSONataError("S0402", "Choice groups containing parameterized types are not supported", position: position)
                }
                parameters.append(Parameter(symbols: Set(choice).union(["m"]), type: "("))
                index = end
            case "<":
                guard let last = parameters.last, last.type == "a" || last.type == "f" else {
                    throw JSONataError("S0401", "Type parameters can only be applied to functions and arrays", position: position)
                }
                let end = closing("<", ">", from: index)
                parameters[parameters.count - 1].subtype = String(characters[(index + 1)..<end])
                index = end
            default:
                break
            }
            index += 1
        }
    }

    /// The symbol jsonata-js gives a value when matching a signature.
    static func symbol(_ value: JSONataValue?) -> Character {
        switch value {
        case nil: "m"
        case .null?: "l"
        case .bool?: "b"
        case .number?: "n"
        case .string?: "s"
        case .array?: "a"
        case .object?: "o"
        case .function?: "f"
        }
    }

    /// How many arguments each parameter takes, the first way a greedy regular
    /// expression would find; `nil` when they do not match. With `anchored`
    /// false, a match need not consume every argument (for error reporting).
    private func match(_ symbols: [Character], parameterCount: Int, anchored: Bool) -> [Int]? {
        var counts: [Int] = []
        func attempt(_ parameter: Int, _ position: Int) -> Bool {
            if parameter == parameterCount { return !anchored || position == symbols.count }
            let p = parameters[parameter]
            var available = 0
            while position + available < symbols.count, p.symbols.contains(symbols[position + available]) { available += 1 }
            let options: [Int]
            switch p.quantifier {
            case .one: options = available >= 1 ? [1] : []
            case .optional: options = available >= 1 ? [1, 0] : [0]
            case .oneOrMore: options = available >= 1 ? Array((1...available).reversed()) : []
            }
            for count in options {
                counts.append(count)
                if attempt(parameter + 1, position + count) { return true }
                counts.removeLast()
            }
            return false
        }
        return attempt(0, 0) ? counts : nil
    }

    /// The arguments to call with: the context put in for a missing `-`
    /// argument, and a single value wrapped for an array parameter.
    ///
    /// - Throws: `T0410` for an argument of the wrong type (or too many),
    ///   `T0411` for a context of the wrong type, `T0412` for an array whose
    ///   items are not of the declared type.
    func validate(
        _ arguments: [JSONataValue?],
        context: JSONataValue?,
        function name: String,
        position: Int
    ) throws(JSONataError) -> [JSONataValue?] {
        let symbols = arguments.map(Self.symbol)
        guard let counts = match(symbols, parameterCount: parameters.count, anchored: true) else {
            var goodTo = 0
            for count in 1...max(1, parameters.count) where count <= parameters.count {
                guard let prefix = match(symbols, parameterCount: count, anchored: false) else { break }
                goodTo = prefix.reduce(0, +)
            }
            throw JSONataError(
                "T0410",
                "Argument \(goodTo + 1) of function \"\(name)\" does not match function signature",
                position: position
            )
        }
        var validated: [JSONataValue?] = []
        // As jsonata-js does, an optional parameter that matched nothing still takes
        // the argument at `index` (so later ones can be misaligned, and run past the
        // end: those are absent); the matched symbols are read at `matchedAt`.
        var index = 0
        var matchedAt = 0
        func argument(_ index: Int) -> JSONataValue? { index < arguments.count ? arguments[index] : nil }
        for (parameter, count) in zip(parameters, counts) {
            if count == 0 {
                if parameter.usesContext {
                    guard parameter.symbols.contains(Self.symbol(context)) else {
                        throw JSONataError(
                            "T0411",
                            "Context value is not a compatible type with argument \(index + 1) of function \"\(name)\"",
                            position: position
                        )
                    }
                    validated.append(context)
                } else {
                    validated.append(argument(index))
                    index += 1
                }
                continue
            }
            let matched = String(symbols[matchedAt..<(matchedAt + count)])
            matchedAt += count
            for single in matched {
                let argument = argument(index)
                guard parameter.type == "a", single != "m" else {
                    validated.append(argument)
                    index += 1
                    continue
                }
                if let subtype = parameter.subtype {
                    var fits = true
                    if single != "a" {
                        fits = matched == subtype
                    } else if let items = argument?.arrayItems, let first = items.first {
                        let itemType = Self.symbol(first)
                        fits = itemType == subtype.first && items.allSatisfy { Self.symbol($0) == itemType }
                    }
                    guard fits else {
                        let plural = ["a": "arrays", "b": "booleans", "f": "functions", "n": "numbers", "o": "objects", "s": "strings"]
                        throw JSONataError(
                            "T0412",
                            "Argument \(index + 1) of function \"\(name)\" must be an array of \(plural[subtype] ?? subtype)",
                            position: position
                        )
                    }
                }
                if single != "a", let argument {
                    validated.append(.plainArray([argument]))
                } else {
                    validated.append(argument)
                }
                index += 1
            }
        }
        return validated
    }
}
