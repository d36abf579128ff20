import JSON
/// AWS's six-field cron, `minutes hours day-of-month month day-of-week year`, in UTC.
///
/// Each field takes values, ranges (`1-5`), lists (`1,15`), steps (`0/15`,
/// `*/10`, `5-50/5`) and `*`. Day-of-month also takes `L` (the month's last
/// day), `nW` (the weekday nearest day n, within the month) and `LW` (the last
/// weekday); day-of-week takes `SUN`-`SAT` or 1-7 (1 is Sunday), `L` (Saturday),
/// `nL` (the month's last day n) and `n#k` (its k-th day n). Months take
/// `JAN`-`DEC`. One of day-of-month and day-of-week must be `?`, and only one:
/// EventBridge refuses both a day of the month and a day of the week.
public struct CronExpression: Sendable, Hashable {
    public let minutes: Set<Int>
    public let hours: Set<Int>
    public let months: Set<Int>
    public let years: Set<Int>
    public let days: DayRule

    /// Which days of a month match.
    public enum DayRule: Sendable, Hashable {
        case daysOfMonth([DayOfMonth])
        case daysOfWeek([DayOfWeek])
    }

    public enum DayOfMonth: Sendable, Hashable {
        case day(Int)
        case last
        case lastWeekday
        case nearestWeekday(Int)
    }

    public enum DayOfWeek: Sendable, Hashable {
        /// 1 (Sunday) … 7 (Saturday).
        case weekday(Int)
        case lastOfMonth(Int)
        case nth(Int, Int)
    }

    static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
    static let yearRange = 1970...2199

    /// Parses the six fields between `cron(` and `)`.
    /// - Throws: ``ScheduleExpressionError`` naming the field and the token.
    public init(parsing text: String) throws(ScheduleExpressionError) {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count == 6 else {
            throw ScheduleExpressionError("cron() takes six fields (minutes hours day-of-month month day-of-week year), not \(fields.count)")
        }
        minutes = try Self.values(fields[0], field: "minutes", range: 0...59)
        hours = try Self.values(fields[1], field: "hours", range: 0...23)
        months = try Self.values(fields[3], field: "month", range: 1...12, names: Self.monthNames)
        years = try Self.values(fields[5], field: "year", range: Self.yearRange)
        switch (fields[2] == "?", fields[4] == "?") {
        case (true, false): days = .daysOfWeek(try Self.daysOfWeek(fields[4]))
        case (false, true): days = .daysOfMonth(try Self.daysOfMonth(fields[2]))
        case (true, true): throw ScheduleExpressionError("day-of-month and day-of-week cannot both be '?'")
        case (false, false):
            throw ScheduleExpressionError("one of day-of-month ('\(fields[2])') and day-of-week ('\(fields[4])') must be '?'")
        }
    }

    // MARK: Parsing

    /// The values a field's comma-separated items select.
    static func values(_ text: String, field: String, range: ClosedRange<Int>, names: [String] = []) throws(ScheduleExpressionError) -> Set<Int> {
        var selected = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            selected.formUnion(try itemValues(item, field: field, range: range, names: names))
        }
        return selected
    }

    static func itemValues(_ item: String, field: String, range: ClosedRange<Int>, names: [String]) throws(ScheduleExpressionError) -> [Int] {
        let parts = item.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else { throw ScheduleExpressionError("\(field): '\(item)' has more than one '/'") }
        var step = 1
        if parts.count == 2 {
            guard let value = Int(parts[1]), value > 0 else {
                throw ScheduleExpressionError("\(field): the step in '\(item)' must be a positive number")
            }
            step = value
        }
        let base = parts[0]
        let low: Int, high: Int
        if base == "*" {
            (low, high) = (range.lowerBound, range.upperBound)
        } else if let dash = base.firstIndex(of: "-") {
            low = try value(String(base[..<dash]), field: field, range: range, names: names)
            high = try value(String(base[base.index(after: dash)...]), field: field, range: range, names: names)
            guard low <= high else { throw ScheduleExpressionError("\(field): the range '\(base)' runs backwards") }
        } else {
            low = try value(base, field: field, range: range, names: names)
            // `5/15` means from 5 to the end of the field, every 15.
            high = parts.count == 2 ? range.upperBound : low
        }
        return Array(stride(from: low, through: high, by: step))
    }

    static func value(_ text: String, field: String, range: ClosedRange<Int>, names: [String]) throws(ScheduleExpressionError) -> Int {
        if let index = names.firstIndex(of: text.uppercased()) { return range.lowerBound + index }
        guard let number = Int(text) else { throw ScheduleExpressionError("\(field): '\(text)' is not a value") }
        guard range.contains(number) else {
            throw ScheduleExpressionError("\(field): '\(text)' is outside \(range.lowerBound)-\(range.upperBound)")
        }
        return number
    }

    static func daysOfMonth(_ text: String) throws(ScheduleExpressionError) -> [DayOfMonth] {
        var rules: [DayOfMonth] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            switch item.uppercased() {
            case "L": rules.append(.last)
            case "LW": rules.append(.lastWeekday)
            case let upper where upper.hasSuffix("W"):
                rules.append(.nearestWeekday(try value(String(upper.dropLast()), field: "day-of-month", range: 1...31, names: [])))
            default:
                rules += try itemValues(item, field: "day-of-month", range: 1...31, names: []).map(DayOfMonth.day)
            }
        }
        return rules
    }

    static func daysOfWeek(_ text: String) throws(ScheduleExpressionError) -> [DayOfWeek] {
        var rules: [DayOfWeek] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            let upper = item.uppercased()
            if upper == "L" {
                rules.append(.weekday(7))
            } else if let hash = upper.firstIndex(of: "#") {
                let day = try value(String(upper[..<hash]), field: "day-of-week", range: 1...7, names: dayNames)
                let nth = try value(String(upper[upper.index(after: hash)...]), field: "day-of-week", range: 1...5, names: [])
                rules.append(.nth(day, nth))
            } else if upper.count > 1, upper.hasSuffix("L") {
                rules.append(.lastOfMonth(try value(String(upper.dropLast()), field: "day-of-week", range: 1...7, names: dayNames)))
            } else {
                rules += try itemValues(upper, field: "day-of-week", range: 1...7, names: dayNames).map(DayOfWeek.weekday)
            }
        }
        return rules
    }

    // MARK: Next fire

    /// The first minute strictly after `time` (ms since the epoch, UTC) that
    /// every field matches, or `nil` when no such minute comes before 2200.
    public func nextFire(after time: Int64) -> Int64? {
        var minute = Self.floorDiv(time, 60_000) + 1
        // Each pass either returns or jumps to the start of the next candidate
        // year, month, day, hour or minute, so the loop is bounded by them.
        while true {
            let days = Self.floorDiv(minute, 1440)
            let date = CivilDate(daysSinceEpoch: days)
            guard date.year <= Self.yearRange.upperBound, let lastYear = years.max(), date.year <= lastYear else { return nil }
            if !years.contains(date.year) {
                minute = CivilDate(year: date.year + 1, month: 1, day: 1).daysSinceEpoch * 1440
                continue
            }
            if !months.contains(date.month) {
                let (year, month) = date.month == 12 ? (date.year + 1, 1) : (date.year, date.month + 1)
                minute = CivilDate(year: year, month: month, day: 1).daysSinceEpoch * 1440
                continue
            }
            if !matches(date) {
                minute = (days + 1) * 1440
                continue
            }
            let minuteOfDay = Int(minute - days * 1440)
            let (hour, minuteOfHour) = (minuteOfDay / 60, minuteOfDay % 60)
            if !hours.contains(hour) {
                guard let next = hours.filter({ $0 > hour }).min() else {
                    minute = (days + 1) * 1440
                    continue
                }
                minute = days * 1440 + Int64(next * 60)
                continue
            }
            guard let next = minutes.filter({ $0 >= minuteOfHour }).min() else {
                minute = days * 1440 + Int64((hour + 1) * 60)
                continue
            }
            return (days * 1440 + Int64(hour * 60 + next)) * 60_000
        }
    }

    /// Whether the day-of-month or day-of-week rule selects `date`.
    func matches(_ date: CivilDate) -> Bool {
        let length = CivilDate.length(ofMonth: date.month, year: date.year)
        switch days {
        case .daysOfMonth(let rules):
            return rules.contains { rule in
                switch rule {
                case .day(let day): return day == date.day
                case .last: return date.day == length
                case .lastWeekday:
                    return date.day == Self.nearestWeekday(to: length, in: date, length: length)
                case .nearestWeekday(let target):
                    return target <= length && date.day == Self.nearestWeekday(to: target, in: date, length: length)
                }
            }
        case .daysOfWeek(let rules):
            let weekday = date.weekday
            return rules.contains { rule in
                switch rule {
                case .weekday(let day): return day == weekday
                case .lastOfMonth(let day): return day == weekday && date.day + 7 > length
                case .nth(let day, let nth): return day == weekday && (date.day - 1) / 7 + 1 == nth
                }
            }
        }
    }

    /// The weekday (Monday-Friday) nearest `target` in `date`'s month, never
    /// crossing into another month (Quartz's and AWS's `W`).
    static func nearestWeekday(to target: Int, in date: CivilDate, length: Int) -> Int {
        let weekday = CivilDate(year: date.year, month: date.month, day: target).weekday
        switch weekday {
        case 7: return target == 1 ? 3 : target - 1  // Saturday: Friday, or Monday the 3rd.
        case 1: return target == length ? target - 2 : target + 1  // Sunday: Monday, or Friday before.
        default: return target
        }
    }

    static func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }
}
