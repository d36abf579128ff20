/// Splits a JSONata expression into tokens.
///
/// Whether `/` starts a regex or divides depends on the token before it, so the
/// parser asks for tokens one at a time and says which it expects.
struct JSONataLexer {
    enum Kind: Equatable {
        case op(String)
        case string(String)
        case number(Double)
        case name(String)
        case variable(String)
        case value(JSONataValue.Keyword)
        case regex(pattern: String, flags: String)
        case end
    }

    struct Token {
        var kind: Kind
        var position: Int
        /// The offset just after the token.
        var end: Int = 0
    }

    private let characters: [Character]
    private var index = 0

    init(_ text: String) { characters = Array(text) }

    static let operators: [String] = [
        "..", ":=", "!=", ">=", "<=", "**", "~>", "??", "?:", ".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":", "?",
        "+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "&", "!", "~",
    ]

    mutating func next(prefix: Bool) throws(JSONataError) -> Token {
        var token = try scan(prefix: prefix)
        token.end = index
        return token
    }

    /// The expression text between two offsets.
    func text(from start: Int, to end: Int) -> String { String(characters[start..<min(end, characters.count)]) }

    private mutating func scan(prefix: Bool) throws(JSONataError) -> Token {
        try skipSpaceAndComments()
        let start = index
        guard index < characters.count else { return Token(kind: .end, position: start) }
        let c = characters[index]
        if prefix && c == "/" { return Token(kind: try regex(), position: start) }
        if c == "." && index + 1 < characters.count && characters[index + 1] == "." {
            index += 2
            return Token(kind: .op(".."), position: start)
        }
        for op in Self.operators where op.count == 2 {
            let chars = Array(op)
            if c == chars[0] && index + 1 < characters.count && characters[index + 1] == chars[1] {
                index += 2
                return Token(kind: .op(op), position: start)
            }
        }
        if "[]{}(),@#;:?+-*/%|=<>^&!~.".contains(c) {
            index += 1
            return Token(kind: .op(String(c)), position: start)
        }
        if c == "\"" || c == "'" { return Token(kind: .string(try string(quote: c)), position: start) }
        if c.isASCII && c.isNumber {
            let value = number()
            guard value.isFinite else {
                throw JSONataError("S0102", "Number out of range: \(text(from: start, to: index))", position: start)
            }
            return Token(kind: .number(value), position: start)
        }
        if c == "`" {
            index += 1
            var name = ""
            while index < characters.count && characters[index] != "`" {
                name.append(characters[index])
                index += 1
            }
            guard index < characters.count else {
                throw JSONataError("S0105", "Quoted property name must be terminated with a backquote (`)", position: start)
            }
            index += 1
            return Token(kind: .name(name), position: start)
        }
        var word = ""
        while index < characters.count {
            let d = characters[index]
            if d.isWhitespace || "[]{}(),@#;:?+-*/%|=<>^&!~.\"'`".contains(d) { break }
            word.append(d)
            index += 1
        }
        if c == "$" { return Token(kind: .variable(String(word.dropFirst())), position: start) }
        switch word {
        case "and", "or", "in": return Token(kind: .op(word), position: start)
        case "true": return Token(kind: .value(.true), position: start)
        case "false": return Token(kind: .value(.false), position: start)
        case "null": return Token(kind: .value(.null), position: start)
        default: return Token(kind: .name(word), position: start)
        }
    }

    private mutating func skipSpaceAndComments() throws(JSONataError) {
        while index < characters.count {
            if characters[index].isWhitespace {
                index += 1
            } else if characters[index] == "/", index + 1 < characters.count, characters[index + 1] == "*" {
                let start = index
                index += 2
                while index + 1 < characters.count, !(characters[index] == "*" && characters[index + 1] == "/") { index += 1 }
                guard index + 1 < characters.count else {
                    throw JSONataError("S0106", "Comment has no closing tag", position: start)
                }
                index += 2
            } else {
                return
            }
        }
    }

    private mutating func number() -> Double {
        var text = ""
        func digits() {
            while index < characters.count, characters[index].isASCII, characters[index].isNumber {
                text.append(characters[index])
                index += 1
            }
        }
        digits()
        if index + 1 < characters.count, characters[index] == ".", characters[index + 1].isASCII,
            characters[index + 1].isNumber
        {
            text.append(".")
            index += 1
            digits()
        }
        if index < characters.count, characters[index] == "e" || characters[index] == "E" {
            var lookahead = index + 1
            if lookahead < characters.count, characters[lookahead] == "+" || characters[lookahead] == "-" { lookahead += 1 }
            if lookahead < characters.count, characters[lookahead].isASCII, characters[lookahead].isNumber {
                text.append(contentsOf: characters[index..<lookahead])
                index = lookahead
                digits()
            }
        }
        // The text is digits, an optional fraction and exponent: always a valid Double.
        return Double(text) ?? 0
    }

    private mutating func string(quote: Character) throws(JSONataError) -> String {
        let start = index
        index += 1
        var result = ""
        while index < characters.count {
            let c = characters[index]
            index += 1
            if c == quote { return result }
            guard c == "\\" else {
                result.append(c)
                continue
            }
            guard index < characters.count else { break }
            let e = characters[index]
            index += 1
            switch e {
            case "\"", "\\", "/", "'": result.append(e)
            case "b": result.append("\u{8}")
            case "f": result.append("\u{C}")
            case "n": result.append("\n")
            case "r": result.append("\r")
            case "t": result.append("\t")
            case "u":
                guard index + 4 <= characters.count, let code = UInt32(String(characters[index..<index + 4]), radix: 16)
                else {
                    throw JSONataError("S0104", "The escape sequence \\u must be followed by 4 hex digits", position: index)
                }
                index += 4
                if let scalar = Unicode.Scalar(code) {
                    result.unicodeScalars.append(scalar)
                } else if (0xD800..<0xDC00).contains(code), index + 6 <= characters.count, characters[index] == "\\",
                    characters[index + 1] == "u", let low = UInt32(String(characters[index + 2..<index + 6]), radix: 16),
                    (0xDC00..<0xE000).contains(low),
                    let scalar = Unicode.Scalar(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                {
                    result.unicodeScalars.append(scalar)
                    index += 6
                }
            default:
                throw JSONataError("S0103", "Unsupported escape sequence: \\\(e)", position: index - 1)
            }
        }
        throw JSONataError("S0101", "String literal must be terminated by a matching quote", position: start)
    }

    private mutating func regex() throws(JSONataError) -> Kind {
        let start = index
        index += 1
        var pattern = ""
        var inClass = false
        while index < characters.count {
            let c = characters[index]
            if c == "\\" && index + 1 < characters.count {
                pattern.append(c)
                pattern.append(characters[index + 1])
                index += 2
                continue
            }
            if c == "[" { inClass = true }
            if c == "]" { inClass = false }
            if c == "/" && !inClass {
                index += 1
                guard !pattern.isEmpty else { throw JSONataError("S0301", "Empty regular expressions are not allowed", position: start) }
                var flags = ""
                while index < characters.count, characters[index] == "i" || characters[index] == "m" {
                    flags.append(characters[index])
                    index += 1
                }
                return .regex(pattern: pattern, flags: flags)
            }
            pattern.append(c)
            index += 1
        }
        throw JSONataError("S0302", "No terminating / in regular expression", position: start)
    }
}

extension JSONataValue {
    /// The keyword literals.
    enum Keyword: Equatable { case `true`, `false`, null }
}
