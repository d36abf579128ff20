/// One alternative of a field's condition: `"x"`, `{"prefix": "x"}`, `{"numeric": [...]}`, ….
///
/// A field matches when any of its alternatives accepts any of the field's leaf
/// values (or, for `{"exists": false}`, when the field has no leaf at all).
enum ValueMatcher: Hashable, Sendable {
    /// `"x"`, `12`, `true`, `null`: equal value and type; numbers compare numerically.
    case exact(EventValue)
    /// An exact string that is an IP address matches that address in any spelling.
    case ipAddress(IPRange)
    case prefix(String)
    case prefixIgnoringCase(String)
    case suffix(String)
    case suffixIgnoringCase(String)
    case equalsIgnoringCase(String)
    case wildcard(WildcardPattern)
    case numeric(NumericRange)
    case cidr(IPRange)
    case exists(Bool)
    case anythingBut(AnythingBut)

    /// Whether this alternative accepts one leaf value.
    ///
    /// String operators (`prefix`, `suffix`, `equals-ignore-case`, `wildcard`,
    /// `cidr`) accept only strings; `numeric` only numbers; `anything-but` accepts
    /// every leaf, of any type, that is not one of the excluded strings or numbers.
    func accepts(_ value: EventValue) -> Bool {
        switch self {
        case .exact(let expected):
            if case .number(let pattern) = expected, case .number(let actual) = value {
                return ComparableNumber.equal(pattern, actual)
            }
            return expected == value
        case .ipAddress(let range), .cidr(let range):
            guard case .string(let text) = value, let address = IPRange.address(text) else { return false }
            return range.contains(address)
        case .prefix(let prefix):
            guard case .string(let text) = value else { return false }
            return text.utf8.starts(with: prefix.utf8)
        case .prefixIgnoringCase(let folded):
            guard case .string(let text) = value else { return false }
            return text.lowercased().utf8.starts(with: folded.utf8)
        case .suffix(let suffix):
            guard case .string(let text) = value else { return false }
            return text.utf8.reversed().starts(with: suffix.utf8.reversed())
        case .suffixIgnoringCase(let folded):
            guard case .string(let text) = value else { return false }
            return text.lowercased().utf8.reversed().starts(with: folded.utf8.reversed())
        case .equalsIgnoringCase(let folded):
            guard case .string(let text) = value else { return false }
            return text.lowercased() == folded
        case .wildcard(let pattern):
            guard case .string(let text) = value else { return false }
            return pattern.matches(text)
        case .numeric(let range):
            guard case .number(let number) = value else { return false }
            return range.contains(number)
        case .exists(let present):
            return present
        case .anythingBut(let exclusion):
            return !exclusion.excludes(value)
        }
    }
}

/// The values an `anything-but` leaves out.
enum AnythingBut: Hashable, Sendable {
    /// Strings or numbers (never mixed), compared exactly; numbers numerically.
    case values(strings: Set<String>, numbers: Set<Int64>)
    /// Strings compared without case (stored lowercased).
    case valuesIgnoringCase(Set<String>)
    case prefixes([String])
    case suffixes([String])
    case wildcards([WildcardPattern])

    /// Whether `value` is one of the excluded values (then the field does not match through this leaf).
    func excludes(_ value: EventValue) -> Bool {
        switch self {
        case .values(let strings, let numbers):
            switch value {
            case .string(let text): return strings.contains(text)
            case .number(let number):
                guard let key = ComparableNumber.key(number) else { return false }
                return numbers.contains(key)
            default: return false
            }
        case .valuesIgnoringCase(let folded):
            guard case .string(let text) = value else { return false }
            return folded.contains(text.lowercased())
        case .prefixes(let prefixes):
            guard case .string(let text) = value else { return false }
            return prefixes.contains { text.utf8.starts(with: $0.utf8) }
        case .suffixes(let suffixes):
            guard case .string(let text) = value else { return false }
            return suffixes.contains { text.utf8.reversed().starts(with: $0.utf8.reversed()) }
        case .wildcards(let patterns):
            guard case .string(let text) = value else { return false }
            return patterns.contains { $0.matches(text) }
        }
    }
}

/// A `numeric` condition: an interval with open or closed ends, in fixed-point form.
struct NumericRange: Hashable, Sendable {
    var lower: Int64?
    var lowerOpen = false
    var upper: Int64?
    var upperOpen = false

    /// Only numbers inside -5e9...5e9 can satisfy a range, as in EventBridge.
    func contains(_ number: Double) -> Bool {
        guard let key = ComparableNumber.key(number) else { return false }
        if let lower { if lowerOpen ? key <= lower : key < lower { return false } }
        if let upper { if upperOpen ? key >= upper : key > upper { return false } }
        return true
    }
}
