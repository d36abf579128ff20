/// The linear congruential generator of `java.util.Random`, used for
/// `States.MathRandom` with a seed.
///
/// A seeded call must give the same number every time it runs with that seed;
/// Step Functions runs on the JVM, so following `java.util.Random` keeps a
/// seeded call's value stable and, as far as AWS's own implementation goes,
/// the same. Unseeded calls do not use it: they draw from the generator the
/// engine passes in, which is recorded.
struct JavaRandom {
    private static let multiplier: UInt64 = 0x5_DEEC_E66D
    private static let mask: UInt64 = (1 << 48) - 1
    private var state: UInt64

    /// `new Random(seed)`.
    init(seed: Int64) {
        state = (UInt64(bitPattern: seed) ^ Self.multiplier) & Self.mask
    }

    /// `Random.next(bits)`.
    private mutating func next(bits: Int) -> Int32 {
        state = (state &* Self.multiplier &+ 0xB) & Self.mask
        return Int32(truncatingIfNeeded: state >> UInt64(48 - bits))
    }

    /// `Random.nextInt(bound)` for bounds that fit an `int`; wider bounds (which
    /// Java's `int` arithmetic cannot express) are drawn from pairs of outputs.
    mutating func nextInt(bound: Int) -> Int {
        precondition(bound > 0, "nextInt(bound:) needs a positive bound")
        guard bound <= Int(Int32.max) else {
            let high = UInt64(UInt32(bitPattern: next(bits: 32)))
            let low = UInt64(UInt32(bitPattern: next(bits: 32)))
            return Int((high << 32 | low) % UInt64(bound))
        }
        let bound32 = Int32(bound)
        var r = next(bits: 31)
        let m = bound32 - 1
        if bound32 & m == 0 {
            return Int((Int64(bound32) &* Int64(r)) >> 31)
        }
        var u = r
        while true {
            r = u % bound32
            if u &- r &+ m >= 0 { break }
            u = next(bits: 31)
        }
        return Int(r)
    }
}
