internal import JSON

/// A recursive-descent parser for intrinsic calls over the `Character`s of the
/// text, so that error offsets count what a user sees.
struct IntrinsicParser {
    private let text: String
    private let characters: [Character]
    private var position = 0

    init(_ text: String) {
        self.text = text
        self.characters = Array(text)
    }

    mutating func parseWholeCall() throws(IntrinsicParseError) -> IntrinsicExpression {
        let call = try parseCall(depth: 1)
        skipWhitespace()
        guard position == characters.count else { throw failure(.trailingCharacters) }
        return call
    }

    private func failure(_ reason: IntrinsicParseError.Reason, at offset: Int? = nil) -> IntrinsicParseError {
        IntrinsicParseError(reason: reason, text: text, offset: offset ?? position)
    }

    private var current: Character? { position < characters.count ? characters[position] : nil }

    private mutating func skipWhitespace() {
        while let c = current, c.isWhitespace { position += 1 }
    }

    private func hasPrefix(_ prefix: String) -> Bool {
        var index = position
        for c in prefix {
            guard index < characters.count, characters[index] == c else { return false }
            index += 1
        }
        return true
    }

    private mutating func parseCall(depth: Int) throws(IntrinsicParseError) -> IntrinsicExpression {
        let start = position
        guard depth <= IntrinsicExpression.maximumNestingDepth else { throw failure(.tooDeep) }
        guard hasPrefix("States.") else { throw failure(.notAFunctionCall) }
        position += "States.".count
        let nameStart = position
        while let c = current, c.isLetter || c.isNumber { position += 1 }
        let name = String(characters[nameStart..<position])
        guard !name.isEmpty else { throw failure(.notAFunctionCall) }
        guard let function = IntrinsicFunction(rawValue: name) else {
            throw failure(.unknownFunction("States.\(name)"), at: start)
        }
        guard current == "(" else { throw failure(.expectedOpeningParenthesis) }
        position += 1
        var arguments: [IntrinsicArgument] = []
        skipWhitespace()
        if current == ")" {
            position += 1
        } else {
            while true {
                skipWhitespace()
                arguments.append(try parseArgument(depth: depth))
                skipWhitespace()
                switch current {
                case ",": position += 1
                case ")": position += 1
                default: throw failure(.expectedCommaOrClosingParenthesis)
                }
                if characters[position - 1] == ")" { break }
            }
        }
        return IntrinsicExpression(function: function, arguments: arguments, text: String(characters[start..<position]))
    }

    private mutating func parseArgument(depth: Int) throws(IntrinsicParseError) -> IntrinsicArgument {
        guard let c = current else { throw failure(.expectedArgument) }
        switch c {
        case "'": return try parseString()
        case "$": return try parsePath()
        case "-", "0"..."9": return try parseNumber()
        default:
            if hasPrefix("States.") { return .call(try parseCall(depth: depth + 1)) }
            for (word, value) in [("true", JSONValue.bool(true)), ("false", .bool(false)), ("null", .null)] where hasPrefix(word) {
                let end = position + word.count
                if end == characters.count || !(characters[end].isLetter || characters[end].isNumber) {
                    position = end
                    return .literal(value)
                }
            }
            throw failure(.expectedArgument)
        }
    }

    /// A single-quoted string. `\'`, `\{`, `\}` and `\\` stand for the escaped
    /// character; any other backslash is kept as written, so JSON text such as
    /// `'{"a":"say \"hi\""}'` reaches `States.StringToJson` intact.
    private mutating func parseString() throws(IntrinsicParseError) -> IntrinsicArgument {
        let start = position
        position += 1
        var value = ""
        while let c = current {
            switch c {
            case "'":
                let source = String(characters[(start + 1)..<position])
                position += 1
                return .string(value: value, source: source)
            case "\\":
                guard position + 1 < characters.count else { throw failure(.unterminatedString, at: start) }
                let next = characters[position + 1]
                if IntrinsicParser.escapable.contains(next) {
                    value.append(next)
                } else {
                    value.append(c)
                    value.append(next)
                }
                position += 2
            default:
                value.append(c)
                position += 1
            }
        }
        throw failure(.unterminatedString, at: start)
    }

    /// The characters a backslash escapes inside a string argument.
    static let escapable: Set<Character> = ["'", "{", "}", "\\"]

    private mutating func parseNumber() throws(IntrinsicParseError) -> IntrinsicArgument {
        let start = position
        while let c = current, c.isNumber || "+-.eE".contains(c) { position += 1 }
        let token = String(characters[start..<position])
        guard let value = try? JSONParser.parse(token), value.isNumber else { throw failure(.invalidNumber, at: start) }
        return .literal(value)
    }

    /// A path runs to the next `,` or `)` outside brackets and quotes, so
    /// `$['a, b']` and filters with parentheses stay one argument.
    private mutating func parsePath() throws(IntrinsicParseError) -> IntrinsicArgument {
        let start = position
        var depth = 0
        var quote: Character?
        scan: while let c = current {
            if let q = quote {
                if c == "\\" {
                    position += 1
                } else if c == q {
                    quote = nil
                }
            } else {
                switch c {
                case "'", "\"": quote = c
                case "[", "(": depth += 1
                case "]", ")":
                    if depth == 0 { break scan }
                    depth -= 1
                case ",": if depth == 0 { break scan }
                default: if depth == 0 && c.isWhitespace { break scan }
                }
            }
            position += 1
        }
        let pathText = String(characters[start..<min(position, characters.count)])
        do {
            return .path(try JSONPath(pathText))
        } catch {
            throw failure(.invalidPath(error), at: start + error.offset)
        }
    }
}
