/// A proleptic Gregorian date in UTC, converted to and from days since
/// 1970-01-01 with Howard Hinnant's civil algorithms (`days_from_civil`,
/// `civil_from_days`): exact, no tables, no Foundation time zones.
///
/// The one calendar of the pure modules: ASL and JSONata timestamps, SNS and
/// SigV4 dates and cron schedules all count days through it. It lives here
/// because every one of them depends on JSON and on nothing else in common.
public struct CivilDate: Sendable, Hashable {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` days after 1970-01-01 (before it when negative).
    public init(daysSinceEpoch days: Int64) {
        let (year, month, day) = Self.components(daysSinceEpoch: days)
        self.init(year: Int(year), month: Int(month), day: Int(day))
    }

    /// Days since 1970-01-01, the inverse of ``init(daysSinceEpoch:)``.
    public var daysSinceEpoch: Int64 { Self.daysSinceEpoch(year: Int64(year), month: Int64(month), day: Int64(day)) }

    /// Days since 1970-01-01 of a date given as numbers (`days_from_civil`); a day past
    /// its month's end counts on into the next, as the algorithm does.
    public static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The year, month and day `days` days after 1970-01-01, as numbers (`civil_from_days`).
    public static func components(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, dayOfYear - (153 * monthIndex + 2) / 5 + 1)
    }

    /// 1 (Sunday) … 7 (Saturday), as cron counts; 1970-01-01 was a Thursday.
    public var weekday: Int {
        let days = daysSinceEpoch
        return Int(((days % 7) + 7 + 4) % 7) + 1
    }

    /// How many days `month` of `year` has.
    public static func length(ofMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
