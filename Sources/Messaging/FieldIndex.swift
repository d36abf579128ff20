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
    private var strings: [String: [Int]] = [:]
    private var numbers: [Int64: [Int]] = [:]
    private var largeNumbers: [Double: [Int]] = [:]
    private var trues: [Int] = []
    private var falses: [Int] = []
    private var nulls: [Int] = []
    private var prefixes = PrefixTrie()
    /// `exists: true`: any leaf satisfies them.
    private(set) var present: [Int] = []
    /// Conditions whose one alternative is a plain `anything-but`: every leaf
    /// satisfies them except those in their exclusion set.
    private(set) var anythingBut: [Int] = []
    private var excludedStrings: [String: [Int]] = [:]
    private var excludedNumbers: [Int64: [Int]] = [:]
    /// Numeric ranges, tried on number leaves.
    private var ranges: [(range: NumericRange, condition: Int)] = []
    /// Operators that accept only strings, tried on string leaves.
    private var stringScans: [(matcher: ValueMatcher, condition: Int)] = []
    /// The rest (`anything-but` forms without a value index), tried on every leaf.
    private var scanned: [(matcher: ValueMatcher, condition: Int)] = []

    init() {}

    /// A copy that shares nothing mutable with this one.
    func copy() -> FieldIndex {
        let copy = FieldIndex()
        copy.strings = strings
        copy.numbers = numbers
        copy.largeNumbers = largeNumbers
        copy.trues = trues
        copy.falses = falses
        copy.nulls = nulls
        copy.prefixes = prefixes
        copy.present = present
        copy.anythingBut = anythingBut
        copy.excludedStrings = excludedStrings
        copy.excludedNumbers = excludedNumbers
        copy.ranges = ranges
        copy.stringScans = stringScans
        copy.scanned = scanned
        return copy
    }

    /// Whether the field has an exclusion-indexed `anything-but`.
    var hasAnythingBut: Bool { !anythingBut.isEmpty }

    func insert(_ matchers: [ValueMatcher], condition: Int) {
        if matchers.count == 1, case .anythingBut(.values(let excludedText, let excludedKeys)) = matchers[0] {
            anythingBut.append(condition)
            for text in excludedText { excludedStrings[text, default: []].append(condition) }
            for key in excludedKeys { excludedNumbers[key, default: []].append(condition) }
            return
        }
        for matcher in matchers {
            switch matcher {
            case .exact(.string(let text)): strings[text, default: []].append(condition)
            case .exact(.number(let number)):
                if let key = ComparableNumber.key(number) {
                    numbers[key, default: []].append(condition)
                } else {
                    largeNumbers[number, default: []].append(condition)
                }
            case .exact(.bool(true)): trues.append(condition)
            case .exact(.bool(false)): falses.append(condition)
            case .exact(.null): nulls.append(condition)
            case .prefix(let prefix): prefixes.insert(prefix, condition: condition)
            case .exists(true): present.append(condition)
            case .exists(false): break
            case .numeric(let range): ranges.append((range, condition))
            case .prefixIgnoringCase, .suffix, .suffixIgnoringCase, .equalsIgnoringCase, .wildcard, .cidr, .ipAddress:
                stringScans.append((matcher, condition))
            default: scanned.append((matcher, condition))
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
            drop(&anythingBut)
            for text in excludedText { drop(&excludedStrings, text) }
            for key in excludedKeys { drop(&excludedNumbers, key) }
            return
        }
        for matcher in matchers {
            switch matcher {
            case .exact(.string(let text)): drop(&strings, text)
            case .exact(.number(let number)):
                if let key = ComparableNumber.key(number) { drop(&numbers, key) } else { drop(&largeNumbers, number) }
            case .exact(.bool(true)): drop(&trues)
            case .exact(.bool(false)): drop(&falses)
            case .exact(.null): drop(&nulls)
            case .prefix(let prefix): prefixes.remove(prefix, condition: condition)
            case .exists(true): drop(&present)
            case .exists(false): break
            case .numeric: ranges.removeAll { $0.condition == condition }
            case .prefixIgnoringCase, .suffix, .suffixIgnoringCase, .equalsIgnoringCase, .wildcard, .cidr, .ipAddress:
                stringScans.removeAll { $0.condition == condition }
            default: scanned.removeAll { $0.condition == condition }
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
            if let hits = strings[text] { for condition in hits { body(condition) } }
            if !prefixes.isEmpty { prefixes.forEachPrefix(of: text, body) }
            for entry in stringScans where entry.matcher.accepts(value) { body(entry.condition) }
        case .number(let number):
            if let key = ComparableNumber.key(number) {
                if let hits = numbers[key] { for condition in hits { body(condition) } }
            } else if let hits = largeNumbers[number] {
                for condition in hits { body(condition) }
            }
            ranges.withUnsafeBufferPointer { ranges in
                for entry in ranges where entry.range.contains(number) { body(entry.condition) }
            }
        case .bool(true): for condition in trues { body(condition) }
        case .bool(false): for condition in falses { body(condition) }
        case .null: for condition in nulls { body(condition) }
        }
        if !scanned.isEmpty {
            for entry in scanned where entry.matcher.accepts(value) { body(entry.condition) }
        }
    }

    /// Calls `body` with the `anything-but` conditions that exclude this value.
    @inline(__always)
    func excluded(by value: EventValue, _ body: (Int) -> Void) {
        switch value {
        case .string(let text):
            if let hits = excludedStrings[text] { for condition in hits { body(condition) } }
        case .number(let number):
            if let key = ComparableNumber.key(number), let hits = excludedNumbers[key] { for condition in hits { body(condition) } }
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
