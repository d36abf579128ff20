/// Parses JSONata text into a ``JSONataNode`` with a Pratt parser, using the
/// binding powers of the reference implementation so that operators group
/// the same way (`a.b[0]` is `a.(b[0])`, `-x.y` is `-(x.y)`).
struct JSONataParser {
    private var lexer: JSONataLexer
    private var token: JSONataLexer.Token

    static func parse(_ text: String) throws(JSONataError) -> JSONataNode {
        var parser = try JSONataParser(text)
        let node = try parser.expression(0)
        guard parser.token.kind == .end else {
            throw JSONataError("S0201", "Syntax error: \(parser.describe(parser.token))", position: parser.token.position)
        }
        return node
    }

    private init(_ text: String) throws(JSONataError) {
        lexer = JSONataLexer(text)
        token = try lexer.next(prefix: true)
    }

    private static let bindingPowers: [String: Int] = [
        ".": 75, "[": 80, "{": 70, "(": 80, "@": 80, "#": 80, "?": 20, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60,
        "|": 20, "=": 40, "<": 40, ">": 40, "^": 40, "**": 60, "..": 20, ":=": 10, "!=": 40, "<=": 40, ">=": 40,
        "~>": 40, "and": 30, "or": 25, "in": 40, "&": 50,
    ]

    private func leftBindingPower(_ token: JSONataLexer.Token) -> Int {
        if case .op(let op) = token.kind { return Self.bindingPowers[op] ?? 0 }
        return 0
    }

    private mutating func advance() throws(JSONataError) {
        // After a value or a closing bracket, `/` divides; anywhere else it opens a regex.
        let prefix: Bool
        switch token.kind {
        case .name, .variable, .string, .number, .value, .regex: prefix = false
        case .op(let op): prefix = ![")", "]", "}"].contains(op)
        case .end: prefix = false
        }
        token = try lexer.next(prefix: prefix)
    }

    private mutating func expect(_ op: String) throws(JSONataError) {
        guard token.kind == .op(op) else {
            if token.kind == .end {
                throw JSONataError("S0203", "Expected \"\(op)\" before end of expression", position: token.position)
            }
            throw JSONataError("S0202", "Expected \"\(op)\", got \(describe(token))", position: token.position)
        }
        try advance()
    }

    private func describe(_ token: JSONataLexer.Token) -> String {
        switch token.kind {
        case .op(let op): "\"\(op)\""
        case .name(let name): "\"\(name)\""
        case .variable(let name): "\"$\(name)\""
        case .string(let text): "\"\(text)\""
        case .number(let n): "\"\(JSONataNumberText.text(n))\""
        case .value(let keyword): "\"\(keyword)\""
        case .regex(let pattern, _): "\"/\(pattern)/\""
        case .end: "(end)"
        }
    }

    private mutating func expression(_ rbp: Int) throws(JSONataError) -> JSONataNode {
        let first = token
        try advance()
        var left = try nud(first)
        while rbp < leftBindingPower(token) {
            let operatorToken = token
            try advance()
            left = try led(operatorToken, left)
        }
        return left
    }

    // MARK: Prefix position

    private mutating func nud(_ t: JSONataLexer.Token) throws(JSONataError) -> JSONataNode {
        switch t.kind {
        case .number(let n): return .literal(.number(n))
        case .string(let s): return .literal(.string(s))
        case .value(.true): return .literal(.bool(true))
        case .value(.false): return .literal(.bool(false))
        case .value(.null): return .literal(.null)
        case .name(let name):
            if (name == "function" || name == "λ") && token.kind == .op("(") { return try lambda() }
            return .path(JSONataPath(steps: [JSONataStep(node: .name(name))]))
        case .variable(let name): return .variable(name)
        case .regex(let pattern, let flags): return .regex(try JSONataRegex(pattern: pattern, flags: flags, position: t.position))
        case .end:
            throw JSONataError("S0207", "Unexpected end of expression", position: t.position)
        case .op(let op):
            switch op {
            case "-":
                let operand = try expression(70)
                if case .literal(.number(let n)) = operand { return .literal(.number(-n)) }
                return .negate(operand)
            case "*": return .wildcard
            case "**": return .descendants
            case "(":
                var expressions: [JSONataNode] = []
                while token.kind != .op(")") {
                    expressions.append(try expression(0))
                    if token.kind != .op(";") { break }
                    try advance()
                }
                try expect(")")
                return .block(expressions)
            case "[":
                var items: [JSONataNode] = []
                if token.kind != .op("]") {
                    while true {
                        items.append(try expression(0))
                        if token.kind != .op(",") { break }
                        try advance()
                    }
                }
                try expect("]")
                return .array(items, constructed: false)
            case "{":
                return .object(nil, try objectPairs())
            default:
                throw JSONataError("S0211", "The symbol \(op) cannot be used as a unary operator", position: t.position)
            }
        }
    }

    private mutating func objectPairs() throws(JSONataError) -> [(JSONataNode, JSONataNode)] {
        var pairs: [(JSONataNode, JSONataNode)] = []
        if token.kind != .op("}") {
            while true {
                let key = try expression(0)
                try expect(":")
                pairs.append((key, try expression(0)))
                if token.kind != .op(",") { break }
                try advance()
            }
        }
        try expect("}")
        return pairs
    }

    private mutating func lambda() throws(JSONataError) -> JSONataNode {
        try expect("(")
        var parameters: [String] = []
        while token.kind != .op(")") {
            guard case .variable(let name) = token.kind else {
                throw JSONataError(
                    "S0208",
                    "Parameter \(describe(token)) of function definition must be a variable name (start with $)",
                    position: token.position
                )
            }
            parameters.append(name)
            try advance()
            if token.kind != .op(",") { break }
            try advance()
        }
        try expect(")")
        if token.kind == .op("<") {
            // A type signature: checked by built-ins only, so skipped here.
            var depth = 0
            repeat {
                if token.kind == .op("<") { depth += 1 }
                if token.kind == .op(">") { depth -= 1 }
                if token.kind == .end { throw JSONataError("S0203", "Expected \">\" before end of expression", position: token.position) }
                try advance()
            } while depth > 0
        }
        try expect("{")
        let body = try expression(0)
        try expect("}")
        return .lambda(parameters, body)
    }

    // MARK: Infix position

    private mutating func led(_ t: JSONataLexer.Token, _ left: JSONataNode) throws(JSONataError) -> JSONataNode {
        guard case .op(let op) = t.kind else {
            throw JSONataError("S0201", "Syntax error: \(describe(t))", position: t.position)
        }
        switch op {
        case ".":
            let right = try expression(75)
            var path = Self.path(of: left)
            let rest = Self.path(of: right, stringIsName: true)
            path.steps.append(contentsOf: rest.steps)
            path.keepSingletonArray = path.keepSingletonArray || rest.keepSingletonArray
            return .path(path)
        case "[":
            if token.kind == .op("]") {
                try advance()
                var path = Self.path(of: left)
                path.keepSingletonArray = true
                return .path(path)
            }
            let predicate = try expression(0)
            try expect("]")
            if case .path(var path) = left {
                path.steps[path.steps.count - 1].stages.append(predicate)
                return .path(path)
            }
            return .filter(left, predicate)
        case "{":
            return .object(left, try objectPairs())
        case "(":
            var arguments: [JSONataNode?] = []
            if token.kind != .op(")") {
                while true {
                    if token.kind == .op("?") {
                        try advance()
                        arguments.append(nil)
                    } else {
                        arguments.append(try expression(0))
                    }
                    if token.kind != .op(",") { break }
                    try advance()
                }
            }
            try expect(")")
            return .call(left, arguments)
        case "?":
            let then = try expression(0)
            var otherwise: JSONataNode?
            if token.kind == .op(":") {
                try advance()
                otherwise = try expression(0)
            }
            return .condition(left, then, otherwise)
        case ":=":
            guard case .variable(let name) = left else {
                throw JSONataError("S0212", "The left side of := must be a variable name (start with $)", position: t.position)
            }
            return .bind(name, try expression(9))
        case "~>":
            return .chain(left, try expression(40))
        case "^":
            try expect("(")
            var terms: [(JSONataNode, descending: Bool)] = []
            while true {
                var descending = false
                if token.kind == .op("<") {
                    try advance()
                } else if token.kind == .op(">") {
                    descending = true
                    try advance()
                }
                terms.append((try expression(0), descending))
                if token.kind != .op(",") { break }
                try advance()
            }
            try expect(")")
            var path = Self.path(of: left)
            path.steps.append(JSONataStep(node: .wildcard, sortTerms: terms))
            return .path(path)
        case "@", "#", "|":
            throw JSONataError("S0201", "Syntax error: \"\(op)\" (not supported by Stepline)", position: t.position)
        default:
            guard let power = Self.bindingPowers[op] else {
                throw JSONataError("S0204", "Unknown operator: \"\(op)\"", position: t.position)
            }
            return .binary(op, left, try expression(power))
        }
    }

    /// `node` as the steps of a path: a path's own steps, a predicate on a
    /// non-path expression as that step's stages, anything else as one step.
    private static func path(of node: JSONataNode, stringIsName: Bool = false) -> JSONataPath {
        switch node {
        case .path(let path):
            return path
        case .filter:
            var stages: [JSONataNode] = []
            var inner = node
            while case .filter(let base, let predicate) = inner {
                stages.insert(predicate, at: 0)
                inner = base
            }
            return JSONataPath(steps: [JSONataStep(node: step(inner, stringIsName), stages: stages)])
        default:
            return JSONataPath(steps: [JSONataStep(node: step(node, stringIsName))])
        }
    }

    private static func step(_ node: JSONataNode, _ stringIsName: Bool) -> JSONataNode {
        switch node {
        case .literal(.string(let name)) where stringIsName: .name(name)
        case .array(let items, _): .array(items, constructed: true)
        default: node
        }
    }
}
