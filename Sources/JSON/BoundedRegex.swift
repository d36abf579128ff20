/// A regular expression in JavaScript syntax, matched by a backtracking search with a
/// step budget: classes, groups (capturing, `(?:…)`, named), alternation, greedy and
/// lazy quantifiers, anchors, word boundaries, back-references and lookahead; flags `i`
/// and `m`.
///
/// Why not the standard library's `Regex`: a pattern such as `/^(a+)+$/` needs
/// exponentially many steps on a near-miss, and `Regex` cannot be interrupted, so one
/// catastrophic expression in a definition or a request would hold a thread of the
/// server forever. Here a search that needs more than ``stepBudget`` steps (or nests
/// deeper than ``depthBudget``) stops with ``Failure/tooManySteps``. JSONata's regexes
/// and JSONPath's `=~` filters both use it. Immutable once built, so it is shared freely.
package final class BoundedRegex: Sendable {
    /// Why a regex could not be built or a search could not finish.
    package enum Failure: Error, Sendable {
        /// The pattern is not valid JavaScript regex syntax.
        case invalidPattern
        /// The search ran out of its step or depth budget.
        case tooManySteps
        /// The pattern matched an empty string before the end of the text, so a
        /// search for every match would never advance.
        case emptyMatch
    }

    /// One match: character offsets into the text, and the capture groups' text.
    package struct Match: Sendable {
        package var from: Int
        package var to: Int
        package var groups: [String]
    }

    package let pattern: String
    package let flags: String
    private let root: Node
    private let groupCount: Int
    private let ignoresCase: Bool
    private let multiline: Bool

    /// Steps one call may take: far more than any sane pattern needs on a
    /// state's 256 KiB payload, far fewer than a second of work.
    package static let stepBudget = 2_000_000
    /// How deep the backtracking may nest; each repetition of a quantified
    /// item nests one level, so this also bounds greedy loops on long text.
    package static let depthBudget = 4_000

    package init(pattern: String, flags: String) throws(Failure) {
        self.pattern = pattern
        self.flags = flags
        ignoresCase = flags.contains("i")
        multiline = flags.contains("m")
        var parser = RegexParser(Array(pattern))
        guard let root = parser.parse(), parser.index == parser.characters.count else { throw .invalidPattern }
        self.root = root
        groupCount = parser.groups
    }

    /// Whether the whole of `text` matches (Java's `Matcher.matches()`, JSONPath's `=~`).
    package func wholeMatch(_ text: String) throws(Failure) -> Bool {
        let characters = Array(text)
        let run = Run(characters, groups: groupCount, ignoresCase: ignoresCase, multiline: multiline)
        let found = run.match(root, 0) { $0 == characters.count }
        if run.exhausted { throw .tooManySteps }
        return found
    }

    /// Every non-overlapping match of `characters`, in order, up to `limit`.
    package func matches(in characters: [Character], limit: Int = Int.max) throws(Failure) -> [Match] {
        let run = Run(characters, groups: groupCount, ignoresCase: ignoresCase, multiline: multiline)
        var found: [Match] = []
        var start = 0
        while start <= characters.count && found.count < limit {
            var matched: (Int, Int)?
            for position in start...characters.count {
                run.reset()
                var end = -1
                if run.match(
                    root,
                    position,
                    {
                        end = $0
                        return true
                    }
                ) {
                    matched = (position, end)
                    break
                }
                if run.exhausted { break }
            }
            if run.exhausted { throw .tooManySteps }
            guard let (from, to) = matched else { break }
            var groups: [String] = []
            for group in 1..<max(1, groupCount + 1) {
                let a = run.captures[2 * group]
                let b = run.captures[2 * group + 1]
                groups.append(a >= 0 && b >= a ? String(characters[a..<b]) : "")
            }
            found.append(Match(from: from, to: to, groups: groups))
            if to == from {
                if found.count < limit && from < characters.count { throw .emptyMatch }
                start = to + 1
            } else {
                start = to
            }
        }
        return found
    }

    // MARK: Syntax

    indirect enum Node: Sendable {
        case character(Character)
        case any
        case set(CharacterSet)
        case lineStart, lineEnd
        case wordBoundary(negated: Bool)
        case group(Node, capture: Int?)
        case backReference(Int)
        case lookahead(Node, negated: Bool)
        case sequence([Node])
        case alternation([Node])
        case repetition(Node, min: Int, max: Int, greedy: Bool)
    }

    struct CharacterSet: Sendable {
        enum Item: Sendable {
            case character(Character)
            case range(Character, Character)
            case digit(Bool)
            case word(Bool)
            case space(Bool)
        }
        var items: [Item] = []
        var negated = false

        func contains(_ c: Character, ignoresCase: Bool) -> Bool {
            let candidates: [Character] = ignoresCase ? [c] + [c.lowercased().first, c.uppercased().first].compactMap { $0 } : [c]
            let hit = candidates.contains { candidate in
                items.contains { item in
                    switch item {
                    case .character(let x): return x == candidate
                    case .range(let a, let b): return a <= candidate && candidate <= b
                    case .digit(let yes): return Run.isDigit(candidate) == yes
                    case .word(let yes): return Run.isWord(candidate) == yes
                    case .space(let yes): return Run.isSpace(candidate) == yes
                    }
                }
            }
            return hit != negated
        }
    }

    /// A recursive-descent parser of JavaScript regular expression syntax;
    /// `nil` on a syntax error.
    struct RegexParser {
        let characters: [Character]
        var index = 0
        var groups = 0

        init(_ characters: [Character]) { self.characters = characters }

        private var current: Character? { index < characters.count ? characters[index] : nil }

        mutating func parse() -> Node? {
            var alternatives: [Node] = []
            while true {
                guard let sequence = parseSequence() else { return nil }
                alternatives.append(sequence)
                guard current == "|" else { break }
                index += 1
            }
            return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
        }

        private mutating func parseSequence() -> Node? {
            var items: [Node] = []
            while let c = current, c != "|", c != ")" {
                guard var atom = parseAtom() else { return nil }
                if let (min, max) = parseQuantifier() {
                    var greedy = true
                    if current == "?" {
                        greedy = false
                        index += 1
                    }
                    atom = .repetition(atom, min: min, max: max, greedy: greedy)
                }
                items.append(atom)
            }
            return items.count == 1 ? items[0] : .sequence(items)
        }

        private mutating func parseQuantifier() -> (Int, Int)? {
            switch current {
            case "*":
                index += 1
                return (0, Int.max)
            case "+":
                index += 1
                return (1, Int.max)
            case "?":
                index += 1
                return (0, 1)
            case "{":
                var probe = index + 1
                func number() -> Int? {
                    var digits = ""
                    while probe < characters.count, let d = characters[probe].wholeNumberValue, characters[probe].isASCII {
                        digits.append(String(d))
                        probe += 1
                    }
                    return Int(digits)
                }
                guard let low = number() else { return nil }
                var high = low
                if probe < characters.count, characters[probe] == "," {
                    probe += 1
                    high = number() ?? Int.max
                }
                guard probe < characters.count, characters[probe] == "}", high >= low else { return nil }
                index = probe + 1
                return (low, high)
            default:
                return nil
            }
        }

        private mutating func parseAtom() -> Node? {
            guard let c = current else { return nil }
            index += 1
            switch c {
            case ".": return .any
            case "^": return .lineStart
            case "$": return .lineEnd
            case "*", "+", "?": return nil
            case "(":
                var capture: Int?
                var look: Bool?
                if current == "?" {
                    index += 1
                    switch current {
                    case ":": index += 1
                    case "=":
                        index += 1
                        look = false
                    case "!":
                        index += 1
                        look = true
                    case "<":
                        while let n = current, n != ">" { index += 1 }
                        index += 1
                        groups += 1
                        capture = groups
                    default: return nil
                    }
                } else {
                    groups += 1
                    capture = groups
                }
                guard let inner = parse(), current == ")" else { return nil }
                index += 1
                if let negated = look { return .lookahead(inner, negated: negated) }
                return .group(inner, capture: capture)
            case "[":
                var set = CharacterSet()
                if current == "^" {
                    set.negated = true
                    index += 1
                }
                var first = true
                while let n = current, n != "]" || first {
                    first = false
                    guard var item = parseClassItem() else { return nil }
                    if current == "-", index + 1 < characters.count, characters[index + 1] != "]",
                        case .character(let low) = item
                    {
                        index += 1
                        guard case .character(let high)? = parseClassItem(), low <= high else { return nil }
                        item = .range(low, high)
                    }
                    set.items.append(item)
                }
                guard current == "]" else { return nil }
                index += 1
                return .set(set)
            case "\\":
                return parseEscape(inClass: false)
            default:
                return .character(c)
            }
        }

        private mutating func parseClassItem() -> CharacterSet.Item? {
            guard let c = current else { return nil }
            index += 1
            guard c == "\\" else { return .character(c) }
            switch parseEscape(inClass: true) {
            case .character(let x)?: return .character(x)
            case .set(let set)?: return set.items.first
            default: return nil
            }
        }

        private mutating func parseEscape(inClass: Bool) -> Node? {
            guard let e = current else { return nil }
            index += 1
            switch e {
            case "d", "D": return .set(CharacterSet(items: [.digit(e == "d")]))
            case "w", "W": return .set(CharacterSet(items: [.word(e == "w")]))
            case "s", "S": return .set(CharacterSet(items: [.space(e == "s")]))
            case "b" where !inClass, "B" where !inClass: return .wordBoundary(negated: e == "B")
            case "b": return .character("\u{8}")
            case "n": return .character("\n")
            case "r": return .character("\r")
            case "t": return .character("\t")
            case "f": return .character("\u{C}")
            case "v": return .character("\u{B}")
            case "0": return .character("\0")
            case "x", "u":
                let width = e == "x" ? 2 : 4
                guard index + width <= characters.count,
                    let code = UInt32(String(characters[index..<(index + width)]), radix: 16),
                    let scalar = Unicode.Scalar(code)
                else { return .character(e) }
                index += width
                return .character(Character(scalar))
            default:
                if !inClass, let digit = e.wholeNumberValue, e.isASCII, digit > 0 {
                    var number = digit
                    while let n = current, let d = n.wholeNumberValue, n.isASCII {
                        number = number * 10 + d
                        index += 1
                    }
                    return .backReference(number)
                }
                return .character(e)
            }
        }
    }

    // MARK: Matching

    /// One search over one text: the captures so far and the budget left.
    final class Run {
        let text: [Character]
        let ignoresCase: Bool
        let multiline: Bool
        var captures: [Int]
        private var steps = 0
        private var depth = 0
        private(set) var exhausted = false

        init(_ text: [Character], groups: Int, ignoresCase: Bool, multiline: Bool) {
            self.text = text
            self.ignoresCase = ignoresCase
            self.multiline = multiline
            captures = Array(repeating: -1, count: 2 * (groups + 1))
        }

        func reset() {
            for index in captures.indices { captures[index] = -1 }
        }

        static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        static func isWord(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_") }
        static func isSpace(_ c: Character) -> Bool { c.isWhitespace }

        private func same(_ a: Character, _ b: Character) -> Bool {
            a == b || (ignoresCase && a.lowercased() == b.lowercased())
        }

        private func isLineBreak(_ c: Character) -> Bool { c == "\n" || c == "\r" || c == "\u{2028}" || c == "\u{2029}" }

        /// Matches `node` at `position`, then the rest through `next`.
        func match(_ node: Node, _ position: Int, _ next: (Int) -> Bool) -> Bool {
            steps += 1
            depth += 1
            defer { depth -= 1 }
            if steps > BoundedRegex.stepBudget || depth > BoundedRegex.depthBudget { exhausted = true }
            if exhausted { return false }
            switch node {
            case .character(let c):
                return position < text.count && same(text[position], c) && next(position + 1)
            case .any:
                return position < text.count && !isLineBreak(text[position]) && next(position + 1)
            case .set(let set):
                return position < text.count && set.contains(text[position], ignoresCase: ignoresCase) && next(position + 1)
            case .lineStart:
                return (position == 0 || (multiline && isLineBreak(text[position - 1]))) && next(position)
            case .lineEnd:
                return (position == text.count || (multiline && isLineBreak(text[position]))) && next(position)
            case .wordBoundary(let negated):
                let before = position > 0 && Self.isWord(text[position - 1])
                let after = position < text.count && Self.isWord(text[position])
                return ((before != after) != negated) && next(position)
            case .group(let inner, let capture):
                guard let capture else { return match(inner, position, next) }
                return match(inner, position) { end in
                    let saved = (captures[2 * capture], captures[2 * capture + 1])
                    captures[2 * capture] = position
                    captures[2 * capture + 1] = end
                    if next(end) { return true }
                    (captures[2 * capture], captures[2 * capture + 1]) = saved
                    return false
                }
            case .backReference(let group):
                guard 2 * group + 1 < captures.count else { return next(position) }
                let a = captures[2 * group]
                let b = captures[2 * group + 1]
                guard a >= 0, b >= a else { return next(position) }
                let length = b - a
                guard position + length <= text.count else { return false }
                for offset in 0..<length where !same(text[position + offset], text[a + offset]) { return false }
                return next(position + length)
            case .lookahead(let inner, let negated):
                let saved = captures
                let found = match(inner, position) { _ in true }
                if negated {
                    captures = saved
                    return !found && !exhausted && next(position)
                }
                if !found { captures = saved }
                return found && next(position)
            case .sequence(let items):
                return sequence(items, 0, position, next)
            case .alternation(let alternatives):
                for alternative in alternatives where match(alternative, position, next) { return true }
                return false
            case .repetition(let inner, let min, let max, let greedy):
                return repeatMatch(inner, min, max, greedy, 0, position, next)
            }
        }

        private func sequence(_ items: [Node], _ index: Int, _ position: Int, _ next: (Int) -> Bool) -> Bool {
            guard index < items.count else { return next(position) }
            return match(items[index], position) { end in self.sequence(items, index + 1, end, next) }
        }

        private func repeatMatch(
            _ inner: Node,
            _ min: Int,
            _ max: Int,
            _ greedy: Bool,
            _ count: Int,
            _ position: Int,
            _ next: (Int) -> Bool
        ) -> Bool {
            if exhausted { return false }
            if count < min {
                return match(inner, position) { end in
                    // An empty iteration cannot help reach the minimum by itself.
                    (end == position && count + 1 >= min) ? next(end) : self.repeatMatch(inner, min, max, greedy, count + 1, end, next)
                }
            }
            func more() -> Bool {
                count < max
                    && match(inner, position) { end in
                        end != position && self.repeatMatch(inner, min, max, greedy, count + 1, end, next)
                    }
            }
            if greedy { return more() || (!exhausted && next(position)) }
            return next(position) || more()
        }
    }
}
