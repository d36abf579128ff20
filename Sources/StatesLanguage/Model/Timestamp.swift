import JSON

/// A point in time with millisecond precision, counted from the Unix epoch.
///
/// The pure core never reads a clock: every `Timestamp` it sees arrives in a
/// command and is written into events. Step Functions reports times with
/// millisecond precision, so that is all this type keeps. Formatting and parsing
/// implement the ISO-8601 subset ASL uses (`2016-03-14T01:59:00Z`,
/// `2016-03-14T01:59:00.123+02:00`) without Foundation, so the module stays small
/// and the results do not depend on the host's locale or time zone.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// This time plus a number of seconds (saturating, so absurd waits cannot trap).
    public func adding(seconds: Int64) -> Timestamp {
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return Timestamp(millisecondsSinceEpoch: seconds < 0 ? .min : .max) }
        let (sum, overflow2) = millisecondsSinceEpoch.addingReportingOverflow(product)
        guard !overflow2 else { return Timestamp(millisecondsSinceEpoch: product < 0 ? .min : .max) }
        return Timestamp(millisecondsSinceEpoch: sum)
    }

    /// This time plus a number of milliseconds.
    public func adding(milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch &+ milliseconds)
    }

    /// ISO-8601 in UTC with milliseconds, as Step Functions writes context times
    /// (`2024-01-02T03:04:05.678Z`).
    public var iso8601: String { CivilTime(millisecondsSinceEpoch: millisecondsSinceEpoch).iso8601() }

    public var description: String { iso8601 }

    /// Parses an ISO-8601 extended date-time with a zone (`Z` or `±hh:mm`), as
    /// the Wait state's `Timestamp` requires; fractions beyond milliseconds are
    /// truncated. Returns `nil` for anything else, including impossible dates.
    public init?(iso8601 text: String) {
        let bytes = Array(text.utf8)
        var position = 0
        func number(_ width: Int) -> Int64? {
            guard position + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for offset in 0..<width {
                let byte = bytes[position + offset]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            position += width
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard position < bytes.count, bytes[position] == character.asciiValue! else { return false }
            position += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("T"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year), hour < 24,
            minute < 60, second < 60
        else { return nil }
        var millis: Int64 = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            var digits = 0
            while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
                if digits < 3 { millis = millis * 10 + Int64(bytes[position] - 0x30) }
                digits += 1
                position += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { millis *= 10 } }
        }
        var offsetMinutes: Int64 = 0
        guard position < bytes.count else { return nil }
        if bytes[position] == UInt8(ascii: "Z") {
            position += 1
        } else if bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
            let negative = bytes[position] == UInt8(ascii: "-")
            position += 1
            guard let zoneHour = number(2), expect(":"), let zoneMinute = number(2), zoneHour < 24, zoneMinute < 60
            else { return nil }
            offsetMinutes = (zoneHour * 60 + zoneMinute) * (negative ? -1 : 1)
        } else {
            return nil
        }
        guard position == bytes.count else { return nil }
        let days = Self.days(fromCivil: year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60
        self.init(millisecondsSinceEpoch: seconds * 1000 + millis)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 { Int64(CivilDate.length(ofMonth: Int(month), year: Int(year))) }

    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        CivilDate.daysSinceEpoch(year: year, month: month, day: day)
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) { CivilDate.components(daysSinceEpoch: days) }
}
