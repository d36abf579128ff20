/// Parses JSONata text into a ``JSONataNode`` tree with a Pratt parser, using
/// the binding powers of the reference implementation so that operators group
/// the same way (`a.b[0]` is `a.(b[0])`, `-x.y` is `-(x.y)`), then reshapes the
/// tree for evaluation (see `JSONataParser+Reshape.swift`).
struct JSONataParser {
    private var lexer: JSONataLexer
    private var token: JSONataLexer.Token
    private var depth = 0

    /// How deeply an expression may nest (parentheses, brackets, unary minus,
    /// operands). The parser, the reshaping and the evaluator all recurse
    /// along the tree, and a server thread's stack holds a few hundred levels
    /// of each; real expressions nest a few dozen deep, so a deeper one is
    /// rejected as a syntax error instead of overflowing the stack.
    static let maximumNesting = 200

    static func parse(_ text: String) throws(JSONataError) -> JSONataNode {
        var parser = try JSONataParser(text)
        let node = try parser.expression(0)
        guard parser.token.kind == .end else {
            throw JSONataError("S0201", "Syntax error: \(parser.describe(parser.token))", position: parser.token.position)
        }
        var reshaper = JSONataReshaper()
        return try reshaper.reshape(node)
    }

    private init(_ text: String) throws(JSONataError) {
        lexer = JSONataLexer(text)
        token = try lexer.next(prefix: true)
    }

    /// `|` has none: it only opens and delimits a transform.
    static let bindingPowers: [String: Int] = [
        ".": 75, "[": 80, "{": 70, "(": 80, "@": 80, "#": 80, "?": 20, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60,
        "=": 40, "<": 40, ">": 40, "^": 40, "**": 60, "..": 20, ":=": 10, "!=": 40, "<=": 40, ">=": 40,
        "~>": 40, "?:": 40, "??": 40, "and": 30, "or": 25, "in": 40, "&": 50,
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
        // `!` and `~` exist only as part of `!=` and `~>`.
        if token.kind == .op("!") || token.kind == .op("~") {
            throw JSONataError("S0204", "Unknown operator: \(describe(token))", position: token.position)
        }
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
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumNesting else {
            throw JSONataError(
                "S0201",
                "Syntax error: the expression nests more than \(Self.maximumNesting) levels deep",
                position: token.position
            )
        }
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
        let at = t.position
        switch t.kind {
        case .number(let n): return JSONataNode(.number(n), at: at)
        case .string(let s): return JSONataNode(.string(s), at: at)
        case .value(.true): return JSONataNode(.value(.bool(true)), at: at)
        case .value(.false): return JSONataNode(.value(.bool(false)), at: at)
        case .value(.null): return JSONataNode(.value(.null), at: at)
        case .name(let name):
            if (name == "function" || name == "λ") && token.kind == .op("(") { return try lambda(at: at) }
            return JSONataNode(.name(name), at: at)
        case .variable(let name): return JSONataNode(.variable(name), at: at)
        case .regex(let pattern, let flags):
            return JSONataNode(.regex(try JSONataRegex(pattern: pattern, flags: flags, position: at)), at: at)
        case .end:
            throw JSONataError("S0207", "Unexpected end of expression", position: at)
        case .op(let op):
            switch op {
            // Operators written where a name is expected are field names.
            case "and", "or", "in": return JSONataNode(.name(op), at: at)
            case "-":
                return JSONataNode(.negate(try expression(70)), at: at)
            case "*": return JSONataNode(.wildcard, at: at)
            case "**": return JSONataNode(.descendants, at: at)
            case "%": return JSONataNode(.parent(nil), at: at)
            case "?": return JSONataNode(.placeholder, at: at)
            case "(":
                var expressions: [JSONataNode] = []
                while token.kind != .op(")") {
                    expressions.append(try expression(0))
                    if token.kind != .op(";") { break }
                    try advance()
                }
                try expect(")")
                return JSONataNode(.block(expressions), at: at)
            case "[":
                return JSONataNode(.array(try list(closedBy: "]") { (parser) throws(JSONataError) in try parser.expression(0) }), at: at)
            case "{":
                return JSONataNode(.object(try objectPairs()), at: at)
            case "|":
                let pattern = try expression(0)
                try expect("|")
                let update = try expression(0)
                var delete: JSONataNode?
                if token.kind == .op(",") {
                    try advance()
                    delete = try expression(0)
                }
                try expect("|")
                return JSONataNode(.transform(pattern, update, delete), at: at)
            default:
                throw JSONataError("S0211", "The symbol \(op) cannot be used as a unary operator", position: at)
            }
        }
    }

    private mutating func objectPairs() throws(JSONataError) -> [(JSONataNode, JSONataNode)] {
        try list(closedBy: "}") { (parser) throws(JSONataError) in
            let key = try parser.expression(0)
            try parser.expect(":")
            return (key, try parser.expression(0))
        }
    }

    /// Items read by `item`, separated by commas, up to and past `close`; with
    /// `allowsEmpty`, `close` may follow at once.
    private mutating func list<Item>(
        closedBy close: String,
        allowsEmpty: Bool = true,
        _ item: (inout Self) throws(JSONataError) -> Item
    ) throws(JSONataError) -> [Item] {
        var items: [Item] = []
        if !allowsEmpty || token.kind != .op(close) {
            while true {
                items.append(try item(&self))
                if token.kind != .op(",") { break }
                try advance()
            }
        }
        try expect(close)
        return items
    }

    private mutating func lambda(at position: Int) throws(JSONataError) -> JSONataNode {
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
        var signature: JSONataSignature?
        if token.kind == .op("<") {
            let start = token.position
            var depth = 0
            var end = start
            repeat {
                if token.kind == .op("<") { depth += 1 }
                if token.kind == .op(">") { depth -= 1 }
                if token.kind == .end || token.kind == .op("{") {
                    throw JSONataError("S0203", "Expected \">\" before end of function signature", position: token.position)
                }
                end = token.end
                try advance()
            } while depth > 0
            let text = lexer.text(from: start, to: end).filter { !$0.isWhitespace }
            signature = try JSONataSignature(text, position: start)
        }
        try expect("{")
        let body = try expression(0)
        try expect("}")
        return JSONataNode(.lambda(JSONataLambdaDefinition(parameters: parameters, signature: signature, body: body)), at: position)
    }

    // MARK: Infix position

    private mutating func led(_ t: JSONataLexer.Token, _ left: JSONataNode) throws(JSONataError) -> JSONataNode {
        guard case .op(let op) = t.kind else {
            throw JSONataError("S0201", "Syntax error: \(describe(t))", position: t.position)
        }
        let at = t.position
        switch op {
        case ".":
            return JSONataNode(.step(left, try expression(75)), at: at)
        case "[":
            if token.kind == .op("]") {
                try advance()
                var step = left
                while case .predicate(let base, _) = step.kind { step = base }
                step.keepArray = true
                return left
            }
            let predicate = try expression(0)
            try expect("]")
            return JSONataNode(.predicate(left, predicate), at: at)
        case "{":
            return JSONataNode(.groupBy(left, try objectPairs()), at: at)
        case "(":
            let arguments = try list(closedBy: ")") { (parser) throws(JSONataError) in try parser.expression(0) }
            let isPartial = arguments.contains { if case .placeholder = $0.kind { true } else { false } }
            return JSONataNode(isPartial ? .partial(left, arguments) : .call(left, arguments), at: at)
        case "?":
            let then = try expression(0)
            var otherwise: JSONataNode?
            if token.kind == .op(":") {
                try advance()
                otherwise = try expression(0)
            }
            return JSONataNode(.condition(left, then, otherwise), at: at)
        case "??":
            return JSONataNode(.coalesce(left, try expression(0)), at: at)
        case "?:":
            return JSONataNode(.elvis(left, try expression(0)), at: at)
        case ":=":
            guard case .variable(let name) = left.kind else {
                throw JSONataError("S0212", "The left side of := must be a variable name (start with $)", position: at)
            }
            return JSONataNode(.bind(name, try expression(9)), at: at)
        case "@", "#":
            let variable = try expression(80)
            guard case .variable(let name) = variable.kind else {
                throw JSONataError("S0214", "The right side of \(op) must be a variable name (start with $)", position: variable.position)
            }
            return JSONataNode(op == "@" ? .focusBinding(left, name) : .indexBinding(left, name), at: at)
        case "~>":
            return JSONataNode(.apply(left, try expression(40)), at: at)
        case "^":
            try expect("(")
            let terms = try list(closedBy: ")", allowsEmpty: false) { (parser) throws(JSONataError) -> (JSONataNode, descending: Bool) in
                var descending = false
                if parser.token.kind == .op("<") {
                    try parser.advance()
                } else if parser.token.kind == .op(">") {
                    descending = true
                    try parser.advance()
                }
                return (try parser.expression(0), descending)
            }
            return JSONataNode(.orderBy(left, terms), at: at)
        default:
            guard let power = Self.bindingPowers[op] else {
                throw JSONataError("S0204", "Unknown operator: \"\(op)\"", position: at)
            }
            return JSONataNode(.binary(op, left, try expression(power)), at: at)
        }
    }
}
