/// One leaf value of an event, as patterns see it.
///
/// Patterns only ever compare leaves (strings, numbers, booleans, null); objects and
/// arrays are structure. An empty array or object has no leaves, so a field holding
/// one is *absent* for `exists`.
public enum EventValue: Hashable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
}

/// Numbers as event-ruler compares them: EventBridge turns every number in
/// -5e9...5e9 into a fixed-point value with six decimal places, so `300` and
/// `300.0000001` are equal and numbers outside the range only match exactly.
enum ComparableNumber {
    /// The largest magnitude a numeric pattern may use.
    static let limit = 5_000_000_000.0

    /// The fixed-point form, or `nil` outside the range.
    @inline(__always)
    static func key(_ value: Double) -> Int64? {
        guard value >= -limit, value <= limit else { return nil }
        return Int64((1e6 * (limit + value)).rounded(.towardZero))
    }

    /// Whether two numbers are equal the way a pattern's exact number matches.
    @inline(__always)
    static func equal(_ lhs: Double, _ rhs: Double) -> Bool {
        if let l = key(lhs), let r = key(rhs) { return l == r }
        return lhs == rhs
    }
}
