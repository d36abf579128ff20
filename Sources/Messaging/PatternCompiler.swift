/// Compiles pattern text into branches of field conditions, checking it the way
/// event-ruler's `JsonRuleCompiler` does, step by step in document order, so that
/// the first problem AWS would report is the one reported here, with its words.
///
/// A field that appears twice on the same path replaces the earlier one (AWS keeps
/// the later conditions); `$or` copies the branches built so far once per
/// alternative, and fields after it apply to every copy.
struct PatternCompiler {
    typealias Rule = [String: [ValueMatcher]]

    private var tokens: PatternTokenizer

    /// Field names that are operators cannot be field names inside `$or`.
    private static let reservedInsideOr: Set<String> = [
        "exactly", "prefix", "suffix", "numeric", "anything-but", "exists", "cidr", "equals-ignore-case", "wildcard",
    ]

    /// The most branches `$or` may expand a pattern into. Each `$or` multiplies the
    /// branches built so far by its alternatives, so a few hundred bytes of
    /// consecutive `$or`s would otherwise ask for billions of branches; EventBridge's
    /// 4096-character pattern limit does not stop that growth.
    static let maximumBranches = 1000

    init(text: String) { tokens = PatternTokenizer(text) }

    mutating func compile() throws(EventBridgeError) -> [Rule] {
        var rules: [Rule] = []
        guard try tokens.next() == .startObject else { throw .invalidPattern("Filter is not an object") }
        try parseObject(into: &rules, path: [], insideOr: false)
        try tokens.finish()
        return rules
    }

    private mutating func parseObject(into rules: inout [Rule], path: [String], insideOr: Bool) throws(EventBridgeError) {
        var fieldsPresent = false
        while true {
            let token = try tokens.next()
            if token == .endObject { break }
            guard case .field(let name) = token else { throw .invalidPattern("Match expression name not found") }
            fieldsPresent = true
            if name == "$or" {
                try parseOr(into: &rules, path: path)
                continue
            }
            if insideOr, Self.reservedInsideOr.contains(name) {
                throw .invalidPattern("\(name) is Ruler reserved fieldName which cannot be used inside $or.")
            }
            switch try tokens.next() {
            case .startObject:
                try parseObject(into: &rules, path: path + [name], insideOr: insideOr)
            case .startArray:
                try parseValues(into: &rules, name: (path + [name]).joined(separator: "."))
            default:
                throw .invalidPattern("\"\(name)\" must be an object or an array")
            }
        }
        if !fieldsPresent { throw .invalidPattern("Empty objects are not allowed") }
    }

    private mutating func parseOr(into rules: inout [Rule], path: [String]) throws(EventBridgeError) {
        let current = rules
        rules.removeAll()
        guard try tokens.next() == .startArray else { throw .invalidPattern("It must be an Array followed with $or.") }
        var alternatives = 0
        while true {
            let token = try tokens.next()
            if token == .endArray { break }
            alternatives += 1
            guard token == .startObject else {
                throw .invalidPattern("Only JSON object is allowed in array of $or relationship.")
            }
            var copy = current.isEmpty ? [Rule()] : current
            try parseObject(into: &copy, path: path, insideOr: true)
            rules.append(contentsOf: copy)
            guard rules.count <= Self.maximumBranches else {
                throw .invalidPattern(
                    "Rule is too complex - its $or alternatives combine into more than \(Self.maximumBranches) branches", at: tokens.position)
            }
        }
        if alternatives < 2 { throw .invalidPattern("There must have at least 2 Objects in $or relationship.") }
    }

    private mutating func parseValues(into rules: inout [Rule], name: String) throws(EventBridgeError) {
        var matchers: [ValueMatcher] = []
        loop: while true {
            switch try tokens.next() {
            case .endArray: break loop
            case .startObject: matchers.append(try parseMatchExpression())
            case .string(let text):
                if let address = IPRange.address(text) {
                    matchers.append(.ipAddress(IPRange(address: address)))
                } else {
                    matchers.append(.exact(.string(text)))
                }
            case .number(_, let value): matchers.append(.exact(.number(value)))
            case .true: matchers.append(.exact(.bool(true)))
            case .false: matchers.append(.exact(.bool(false)))
            case .null: matchers.append(.exact(.null))
            default: throw .invalidPattern("Match value must be String, number, true, false, or null")
            }
        }
        if matchers.isEmpty { throw .invalidPattern("Empty arrays are not allowed") }
        if rules.isEmpty { rules.append(Rule()) }
        for index in rules.indices { rules[index][name] = matchers }
    }

    private mutating func expectEnd(_ reason: String = "Only one key allowed in match expression") throws(EventBridgeError) {
        guard try tokens.next() == .endObject else { throw .invalidPattern(reason) }
    }

    private mutating func parseMatchExpression() throws(EventBridgeError) -> ValueMatcher {
        guard case .field(let operation) = try tokens.next() else { throw .invalidPattern("Match expression name not found") }
        switch operation {
        case "exactly":
            guard case .string(let text) = try tokens.next() else { throw .invalidPattern("exact match pattern must be a string") }
            try expectEnd()
            return .exact(.string(text))
        case "prefix", "suffix":
            let token = try tokens.next()
            if token == .startObject { return try parseIgnoringCase(operation) }
            guard case .string(let text) = token else { throw .invalidPattern("\(operation) match pattern must be a string") }
            try expectEnd()
            return operation == "prefix" ? .prefix(text) : .suffix(text)
        case "numeric":
            guard try tokens.next() == .startArray else { throw .invalidPattern("Value of numeric must be an array.") }
            let range = try parseNumericRange()
            try expectEnd("Too many elements in numeric expression")
            return .numeric(range)
        case "anything-but":
            return try parseAnythingBut()
        case "exists":
            let present: Bool
            switch try tokens.next() {
            case .true: present = true
            case .false: present = false
            default: throw .invalidPattern("exists match pattern must be either true or false.")
            }
            try expectEnd()
            return .exists(present)
        case "cidr":
            guard case .string(let text) = try tokens.next() else { throw .invalidPattern("prefix match pattern must be a string") }
            let range = try IPRange(cidr: text)
            try expectEnd()
            return .cidr(range)
        case "equals-ignore-case":
            guard case .string(let text) = try tokens.next() else {
                throw .invalidPattern("equals-ignore-case match pattern must be a string")
            }
            try expectEnd()
            return .equalsIgnoringCase(text.lowercased())
        case "wildcard":
            guard case .string(let text) = try tokens.next() else { throw .invalidPattern("wildcard match pattern must be a string") }
            let pattern = try WildcardPattern(parsing: text)
            try expectEnd()
            return .wildcard(pattern)
        default:
            throw .invalidPattern("Unrecognized match type \(operation)")
        }
    }

    /// `{"prefix": {"equals-ignore-case": "x"}}` and the same for `suffix`.
    private mutating func parseIgnoringCase(_ operation: String) throws(EventBridgeError) -> ValueMatcher {
        let label = operation == "prefix" ? "Prefix" : "Suffix"
        guard case .field(let inner) = try tokens.next() else { throw .invalidPattern("\(label) expression name not found") }
        guard inner == "equals-ignore-case" else { throw .invalidPattern("Unsupported \(operation) pattern: \(inner)") }
        guard case .string(let text) = try tokens.next() else {
            throw .invalidPattern("equals-ignore-case match pattern must be a string")
        }
        try expectEnd()
        try expectEnd()
        return operation == "prefix" ? .prefixIgnoringCase(text.lowercased()) : .suffixIgnoringCase(text.lowercased())
    }

    private enum AnythingButKind { case values, ignoringCase, prefix, suffix, wildcard }

    private mutating func parseAnythingBut() throws(EventBridgeError) -> ValueMatcher {
        var kind = AnythingButKind.values
        var token = try tokens.next()
        if token == .startObject {
            guard case .field(let inner) = try tokens.next() else { throw .invalidPattern("Anything-But expression name not found") }
            switch inner {
            case "equals-ignore-case": kind = .ignoringCase
            case "prefix": kind = .prefix
            case "suffix": kind = .suffix
            case "wildcard": kind = .wildcard
            default: throw .invalidPattern("Unsupported anything-but pattern: \(inner)")
            }
            token = try tokens.next()
        }
        var items: [PatternTokenizer.Token] = []
        switch token {
        case .startArray:
            while true {
                let item = try tokens.next()
                if item == .endArray { break }
                try checkAnythingButItem(item, kind: kind, inList: true)
                items.append(item)
            }
        case .string, .number:
            try checkAnythingButItem(token, kind: kind, inList: false)
            items = [token]
        default:
            throw .invalidPattern("Value of anything-but must be an array or single string/number value.")
        }
        let exclusion = try buildAnythingBut(items, kind: kind, isList: token == .startArray)
        try expectEnd("Too many elements in numeric expression")
        if kind != .values { try expectEnd("Too many elements in numeric expression") }
        return .anythingBut(exclusion)
    }

    private func checkAnythingButItem(_ item: PatternTokenizer.Token, kind: AnythingButKind, inList: Bool) throws(EventBridgeError) {
        switch (kind, item) {
        case (.values, .string), (.values, .number): return
        case (.values, _):
            throw .invalidPattern(
                inList
                    ? "Inside anything but list, start|null|boolean is not supported."
                    : "Inside anything-but list, start|null|boolean is not supported."
            )
        case (.prefix, .string(let text)), (.suffix, .string(let text)):
            if text.isEmpty { throw .invalidPattern("Null prefix/suffix not allowed") }
        case (_, .string): return
        case (.ignoringCase, _):
            throw .invalidPattern("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.")
        case (.wildcard, _): throw .invalidPattern("wildcard match pattern must be a string")
        default: throw .invalidPattern("prefix/suffix match pattern must be a string")
        }
    }

    private func buildAnythingBut(_ items: [PatternTokenizer.Token], kind: AnythingButKind, isList: Bool) throws(EventBridgeError) -> AnythingBut {
        var strings: [String] = []
        var numbers: [Int64] = []
        for item in items {
            switch item {
            case .string(let text): strings.append(text)
            case .number(_, let value): numbers.append(try Self.comparable(value))
            default: break
            }
        }
        switch kind {
        case .values:
            if isList, strings.isEmpty == numbers.isEmpty {
                throw .invalidPattern("Inside anything but list, either all values are number or string, mixed type is not supported")
            }
            return .values(strings: Set(strings), numbers: Set(numbers))
        case .ignoringCase: return .valuesIgnoringCase(Set(strings.map { $0.lowercased() }))
        case .prefix: return .prefixes(strings)
        case .suffix: return .suffixes(strings)
        case .wildcard:
            var patterns: [WildcardPattern] = []
            for text in strings { patterns.append(try WildcardPattern(parsing: text)) }
            return .wildcards(patterns)
        }
    }

    /// Reads the operators and bounds after `"numeric": [`, through the closing `]`.
    private mutating func parseNumericRange() throws(EventBridgeError) -> NumericRange {
        let first = try tokens.next()
        guard case .string(let operation) = first else { throw .invalidPattern("Invalid member in numeric match: \(first.text)") }
        let valueToken = try tokens.next()
        func bound(_ label: String) throws(EventBridgeError) -> Int64 {
            guard case .number(_, let value) = valueToken else { throw .invalidPattern("Value of \(label) must be numeric") }
            return try Self.comparable(value)
        }
        switch operation {
        case "=":
            let value = try bound("equals")
            guard try tokens.next() == .endArray else { throw .invalidPattern("Too many elements in numeric expression") }
            return NumericRange(lower: value, upper: value)
        case ">=", ">":
            let bottom = try bound(operation)
            let next = try tokens.next()
            if next == .endArray { return NumericRange(lower: bottom, lowerOpen: operation == ">") }
            guard case .string(let topOperation) = next else { throw .invalidPattern("Bad value in numeric range: \(next.text)") }
            guard topOperation == "<" || topOperation == "<=" else { throw .invalidPattern("Bad numeric range operator: \(topOperation)") }
            guard case .number(_, let topValue) = try tokens.next() else { throw .invalidPattern("Value of \(topOperation) must be numeric") }
            let top = try Self.comparable(topValue)
            guard try tokens.next() == .endArray else { throw .invalidPattern("Too many terms in numeric range expression") }
            guard bottom < top else { throw .invalidPattern("Bottom must be less than top") }
            return NumericRange(lower: bottom, lowerOpen: operation == ">", upper: top, upperOpen: topOperation == "<")
        case "<=", "<":
            let top = try bound(operation)
            guard try tokens.next() == .endArray else { throw .invalidPattern("Too many elements in numeric expression") }
            return NumericRange(upper: top, upperOpen: operation == "<")
        default:
            throw .invalidPattern("Unrecognized numeric range operator: \(operation)")
        }
    }

    private static func comparable(_ value: Double) throws(EventBridgeError) -> Int64 {
        guard let key = ComparableNumber.key(value) else {
            throw .invalidPattern("Value must be between -5.0E9 and 5.0E9, inclusive")
        }
        return key
    }
}

extension PatternTokenizer.Token {
    /// The token as Jackson's `getText()` shows it, for messages.
    var text: String {
        switch self {
        case .startObject: "{"
        case .endObject: "}"
        case .startArray: "["
        case .endArray: "]"
        case .field(let name): name
        case .string(let text): text
        case .number(let text, _): text
        case .true: "true"
        case .false: "false"
        case .null: "null"
        }
    }
}
