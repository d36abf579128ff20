/// Parses JSONPath text into a root and segments, over UTF-8 bytes.
///
/// The grammar is Jayway's, as Step Functions accepts it:
/// ```
/// path     = ( "$" | "$$" | "$" variable ) segment*
/// segment  = "." name | ".*" | ".." ( name | "*" | bracket ) | bracket
/// bracket  = "[" ( "*" | quoted ("," quoted)* | int ("," int)* | slice | "?(" filter ")" ) "]"
/// slice    = int? ":" int? ( ":" int )?
/// ```
/// A dotted name runs to the next `.` or `[`; blanks and `(` are refused there, as
/// Jayway does. Inside quotes, `\` escapes the quote character and `\\` is one
/// backslash; any other backslash is kept as written (so `$['Test\""Name"']` reads
/// the key `Test\""Name"`, as AWS does).
struct JSONPathParser {
    let text: String
    let bytes: [UInt8]
    var position = 0
    /// Open parentheses, negations and nested filters; bounded so that a hostile
    /// path cannot exhaust the stack.
    private var nesting = 0
    static let maximumNesting = 64
    /// The most segments one path may have. Evaluation recurses once per segment and
    /// ``JSONPath/setting(_:in:)`` builds one level of nesting per segment, so the
    /// bound is the parser's own depth limit: what a path builds stays readable.
    static let maximumSegments = JSONParser.maximumDepth

    init(text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    // MARK: Errors

    func error(_ reason: JSONPathError.Reason, at offset: Int? = nil) -> JSONPathError {
        JSONPathError(reason: reason, path: text, utf8Offset: offset ?? position)
    }

    // MARK: Characters

    var atEnd: Bool { position >= bytes.count }
    var current: UInt8? { position < bytes.count ? bytes[position] : nil }
    func peek(_ ahead: Int) -> UInt8? { position + ahead < bytes.count ? bytes[position + ahead] : nil }

    mutating func skipBlanks() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    mutating func expect(_ byte: UInt8, else reason: JSONPathError.Reason) throws(JSONPathError) {
        guard current == byte else { throw error(atEnd ? .unexpectedEnd : reason) }
        position += 1
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_")
    }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    // MARK: Path

    mutating func parsePath() throws(JSONPathError) -> (root: JSONPath.Root, segments: [JSONPath.Segment], offsets: [Int]) {
        skipBlanks()
        guard !atEnd else { throw error(.empty) }
        guard current == UInt8(ascii: "$") else { throw error(.expectedRoot) }
        position += 1
        let root: JSONPath.Root
        if current == UInt8(ascii: "$") {
            position += 1
            root = .context
        } else if let byte = current, Self.isLetter(byte) || Self.isDigit(byte) {
            let start = position
            while let byte = current, Self.isLetter(byte) || Self.isDigit(byte) { position += 1 }
            guard Self.isLetter(bytes[start]) else { throw error(.invalidVariableName, at: start) }
            root = .variable(String(decoding: bytes[start..<position], as: UTF8.self))
        } else {
            root = .input
        }
        var segments: [JSONPath.Segment] = []
        var offsets: [Int] = []
        try parseSegments(into: &segments, offsets: &offsets, inFilter: false)
        skipBlanks()
        if !atEnd {
            if case .variable = root, segments.isEmpty { throw error(.invalidVariableName) }
            throw error(.unexpectedCharacter)
        }
        return (root, segments, offsets)
    }

    /// Reads segments while the next character starts one. In a filter a path ends
    /// at any other character (an operator, a blank, `)`); at the top level the
    /// caller reports leftovers.
    mutating func parseSegments(
        into segments: inout [JSONPath.Segment],
        offsets: inout [Int],
        inFilter: Bool
    ) throws(JSONPathError) {
        while let byte = current {
            let start = position
            guard segments.count < Self.maximumSegments else { throw error(.tooManySegments) }
            if byte == UInt8(ascii: ".") {
                if peek(1) == UInt8(ascii: ".") {
                    position += 2
                    segments.append(.recursiveDescent)
                    offsets.append(start)
                    guard let next = current else { throw error(.endsWithDot, at: start) }
                    if next == UInt8(ascii: "[") { continue }
                    let segmentStart = position
                    segments.append(try parseDottedName(inFilter: inFilter))
                    offsets.append(segmentStart)
                } else {
                    position += 1
                    guard current != nil else { throw error(.endsWithDot, at: start) }
                    segments.append(try parseDottedName(inFilter: inFilter))
                    offsets.append(start)
                }
            } else if byte == UInt8(ascii: "[") {
                segments.append(try parseBracket())
                offsets.append(start)
            } else {
                return
            }
        }
    }

    /// After `.` or `..`: `*` or a name running to the next `.` or `[`.
    mutating func parseDottedName(inFilter: Bool) throws(JSONPathError) -> JSONPath.Segment {
        if current == UInt8(ascii: "*") {
            position += 1
            return .wildcard
        }
        let start = position
        scan: while let byte = current {
            switch byte {
            case UInt8(ascii: "."), UInt8(ascii: "["): break scan
            case 0x20, 0x09, 0x0A, 0x0D:
                if inFilter || bytes[position...].allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { break scan }
                throw error(.blankInMemberName)
            case UInt8(ascii: "("):
                throw error(.functionsUnsupported, at: start)
            case UInt8(ascii: "]"):
                // Jayway would take `]` into the name; refusing it catches `$.a]` typos.
                if inFilter { break scan }
                throw error(.unexpectedCharacter)
            case UInt8(ascii: ")"), UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "<"), UInt8(ascii: ">"),
                UInt8(ascii: "~"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: ","):
                if inFilter { break scan }
                position += 1
            default:
                position += 1
            }
        }
        guard position > start else { throw error(atEnd ? .endsWithDot : .expectedMemberName) }
        return .member(String(decoding: bytes[start..<position], as: UTF8.self))
    }

    // MARK: Brackets

    mutating func parseBracket() throws(JSONPathError) -> JSONPath.Segment {
        position += 1  // [
        skipBlanks()
        guard let byte = current else { throw error(.unexpectedEnd) }
        let segment: JSONPath.Segment
        switch byte {
        case UInt8(ascii: "*"):
            position += 1
            segment = .wildcard
        case UInt8(ascii: "?"):
            position += 1
            skipBlanks()
            try expect(UInt8(ascii: "("), else: .invalidFilter)
            let filter = try parseOr()
            skipBlanks()
            try expect(UInt8(ascii: ")"), else: .expectedClosingParenthesis)
            segment = .filter(filter)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            var names: [String] = []
            while true {
                guard let quote = current, quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
                    throw error(atEnd ? .unexpectedEnd : (current.map(Self.startsIndex) == true ? .mixedUnion : .unexpectedCharacter))
                }
                names.append(try parseQuoted())
                skipBlanks()
                guard current == UInt8(ascii: ",") else { break }
                position += 1
                skipBlanks()
            }
            segment = names.count == 1 ? .member(names[0]) : .members(names)
        case UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            segment = try parseIndexesOrSlice()
        default:
            throw error(.unexpectedCharacter)
        }
        skipBlanks()
        try expect(UInt8(ascii: "]"), else: .expectedCommaOrBracket)
        return segment
    }

    static func startsIndex(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "-") || isDigit(byte) }

    /// A quoted name or string; the opening quote is the current character.
    mutating func parseQuoted() throws(JSONPathError) -> String {
        let start = position
        let quote = bytes[position]
        position += 1
        var result: [UInt8] = []
        while let byte = current {
            if byte == UInt8(ascii: "\\"), let next = peek(1), next == quote || next == UInt8(ascii: "\\") {
                result.append(next)
                position += 2
            } else if byte == quote {
                position += 1
                return String(decoding: result, as: UTF8.self)
            } else {
                result.append(byte)
                position += 1
            }
        }
        throw error(.unterminatedString, at: start)
    }

    mutating func parseInteger() throws(JSONPathError) -> Int? {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        while let byte = current, Self.isDigit(byte) { position += 1 }
        if position == start { return nil }
        guard let value = Int(String(decoding: bytes[start..<position], as: UTF8.self)) else {
            throw error(.invalidIndex, at: start)
        }
        return value
    }

    mutating func parseIndexesOrSlice() throws(JSONPathError) -> JSONPath.Segment {
        let first = try parseInteger()
        skipBlanks()
        if current == UInt8(ascii: ":") {
            position += 1
            skipBlanks()
            let end = try parseInteger()
            skipBlanks()
            var step = 1
            if current == UInt8(ascii: ":") {
                position += 1
                skipBlanks()
                let stepStart = position
                if let parsed = try parseInteger() {
                    guard parsed > 0 else { throw error(.invalidSlice, at: stepStart) }
                    step = parsed
                }
            }
            return .slice(start: first, end: end, step: step)
        }
        guard let first else { throw error(.invalidIndex) }
        var indexes = [first]
        while current == UInt8(ascii: ",") {
            position += 1
            skipBlanks()
            if let byte = current, byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                throw error(.mixedUnion)
            }
            guard let next = try parseInteger() else { throw error(atEnd ? .unexpectedEnd : .invalidIndex) }
            indexes.append(next)
            skipBlanks()
        }
        return indexes.count == 1 ? .index(first) : .indexes(indexes)
    }

    // MARK: Filter expressions

    mutating func parseOr() throws(JSONPathError) -> JSONPath.Filter {
        try parseChain(joinedBy: UInt8(ascii: "|"), JSONPath.Filter.or) { parser throws(JSONPathError) in try parser.parseAnd() }
    }

    mutating func parseAnd() throws(JSONPathError) -> JSONPath.Filter {
        try parseChain(joinedBy: UInt8(ascii: "&"), JSONPath.Filter.and) { parser throws(JSONPathError) in try parser.parseUnary() }
    }

    /// Operands joined by a doubled `symbol` (`||`, `&&`), grouped from the left.
    private mutating func parseChain(
        joinedBy symbol: UInt8,
        _ combine: (JSONPath.Filter, JSONPath.Filter) -> JSONPath.Filter,
        operand: (inout Self) throws(JSONPathError) -> JSONPath.Filter
    ) throws(JSONPathError) -> JSONPath.Filter {
        var result = try operand(&self)
        while true {
            skipBlanks()
            guard current == symbol, peek(1) == symbol else { return result }
            position += 2
            result = combine(result, try operand(&self))
        }
    }

    mutating func parseUnary() throws(JSONPathError) -> JSONPath.Filter {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maximumNesting else { throw error(.tooDeep) }
        skipBlanks()
        if current == UInt8(ascii: "!"), peek(1) != UInt8(ascii: "=") {
            position += 1
            return .not(try parseUnary())
        }
        if current == UInt8(ascii: "(") {
            position += 1
            let inner = try parseOr()
            skipBlanks()
            try expect(UInt8(ascii: ")"), else: .expectedClosingParenthesis)
            return inner
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws(JSONPathError) -> JSONPath.Filter {
        let leftStart = position
        let left = try parseOperand()
        skipBlanks()
        guard let op = parseOperator() else {
            switch left {
            case .current, .root: return .exists(left)
            default: throw error(.invalidFilter, at: leftStart)
            }
        }
        skipBlanks()
        let right = try parseOperand()
        return .comparison(left, op, right)
    }

    mutating func parseOperator() -> JSONPath.ComparisonOperator? {
        // Longest spellings first, so "<=" is not read as "<".
        let symbols: [JSONPath.ComparisonOperator] = [.equal, .notEqual, .lessOrEqual, .greaterOrEqual, .matches, .less, .greater]
        for op in symbols where matches(op.rawValue) {
            position += op.rawValue.utf8.count
            return op
        }
        let words: [JSONPath.ComparisonOperator] = [.notIn, .in, .contains, .subsetOf, .anyOf, .noneOf, .size, .empty]
        for op in words where matches(op.rawValue) {
            let end = position + op.rawValue.utf8.count
            if end < bytes.count, Self.isLetter(bytes[end]) || Self.isDigit(bytes[end]) { continue }
            position = end
            return op
        }
        return nil
    }

    func matches(_ word: String) -> Bool {
        var offset = position
        for byte in word.utf8 {
            guard offset < bytes.count, bytes[offset] == byte else { return false }
            offset += 1
        }
        return true
    }

    mutating func parseOperand() throws(JSONPathError) -> JSONPath.Operand {
        skipBlanks()
        guard let byte = current else { throw error(.unexpectedEnd) }
        switch byte {
        case UInt8(ascii: "@"), UInt8(ascii: "$"):
            position += 1
            var segments: [JSONPath.Segment] = []
            var offsets: [Int] = []
            try parseSegments(into: &segments, offsets: &offsets, inFilter: true)
            return byte == UInt8(ascii: "@") ? .current(segments) : .root(segments)
        case UInt8(ascii: "/"):
            return try parseRegex()
        default:
            return .literal(try parseLiteral())
        }
    }

    mutating func parseLiteral() throws(JSONPathError) -> JSONValue {
        skipBlanks()
        guard let byte = current else { throw error(.unexpectedEnd) }
        switch byte {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try parseQuoted())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = position
            if current == UInt8(ascii: "-") { position += 1 }
            while let byte = current,
                Self.isDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                    || byte == UInt8(ascii: "+") || (byte == UInt8(ascii: "-") && position > start + 1)
            {
                position += 1
            }
            guard let number = try? JSONParser.parse(bytes: bytes[start..<position]) else {
                throw error(.expectedOperand, at: start)
            }
            return number
        case UInt8(ascii: "["):
            position += 1
            var elements: [JSONValue] = []
            skipBlanks()
            if current == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                elements.append(try parseLiteral())
                skipBlanks()
                if current == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "]"), else: .expectedCommaOrBracket)
                return .array(elements)
            }
        default:
            for (word, value) in [("true", JSONValue.bool(true)), ("false", .bool(false)), ("null", .null)]
            where matches(word) {
                position += word.utf8.count
                return value
            }
            throw error(.expectedOperand)
        }
    }

    mutating func parseRegex() throws(JSONPathError) -> JSONPath.Operand {
        let start = position
        position += 1  // /
        var pattern: [UInt8] = []
        while let byte = current, byte != UInt8(ascii: "/") {
            if byte == UInt8(ascii: "\\"), let next = peek(1), next == UInt8(ascii: "/") {
                pattern.append(next)
                position += 2
            } else {
                pattern.append(byte)
                position += 1
            }
        }
        guard current == UInt8(ascii: "/") else { throw error(.unterminatedString, at: start) }
        position += 1
        var ignoresCase = false
        while let byte = current, Self.isLetter(byte) {
            if byte == UInt8(ascii: "i") { ignoresCase = true }
            position += 1
        }
        let text = String(decoding: pattern, as: UTF8.self)
        guard (try? Regex(text)) != nil else { throw error(.invalidRegularExpression, at: start) }
        return .regex(pattern: text, ignoresCase: ignoresCase)
    }
}
