/// The conditions on one field path, indexed by the values that satisfy them.
///
/// Exact values and `anything-but` value sets are hash lookups, prefixes a walk
/// down a byte trie; only the operators without such an index (numeric ranges,
/// suffixes, wildcards, case-insensitive and CIDR matches) are tried one by one.
///
/// A class, so that reading it per leaf costs one reference count rather than one
/// per table. ``RuleMatcher`` keeps value semantics by copying an index before it
/// changes one that another matcher value shares (`isKnownUniquelyReferenced`).
///
/// `@unchecked Sendable`: an index is mutated only through `RuleMatcher`'s
/// mutating methods, and only after `isKnownUniquelyReferenced` proved that no
/// other matcher value (hence no other thread) holds it; shared instances are
/// only read.
final class FieldIndex: @unchecked Sendable {
    /// The tables, one value, so that ``copy()`` copies them all (each copy-on-write).
    private struct Tables {
        var strings: [String: [Int]] = [:]
        var numbers: [Int64: [Int]] = [:]
        var largeNumbers: [Double: [Int]] = [:]
        var trues: [Int] = []
        var falses: [Int] = []
        var nulls: [Int] = []
        var prefixes = PrefixTrie()
        var present: [Int] = []
        var anythingBut: [Int] = []
        var excludedStrings: [String: [Int]] = [:]
        var excludedNumbers: [Int64: [Int]] = [:]
        /// Numeric ranges, tried on number leaves.
        var ranges: [(range: NumericRange, condition: Int)] = []
        /// Operators that accept only strings, tried on string leaves.
        var stringScans: [(matcher: ValueMatcher, condition: Int)] = []
        /// The rest (`anything-but` forms without a value index), tried on every leaf.
        var scanned: [(matcher: ValueMatcher, condition: Int)] = []
    }

    private var tables = Tables()

    init() {}

    private init(tables: Tables) { self.tables = tables }

    /// A copy that shares nothing mutable with this one.
    func copy() -> FieldIndex { FieldIndex(tables: tables) }

    /// `exists: true`: any leaf satisfies them.
    var present: [Int] { tables.present }
    /// Conditions whose one alternative is a plain `anything-but`: every leaf
    /// satisfies them except those in their exclusion set.
    var anythingBut: [Int] { tables.anythingBut }

    /// Whether the field has an exclusion-indexed `anything-but`.
    var hasAnythingBut: Bool { !tables.anythingBut.isEmpty }

    func insert(_ matchers: [ValueMatcher], condition: Int) {
        if matchers.count == 1, case .anythingBut(.values(let excludedText, let excludedKeys)) = matchers[0] {
            tables.anythingBut.append(condition)
            for text in excludedText { tables.excludedStrings[text, default: []].append(condition) }
            for key in excludedKeys { tables.excludedNumbers[key, default: []].append(condition) }
            return
        }
        for matcher in matchers {
            switch matcher {
            case .exact(.string(let text)): tables.strings[text, default: []].append(condition)
            case .exact(.number(let number)):
                if let key = ComparableNumber.key(number) {
                    tables.numbers[key, default: []].append(condition)
                } else {
                    tables.largeNumbers[number, default: []].append(condition)
                }
            case .exact(.bool(true)): tables.trues.append(condition)
            case .exact(.bool(false)): tables.falses.append(condition)
            case .exact(.null): tables.nulls.append(condition)
            case .prefix(let prefix): tables.prefixes.insert(prefix, condition: condition)
            case .exists(true): tables.present.append(condition)
            case .exists(false): break
            case .numeric(let range): tables.ranges.append((range, condition))
            case .prefixIgnoringCase, .suffix, .suffixIgnoringCase, .equalsIgnoringCase, .wildcard, .cidr, .ipAddress:
                tables.stringScans.append((matcher, condition))
            default: tables.scanned.append((matcher, condition))
            }
        }
    }

    func remove(_ matchers: [ValueMatcher], condition: Int) {
        func drop(_ list: inout [Int]) { list.removeAll { $0 == condition } }
        func drop<Key>(_ map: inout [Key: [Int]], _ key: Key) {
            map[key]?.removeAll { $0 == condition }
            if map[key]?.isEmpty == true { map[key] = nil }
        }
        if matchers.count == 1, case .anythingBut(.values(let excludedText, let excludedKeys)) = matchers[0] {
            drop(&tables.anythingBut)
            for text in excludedText { drop(&tables.excludedStrings, text) }
            for key in excludedKeys { drop(&tables.excludedNumbers, key) }
            return
        }
        for matcher in matchers {
            switch matcher {
            case .exact(.string(let text)): drop(&tables.strings, text)
            case .exact(.number(let number)):
                if let key = ComparableNumber.key(number) { drop(&tables.numbers, key) } else { drop(&tables.largeNumbers, number) }
            case .exact(.bool(true)): drop(&tables.trues)
            case .exact(.bool(false)): drop(&tables.falses)
            case .exact(.null): drop(&tables.nulls)
            case .prefix(let prefix): tables.prefixes.remove(prefix, condition: condition)
            case .exists(true): drop(&tables.present)
            case .exists(false): break
            case .numeric: tables.ranges.removeAll { $0.condition == condition }
            case .prefixIgnoringCase, .suffix, .suffixIgnoringCase, .equalsIgnoringCase, .wildcard, .cidr, .ipAddress:
                tables.stringScans.removeAll { $0.condition == condition }
            default: tables.scanned.removeAll { $0.condition == condition }
            }
        }
    }

    /// Calls `body` with every condition the leaf value satisfies (possibly more
    /// than once), except `exists: true` and the `anything-but` set, which the
    /// caller handles with ``present``, ``anythingBut`` and ``excluded(by:_:)``.
    @inline(__always)
    func forEachSatisfied(by value: EventValue, _ body: (Int) -> Void) {
        switch value {
        case .string(let text):
            if let hits = tables.strings[text] { for condition in hits { body(condition) } }
            if !tables.prefixes.isEmpty { tables.prefixes.forEachPrefix(of: text, body) }
            for entry in tables.stringScans where entry.matcher.accepts(value) { body(entry.condition) }
        case .number(let number):
            if let key = ComparableNumber.key(number) {
                if let hits = tables.numbers[key] { for condition in hits { body(condition) } }
            } else if let hits = tables.largeNumbers[number] {
                for condition in hits { body(condition) }
            }
            tables.ranges.withUnsafeBufferPointer { ranges in
                for entry in ranges where entry.range.contains(number) { body(entry.condition) }
            }
        case .bool(true): for condition in tables.trues { body(condition) }
        case .bool(false): for condition in tables.falses { body(condition) }
        case .null: for condition in tables.nulls { body(condition) }
        }
        if !tables.scanned.isEmpty {
            for entry in tables.scanned where entry.matcher.accepts(value) { body(entry.condition) }
        }
    }

    /// Calls `body` with the `anything-but` conditions that exclude this value.
    @inline(__always)
    func excluded(by value: EventValue, _ body: (Int) -> Void) {
        switch value {
        case .string(let text):
            if let hits = tables.excludedStrings[text] { for condition in hits { body(condition) } }
        case .number(let number):
            if let key = ComparableNumber.key(number), let hits = tables.excludedNumbers[key] { for condition in hits { body(condition) } }
        default: break
        }
    }
}

/// Prefix conditions in a byte trie: the conditions whose prefix a string starts
/// with are found in one walk down its bytes.
struct PrefixTrie: Sendable {
    private struct Node: Sendable {
        var children: [(byte: UInt8, node: Int32)] = []
        var conditions: [Int] = []
    }

    private var nodes: [Node] = [Node()]

    var isEmpty: Bool { nodes.count == 1 && nodes[0].conditions.isEmpty }

    mutating func insert(_ prefix: String, condition: Int) {
        var node = 0
        for byte in prefix.utf8 {
            if let next = nodes[node].children.first(where: { $0.byte == byte }) {
                node = Int(next.node)
            } else {
                nodes.append(Node())
                nodes[node].children.append((byte, Int32(nodes.count - 1)))
                node = nodes.count - 1
            }
        }
        nodes[node].conditions.append(condition)
    }

    mutating func remove(_ prefix: String, condition: Int) {
        var node = 0
        for byte in prefix.utf8 {
            guard let next = nodes[node].children.first(where: { $0.byte == byte }) else { return }
            node = Int(next.node)
        }
        nodes[node].conditions.removeAll { $0 == condition }
    }

    @inline(__always)
    func forEachPrefix(of text: String, _ body: (Int) -> Void) {
        var node = 0
        for condition in nodes[0].conditions { body(condition) }
        for byte in text.utf8 {
            guard let next = nodes[node].children.first(where: { $0.byte == byte }) else { return }
            node = Int(next.node)
            for condition in nodes[node].conditions { body(condition) }
        }
    }
}
