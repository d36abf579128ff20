import JSON

/// An instant written as an ISO-8601 date-time with an offset, the way Step
/// Functions reads timestamps in Choice rules and Wait states.
///
/// Step Functions parses with Java's `ISO_OFFSET_DATE_TIME` (its error texts
/// say "ISO-8601 extended offset date-time"), so this accepts exactly that:
/// `2016-03-14T01:59:00Z`, `2016-03-14T01:59:00.123+01:00`, seconds optional,
/// `T` and `Z` in either case, an offset of `Z` or `±HH:MM[:SS]`, and real
/// calendar dates only (`2016-02-30` and `25:00` are rejected). A date alone, a
/// space instead of `T`, or a missing offset is not a timestamp.
///
/// Two timestamps compare as instants: `2012-10-09T19:00:55+01:00` equals
/// `2012-10-09T18:00:55Z`.
public struct ASLTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let epochSeconds: Int64
    /// The fraction of the second, in nanoseconds (0 ..< 1_000_000_000).
    public let nanoseconds: Int32

    public init(epochSeconds: Int64, nanoseconds: Int32 = 0) {
        self.epochSeconds = epochSeconds
        self.nanoseconds = nanoseconds
    }

    /// Parses `text`, or returns nil when it is not an ISO-8601 offset date-time.
    public init?(_ text: String) {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.digits(4), scanner.skip("-"), let month = scanner.digits(2), scanner.skip("-"),
            let day = scanner.digits(2), scanner.skip("T") || scanner.skip("t"),
            let hour = scanner.digits(2), scanner.skip(":"), let minute = scanner.digits(2)
        else { return nil }
        var second = 0
        var nanoseconds = 0
        if scanner.skip(":") {
            guard let s = scanner.digits(2) else { return nil }
            second = s
            if scanner.skip(".") {
                var count = 0
                while count < 9, let digit = scanner.digits(1) {
                    nanoseconds = nanoseconds * 10 + digit
                    count += 1
                }
                guard count > 0 else { return nil }
                for _ in count..<9 { nanoseconds *= 10 }
            }
        }
        var offsetSeconds = 0
        if scanner.skip("Z") || scanner.skip("z") {
            offsetSeconds = 0
        } else {
            let sign: Int
            if scanner.skip("+") {
                sign = 1
            } else if scanner.skip("-") {
                sign = -1
            } else {
                return nil
            }
            guard let offsetHours = scanner.digits(2), scanner.skip(":"), let offsetMinutes = scanner.digits(2),
                offsetHours <= 18, offsetMinutes < 60
            else { return nil }
            var offsetSecondsPart = 0
            if scanner.skip(":") {
                guard let s = scanner.digits(2), s < 60 else { return nil }
                offsetSecondsPart = s
            }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60 + offsetSecondsPart)
            guard abs(offsetSeconds) <= 18 * 3600 else { return nil }
        }
        guard scanner.atEnd, (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let days = Self.daysSinceEpoch(year: year, month: month, day: day)
        self.epochSeconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        self.nanoseconds = Int32(nanoseconds)
    }

    public static func < (lhs: ASLTimestamp, rhs: ASLTimestamp) -> Bool {
        (lhs.epochSeconds, lhs.nanoseconds) < (rhs.epochSeconds, rhs.nanoseconds)
    }

    /// The instant in UTC, as `2016-03-14T01:59:00Z` (with a fraction when there is one).
    public var description: String {
        var days = Int(epochSeconds / 86_400)
        var secondOfDay = Int(epochSeconds % 86_400)
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = Self.civil(fromDays: days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var text = "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        if nanoseconds > 0 {
            var fraction = String(nanoseconds)
            fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }

    static func daysIn(month: Int, year: Int) -> Int { CivilDate.length(ofMonth: month, year: year) }

    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        Int(CivilDate.daysSinceEpoch(year: Int64(year), month: Int64(month), day: Int64(day)))
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let date = CivilDate(daysSinceEpoch: Int64(days))
        return (date.year, date.month, date.day)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { position == bytes.count }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        /// Exactly `count` ASCII digits as a number.
        mutating func digits(_ count: Int) -> Int? {
            guard position + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<(position + count)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            position += count
            return value
        }
    }
}
