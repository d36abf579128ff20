import JSON

/// A UTC instant broken into the proleptic Gregorian calendar fields a
/// date-time picture can show, including the ISO week-date ones.
///
/// The date and time of day are the pure modules' one calendar (`CivilTime`); the
/// week fields are arithmetic on day numbers, so the result never depends on the
/// host's calendar, locale or time zone.
struct JSONataCivilTime {
    /// The instant's date and time of day.
    let time: CivilTime
    /// Days since 1970-01-01.
    let days: Int64

    init(millisecondsSinceEpoch millis: Int64) {
        time = CivilTime(millisecondsSinceEpoch: millis)
        days = time.date.daysSinceEpoch
    }

    var year: Int64 { Int64(time.date.year) }
    var month: Int64 { Int64(time.date.month) }
    var hour: Int64 { Int64(time.hour) }

    /// Days since the epoch of `day` of `month` (1-based; months past 12 or
    /// below 1 roll into the next or previous years, days past the month's end
    /// into the next months, as JavaScript's `Date.UTC` does).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let monthIndex = month - 1
        let carry = monthIndex >= 0 ? monthIndex / 12 : (monthIndex - 11) / 12
        return Timestamp.days(fromCivil: year + carry, monthIndex - carry * 12 + 1, 1) + day - 1
    }

    /// ISO day of the week of a day number: 1 is Monday, 7 is Sunday.
    static func weekday(ofDays days: Int64) -> Int64 {
        // 1970-01-01 was a Thursday.
        ((days % 7 + 7) % 7 + 3) % 7 + 1
    }

    /// The Monday that starts week 1 of a month (or, for January, of the
    /// year): the week containing the month's first Thursday (ISO 8601, which
    /// XPath extends to months).
    static func startOfFirstWeek(year: Int64, month: Int64) -> Int64 {
        let first = days(year: year, month: month, day: 1)
        let weekday = weekday(ofDays: first)
        return weekday > 4 ? first + 8 - weekday : first - (weekday - 1)
    }

    var weekday: Int64 { Self.weekday(ofDays: days) }

    var dayOfYear: Int64 { days - Self.days(year: year, month: 1, day: 1) + 1 }

    /// The ISO week of the year (1…53), which near New Year may belong to the
    /// neighbouring year (see ``isoWeekYear``).
    var isoWeekOfYear: Int64 {
        let start = Self.startOfFirstWeek(year: year, month: 1)
        if days < start { return (days - Self.startOfFirstWeek(year: year - 1, month: 1)) / 7 + 1 }
        if days >= Self.startOfFirstWeek(year: year + 1, month: 1) { return 1 }
        return (days - start) / 7 + 1
    }

    /// The week of the month (1…5), counted like ISO weeks within the month.
    var weekOfMonth: Int64 {
        let start = Self.startOfFirstWeek(year: year, month: month)
        if days < start { return (days - Self.startOfFirstWeek(year: year, month: month - 1)) / 7 + 1 }
        if days >= Self.startOfFirstWeek(year: year, month: month + 1) { return 1 }
        return (days - start) / 7 + 1
    }

    /// The year the ISO week belongs to (Saturday 2005-01-01 is in 2004's week 53).
    var isoWeekYear: Int64 {
        if days < Self.startOfFirstWeek(year: year, month: 1) { return year - 1 }
        if days >= Self.startOfFirstWeek(year: year + 1, month: 1) { return year + 1 }
        return year
    }

    /// The month the week of the month belongs to (1…12).
    var weekMonth: Int64 {
        if days < Self.startOfFirstWeek(year: year, month: month) { return month == 1 ? 12 : month - 1 }
        if days >= Self.startOfFirstWeek(year: year, month: month + 1) { return month == 12 ? 1 : month + 1 }
        return month
    }

    /// The value of an integer component letter (`Y`, `M`, `D`, `d`, `F`, `W`,
    /// `w`, `X`, `x`, `H`, `h`, `m`, `s`, `f`), or of `P` as 0 (am) or 1 (pm).
    func value(of component: Character) -> Int64? {
        switch component {
        case "Y": year
        case "M": month
        case "D": Int64(time.date.day)
        case "d": dayOfYear
        case "F": weekday
        case "W": isoWeekOfYear
        case "w": weekOfMonth
        case "X": isoWeekYear
        case "x": weekMonth
        case "H": hour
        case "h": hour % 12 == 0 ? 12 : hour % 12
        case "P": hour >= 12 ? 1 : 0
        case "m": Int64(time.minute)
        case "s": Int64(time.second)
        case "f": Int64(time.millisecond)
        default: nil
        }
    }
}
