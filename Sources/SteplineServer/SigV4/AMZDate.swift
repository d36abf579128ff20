import JSON

/// A SigV4 timestamp: `yyyyMMdd'T'HHmmss'Z'` in UTC, as in the `X-Amz-Date` header.
///
/// Parsed by hand rather than with Foundation's formatters: the format is fixed, and
/// the verifier must compare it with the clock as whole seconds since the epoch.
public struct AMZDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int64

    public init(secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }

    /// Parses `20150830T123600Z`; `nil` for anything else, including impossible dates.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
            let hour = number(9..<11), let minute = number(11..<13), let second = number(13..<15),
            (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let days = Self.daysSinceEpoch(year: year, month: month, day: day)
        self.secondsSinceEpoch = days * 86_400 + hour * 3_600 + minute * 60 + second
    }

    /// The `yyyyMMdd` day, as in a credential scope.
    public var day: String { String(description.prefix(8)) }

    /// The `yyyyMMdd'T'HHmmss'Z'` form.
    public var description: String { CivilTime(secondsSinceEpoch: secondsSinceEpoch).iso8601(.basic) }

    public static func < (lhs: AMZDate, rhs: AMZDate) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }

    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        CivilDate.daysSinceEpoch(year: year, month: month, day: day)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 { Int64(CivilDate.length(ofMonth: Int(month), year: Int(year))) }
}
